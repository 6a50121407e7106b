//! The scoreboard that opens a report and `choose`'s page: per channel workload and runtime (a
//! row) and placement (a column), the winner's name and margin, coloured by how sure the claim
//! is, with the verdict in words one click away (`<details>`, no scripts). The strategy
//! families rank strategies, not implementations, and answer in their own sections.

use chanbench_schema::{Runtime, Workload};
use maud::{Markup, html};

use super::{
    asynchronous,
    model::{PlacementRanking, View},
};
use crate::{
    ranking::{MIN_MARGIN, Ranking, Replication},
    results::PlacementResults,
};

/// How sure a scoreboard entry's claim is: its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sureness {
    /// A winner whose margin reproduces over processes.
    Reproducible,
    /// A leader whose margin the process-to-process spread does not back.
    NotReproducible,
    /// A leader measured by one process: nothing can be said about reproduction.
    NotReplicated,
    /// No single winner, or nothing measured.
    None,
}

impl Sureness {
    /// Of a ranking.
    pub fn of(r: Option<&Ranking>) -> Self {
        match r {
            Some(r) if r.winner.is_some() => match r.replication {
                _ if r.reproducible() => Sureness::Reproducible,
                Replication::NotReplicated => Sureness::NotReplicated,
                Replication::Tested { .. } => Sureness::NotReproducible,
            },
            _ => Sureness::None,
        }
    }

    /// Its CSS class.
    fn class(self) -> &'static str {
        match self {
            Sureness::Reproducible => "score sure",
            Sureness::NotReproducible => "score unsure",
            Sureness::NotReplicated => "score unreplicated",
            Sureness::None => "score none",
        }
    }

    /// A word for it, in the cell.
    fn word(self) -> &'static str {
        match self {
            Sureness::Reproducible => "reproducible",
            Sureness::NotReproducible => "not reproducible",
            Sureness::NotReplicated => "one process",
            Sureness::None => "",
        }
    }
}

/// One row: a channel workload on threads (`runtime` none) or one runtime flavour, ranked on
/// each placement of the run, in the run's order.
pub struct Row {
    /// The workload.
    pub workload: Workload,
    /// The runtime flavour of an async workload's row.
    pub runtime: Option<Runtime>,
    /// Per placement of the run: its ranking (`None`: nothing measured there).
    pub rankings: Vec<Option<Ranking>>,
}

/// The run's rows: every channel workload it measured, sync ones once (the "which channel"
/// rankings), async ones per runtime flavour they ran on (the async section's).
pub fn rows(view: &View<'_>) -> Vec<Row> {
    let rankings = |per_placement: Vec<PlacementRanking>| -> Vec<Option<Ranking>> {
        per_placement.into_iter().map(|(_, r)| r).collect()
    };
    let sync = view
        .winners()
        .into_iter()
        .map(|(workload, per_placement)| Row {
            workload,
            runtime: None,
            rankings: rankings(per_placement),
        });
    let asynchronous = asynchronous::winners(view).into_iter().map(|w| Row {
        workload: w.workload,
        runtime: Some(w.flavour),
        rankings: rankings(w.per_placement),
    });
    sync.chain(asynchronous).collect()
}

/// The scoreboard of `rows` over `placements` (each with its cores), linking each workload to
/// its section when `linked`.
pub fn table(placements: &[PlacementResults], rows: &[Row], linked: bool) -> Markup {
    html! {
        p.small.legend {
            "Each entry: the winner and its margin, the runner-up's time over the winner's. "
            span.score.sure { "reproducible" } " the winner's margin is above " (MIN_MARGIN) "× over processes · "
            span.score.unsure { "not reproducible" } " it leads, but another run could crown another · "
            span.score.unreplicated { "one process" } " not replicated · "
            span.score.none { "no single winner" } " · click an entry for the verdict in words and the order."
        }
        table.scoreboard {
            tr {
                th { "workload" } th { "on" }
                @for p in placements { th { (p.placement) br; span.small { "cores " (format!("{:?}", p.cores)) } } }
            }
            @for row in rows {
                tr {
                    th {
                        @if linked { a href=(format!("#w-{}", row.workload)) { (row.workload) } } @else { (row.workload) }
                        span.small { " per " (row.workload.facts().unit.name()) }
                    }
                    td.small { (row.runtime.map_or("threads".to_owned(), |r| format!("tokio {r}"))) }
                    @for r in &row.rankings { (entry(r.as_ref())) }
                }
            }
        }
    }
}

/// One entry: the winner, its margin and sureness, and the verdict behind a click.
pub(super) fn entry(r: Option<&Ranking>) -> Markup {
    let sure = Sureness::of(r);
    html! {
        td class=(sure.class()) {
            @match r {
                None => { "not measured" }
                Some(r) => {
                    details {
                        summary {
                            @match &r.winner {
                                Some(w) => {
                                    strong { (w) }
                                    @if let Some(m) = r.margin { " " (format!("{m:.2}×")) }
                                    span.small { " " (sure.word()) }
                                }
                                None => { "no single winner" }
                            }
                        }
                        p.small { (r.verdict()) }
                        p.small { "order: " (r.order.iter().map(|(i, s)| format!("{i} ({s:.2}×)")).collect::<Vec<_>>().join(" < ")) }
                    }
                }
            }
        }
    }
}

/// Whether the run has a channel workload to put on the scoreboard (a run of the strategy or
/// behaviour families alone has none).
pub fn shown(view: &View<'_>) -> bool {
    !rows(view).is_empty()
}

/// The report's first section: the scoreboard of every channel workload of the run.
pub fn section(view: &View<'_>) -> Markup {
    let rows = rows(view);
    html! {
        @if !rows.is_empty() {
            section.scoreboard {
                h2 id="scoreboard" { "Scoreboard" }
                p.small { "Who wins each job on each placement, by how much, and how sure that is; the sections below have every configuration, CPU time, switches and latency." }
                (table(&view.run.placements, &rows, true))
            }
        }
    }
}
