//! offered-load: latency from the intended send time against the offered load, one line per
//! implementation, per placement and capacity.

use anyhow::Result;
use chanbench_schema::{Capacity, LoadLevel, Observation, Runtime, Workload};
use maud::{Markup, html};

use super::lowest::{Candidate, lowest, setting};
use crate::{
    charts::{self, Curve},
    report::{model::View, names::ordered, strategies::reading::Reading},
    results::{CellResult, PlacementResults},
    stats,
    units::{rate, time},
};

/// Each process's load level of a cell.
fn levels(c: &CellResult) -> Vec<&LoadLevel> {
    c.observations
        .iter()
        .filter_map(|o| match o {
            Observation::OfferedLoad(l) => Some(l),
            _ => None,
        })
        .collect()
}

/// A figure of each process's level.
fn per_process(c: &CellResult, f: impl Fn(&LoadLevel) -> f64) -> Vec<f64> {
    levels(c).into_iter().map(f).collect()
}

fn median_of(c: &CellResult, f: impl Fn(&LoadLevel) -> f64) -> Option<f64> {
    let v = per_process(c, f);
    (!v.is_empty()).then(|| stats::median(&v))
}

/// The observed cells of one placement and capacity, and the loads and implementations in them.
struct Group<'a> {
    capacity: Capacity,
    runtime: Option<Runtime>,
    cells: Vec<&'a CellResult>,
    loads: Vec<u32>,
    impls: Vec<String>,
}

fn groups<'a>(view: &View<'_>, p: &'a PlacementResults, w: Workload) -> Vec<Group<'a>> {
    let observed: Vec<&CellResult> = p.cells_of(w).filter(|c| !levels(c).is_empty()).collect();
    let mut settings = ordered(
        observed
            .iter()
            .map(|c| (c.params().runtime, c.params().capacity)),
    );
    settings.sort();
    settings
        .into_iter()
        .map(|(runtime, capacity)| {
            let cells: Vec<&CellResult> = observed
                .iter()
                .copied()
                .filter(|c| c.params().capacity == capacity && c.params().runtime == runtime)
                .collect();
            let mut loads = ordered(cells.iter().filter_map(|c| c.params().load_percent));
            loads.sort_unstable();
            let impls = view
                .impls()
                .iter()
                .filter(|i| cells.iter().any(|c| c.implementation() == i.as_str()))
                .cloned()
                .collect();
            Group {
                capacity,
                runtime,
                cells,
                loads,
                impls,
            }
        })
        .collect()
}

impl Group<'_> {
    fn cell(&self, implementation: &str, load: u32) -> Option<&CellResult> {
        self.cells
            .iter()
            .copied()
            .find(|c| c.implementation() == implementation && c.params().load_percent == Some(load))
    }
}

