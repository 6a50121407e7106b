//! What a behaviour family observes beside a cell's time: latency at an offered load, the shares
//! of a fairness cell, a channel's memory. Measured by each process that runs the cell (the
//! process is the unit of replication, so a finding is drawn from several), and stored beside
//! the cell's times, one per process.

use serde::{Deserialize, Serialize};

use crate::cost::Percentiles;

/// One process's observation of one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Observation {
    /// An `offered-load` cell: one load level.
    OfferedLoad(LoadLevel),
    /// A `fairness` cell: the shares.
    Fairness(Shares),
    /// A `memory` cell: the footprint.
    Memory(Footprint),
}

/// An open-loop run at one offered load: senders on a schedule at a fraction of the channel's
/// saturation rate, measured with the same stamped messages just before in the same process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadLevel {
    /// The channel's saturation rate, messages per second: the same stamped messages sent as
    /// fast as the channel takes them, just before.
    pub saturation_per_s: f64,
    /// The rate the schedule offered, messages per second.
    pub target_per_s: f64,
    /// The rate achieved: messages over the time from the first intended send to the last
    /// receipt, per second.
    pub achieved_per_s: f64,
    /// Messages in the run.
    pub messages: u64,
    /// Latency from each message's intended send time to its receipt, ns: a sender behind its
    /// schedule adds its lateness (coordinated omission corrected).
    pub latency: Percentiles,
    /// Latency from each message's actual send to its receipt, ns: what a closed-loop harness
    /// would report, shown beside the corrected figure.
    pub uncorrected: Percentiles,
    /// CPU time of the whole process per message, ns (parked receivers cost none).
    pub cpu_ns_per_msg: f64,
    /// Voluntary plus involuntary context switches per message.
    pub switches_per_msg: f64,
}

impl LoadLevel {
    /// Achieved over offered rate: below 1 the senders fell behind their schedule.
    pub fn kept_up(&self) -> f64 {
        self.achieved_per_s / self.target_per_s
    }
}

/// The messages each consumer, producer or source got, in role order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// Messages per consumer, producer or source.
    pub counts: Vec<u64>,
    /// The longest any one send took to complete, ns (a producer kept waiting), where measured.
    pub longest_send_ns: Option<u64>,
}

impl Shares {
    /// Jain's fairness index, (Σx)² / (n·Σx²): 1 when every share is equal, 1/n when one takes
    /// everything. `None` without counts.
    pub fn jain(&self) -> Option<f64> {
        let n = self.counts.len() as f64;
        let sum: f64 = self.counts.iter().map(|&c| c as f64).sum();
        let squares: f64 = self.counts.iter().map(|&c| (c as f64).powi(2)).sum();
        (squares > 0.0).then(|| sum * sum / (n * squares))
    }

    /// The smallest and the largest share over the fair share (1/n): 1 and 1 when equal.
    pub fn min_max_of_fair(&self) -> Option<(f64, f64)> {
        let total: u64 = self.counts.iter().sum();
        let fair = total as f64 / self.counts.len() as f64;
        let min = *self.counts.iter().min()?;
        let max = *self.counts.iter().max()?;
        (total > 0).then(|| (min as f64 / fair, max as f64 / fair))
    }
}

/// What a channel holds in memory: measured on one thread with `u64` messages, from the
/// counting allocator (heap requested by the channel) and the process's resident memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    /// Empty channels created and held together; the figures per channel divide by it.
    pub channels: u64,
    /// Heap per empty channel, bytes.
    pub empty_heap_bytes: f64,
    /// Resident memory per empty channel, bytes, where `/proc` tells.
    pub empty_rss_bytes: Option<f64>,
    /// Bytes of the sender and receiver handles themselves (`size_of`), beside the heap.
    pub handle_bytes: u64,
    /// Heap (and resident memory) per queued message, at each queue length the capacity allows.
    pub queued: Vec<Queued>,
    /// What the channel still holds after a burst was sent and drained (unbounded channels).
    pub retained: Option<Retained>,
}

/// The memory of `messages` queued `u64`s, per message (the 8 bytes of the message included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// Messages queued.
    pub messages: u64,
    /// Heap per queued message, bytes.
    pub heap_bytes_per_msg: f64,
    /// Resident memory per queued message, bytes, where `/proc` tells.
    pub rss_bytes_per_msg: Option<f64>,
}

/// What one channel still holds after a burst of `burst` messages was sent and all received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retained {
    /// Messages in the burst.
    pub burst: u64,
    /// Heap still held, bytes, over the empty channel's.
    pub heap_bytes: f64,
    /// Resident memory still held, bytes, over the process's before the burst, where `/proc`
    /// tells (the allocator may keep freed pages).
    pub rss_bytes: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(counts: &[u64]) -> Shares {
        Shares {
            counts: counts.to_vec(),
            longest_send_ns: None,
        }
    }

    #[test]
    fn jains_index_is_one_when_equal_and_one_over_n_when_one_takes_all() {
        assert_eq!(shares(&[5, 5, 5, 5]).jain(), Some(1.0));
        assert_eq!(shares(&[8, 0, 0, 0]).jain(), Some(0.25));
        let half = shares(&[3, 1]).jain().unwrap();
        assert!((half - 0.8).abs() < 1e-12, "{half}");
        assert_eq!(shares(&[0, 0]).jain(), None);
        assert_eq!(shares(&[2, 6]).min_max_of_fair(), Some((0.5, 1.5)));
    }

    #[test]
    fn an_observation_survives_json_with_its_kind() {
        let o = Observation::Fairness(shares(&[1, 2]));
        let json = serde_json::to_string(&o).unwrap();
        assert!(json.starts_with("{\"kind\":\"fairness\""), "{json}");
        assert_eq!(serde_json::from_str::<Observation>(&json).unwrap(), o);
    }
}
