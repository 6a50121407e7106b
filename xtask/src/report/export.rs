//! The report's files beside the page: `cells.csv` (every cell, one row each), `summary.md` (the
//! winners, for a pull request) and `bmf.json` (Bencher Metric Format).

use chanbench_schema::{Latency, Status};
use serde::Serialize;

use super::{asynchronous, model::View};
use crate::{ranking::MIN_MARGIN, stats};

/// A row of `cells.csv`. Times are ns per `unit`, the unit of the cell's workload.
#[derive(Debug, Serialize)]
pub struct Row {
    placement: String,
    workload: String,
    implementation: String,
    params: String,
    status: Status,
    /// `message`, `round trip`, `item` or `request`.
    unit: &'static str,
    ns_per_unit: Option<f64>,
    typical_ns_per_unit: Option<f64>,
    /// The range over processes of their fastest samples; with one process, criterion's 95%
    /// interval of its median.
    ns_per_unit_low: Option<f64>,
    ns_per_unit_high: Option<f64>,
    processes: usize,
    units_per_s: Option<f64>,
    floor_multiple: Option<f64>,
    cpu_ns_per_unit: Option<f64>,
    cost_wall_ns_per_unit: Option<f64>,
    context_switches_per_unit: Option<f64>,
    allocations_per_unit: Option<f64>,
    allocated_bytes_per_unit: Option<f64>,
    /// Threads the cell runs on in the bench process.
    threads: Option<usize>,
    /// Producers and consumers (`mpsc`, `mpmc` and their async twins: the thread-count sweep's
    /// axis).
    producers: Option<usize>,
    consumers: Option<usize>,
    /// The most heap the cost run held at once, bytes.
    peak_heap_bytes: Option<u64>,
    /// The process's resident memory when the cost run started, and what the run added at its
    /// peak, bytes.
    rss_before_bytes: Option<u64>,
    rss_growth_bytes: Option<u64>,
    /// What the percentiles measure: `one-way` (send to receipt) or `round-trip`.
    latency: Option<Latency>,
    latency_p50_ns: Option<u64>,
    latency_p99_ns: Option<u64>,
    latency_p999_ns: Option<u64>,
    missing: String,
}

/// Every cell as a CSV row.
pub fn rows(view: &View<'_>) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in &view.run.placements {
        for w in chanbench_schema::Workload::ALL {
            for c in p.cells_of(w) {
                let ns = c.time_ns();
                let cost = c.cost.as_ref();
                let percentiles = cost.and_then(|k| k.latency);
                let range =
                    |pick: fn(f64, f64) -> f64, bound: fn(&crate::results::Estimate) -> f64| match c
                        .process_times()
                    {
                        v if v.len() >= 2 => v.iter().copied().reduce(pick),
                        _ => c.estimates.map(|e| bound(&e.median)),
                    };
                rows.push(Row {
                    placement: p.placement.clone(),
                    workload: w.name().to_owned(),
                    implementation: c.implementation().to_owned(),
                    params: c.label().to_owned(),
                    status: c.status,
                    unit: w.facts().unit.name(),
                    ns_per_unit: ns,
                    typical_ns_per_unit: c.typical_ns(),
                    ns_per_unit_low: range(f64::min, |e| e.lower),
                    ns_per_unit_high: range(f64::max, |e| e.upper),
                    processes: c.repeats.len(),
                    units_per_s: ns.map(|ns| 1e9 / ns),
                    floor_multiple: ns.zip(p.floor_ns(w)).map(|(ns, f)| ns / f),
                    cpu_ns_per_unit: cost.map(|k| k.cpu_ns_per_msg),
                    cost_wall_ns_per_unit: cost.map(|k| k.wall_ns_per_msg),
                    context_switches_per_unit: cost.map(|k| k.switches_per_msg()),
                    allocations_per_unit: cost.and_then(|k| k.allocations_per_msg),
                    allocated_bytes_per_unit: cost.and_then(|k| k.allocated_bytes_per_msg),
                    threads: c.params().threads,
                    producers: c.params().producers,
                    consumers: c.params().consumers,
                    peak_heap_bytes: cost.and_then(|k| k.peak_heap_bytes),
                    rss_before_bytes: cost.and_then(|k| k.rss_before_bytes),
                    rss_growth_bytes: cost.and_then(|k| k.rss_growth_bytes()),
                    latency: percentiles.map(|_| w.facts().latency),
                    latency_p50_ns: percentiles.map(|l| l.p50_ns),
                    latency_p99_ns: percentiles.map(|l| l.p99_ns),
                    latency_p999_ns: percentiles.map(|l| l.p999_ns),
                    missing: c.missing.join(" "),
                });
            }
        }
    }
    rows
}

