//! The run indexed for the report: which implementations and workloads it has, in which order,
//! each configuration of a workload, and one colour per name for every chart of the page.

use chanbench_schema::{Kind, Workload};

use super::names::{label, ordered};
use crate::{
    ranking::{self, Ranking},
    results::{PlacementResults, Run},
    stats,
};

/// A placement's name and its ranking of one workload (`None`: nothing measured).
pub type PlacementRanking = (String, Option<Ranking>);

/// A zero-cost row: placement, side, each process's trait/direct ratio, the direct time.
pub type ZeroCostRow = (String, Workload, Vec<f64>, f64);

/// The run, indexed for the report.
pub struct View<'a> {
    /// The run.
    pub run: &'a Run,
    /// Implementation ids in registry order, then any others (never the baselines or the
    /// strategies without a channel).
    impls: Vec<String>,
    /// The workloads the run has, in the table's order.
    workloads: Vec<Workload>,
    /// Every name a chart draws (implementations first, then strategies, baselines and
    /// placements): its index is its colour, the same in every section.
    palette: Vec<String>,
}

impl<'a> View<'a> {
    /// Indexes `run`.
    pub fn new(run: &'a Run) -> Self {
        // Strategies without a channel (sequential, rayon, direct-call ...) and baselines are
        // not implementations; they appear in their own sections only.
        let impls = ranking::implementations(run);
        let cells = || run.placements.iter().flat_map(|p| &p.cells);
        let workloads = Workload::ALL
            .into_iter()
            .filter(|w| cells().any(|c| c.workload() == *w))
            .collect();
        let palette = ordered(
            impls
                .iter()
                .cloned()
                .chain(cells().map(|c| c.implementation().to_owned()))
                .chain(cells().filter_map(|c| c.params().strategy.map(|s| s.to_string())))
                .chain(cells().map(label))
                .chain(run.placements.iter().map(|p| p.placement.clone())),
        );
        View {
            run,
            impls,
            workloads,
            palette,
        }
    }

    /// The implementations, registry order first.
    pub fn impls(&self) -> &[String] {
        &self.impls
    }

    /// Where `implementation` comes in the implementations' order (the end when it is not one),
    /// for sorting a table's rows.
    pub fn impl_rank(&self, implementation: &str) -> usize {
        self.impls
            .iter()
            .position(|i| i == implementation)
            .unwrap_or(self.impls.len())
    }

    /// Whether the run has cells of `workload`.
    pub fn has(&self, workload: Workload) -> bool {
        self.workloads.contains(&workload)
    }

    /// The workloads of `kind` the run has, in the table's order.
    pub fn workloads_of(&self, kind: Kind) -> impl Iterator<Item = Workload> + '_ {
        self.workloads
            .iter()
            .copied()
            .filter(move |w| w.facts().kind == kind)
    }

    /// The channel workloads: the ones ranked (not the baselines, not the strategy families,
    /// which have their own sections and are not rankings of channels).
    pub fn channel_workloads(&self) -> impl Iterator<Item = Workload> + '_ {
        self.workloads_of(Kind::Channel)
    }

    /// The workload's configurations (parameter strings), in the order the run met them.
    pub fn configurations(&self, workload: Workload) -> Vec<String> {
        ordered(
            self.run
                .placements
                .iter()
                .flat_map(|p| p.cells_of(workload))
                .map(|c| c.label().to_owned()),
        )
    }

    /// Ranks the implementations of `workload` on `placement`.
    pub fn rank(&self, placement: &PlacementResults, workload: Workload) -> Option<Ranking> {
        ranking::rank(&self.impls, placement, workload)
    }

    /// For each sync channel workload, its ranking per placement (the async ones are ranked per
    /// runtime flavour, in their own section).
    pub fn winners(&self) -> Vec<(Workload, Vec<PlacementRanking>)> {
        self.channel_workloads()
            .filter(|w| !w.is_async())
            .map(|w| {
                let per_placement = self
                    .run
                    .placements
                    .iter()
                    .map(|p| (p.placement.clone(), self.rank(p, w)))
                    .collect();
                (w, per_placement)
            })
            .collect()
    }

    /// Whether the winner changes with placement, in words; only winners that reproduce count:
    /// a flip between two coin tosses is no finding.
    pub fn flips(per_placement: &[PlacementRanking]) -> Option<String> {
        let winners: Vec<(&str, &str)> = per_placement
            .iter()
            .filter_map(|(p, r)| {
                let r = r.as_ref().filter(|r| r.reproducible())?;
                Some((p.as_str(), r.winner.as_deref()?))
            })
            .collect();
        let first = winners.first()?.1;
        winners.iter().any(|(_, w)| *w != first).then(|| {
            let list: Vec<String> = winners.iter().map(|(p, w)| format!("{w} on {p}")).collect();
            format!("the ranking flips with placement: {}", list.join(", "))
        })
    }

    /// The colour of a name (an implementation, a strategy, a placement): the same in every
    /// chart of the page.
    pub fn colour_of(&self, name: &str) -> usize {
        self.palette
            .iter()
            .position(|n| n == name)
            .unwrap_or(self.palette.len())
    }

    /// One representative configuration per workload: the one measured for the most
    /// implementations on every placement (ties: the first).
    pub fn representative(&self, workload: Workload) -> Option<String> {
        let configurations = self.configurations(workload);
        let measured_by = |label: &str| {
            self.run
                .placements
                .iter()
                .map(|pl| {
                    pl.cells_of(workload)
                        .filter(|c| c.label() == label && c.time_ns().is_some())
                        .count()
                })
                .min()
                .unwrap_or(0)
        };
        let most = configurations.iter().map(|c| measured_by(c)).max()?;
        configurations.into_iter().find(|c| measured_by(c) == most)
    }

    /// Per placement and side: every process's trait/direct median, and the median direct time.
    pub fn zero_cost_rows(&self) -> Vec<ZeroCostRow> {
        let mut rows = Vec::new();
        for p in &self.run.placements {
            for side in ordered(p.zero_cost.iter().map(|z| z.workload)) {
                let of = |f: fn(&chanbench_schema::ZeroCostRecord) -> f64| -> Vec<f64> {
                    p.zero_cost
                        .iter()
                        .filter(|z| z.workload == side)
                        .map(f)
                        .collect()
                };
                let ratios = of(|z| z.ratio_median);
                if !ratios.is_empty() {
                    let direct = stats::median(&of(|z| z.direct_median_ns_per_msg));
                    rows.push((p.placement.clone(), side, ratios, direct));
                }
            }
        }
        rows
    }
}
