//! What a cell costs beyond wall time, from its cost run: CPU time, context switches,
//! allocations and latency percentiles. Measured by `chanbench-workloads::cost`.

use serde::{Deserialize, Serialize};

/// The cost of one fixed-size run. Totals are per run; `*_per_msg` divide by `messages` (a
/// message in the workload's unit: a round trip in ping-pong, an item in distribute ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Messages (in the workload's unit) in the run.
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
    /// Latency percentiles in ns, where recorded (what they measure: the workload's
    /// [`Latency`](crate::Latency)).
    pub latency: Option<Percentiles>,
    /// The most heap the run held at once, bytes (allocated minus freed since it started, at its
    /// highest); `None` when the counting allocator is not installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_heap_bytes: Option<u64>,
    /// The process's resident memory when the run started, bytes (`VmRSS`; absent from runs
    /// before it was recorded, and where `/proc` cannot tell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss_before_bytes: Option<u64>,
    /// The process's peak resident memory during the run, bytes: the high-water mark, reset to
    /// the current size when the run started (`clear_refs` 5, then `VmHWM`). It counts the whole
    /// process, so read it beside [`Cost::rss_before_bytes`]: the difference is what the run
    /// added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
}

impl Cost {
    /// Voluntary plus involuntary context switches per message.
    pub fn switches_per_msg(&self) -> f64 {
        self.voluntary_switches_per_msg + self.involuntary_switches_per_msg
    }

    /// Resident memory the run added at its peak, bytes: peak minus the size it started at.
    pub fn rss_growth_bytes(&self) -> Option<u64> {
        Some(self.peak_rss_bytes?.saturating_sub(self.rss_before_bytes?))
    }
}

/// Latency percentiles in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
