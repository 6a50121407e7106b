//! Which implementation wins a workload on a placement, by how much, and whether that
//! reproduces: the claims the report makes and `compare` checks across runs.
//!
//! Per workload and placement, the geometric mean of each implementation's time relative to the
//! fastest per configuration orders them; the winner is the best-ordered one that no other beats
//! on the configurations both ran (so its margin over the closest, the runner-up, is never below
//! 1; with none, "no single winner"). Its margin is *reproducible* when the 95% interval of the
//! per-process margins (each process measured both; one-sample t-test on the logs) lies above
//! [`MIN_MARGIN`]; a run with one process per cell is *not replicated*. Samples within a process
//! are never used for these claims.

use std::collections::BTreeMap;

use chanbench_schema::{Kind, Workload};

use crate::{
    results::{CellResult, PlacementResults, Run},
    stats,
};

/// The significance level of a ranking's test.
pub const ALPHA: f64 = 0.05;

/// The smallest margin a reproducible winner must be sure of: 5%, the threshold below which
/// `compare` calls a change unchanged. Processes of one run share the machine's state of the
/// hour; two runs on the same machine drift apart by a few percent more than that spread shows
/// (measured here: a cross-core ping-pong winner at 1.01-1.05x in one run was the runner-up in
/// the next), so a margin surely above 1 but not surely above 1.05 is no claim.
pub const MIN_MARGIN: f64 = 1.05;

/// The winner of one workload on one placement.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Implementations, best score first: the geometric mean over the configurations they ran of
    /// their time relative to the fastest in each.
    pub order: Vec<(String, f64)>,
    /// The winner: the best-scored implementation that is at least as fast as every other one on
    /// the configurations they both ran. `None` when no implementation is (each loses somewhere).
    pub winner: Option<String>,
    /// Of the implementations sharing configurations with the winner, the closest: the one the
    /// margin is measured against.
    pub runner_up: Option<String>,
    /// The runner-up's time over the winner's, geometric mean over the configurations both ran;
    /// never below 1.
    pub margin: Option<f64>,
    /// Configurations both ran.
    pub shared: usize,
    /// Whether the margin holds up against the process-to-process spread.
    pub replication: Replication,
}

/// Whether a winner's margin reproduces: tested on whole processes, never on samples within one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Replication {
    /// Fewer than two processes measured both sides: nothing can be said about reproduction.
    NotReplicated,
    /// The per-process margins (each process's geometric mean over the shared configurations of
    /// runner-up / winner, both measured by that process) tested against 1 (one-sample t-test on
    /// their logs).
    Tested {
        /// Processes.
        processes: usize,
        /// The 95% confidence interval of the margin, from the spread between processes.
        lower: f64,
        /// Upper bound.
        upper: f64,
        /// Two-sided p-value.
        p: f64,
    },
}

impl Replication {
    /// From per-process margins (the other's time over the leader's, each measured by one
    /// process): tested with a one-sample t-test on their logs; fewer than two are not
    /// replicated.
    pub fn of_margins(margins: &[f64]) -> Self {
        match stats::paired_log(margins) {
            Some(d) => Self::Tested {
                processes: margins.len(),
                lower: d.lower,
                upper: d.upper,
                p: d.p,
            },
            None => Self::NotReplicated,
        }
    }

    /// Sure: the whole 95% interval of the margin lies above [`MIN_MARGIN`] and p < [`ALPHA`].
    /// The one test behind every "reproducible" and "ahead" the report says.
    pub fn sure(&self) -> bool {
        matches!(*self, Self::Tested { lower, p, .. } if lower > MIN_MARGIN && p < ALPHA)
    }
}

impl Ranking {
    /// Reproducible: the whole 95% interval of the margin over processes lies above
    /// [`MIN_MARGIN`] (so p < [`ALPHA`] too): the winner would win again in another run.
    pub fn reproducible(&self) -> bool {
        self.replication.sure()
    }

