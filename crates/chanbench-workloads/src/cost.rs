//! What a run costs beyond wall time: CPU time, context switches and allocations, per message.
//!
//! Measured around one fixed-size run with `getrusage(RUSAGE_SELF)`, which sums every thread of
//! the process, so a spinning implementation shows the CPU it burns even when its wall time looks
//! good. The cost run is separate from criterion's timed runs. Work done for the run by another
//! process (a transport cell's peers in a process of their own) is counted too: that process
//! reports its usage from the moment it was told to go, and the node adds it
//! ([`add_helper_usage`]).
//!
//! Resident memory is read from `/proc/self` (parsed by procfs-core): the size when the run starts, and the
//! peak during it, after resetting the process's high-water mark to its current size
//! (`clear_refs` 5, Linux 4.0 and later). Where `/proc` cannot tell, both are absent.

pub use chanbench_schema::{Cost, Percentiles};
use std::sync::atomic::{AtomicI64, Ordering};

use hdrhistogram::Histogram;
use nix::sys::{resource, time::TimeValLike};
use procfs_core::{
    FromRead,
    process::{ClearRefs, Status},
};

use crate::{alloc::count_allocations, workload::Measured};

/// CPU time and context switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// User plus system CPU time, ns.
    pub cpu_ns: i64,
    /// Voluntary context switches.
    pub voluntary: i64,
    /// Involuntary context switches.
    pub involuntary: i64,
}

impl Usage {
    /// This process's usage so far, all threads (`getrusage(RUSAGE_SELF)`).
    pub fn of_this_process() -> Self {
        let u = resource::getrusage(resource::UsageWho::RUSAGE_SELF)
            .expect("getrusage(RUSAGE_SELF) cannot fail for the calling process");
        Self {
            cpu_ns: (u.user_time().num_microseconds() + u.system_time().num_microseconds()) * 1_000,
            voluntary: u.voluntary_context_switches(),
            involuntary: u.involuntary_context_switches(),
        }
    }

    /// What was used from `earlier` to this.
    pub fn since(self, earlier: Usage) -> Usage {
        Usage {
            cpu_ns: self.cpu_ns - earlier.cpu_ns,
            voluntary: self.voluntary - earlier.voluntary,
            involuntary: self.involuntary - earlier.involuntary,
        }
    }
}

/// The usage other processes reported doing this process's work (a transport cell's peers'
/// process, from its go to its end: not its start-up), added to this process's own.
static HELPERS: [AtomicI64; 3] = [AtomicI64::new(0), AtomicI64::new(0), AtomicI64::new(0)];

/// Counts `u`, another process's usage on this process's behalf, in every cost run around it.
pub fn add_helper_usage(u: Usage) {
    for (total, v) in HELPERS.iter().zip([u.cpu_ns, u.voluntary, u.involuntary]) {
        total.fetch_add(v, Ordering::Relaxed);
    }
}

/// This process's usage and its helpers'.
fn usage() -> Usage {
    let own = Usage::of_this_process();
    let [cpu, voluntary, involuntary] = &HELPERS;
    Usage {
        cpu_ns: own.cpu_ns + cpu.load(Ordering::Relaxed),
        voluntary: own.voluntary + voluntary.load(Ordering::Relaxed),
        involuntary: own.involuntary + involuntary.load(Ordering::Relaxed),
    }
}

/// The process's resident size now, bytes, with its high-water mark reset to it; `None` where
/// `/proc` cannot tell or refuses the reset.
fn reset_peak_rss() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", ClearRefs::PeakRSS.to_string()).ok()?;
    Some(status()?.vmrss? * 1024)
}

/// The process's resident size now, bytes; `None` where `/proc` cannot tell.
pub fn resident_bytes() -> Option<u64> {
    Some(status()?.vmrss? * 1024)
}

/// The process's resident high-water mark, bytes.
fn peak_rss() -> Option<u64> {
    Some(status()?.vmhwm? * 1024)
}

/// `/proc/self/status`, parsed by procfs (its sizes are in KiB).
fn status() -> Option<Status> {
    Status::from_file("/proc/self/status").ok()
}

