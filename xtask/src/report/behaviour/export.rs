//! `observations.csv`: every process's observation of every behaviour cell, one row each, beside
//! `cells.csv` (which has the cells' times). Written only for a run that has observations.

use chanbench_schema::Observation;
use serde::Serialize;

use crate::report::model::View;

/// The file's name in the report's folder.
pub const FILE: &str = "observations.csv";

/// A row: which cell and process, then the figures of its family (the others empty).
#[derive(Debug, Default, Serialize)]
pub struct Row {
    placement: String,
    workload: String,
    implementation: String,
    params: String,
    /// The process, counted from 1 in the order the processes ran.
    process: usize,
    /// offered-load: messages per second.
    saturation_per_s: Option<f64>,
    target_per_s: Option<f64>,
    achieved_per_s: Option<f64>,
    /// offered-load: from the intended send, ns.
    latency_p50_ns: Option<u64>,
    latency_p99_ns: Option<u64>,
    latency_p999_ns: Option<u64>,
    latency_max_ns: Option<u64>,
    /// offered-load: from the actual send, ns.
    uncorrected_p99_ns: Option<u64>,
    cpu_ns_per_msg: Option<f64>,
    switches_per_msg: Option<f64>,
    /// fairness: messages per role, space-separated, and what they make.
    counts: Option<String>,
    jain: Option<f64>,
    least_of_fair: Option<f64>,
    most_of_fair: Option<f64>,
    longest_send_ns: Option<u64>,
    /// memory: bytes.
    empty_heap_bytes: Option<f64>,
    empty_rss_bytes: Option<f64>,
    handle_bytes: Option<u64>,
    queued_1000_heap_bytes_per_msg: Option<f64>,
    queued_100000_heap_bytes_per_msg: Option<f64>,
    queued_100000_rss_bytes_per_msg: Option<f64>,
    burst: Option<u64>,
    after_burst_heap_bytes: Option<f64>,
    after_burst_rss_bytes: Option<f64>,
}

/// Whether the run has an observation, so that the file is written.
pub fn any(view: &View<'_>) -> bool {
    view.run
        .placements
        .iter()
        .any(|p| p.cells.iter().any(|c| !c.observations.is_empty()))
}

/// Every observation of the run, placement by placement, in the cells' stored order.
pub fn rows(view: &View<'_>) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in &view.run.placements {
        for c in &p.cells {
            for (k, o) in c.observations.iter().enumerate() {
                let mut row = Row {
                    placement: p.placement.clone(),
                    workload: c.workload().name().to_owned(),
                    implementation: c.implementation().to_owned(),
                    params: c.label().to_owned(),
                    process: k + 1,
                    ..Row::default()
                };
                fill(&mut row, o);
                rows.push(row);
            }
        }
    }
    rows
}

fn fill(row: &mut Row, o: &Observation) {
    match o {
        Observation::OfferedLoad(l) => {
            row.saturation_per_s = Some(l.saturation_per_s);
            row.target_per_s = Some(l.target_per_s);
            row.achieved_per_s = Some(l.achieved_per_s);
            row.latency_p50_ns = Some(l.latency.p50_ns);
            row.latency_p99_ns = Some(l.latency.p99_ns);
            row.latency_p999_ns = Some(l.latency.p999_ns);
            row.latency_max_ns = Some(l.latency.max_ns);
            row.uncorrected_p99_ns = Some(l.uncorrected.p99_ns);
            row.cpu_ns_per_msg = Some(l.cpu_ns_per_msg);
            row.switches_per_msg = Some(l.switches_per_msg);
        }
        Observation::Fairness(s) => {
            let counts: Vec<String> = s.counts.iter().map(u64::to_string).collect();
            row.counts = Some(counts.join(" "));
            row.jain = s.jain();
            row.least_of_fair = s.min_max_of_fair().map(|m| m.0);
            row.most_of_fair = s.min_max_of_fair().map(|m| m.1);
            row.longest_send_ns = s.longest_send_ns;
        }
        Observation::Memory(f) => {
            let queued = |n: u64| f.queued.iter().find(|q| q.messages == n);
            row.empty_heap_bytes = Some(f.empty_heap_bytes);
            row.empty_rss_bytes = f.empty_rss_bytes;
            row.handle_bytes = Some(f.handle_bytes);
            row.queued_1000_heap_bytes_per_msg = queued(1_000).map(|q| q.heap_bytes_per_msg);
            row.queued_100000_heap_bytes_per_msg = queued(100_000).map(|q| q.heap_bytes_per_msg);
            row.queued_100000_rss_bytes_per_msg = queued(100_000).and_then(|q| q.rss_bytes_per_msg);
            row.burst = f.retained.as_ref().map(|r| r.burst);
            row.after_burst_heap_bytes = f.retained.as_ref().map(|r| r.heap_bytes);
            row.after_burst_rss_bytes = f.retained.as_ref().and_then(|r| r.rss_bytes);
        }
    }
}