    /// The verdict in words: who wins, by how much, and whether it reproduces.
    pub fn verdict(&self) -> String {
        let Some(winner) = &self.winner else {
            return format!(
                "no single winner: {} scores best, but every implementation is slower than another \
                 on the configurations they both ran",
                self.order[0].0
            );
        };
        let (Some(second), Some(m)) = (&self.runner_up, self.margin) else {
            return format!("{winner} (no other implementation ran its configurations)");
        };
        let head = format!(
            "{winner}: {m:.2}× faster than {second} (geometric mean over the {} configurations \
             both ran)",
            self.shared
        );
        match self.replication {
            Replication::NotReplicated => format!(
                "{head}; not replicated: one process per cell, so this may be one process's luck \
                 (run with --repeat 3 or more)"
            ),
            Replication::Tested {
                processes,
                lower,
                upper,
                p,
            } => {
                let interval = format!(
                    "95% interval over {processes} processes {lower:.2}×–{upper:.2}×, p = {p:.3}"
                );
                if self.reproducible() {
                    format!("{head}; reproducible ({interval})")
                } else {
                    format!(
                        "{head}; not reproducible: the process-to-process spread leaves the margin \
                         possibly below {MIN_MARGIN}× ({interval})"
                    )
                }
            }
        }
    }

    /// The verdict in a Markdown table cell: winner, margin, reproducible or not.
    pub fn short_verdict(&self) -> String {
        let Some(winner) = &self.winner else {
            return "no single winner".to_owned();
        };
        let Some(m) = self.margin else {
            return format!("**`{winner}`**");
        };
        let second = self.runner_up.as_deref().unwrap_or("?");
        match self.replication {
            Replication::NotReplicated => {
                format!("`{winner}` ({m:.2}× vs `{second}`; not replicated)")
            }
            Replication::Tested { lower, upper, .. } if self.reproducible() => format!(
                "**`{winner}`** ({m:.2}× vs `{second}`, reproducible: {lower:.2}–{upper:.2}×)"
            ),
            Replication::Tested { lower, upper, .. } => format!(
                "`{winner}` ({m:.2}× vs `{second}`, not reproducible: {lower:.2}–{upper:.2}×)"
            ),
        }
    }
}

/// The implementations a run ranks: its libraries in registry order, then any other
/// implementation of a channel workload (never a baseline or a strategy without a channel).
pub fn implementations(run: &Run) -> Vec<String> {
    let mut impls: Vec<String> = run
        .environment
        .libraries
        .iter()
        .map(|l| l.implementation.clone())
        .collect();
    for cell in run.placements.iter().flat_map(|p| &p.cells) {
        let channel = matches!(
            cell.workload().facts().kind,
            Kind::Channel | Kind::Behaviour
        );
        if channel && !impls.iter().any(|i| i == cell.implementation()) {
            impls.push(cell.implementation().to_owned());
        }
    }
    impls
}

/// Ranks the implementations `impls` (in registry order) on `workload` on `placement`; `None`
/// when none of them was measured.
pub fn rank(impls: &[String], placement: &PlacementResults, workload: Workload) -> Option<Ranking> {
    rank_where(impls, placement, workload, |_| true)
}

