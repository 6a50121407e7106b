//! The channel workloads' charts, drawn from the run's numbers by `crate::charts`: bars per
//! configuration and implementation, one core against cross-core, payload size, CPU against
//! wall time, latency percentiles. Each names its unit, from the workload table.

use anyhow::Result;
use chanbench_schema::{Capacity, Kind, Workload};

use super::model::View;
use crate::{
    charts::{self, Curve, Dot, Series},
    results::PlacementResults,
};

/// Grouped bars of one workload on one placement: configurations by implementation.
pub fn workload_chart(
    view: &View<'_>,
    placement: &PlacementResults,
    w: Workload,
) -> Result<String> {
    let cells = || placement.cells_of(w);
    let configurations: Vec<String> = view
        .configurations(w)
        .into_iter()
        .filter(|l| cells().any(|c| c.label() == l && c.time_ns().is_some()))
        .collect();
    let series: Vec<Series> = view
        .impls()
        .iter()
        .filter(|i| cells().any(|c| c.implementation() == i.as_str()))
        .map(|i| Series {
            name: i.clone(),
            colour: view.colour_of(i),
            values: configurations
                .iter()
                .map(|l| {
                    cells()
                        .find(|c| c.implementation() == i && c.label() == l)
                        .and_then(|c| c.time_ns())
                })
                .collect(),
        })
        .collect();
    let unit = w.facts().unit.name();
    charts::grouped_bars(
        &format!(
            "{w} on {}: time per {unit} (log scale)",
            placement.placement
        ),
        &format!("ns per {unit}"),
        &configurations,
        &series,
    )
}

/// One core versus cross-core: each implementation's time in the representative configuration
/// of `w`, a bar per placement. Returns the configuration and the chart.
pub fn placement_chart(view: &View<'_>, w: Workload) -> Result<(String, String)> {
    let Some(label) = view.representative(w) else {
        return Ok((String::new(), String::new()));
    };
    let run = view.run;
    let cell = |p: &'_ PlacementResults, i: &str| {
        p.cells_of(w)
            .find(|c| c.implementation() == i && c.label() == label)
            .and_then(|c| c.time_ns())
    };
    let impls: Vec<String> = view
        .impls()
        .iter()
        .filter(|i| run.placements.iter().any(|p| cell(p, i).is_some()))
        .cloned()
        .collect();
    let series: Vec<Series> = run
        .placements
        .iter()
        .map(|p| Series {
            name: p.placement.clone(),
            colour: view.colour_of(&p.placement),
            values: impls.iter().map(|i| cell(p, i)).collect(),
        })
        .collect();
    let svg = charts::grouped_bars(
        &format!("{w} {label}: one core versus cross-core"),
        &format!("ns per {}", w.facts().unit.name()),
        &impls,
        &series,
    )?;
    Ok((label, svg))
}

/// Payload size against time per message, per implementation, for spsc through a 1024-slot
/// channel; one chart per payload family.
pub fn payload_charts(view: &View<'_>, placement: &PlacementResults) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (family, suffix) in [
        ("moved Vec<u8> (only the pointer crosses)", "-owned"),
        (
            "cloned Vec<u8> (the bytes are copied per message)",
            "-cloned",
        ),
    ] {
        let curves: Vec<Curve> = view
            .impls()
            .iter()
            .map(|i| {
                let mut points: Vec<(f64, f64)> = placement
                    .cells_of(Workload::Spsc)
                    .filter(|c| c.implementation() == i)
                    .filter(|c| c.params().capacity == Capacity::Bounded(1024))
                    .filter_map(|c| {
                        let payload = &c.params().payload;
                        let vec =
                            payload.label.starts_with("vec-") && payload.label.ends_with(suffix);
                        vec.then_some(())?;
                        Some((payload.bytes? as f64, c.time_ns()?))
                    })
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                Curve {
                    name: i.clone(),
                    colour: view.colour_of(i),
                    points,
                    ranges: Vec::new(),
                }
            })
            .filter(|c| c.points.len() >= 2)
            .collect();
        if !curves.is_empty() {
            out.push(charts::log_log_lines(
                &format!(
                    "spsc cap=1024 on {}: payload size, {family}",
                    placement.placement
                ),
                "payload bytes (log)",
                "ns per message (log)",
                &curves,
            )?);
        }
    }
    Ok(out)
}

/// CPU time against wall time per unit for every channel cell of a placement.
pub fn cpu_chart(view: &View<'_>, placement: &PlacementResults) -> Result<String> {
    let names: Vec<(String, usize)> = view
        .impls()
        .iter()
        .map(|i| (i.clone(), view.colour_of(i)))
        .collect();
    let dots: Vec<Dot> = placement
        .cells
        .iter()
        // The strategies have their own charts (receive times latency, not wall time); the
        // baselines are no implementation's.
        .filter(|c| c.workload().facts().kind == Kind::Channel)
        .filter_map(|c| {
            let cost = c.cost.as_ref()?;
            Some(Dot {
                series: view.impls().iter().position(|i| i == c.implementation())?,
                x: cost.wall_ns_per_msg,
                y: cost.cpu_ns_per_msg,
            })
        })
        .collect();
    charts::scatter_with_diagonals(
        &format!(
            "{}: CPU time versus wall time per unit (cost runs)",
            placement.placement
        ),
        "wall ns per unit (log)",
        "CPU ns per unit, all threads (log)",
        &names,
        &dots,
        &[
            (1.0, "CPU = wall"),
            (placement.cores.len().max(1) as f64, "every core busy"),
        ],
    )
}

/// Latency percentiles of one workload's representative configuration on one placement; empty
/// when it records none.
pub fn latency_chart(view: &View<'_>, placement: &PlacementResults, w: Workload) -> Result<String> {
    let Some(label) = view.representative(w) else {
        return Ok(String::new());
    };
    let series: Vec<Series> = view
        .impls()
        .iter()
        .filter_map(|i| {
            let c = placement
                .cells_of(w)
                .find(|c| c.implementation() == i && c.label() == label)?;
            let l = c.cost.as_ref()?.latency?;
            Some(Series {
                name: i.clone(),
                colour: view.colour_of(i),
                values: [l.p50_ns, l.p99_ns, l.p999_ns]
                    .into_iter()
                    .map(|ns| Some(ns as f64))
                    .collect(),
            })
        })
        .collect();
    if series.is_empty() {
        return Ok(String::new());
    }
    let groups: Vec<String> = ["p50", "p99", "p99.9"].map(String::from).to_vec();
    charts::grouped_bars(
        &format!(
            "{w} {label} on {}: latency percentiles (log scale)",
            placement.placement
        ),
        w.facts().latency.axis(),
        &groups,
        &series,
    )
}
