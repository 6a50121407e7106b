//! distribute: speedup over sequential per grain and strategy.

use anyhow::Result;
use chanbench_schema::{Pool, Split, Strategy, Workload};

use super::{
    lead::fastest,
    reading::{Reading, measured_by_placement, median, ratio},
};
use crate::{
    charts::{self, Series},
    report::{
        model::View,
        names::{label, ordered},
    },
    results::CellResult,
    units::time_per,
};

fn grain(c: &CellResult) -> Option<&'static str> {
    c.params().grain.map(|g| g.name())
}

pub fn reading(view: &View<'_>) -> Result<Reading> {
    let unit = Workload::Distribute.facts().unit;
    let mut charts_svg = Vec::new();
    let mut sentences = Vec::new();
    for (p, cells) in measured_by_placement(view, Workload::Distribute) {
        let grains: Vec<&str> = ordered(cells.iter().filter_map(|c| grain(c)));
        let labels: Vec<String> = ordered(cells.iter().map(|c| label(c)));
        let time_of = |l: &str, g: &str| {
            cells
                .iter()
                .find(|c| label(c) == l && grain(c) == Some(g))
                .and_then(|c| c.time_ns())
        };
        let sequential = Split::Sequential.name();
        let speedup = |l: &str, g: &str| Some(time_of(sequential, g)? / time_of(l, g)?);
        let series: Vec<Series> = labels
            .iter()
            .map(|l| Series {
                name: l.clone(),
                colour: view.colour_of(l),
                values: grains.iter().map(|g| speedup(l, g)).collect(),
            })
            .collect();
        let groups: Vec<String> = grains.iter().map(|g| format!("grain={g}")).collect();
        charts_svg.push(charts::grouped_bars(
            &format!(
                "distribute on {}: speedup over sequential (log scale, higher is faster)",
                p.placement
            ),
            "× sequential",
            &groups,
            &series,
        )?);
        let mut parts = Vec::new();
        let names: Vec<&str> = labels.iter().map(String::as_str).collect();
        for g in &grains {
            let of_grain = |l: &str| -> Vec<&CellResult> {
                cells
                    .iter()
                    .copied()
                    .filter(|c| label(c) == l && grain(c) == Some(g))
                    .collect()
            };
            let best = fastest(&names, &of_grain);
            if let (Some(best), Some(seq)) = (best, time_of(sequential, g))
                && let Some(s) = speedup(&best.name, g)
            {
                parts.push(format!(
                    "at {g} grain (sequential {}) the fastest was {}, {} sequential{}",
                    time_per(seq, unit),
                    best.name,
                    ratio(s),
                    best.lead
                ));
            }
        }
        let finest = grains.first().copied().unwrap_or_default();
        let pools = |batched: bool| {
            median(
                cells
                    .iter()
                    .filter(|c| match c.params().strategy {
                        Some(Strategy::Pool(Pool { batch })) => (batch > 1) == batched,
                        _ => false,
                    })
                    .filter(|c| grain(c) == Some(finest))
                    .map(|c| speedup(&label(c), finest)),
            )
        };
        if let (Some(i), Some(b)) = (pools(false), pools(true)) {
            parts.push(format!(
                "at {finest} grain a channel-fed pool reached {} sequential with one message per item and {} with batches (median over channels)",
                ratio(i),
                ratio(b)
            ));
        }
        if let (Some(scope), Some(team)) = (
            speedup(Split::ScopeSplit.name(), finest),
            speedup(Split::TeamSplit.name(), finest),
        ) {
            parts.push(format!(
                "spawning scoped threads per job gave {} against {} for the same split on existing threads",
                ratio(scope),
                ratio(team)
            ));
        }
        sentences.push(format!(
            "On {} ({} core{}): {}.",
            p.placement,
            p.cores.len(),
            if p.cores.len() == 1 { "" } else { "s" },
            parts.join("; ")
        ));
    }
    Ok(Reading {
        text: "What was measured: one job of 1,024 items, each a chain of hash rounds (the grain: fine, medium or coarse), done sequentially, with rayon, by a static split over existing threads (team-split) or over threads spawned per job (scope-split, spawning inside the timed region, since that is its cost), by workers popping a Mutex<VecDeque>, and by a worker pool fed through each multi-consumer channel, one message per item or 64 items per message. Times are per item; speedup is the sequential time over the strategy's on the same placement, at most the number of cores.".to_owned(),
        points: sentences,
        charts: charts_svg,
        note: "Every result is checked: each job must process each item exactly once, and the tests require every strategy's checksum to equal the sequential one.".to_owned(),
    })
}