/// [`rank`] over the cells `keep` selects: an async workload on one runtime flavour.
pub fn rank_where(
    impls: &[String],
    placement: &PlacementResults,
    workload: Workload,
    keep: impl Fn(&CellResult) -> bool,
) -> Option<Ranking> {
    let mut measured = placement.measured(workload);
    measured.retain(|c| keep(c));
    let mut best: BTreeMap<&str, f64> = BTreeMap::new();
    for c in &measured {
        let ns = c.time_ns()?;
        let e = best.entry(c.label()).or_insert(ns);
        *e = e.min(ns);
    }
    let mut order: Vec<(String, f64)> = impls
        .iter()
        .filter_map(|i| {
            let ratios: Vec<f64> = measured
                .iter()
                .filter(|c| c.implementation() == i)
                .filter_map(|c| Some(c.time_ns()? / best[c.label()]))
                .collect();
            (!ratios.is_empty()).then(|| (i.clone(), stats::geometric_mean(&ratios)))
        })
        .collect();
    if order.is_empty() {
        return None;
    }
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Pairs of cells of `a` and `b` on the configurations both ran.
    let pairs = |a: &str, b: &str| -> Vec<(&CellResult, &CellResult)> {
        measured
            .iter()
            .filter(|x| x.implementation() == a)
            .filter_map(|x| {
                let y = measured
                    .iter()
                    .find(|y| y.implementation() == b && y.label() == x.label())?;
                Some((*x, *y))
            })
            .collect()
    };
    // other / candidate over the shared configurations.
    let margin = |candidate: &str, other: &str| -> Option<f64> {
        let ratios: Vec<f64> = pairs(candidate, other)
            .iter()
            .filter_map(|(w, r)| Some(r.time_ns()? / w.time_ns()?))
            .collect();
        (!ratios.is_empty()).then(|| stats::geometric_mean(&ratios))
    };
    // The winner is the best-scored implementation that no other beats on the configurations
    // they share: the score alone could crown one that is slower than its runner-up where both
    // ran (it ran more of the configurations where everyone is slow).
    let mut ranking = Ranking {
        order,
        winner: None,
        runner_up: None,
        margin: None,
        shared: 0,
        replication: Replication::NotReplicated,
    };
    for (candidate, _) in &ranking.order {
        let closest = ranking
            .order
            .iter()
            .filter(|(other, _)| other != candidate)
            .filter_map(|(other, _)| Some((other, margin(candidate, other)?)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match closest {
            Some((_, m)) if m < 1.0 => continue,
            Some((other, m)) => {
                ranking.runner_up = Some(other.clone());
                ranking.margin = Some(m);
            }
            None => {}
        }
        ranking.winner = Some(candidate.clone());
        break;
    }
    let (Some(winner), Some(second)) = (&ranking.winner, &ranking.runner_up) else {
        return Some(ranking);
    };
    let shared = pairs(winner, second);
    ranking.shared = shared.len();
    ranking.replication = replication(&shared);
    Some(ranking)
}

/// Per process: its own margin over the shared configurations, tested against 1. Processes are
/// matched by position (the k-th process of a run measured both cells).
fn replication(shared: &[(&CellResult, &CellResult)]) -> Replication {
    let processes = shared
        .iter()
        .map(|(w, r)| w.process_times().len().min(r.process_times().len()))
        .min()
        .unwrap_or(0);
    let aligned = shared
        .iter()
        .all(|(w, r)| w.process_times().len() == processes && r.process_times().len() == processes);
    if processes < 2 || !aligned {
        return Replication::NotReplicated;
    }
    let per_process: Vec<f64> = (0..processes)
        .map(|k| {
            let ratios: Vec<f64> = shared
                .iter()
                .map(|(w, r)| r.process_times()[k] / w.process_times()[k])
                .collect();
            stats::geometric_mean(&ratios)
        })
        .collect();
    Replication::of_margins(&per_process)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reproducible_winner_is_surely_at_least_five_percent_ahead() {
        let ranking = |lower: f64, upper: f64, p: f64| Ranking {
            order: vec![("a".into(), 1.0), ("b".into(), 1.1)],
            winner: Some("a".into()),
            runner_up: Some("b".into()),
            margin: Some((lower * upper).sqrt()),
            shared: 3,
            replication: Replication::Tested {
                processes: 5,
                lower,
                upper,
                p,
            },
        };
        assert!(ranking(1.06, 1.20, 0.001).reproducible());
        // Surely faster, but perhaps by less than 5%: run-to-run drift could reverse it.
        assert!(!ranking(1.01, 1.05, 0.01).reproducible());
        assert!(!ranking(0.95, 1.30, 0.2).reproducible());
        let mut single = ranking(1.5, 1.5, 0.0);
        single.replication = Replication::NotReplicated;
        assert!(!single.reproducible());
        assert!(single.verdict().contains("not replicated"));
    }
}
