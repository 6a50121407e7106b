//! What the matrix sweeps, in full and in the smoke profile's reduced matrix: the one place the
//! smoke rules live. The reduced matrix keeps every family and workload but sweeps three payloads,
//! one pause, one grain, one message rate, two source counts, two peer counts and one offered
//! load, and the behaviour families observe briefly ([`Extent::Brief`]).

use std::time::Duration;

use chanbench_schema::Grain;

use crate::strategy::{distribute::GRAINS, receive::GAPS, sources::SOURCE_COUNTS, transport};

/// The `burst` workload's pauses.
pub const BURST_PAUSES: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_micros(100),
    Duration::from_millis(1),
];

/// `offered-load`'s loads, percent of the channel's own saturation rate.
pub const LOADS: [u32; 4] = [10, 50, 80, 95];

/// How much a behaviour family's observation measures: in full, or briefly (the smoke profile,
/// the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// The sizes the findings are drawn from.
    Full,
    /// Small sizes: a check that it runs, not a figure.
    Brief,
}

/// The sweeps of one matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    /// Payloads of the `spsc` sweep and `ping-pong` beside `u64`, by label (`None`: all).
    pub payloads: Option<Vec<&'static str>>,
    /// `burst`'s pauses.
    pub pauses: Vec<Duration>,
    /// `distribute`'s grains, with their hash rounds per item.
    pub grains: Vec<(Grain, u32)>,
    /// `receive`'s gaps between messages.
    pub gaps: Vec<Duration>,
    /// `sources`' source counts.
    pub source_counts: Vec<usize>,
    /// `transport`'s peer counts over loopback TCP.
    pub peer_counts: Vec<usize>,
    /// `offered-load`'s loads, percent of the channel's saturation rate.
    pub loads: Vec<u32>,
    /// How much the behaviour families' observations measure.
    pub extent: Extent,
    /// `transport`'s frame sizes beside 1 KiB (from 4 peers, channel-less receivers).
    pub other_frames: Vec<usize>,
    /// Whether thread-per-stream over the first registered channel also runs the other links.
    pub first_channel_links: bool,
    /// The thread-count sweep's producer counts (`mpsc`, `async-mpsc` on the multi-thread
    /// runtime) beside the machine-shaped point; empty unless asked for ([`Sweep::with_threads`]).
    pub producers: Vec<usize>,
    /// The thread-count sweep's producers x consumers (`mpmc`).
    pub mpmc: Vec<(usize, usize)>,
}

/// The workloads the thread-count sweep covers.
pub const THREAD_SWEPT: [chanbench_schema::Workload; 3] = [
    chanbench_schema::Workload::Mpsc,
    chanbench_schema::Workload::Mpmc,
    chanbench_schema::Workload::AsyncMpsc,
];

/// Whether a selection of workloads, by name, asks for the thread-count sweep: it names one of
/// [`THREAD_SWEPT`]. The bench and `ab`'s generated runner decide by it.
pub fn names_swept<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
    names
        .into_iter()
        .any(|n| THREAD_SWEPT.iter().any(|w| w.name() == n.trim()))
}

/// Powers of two from 1 to at least 8 and at least twice `cores`.
pub fn thread_counts(cores: usize) -> Vec<usize> {
    let top = (2 * cores).max(8);
    std::iter::successors(Some(1), |&n| (n < top).then_some(n * 2)).collect()
}

impl Sweep {
    /// The full sweep, or the reduced one.
    pub fn new(reduced: bool) -> Self {
        let frames = transport::PAYLOADS.into_iter().filter(|&p| p != 1024);
        if !reduced {
            return Self {
                payloads: None,
                pauses: BURST_PAUSES.to_vec(),
                grains: GRAINS.to_vec(),
                gaps: GAPS.to_vec(),
                source_counts: SOURCE_COUNTS.to_vec(),
                peer_counts: transport::PEER_COUNTS.to_vec(),
                loads: LOADS.to_vec(),
                extent: Extent::Full,
                other_frames: frames.collect(),
                first_channel_links: true,
                producers: Vec::new(),
                mpmc: Vec::new(),
            };
        }
        Self {
            payloads: Some(vec!["zst", "inline-1KiB", "vec-64KiB-cloned"]),
            pauses: vec![Duration::from_micros(100)],
            grains: GRAINS
                .into_iter()
                .filter(|(g, _)| *g == Grain::Medium)
                .collect(),
            gaps: vec![Duration::from_micros(100)],
            source_counts: vec![1, 64],
            peer_counts: vec![1, 64],
            loads: vec![50],
            extent: Extent::Brief,
            other_frames: Vec::new(),
            first_channel_links: false,
            producers: Vec::new(),
            mpmc: Vec::new(),
        }
    }

    /// With the thread-count sweep for a process of `cores` cores: producers 1, 2, 4 ... up to
    /// [`thread_counts`]' top, and for `mpmc` n x n at each count plus the ends 1 x top and
    /// top x 1. Points with more roles than cores are kept (the report marks them
    /// oversubscribed).
    pub fn with_threads(mut self, cores: usize) -> Self {
        let counts = thread_counts(cores);
        let top = *counts.last().expect("at least one count");
        self.mpmc = counts.iter().map(|&n| (n, n)).collect();
        self.mpmc.extend([(1, top), (top, 1)]);
        self.producers = counts;
        self
    }

    /// Whether the payload sweep keeps the payload labelled `label` (`u64` always).
    pub fn keeps_payload(&self, label: &str) -> bool {
        label == "u64" || self.payloads.as_ref().is_none_or(|p| p.contains(&label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within<T: PartialEq + std::fmt::Debug>(what: &str, reduced: &[T], full: &[T]) {
        assert!(!reduced.is_empty(), "the smoke matrix keeps some {what}");
        for x in reduced {
            assert!(
                full.contains(x),
                "smoke {what} {x:?} is not in the full sweep"
            );
        }
    }

    #[test]
    fn the_reduced_sweep_picks_from_the_full_one() {
        let (full, smoke) = (Sweep::new(false), Sweep::new(true));
        within("pauses", &smoke.pauses, &full.pauses);
        within("grains", &smoke.grains, &full.grains);
        within("gaps", &smoke.gaps, &full.gaps);
        within("source counts", &smoke.source_counts, &full.source_counts);
        within("peer counts", &smoke.peer_counts, &full.peer_counts);
        within("loads", &smoke.loads, &full.loads);
        assert!(full.keeps_payload("vec-1MiB-owned"));
        assert!(smoke.keeps_payload("u64") && smoke.keeps_payload("zst"));
        assert!(!smoke.keeps_payload("vec-1MiB-owned"));
    }

    #[test]
    fn only_a_named_swept_workload_asks_for_the_thread_sweep() {
        assert!(names_swept(["spsc", " mpmc"]));
        assert!(names_swept(["async-mpsc"]));
        assert!(!names_swept(["spsc", "async-mpmc", "ping-pong"]));
        assert!(!names_swept([]));
    }
}