/// A latency histogram's percentiles.
pub fn percentiles(h: &Histogram<u64>) -> Percentiles {
    Percentiles {
        p50_ns: h.value_at_quantile(0.50),
        p99_ns: h.value_at_quantile(0.99),
        p999_ns: h.value_at_quantile(0.999),
        max_ns: h.max(),
        samples: h.len(),
    }
}

/// Runs `run` once and reports what it cost.
pub fn measure_cost(run: impl FnOnce() -> Measured) -> Cost {
    let rss_before = reset_peak_rss();
    let before = usage();
    let (measured, allocations) = count_allocations(run);
    let after = usage();
    let peak_rss = rss_before.and_then(|_| peak_rss());
    let messages = measured.messages.max(1);
    let per = |total: u64| total as f64 / messages as f64;
    let delta = |a: i64, b: i64| u64::try_from(a - b).unwrap_or(0);
    let cpu_ns = delta(after.cpu_ns, before.cpu_ns);
    let voluntary = delta(after.voluntary, before.voluntary);
    let involuntary = delta(after.involuntary, before.involuntary);
    let wall_ns = u64::try_from(measured.elapsed.as_nanos()).unwrap_or(u64::MAX);
    Cost {
        messages: measured.messages,
        wall_ns,
        cpu_ns,
        voluntary_switches: voluntary,
        involuntary_switches: involuntary,
        allocations: allocations.map(|a| a.count),
        allocated_bytes: allocations.map(|a| a.bytes),
        wall_ns_per_msg: per(wall_ns),
        cpu_ns_per_msg: per(cpu_ns),
        voluntary_switches_per_msg: per(voluntary),
        involuntary_switches_per_msg: per(involuntary),
        allocations_per_msg: allocations.map(|a| per(a.count)),
        allocated_bytes_per_msg: allocations.map(|a| per(a.bytes)),
        latency: measured.latency.as_ref().map(percentiles),
        peak_heap_bytes: allocations.map(|a| a.peak_live_bytes),
        rss_before_bytes: rss_before,
        peak_rss_bytes: peak_rss,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn touching(bytes: usize) -> Cost {
        measure_cost(|| {
            // Every page written, so it is resident, then freed before the run ends: only the
            // peak can show it.
            let mut v = vec![0u8; bytes];
            for page in v.chunks_mut(4096) {
                page[0] = 1;
            }
            std::hint::black_box(&v);
            drop(v);
            Measured {
                elapsed: Duration::from_millis(1),
                messages: 1,
                latency: None,
            }
        })
    }

    #[test]
    fn the_peak_resident_memory_of_a_run_is_what_it_touched_not_what_came_before() {
        // A run touching 64 MiB, after one that touched 128 MiB: the high-water mark is reset
        // per run, so the second reads its own 64 MiB, not the first's 128.
        let big = touching(128 << 20);
        let small = touching(64 << 20);
        let mib = |b: Option<u64>| b.expect("/proc tells resident memory on Linux") >> 20;
        assert!((120..200).contains(&mib(big.rss_growth_bytes())), "{big:?}");
        assert!(
            (60..100).contains(&mib(small.rss_growth_bytes())),
            "{small:?}"
        );
        assert!(mib(small.peak_rss_bytes) > mib(small.rss_before_bytes));
    }

    #[test]
    fn usage_a_helper_process_reports_during_a_run_is_counted_in_it() {
        let helped = measure_cost(|| {
            add_helper_usage(Usage {
                cpu_ns: 1_000_000_000_000,
                voluntary: 7_000_000,
                involuntary: 0,
            });
            Measured {
                elapsed: Duration::from_millis(1),
                messages: 1,
                latency: None,
            }
        });
        // A thousand seconds of CPU and seven million switches this test's own threads did not
        // spend: only the helper's report can put them there.
        assert!(helped.cpu_ns >= 1_000_000_000_000, "{helped:?}");
        assert!(helped.voluntary_switches >= 7_000_000, "{helped:?}");
    }
}