pub fn reading(view: &View<'_>, w: Workload) -> Result<(Reading, Markup)> {
    let mut charts_svg = Vec::new();
    let mut points = Vec::new();
    let mut tables = Vec::new();
    for p in &view.run.placements {
        for g in groups(view, p, w) {
            let curves: Vec<Curve> = g
                .impls
                .iter()
                .map(|i| {
                    let cells: Vec<(u32, &CellResult)> = g
                        .loads
                        .iter()
                        .filter_map(|&l| Some((l, g.cell(i, l)?)))
                        .collect();
                    Curve {
                        name: i.clone(),
                        colour: view.colour_of(i),
                        points: cells
                            .iter()
                            .filter_map(|(l, c)| {
                                Some((f64::from(*l), median_of(c, |x| x.latency.p99_ns as f64)?))
                            })
                            .collect(),
                        ranges: cells
                            .iter()
                            .map(|(_, c)| {
                                let v = per_process(c, |x| x.latency.p99_ns as f64);
                                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                                let hi = v.iter().copied().fold(0.0, f64::max);
                                (lo, hi)
                            })
                            .collect(),
                    }
                })
                .collect();
            charts_svg.push(charts::percent_log_lines(
                &format!(
                    "{w} on {}, {}: p99 against load",
                    p.placement,
                    setting(g.capacity, g.runtime)
                ),
                "offered load, % of the channel's own saturation rate",
                "p99 latency from intended send, ns (log)",
                &curves,
            )?);
            for &load in &g.loads {
                let candidates: Vec<Candidate> = g
                    .impls
                    .iter()
                    .filter_map(|i| {
                        Some(Candidate {
                            name: i.clone(),
                            per_process: per_process(g.cell(i, load)?, |x| x.latency.p99_ns as f64),
                        })
                    })
                    .collect();
                let behind: Vec<String> = g
                    .impls
                    .iter()
                    .filter_map(|i| {
                        let kept = median_of(g.cell(i, load)?, LoadLevel::kept_up)?;
                        (kept < 0.95).then(|| format!("{i} ({:.0}%)", kept * 100.0))
                    })
                    .collect();
                if let Some(best) = lowest(&candidates, &|v| format!("p99 {}", time(v)), "below") {
                    let fell = if behind.is_empty() {
                        "every implementation kept up with its schedule".to_owned()
                    } else {
                        format!(
                            "fell behind its schedule (achieved / offered): {}",
                            behind.join(", ")
                        )
                    };
                    points.push(format!(
                        "On {}, {}, at {load}% load: lowest {best}; {fell}.",
                        p.placement,
                        setting(g.capacity, g.runtime)
                    ));
                }
            }
            tables.push(table(p, &g));
        }
    }
    let reading = Reading {
        text: "What was measured: one producer (a thread; in async-offered-load a task) sends stamped messages on an open-loop schedule at a fixed share of the channel's own saturation rate, which the same process measured just before with the same stamped messages; one consumer records each message's latency from the time it was due, so a sender held back by the channel charges its lateness to every message behind it (coordinated omission corrected). At low load the consumer parks between messages: these latencies include its wake-up, by design. Medians over processes; a lowest is claimed only where every process agrees:".to_owned(),
        points,
        charts: charts_svg,
        note: "Each line is one implementation; the bars span the processes. The first tenth of each run's messages is a warm-up, sent on the schedule but not recorded. The time per message in the table of every cell is the wall time of criterion's short paced runs, start-up included: not a speed; read the latency, the achieved rate and the CPU here.".to_owned(),
    };
    Ok((reading, html! { @for t in &tables { (t) } }))
}

/// Every level of one placement and capacity: rates, percentiles, CPU.
fn table(p: &PlacementResults, g: &Group<'_>) -> Markup {
    let m = |c: &CellResult, f: &dyn Fn(&LoadLevel) -> f64| median_of(c, f);
    let t = |v: Option<f64>| v.map_or("–".to_owned(), time);
    html! {
        h4 { (p.placement) ", " (setting(g.capacity, g.runtime)) }
        table.matrix {
            tr {
                th { "implementation" } th { "load" } th { "saturation" } th { "offered" } th { "achieved / offered" }
                th { "p50" } th { "p99" } th { "p99.9" } th { "max" } th { "p99 uncorrected" } th { "CPU/msg" } th { "processes" }
            }
            @for i in &g.impls {
                @for &load in &g.loads {
                    @if let Some(c) = g.cell(i, load) {
                        tr {
                            td { (i) } td { (load) "%" }
                            td { (m(c, &|x| x.saturation_per_s).map_or("–".to_owned(), |r| rate(r, chanbench_schema::Unit::Message))) }
                            td { (m(c, &|x| x.target_per_s).map_or("–".to_owned(), |r| rate(r, chanbench_schema::Unit::Message))) }
                            td { (m(c, &LoadLevel::kept_up).map_or("–".to_owned(), |k| format!("{:.0}%", k * 100.0))) }
                            td { (t(m(c, &|x| x.latency.p50_ns as f64))) }
                            td { (t(m(c, &|x| x.latency.p99_ns as f64))) }
                            td { (t(m(c, &|x| x.latency.p999_ns as f64))) }
                            td { (t(m(c, &|x| x.latency.max_ns as f64))) }
                            td { (t(m(c, &|x| x.uncorrected.p99_ns as f64))) }
                            td { (t(m(c, &|x| x.cpu_ns_per_msg))) }
                            td { (levels(c).len()) }
                        }
                    }
                }
            }
        }
    }
}
