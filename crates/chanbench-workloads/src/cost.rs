//! What a run costs beyond wall time: CPU time, context switches and allocations, per message.
//!
//! Measured around one fixed-size run with `getrusage(RUSAGE_SELF)`, which sums every thread of
//! the process, so a spinning implementation shows the CPU it burns even when its wall time looks
//! good. The cost run is separate from criterion's timed runs.

use nix::sys::{resource, time::TimeValLike};
use serde::Serialize;

use crate::{alloc::count_allocations, workload::Measured};

/// The cost of one fixed-size run. Totals are per run; `*_per_msg` divide by `messages`.
#[derive(Debug, Clone, Serialize)]
pub struct Cost {
    /// Messages (ping-pong: round trips) in the run.
    pub messages: u64,
    /// The workload's timed interval, ns per run.
    pub wall_ns: u64,
    /// User plus system CPU time of all threads, ns per run.
    pub cpu_ns: u64,
    /// Voluntary context switches (blocking), per run.
    pub voluntary_switches: u64,
    /// Involuntary context switches (preemption), per run.
    pub involuntary_switches: u64,
    /// Heap allocations per run; `None` when the counting allocator is not installed.
    pub allocations: Option<u64>,
    /// Bytes allocated per run; `None` when the counting allocator is not installed.
    pub allocated_bytes: Option<u64>,
    /// Wall time, ns per message.
    pub wall_ns_per_msg: f64,
    /// CPU time, ns per message.
    pub cpu_ns_per_msg: f64,
    /// Voluntary context switches per message.
    pub voluntary_switches_per_msg: f64,
    /// Involuntary context switches per message.
    pub involuntary_switches_per_msg: f64,
    /// Allocations per message.
    pub allocations_per_msg: Option<f64>,
    /// Bytes allocated per message.
    pub allocated_bytes_per_msg: Option<f64>,
    /// Latency percentiles in ns (per message; ping-pong: per round trip), where recorded.
    pub latency: Option<Percentiles>,
}

/// Latency percentiles in nanoseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentiles {
    /// Median, ns.
    pub p50_ns: u64,
    /// 99th percentile, ns.
    pub p99_ns: u64,
    /// 99.9th percentile, ns.
    pub p999_ns: u64,
    /// Maximum, ns.
    pub max_ns: u64,
    /// Samples recorded.
    pub samples: u64,
}

struct Usage {
    cpu_ns: i64,
    voluntary: i64,
    involuntary: i64,
}

fn usage() -> Usage {
    let u = resource::getrusage(resource::UsageWho::RUSAGE_SELF)
        .expect("getrusage(RUSAGE_SELF) cannot fail for the calling process");
    Usage {
        cpu_ns: (u.user_time().num_microseconds() + u.system_time().num_microseconds()) * 1_000,
        voluntary: u.voluntary_context_switches(),
        involuntary: u.involuntary_context_switches(),
    }
}

/// Runs `run` once and reports what it cost.
pub fn measure_cost(run: impl FnOnce() -> Measured) -> Cost {
    let before = usage();
    let (measured, allocations) = count_allocations(run);
    let after = usage();
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
        latency: measured.latency.map(|h| Percentiles {
            p50_ns: h.value_at_quantile(0.50),
            p99_ns: h.value_at_quantile(0.99),
            p999_ns: h.value_at_quantile(0.999),
            max_ns: h.max(),
            samples: h.len(),
        }),
    }
}