/// Bencher Metric Format: `{ "<placement>/<cell id>": { "latency": {...}, ... } }`, where
/// "latency" is ns per unit with the range over processes (one process: criterion's 95%
/// interval) and "throughput" units per second.
pub fn bmf(rows: &[Row]) -> serde_json::Map<String, serde_json::Value> {
    #[derive(Serialize)]
    struct Measure {
        value: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        lower_value: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        upper_value: Option<f64>,
    }
    #[derive(Serialize)]
    struct Measures {
        latency: Measure,
        throughput: Measure,
        #[serde(rename = "cpu-ns-per-unit", skip_serializing_if = "Option::is_none")]
        cpu: Option<Measure>,
    }
    let value = |value| Measure {
        value,
        lower_value: None,
        upper_value: None,
    };
    let mut out = serde_json::Map::new();
    for r in rows {
        let Some(ns) = r.ns_per_unit else { continue };
        let measures = Measures {
            latency: Measure {
                value: ns,
                lower_value: r.ns_per_unit_low.zip(r.ns_per_unit_high).map(|(l, _)| l),
                upper_value: r.ns_per_unit_low.zip(r.ns_per_unit_high).map(|(_, h)| h),
            },
            throughput: value(1e9 / ns),
            cpu: r.cpu_ns_per_unit.map(value),
        };
        let key = format!(
            "{}/{}/{}/{}",
            r.placement, r.workload, r.implementation, r.params
        );
        out.insert(
            key,
            serde_json::to_value(measures).expect("measures serialize"),
        );
    }
    out
}

/// The Markdown summary, for a pull request.
pub fn markdown(view: &View<'_>) -> String {
    let run = view.run;
    let env = &run.environment;
    let mut md = format!(
        "## chanbench run `{}`\n\n{} · {} logical cores · profile `{}` · {} process(es) per cell · rustc `{}` · revision `{}`{}\n\n",
        env.run,
        env.cpu_model,
        env.logical_cores,
        env.profile,
        env.request.repeat,
        env.rustc,
        env.git_revision.as_deref().unwrap_or("?"),
        if env.git_dirty == Some(true) {
            " (dirty)"
        } else {
            ""
        },
    );
    if !run.complete() {
        md.push_str("**Partial run**: it was interrupted; some cells are missing.\n\n");
    }
    for knob in &env.test_knobs {
        md.push_str(&format!(
            "**Test knob set: `{knob}`**: slowed on purpose.\n\n"
        ));
    }
    md.push_str("### Which channel for which job\n\n| workload |");
    for p in &run.placements {
        md.push_str(&format!(" {} |", p.placement));
    }
    md.push_str("\n|---|");
    for _ in &run.placements {
        md.push_str("---|");
    }
    md.push('\n');
    let mut notes = Vec::new();
    for (w, per_placement) in view.winners() {
        md.push_str(&format!("| {w} (per {}) |", w.facts().unit.name()));
        for (_, r) in &per_placement {
            let cell = match r {
                None => "not measured".to_owned(),
                Some(r) => r.short_verdict(),
            };
            md.push_str(&format!(" {cell} |"));
        }
        md.push('\n');
        if let Some(flip) = View::flips(&per_placement) {
            notes.push(format!("- {w}: {flip}"));
        }
    }
    md.push_str(&format!(
        "\nMargins are the runner-up's time over the winner's (geometric mean over the \
         configurations both ran; never below 1: a winner is at least as fast as every other \
         implementation where both ran). **Reproducible** (bold) means the margin's 95% interval \
         over whole processes lies above {MIN_MARGIN} (a 5% margin, compare's threshold): each \
         process's own margin, runner-up against winner measured by that process, tested against \
         the spread between processes (one-sample t-test on logs). A single-process run is *not \
         replicated*.\n",
    ));
    let async_winners = asynchronous::winners(view);
    if !async_winners.is_empty() {
        md.push_str("\n### Which async channel for which job\n\n| workload | runtime |");
        for p in &run.placements {
            md.push_str(&format!(" {} |", p.placement));
        }
        md.push_str("\n|---|---|");
        for _ in &run.placements {
            md.push_str("---|");
        }
        md.push('\n');
        for w in &async_winners {
            md.push_str(&format!(
                "| {} (per {}) | {} |",
                w.workload,
                w.workload.facts().unit.name(),
                w.flavour
            ));
            for (_, r) in &w.per_placement {
                let cell = r
                    .as_ref()
                    .map_or("not measured".to_owned(), |r| r.short_verdict());
                md.push_str(&format!(" {cell} |"));
            }
            md.push('\n');
        }
        let pairs = asynchronous::sync_versus_async(view);
        if !pairs.is_empty() {
            md.push_str(
                "\n### Sync versus async, per library\n\n\
                 Async time over sync time on the same job and placement (below 1×, async is \
                 faster).\n\n| library | job | placement |",
            );
            for f in asynchronous::FLAVOURS {
                md.push_str(&format!(" {f} |"));
            }
            md.push_str("\n|---|---|---|---|---|\n");
            for row in &pairs {
                md.push_str(&format!(
                    "| {} | {} {} | {} |",
                    row.sync_cell.implementation(),
                    row.sync_cell.workload(),
                    row.sync_cell.label(),
                    row.placement,
                ));
                for i in 0..asynchronous::FLAVOURS.len() {
                    let r = row
                        .ratio(i)
                        .map_or("not measured".into(), asynchronous::ratio_text);
                    md.push_str(&format!(" {r} |"));
                }
                md.push('\n');
            }
        }
    }
    let zero: Vec<String> = view
        .zero_cost_rows()
        .iter()
        .map(|(p, w, ratios, _)| format!("{w} on {p} {:.3}", stats::median(ratios)))
        .collect();
    if !zero.is_empty() {
        md.push_str(&format!(
            "\nZero-cost check (trait / direct, median over processes): {}.\n",
            zero.join(", ")
        ));
    }
    if !notes.is_empty() {
        md.push_str("\n### Placement changes the answer\n\n");
        md.push_str(&notes.join("\n"));
        md.push('\n');
    }
    md
}
