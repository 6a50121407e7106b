//! fairness: each consumer's, producer's or source's share under saturation, per placement.

use anyhow::Result;
use chanbench_schema::{Observation, Share, Shares, Workload};
use maud::{Markup, html};

use super::lowest::{Candidate, lowest};
use crate::{
    report::{model::View, names::ordered, strategies::reading::Reading},
    results::CellResult,
    stats,
    units::time,
};

/// Below this Jain's index a cell is called unfair: the bound `benches/tests/behaviour.rs`
/// holds the deliberately unfair fixture to (one of two consumers served: 0.5).
pub const UNFAIR_BELOW: f64 = 0.75;

/// Each process's shares of a cell.
fn shares(c: &CellResult) -> Vec<&Shares> {
    c.observations
        .iter()
        .filter_map(|o| match o {
            Observation::Fairness(s) => Some(s),
            _ => None,
        })
        .collect()
}

fn jains(c: &CellResult) -> Vec<f64> {
    shares(c).iter().filter_map(|s| s.jain()).collect()
}

fn median(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| stats::median(v))
}

/// Whose share a kind counts, in words.
fn whose(share: Share) -> &'static str {
    match share {
        Share::Consumers => "consumers sharing one channel",
        Share::Producers => "producers into one consumer",
        Share::Sources => "sources under native select",
    }
}

pub fn reading(view: &View<'_>, w: Workload) -> Result<(Reading, Markup)> {
    let mut points = Vec::new();
    let mut tables = Vec::new();
    for p in &view.run.placements {
        let mut observed: Vec<&CellResult> =
            p.cells_of(w).filter(|c| !shares(c).is_empty()).collect();
        observed.sort_by_key(|c| {
            let x = c.params();
            (x.runtime, x.share, view.impl_rank(c.implementation()))
        });
        if observed.is_empty() {
            continue;
        }
        let kinds = ordered(
            observed
                .iter()
                .map(|c| (c.params().runtime, c.params().share)),
        );
        for (runtime, share) in kinds {
            let Some(share) = share else { continue };
            let cells: Vec<&CellResult> = observed
                .iter()
                .copied()
                .filter(|c| c.params().share == Some(share) && c.params().runtime == runtime)
                .collect();
            // Unfairness, 1 - Jain: less is better, and a ratio of it says how much less.
            let candidates: Vec<Candidate> = cells
                .iter()
                .map(|c| Candidate {
                    name: c.implementation().to_owned(),
                    per_process: jains(c).iter().map(|j| (1.0 - j).max(1e-6)).collect(),
                })
                .collect();
            let unfair: Vec<String> = cells
                .iter()
                .filter_map(|c| {
                    let j = jains(c);
                    let below = j.iter().filter(|x| **x < UNFAIR_BELOW).count();
                    (below * 2 > j.len()).then(|| {
                        format!(
                            "{} (Jain {:.2} in {below} of {} processes)",
                            c.implementation(),
                            median(&j).unwrap_or(f64::NAN),
                            j.len()
                        )
                    })
                })
                .collect();
            let verdict = if unfair.is_empty() {
                format!("none read below Jain {UNFAIR_BELOW} in most processes")
            } else {
                format!("unfair (Jain below {UNFAIR_BELOW}): {}", unfair.join(", "))
            };
            if let Some(best) = lowest(
                &candidates,
                &|u| format!("Jain {:.3}", 1.0 - u),
                "less unfair than",
            ) {
                let on = runtime.map_or(String::new(), |r| format!(" (tasks on {r})"));
                points.push(format!(
                    "On {}, {}{on}: fairest {best}; {verdict}.",
                    p.placement,
                    whose(share)
                ));
            }
        }
        tables.push(html! {
            h4 { (p.placement) }
            table.matrix {
                tr { th { "implementation" } th { "runtime" } th { "shares of" } th { "roles" } th { "Jain (median)" } th { "Jain, processes" } th { "least / fair" } th { "most / fair" } th { "longest send" } }
                @for c in &observed {
                    @let j = jains(c);
                    @let mm: Vec<(f64, f64)> = shares(c).iter().filter_map(|s| s.min_max_of_fair()).collect();
                    @let longest: Vec<f64> = shares(c).iter().filter_map(|s| s.longest_send_ns.map(|n| n as f64)).collect();
                    tr {
                        td { (c.implementation()) }
                        td { (c.params().runtime.map_or("threads", |r| r.name())) }
                        td { (c.params().share.map_or("?", |s| s.name())) }
                        td { (shares(c).first().map_or(0, |s| s.counts.len())) }
                        td { (median(&j).map_or("–".to_owned(), |x| format!("{x:.3}"))) }
                        td.small { (j.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join(" ")) }
                        td { (median(&mm.iter().map(|m| m.0).collect::<Vec<_>>()).map_or("–".to_owned(), |x| format!("{x:.2}×"))) }
                        td { (median(&mm.iter().map(|m| m.1).collect::<Vec<_>>()).map_or("–".to_owned(), |x| format!("{x:.2}×"))) }
                        td { (median(&longest).map_or("–".to_owned(), time)) }
                    }
                }
            }
        });
    }
    let reading = Reading {
        text: format!("What was measured: under saturation, how the messages were shared. Consumers: producers send a fixed number into one channel that several consumers share. Producers: producers send until the channel disconnects and one consumer takes a fixed number (bounded channels). Sources: one producer per channel, all always ready, and one thread's native select takes a fixed number (not in async-fairness: there is no async select here). Jain's index is 1 when every share is equal and 1/n when one role takes all; below {UNFAIR_BELOW} a cell is called unfair (the deliberately unfair test fixture, which serves its first consumer only, reads 0.5). The longest send is how long one producer was kept waiting. Medians over processes:"),
        points,
        charts: Vec::new(),
        note: "On a machine with fewer cores than roles the scheduler decides much of the share: a role that is not running takes nothing. crossbeam documents its select as not perfectly fair. The time per message in the table of every cell is the throughput of the same run.".to_owned(),
    };
    Ok((reading, html! { @for t in &tables { (t) } }))
}
