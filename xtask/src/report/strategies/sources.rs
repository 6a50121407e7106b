//! sources: time per message against the number of sources, per strategy.

use anyhow::Result;
use chanbench_schema::Workload;

use super::{
    lead::fastest,
    reading::{Reading, cells_of, cpu, measured_by_placement, median},
};
use crate::{
    charts::{self, Curve},
    report::{
        model::View,
        names::{ordered, strategy},
    },
    results::CellResult,
    units::time,
};

pub fn reading(view: &View<'_>) -> Result<Reading> {
    let mut charts_svg = Vec::new();
    let mut sentences = Vec::new();
    for (p, cells) in measured_by_placement(view, Workload::Sources) {
        let serves: Vec<String> = ordered(cells.iter().map(|c| strategy(c)));
        let mut counts: Vec<usize> = ordered(cells.iter().filter_map(|c| c.params().sources));
        counts.sort_unstable();
        let cells_at = |s: &str, n: usize| cells_of(&cells, s, |p| p.sources == Some(n));
        let at = |s: &str, n: usize, f: &dyn Fn(&CellResult) -> Option<f64>| {
            median(cells_at(s, n).into_iter().map(f))
        };
        let curves: Vec<Curve> = serves
            .iter()
            .map(|s| Curve {
                name: s.to_string(),
                colour: view.colour_of(s),
                points: counts
                    .iter()
                    .filter_map(|&n| Some((n as f64, at(s, n, &|c| c.time_ns())?)))
                    .collect(),
                ranges: Vec::new(),
            })
            .collect();
        charts_svg.push(charts::log_log_lines(
            &format!(
                "sources on {}: time per message by number of sources (median over implementations)",
                p.placement
            ),
            "sources (log)",
            "ns per message (log)",
            &curves,
        )?);
        for n in [counts.first(), counts.last()].into_iter().flatten() {
            let p99 = |c: &CellResult| Some(c.cost.as_ref()?.latency?.p99_ns as f64);
            let described: Vec<String> = serves
                .iter()
                .filter_map(|s| {
                    let t = at(s, *n, &|c| c.time_ns())?;
                    Some(format!(
                        "{s} {}/msg (p99 {}, CPU {}/msg)",
                        time(t),
                        at(s, *n, &p99).map_or("?".into(), time),
                        at(s, *n, &cpu).map_or("?".into(), time)
                    ))
                })
                .collect();
            if let Some(best) = fastest(&serves, &|s| cells_at(s, *n)) {
                sentences.push(format!(
                    "On {} with {n} source{}: fastest {} at {}/msg{}; {}.",
                    p.placement,
                    if *n == 1 { "" } else { "s" },
                    best.name,
                    time(best.time),
                    best.lead,
                    described.join(", ")
                ));
            }
        }
    }
    Ok(Reading {
        text: "What was measured: 1 to 64 sources, each a thread streaming stamped messages, served by one handler reached through a forwarding thread per source, the channel's native select (where it has one), round-robin try_recv polling that yields after an empty sweep, or one channel every source shares. Time per message is wall time over messages (the inverse of throughput); p99 is the one-way latency from send to handler. Medians over implementations:".to_owned(),
        points: sentences,
        charts: charts_svg,
        note: "Lines join the median over implementations; the table below has every implementation. Select lines cover only the implementations that have select.".to_owned(),
    })
}
