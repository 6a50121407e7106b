//! What a run costs beyond wall time: CPU time, context switches and allocations, per message.
//!
//! Measured around one fixed-size run with `getrusage(RUSAGE_SELF)`, which sums every thread of
//! the process, so a spinning implementation shows the CPU it burns even when its wall time looks
//! good. The cost run is separate from criterion's timed runs.

pub use chanbench_schema::{Cost, Percentiles};
use nix::sys::{resource, time::TimeValLike};

use crate::{alloc::count_allocations, workload::Measured};

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
