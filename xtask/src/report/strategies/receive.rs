//! receive: latency against CPU per message, one dot per implementation and rate.

use std::time::Duration;

use anyhow::Result;
use chanbench_schema::Workload;

use super::{
    lead::fastest,
    reading::{Reading, cells_of, cpu, measured_by_placement, median},
};
use crate::{
    charts::{self, Dot},
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
    for (p, cells) in measured_by_placement(view, Workload::Receive) {
        let waits: Vec<String> = ordered(cells.iter().map(|c| strategy(c)));
        let names: Vec<(String, usize)> = waits
            .iter()
            .map(|w| (w.to_string(), view.colour_of(w)))
            .collect();
        let dots: Vec<Dot> = cells
            .iter()
            .filter_map(|c| {
                Some(Dot {
                    series: waits.iter().position(|w| *w == strategy(c))?,
                    x: cpu(c)?,
                    y: c.time_ns()?,
                })
            })
            .collect();
        charts_svg.push(charts::scatter_with_diagonals(
            &format!(
                "receive on {}: mean latency versus CPU per message",
                p.placement
            ),
            "CPU ns per message, all threads (log)",
            "mean latency, send to receipt, ns (log)",
            &names,
            &dots,
            &[],
        )?);
        let gaps: Vec<u64> = ordered(cells.iter().filter_map(|c| c.params().gap_ns));
        for gap in gaps {
            let of_gap = |w: &str| cells_of(&cells, w, |p| p.gap_ns == Some(gap));
            let at = |w: &str, f: &dyn Fn(&CellResult) -> Option<f64>| {
                median(of_gap(w).into_iter().map(f))
            };
            let described: Vec<String> = waits
                .iter()
                .filter_map(|w| {
                    let lat = at(w, &|c| c.time_ns())?;
                    let cpu = at(w, &cpu)?;
                    Some(format!("{w} {} latency, {} CPU", time(lat), time(cpu)))
                })
                .collect();
            let cheapest = waits
                .iter()
                .filter_map(|w| Some((w, at(w, &cpu)?)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let (Some(f), Some((c, _))) = (fastest(&waits, &of_gap), cheapest) {
                sentences.push(format!(
                    "On {}, a message every {:?}: lowest latency {}{}; least CPU {c} ({}).",
                    p.placement,
                    Duration::from_nanos(gap),
                    f.name,
                    f.lead,
                    described.join("; ")
                ));
            }
        }
    }
    Ok(Reading {
        text: "What was measured: a sender paces stamped messages (one every 100 µs or 1 ms) and the receiver blocks in recv, or polls try_recv and spins, yields or sleeps between polls. The time per message is the mean latency from send to receipt (the gaps are not in it); CPU per message is the whole process's, the sleeping sender's small share included, from the cost run. Medians over implementations:".to_owned(),
        points: sentences,
        charts: charts_svg,
        note: "Each dot is one implementation at one message rate. Lower is faster, further left is cheaper: spinning buys latency with a core, sleeping polls save CPU and add up to their interval to every message (a sleep is at least the timer slack, about 50 µs on Linux).".to_owned(),
    })
}
