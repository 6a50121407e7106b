//! The async section: which async channel wins each job on each runtime flavour and placement,
//! and each library's async side against its sync side on the same job.
//!
//! The async workloads' own sections (charts and full tables, CPU and switches per unit) are the
//! channel workloads' ([`super::html`]); this adds what only async cells have: a runtime flavour
//! per cell, and a sync twin for the libraries with both halves.

use chanbench_schema::{Cost, Runtime, Workload};
use maud::{Markup, html};

use super::{
    model::{PlacementRanking, View},
    widgets::ranking_cell,
};
use crate::{ranking, results::CellResult, units::time_per};

/// The runtime flavours, as async cells name them.
pub const FLAVOURS: [Runtime; 2] = [Runtime::CurrentThread, Runtime::MultiThread];

/// An async workload's ranking on one runtime flavour, per placement.
pub struct AsyncWinners {
    /// The workload.
    pub workload: Workload,
    /// The runtime flavour.
    pub flavour: Runtime,
    /// Per placement.
    pub per_placement: Vec<PlacementRanking>,
}

/// The rankings of every async workload the run has, per runtime flavour and placement.
pub fn winners(view: &View<'_>) -> Vec<AsyncWinners> {
    let mut out = Vec::new();
    for workload in view.channel_workloads().filter(|w| w.is_async()) {
        for flavour in FLAVOURS {
            let on = |c: &CellResult| c.params().runtime == Some(flavour);
            let per_placement: Vec<PlacementRanking> = view
                .run
                .placements
                .iter()
                .map(|p| {
                    let r = ranking::rank_where(view.impls(), p, workload, on);
                    (p.placement.clone(), r)
                })
                .collect();
            if per_placement.iter().any(|(_, r)| r.is_some()) {
                out.push(AsyncWinners {
                    workload,
                    flavour,
                    per_placement,
                });
            }
        }
    }
    out
}

/// One library's sync cell and its async twins (one per runtime flavour) on the same job and
/// placement.
pub struct SyncAsync<'a> {
    /// The placement.
    pub placement: &'a str,
    /// The sync cell.
    pub sync_cell: &'a CellResult,
    /// The async cell of the same implementation id, twin workload, capacity, payload and
    /// producer / consumer counts, per flavour of [`FLAVOURS`] (`None`: not measured).
    pub async_cells: [Option<&'a CellResult>; 2],
}

impl SyncAsync<'_> {
    /// Async time on `FLAVOURS[i]` over sync time: above 1, the async side is slower.
    pub fn ratio(&self, i: usize) -> Option<f64> {
        Some(self.async_cells[i]?.time_ns()? / self.sync_cell.time_ns()?)
    }
}

/// Whether `async_cell` does `sync_cell`'s job: same implementation id, the twin workload, the
/// same capacity, payload, producers and consumers.
fn same_job(sync_cell: &CellResult, async_cell: &CellResult) -> bool {
    let (s, a) = (sync_cell.params(), async_cell.params());
    async_cell.workload().sync_twin() == Some(sync_cell.workload())
        && async_cell.implementation() == sync_cell.implementation()
        && s.capacity == a.capacity
        && s.payload.label == a.payload.label
        && s.producers == a.producers
        && s.consumers == a.consumers
        && s.strategy.is_none()
}

/// Every measured sync cell with an async twin, by placement, library, workload and
/// configuration.
pub fn sync_versus_async<'a>(view: &View<'a>) -> Vec<SyncAsync<'a>> {
    let mut rows = Vec::new();
    for p in &view.run.placements {
        let mut of_placement = Vec::new();
        for workload in Workload::ALL
            .into_iter()
            .filter(|w| w.sync_twin().is_some())
        {
            let asynchronous = p.measured(workload);
            let Some(sync) = workload.sync_twin() else {
                continue;
            };
            for sync_cell in p.measured(sync) {
                let on = |flavour: Runtime| {
                    asynchronous
                        .iter()
                        .copied()
                        .find(|a| same_job(sync_cell, a) && a.params().runtime == Some(flavour))
                };
                let async_cells = FLAVOURS.map(on);
                if async_cells.iter().any(Option::is_some) {
                    of_placement.push(SyncAsync {
                        placement: &p.placement,
                        sync_cell,
                        async_cells,
                    });
                }
            }
        }
        of_placement.sort_by(|a, b| {
            let key = |r: &SyncAsync<'_>| {
                (
                    r.sync_cell.implementation().to_owned(),
                    r.sync_cell.workload(),
                    r.sync_cell.label().to_owned(),
                )
            };
            key(a).cmp(&key(b))
        });
        rows.extend(of_placement);
    }
    rows
}

/// A ratio with three significant digits: `0.183×`, `1.18×`, `12.4×`.
pub fn ratio_text(r: f64) -> String {
    let decimals = if r >= 10.0 {
        1
    } else if r >= 1.0 {
        2
    } else {
        (2 - r.log10().floor() as i32).clamp(3, 6) as usize
    };
    format!("{r:.decimals$}×")
}

/// The CPU per unit of a cell's cost run, printed with its unit.
fn cpu(c: &CellResult) -> String {
    let unit = c.workload().facts().unit;
    c.cost
        .as_ref()
        .map_or("?".to_owned(), |k: &Cost| time_per(k.cpu_ns_per_msg, unit))
}

/// The section, or nothing when the run has no async cells.
pub fn section(view: &View<'_>) -> Markup {
    let winners = winners(view);
    if winners.is_empty() {
        return html! {};
    }
    let pairs = sync_versus_async(view);
    html! {
        h2 id="async" { "Async channels" }
        p {
            "Async cells run on a tokio runtime of either flavour: " code { (Runtime::CurrentThread) }
            " (every task on one thread, the runtime inside one " code { "block_on" } " per run) or "
            code { (Runtime::MultiThread) } " (one worker per allowed core, pinned; nothing inside "
            code { "block_on" } "). Tasks are spawned before the clock starts and released by one \
            gate; the time runs from the first task's start to the last one's end. The bridges \
            put a plain thread on the team's next core: a blocking worker feeding a task \
            (thread-to-task) or fed by one (task-to-thread). CPU time counts the runtime's \
            workers too: an idle worker searching for work burns CPU like a spinning channel."
        }
        h3 id="async-which" { "Which async channel for which job" }
        p.small { "The same ranking and replication test as the sync channels', per runtime flavour: an implementation wins a flavour's cells only against the others on that flavour." }
        table.which {
            tr { th { "workload" } th { "runtime" } @for p in &view.run.placements { th { (p.placement) } } }
            @for w in &winners {
                tr {
                    td { a href=(format!("#w-{}", w.workload)) { (w.workload) } br; span.small { "per " (w.workload.facts().unit.name()) } }
                    td { (w.flavour) }
                    @for (_, r) in &w.per_placement {
                        td { (ranking_cell(r.as_ref())) }
                    }
                }
            }
        }
        h3 id="sync-async" { "Sync versus async, per library" }
        @if pairs.is_empty() {
            p { "No library with both halves has an async cell and its sync twin in this run (flume and kanal have both: run spsc, mpsc, mpmc or ping-pong beside the async workloads)." }
        } @else {
            p {
                "A library with both halves (one implementation id) on the same job: its async cell \
                 against its sync cell of the same capacity, payload and producer and consumer \
                 counts, on the same placement. Above 1×, the async side is slower per unit; the \
                 CPU columns are each cell's cost run."
            }
            table.matrix {
                tr {
                    th { "library" } th { "job" } th { "placement" } th { "sync" }
                    @for f in FLAVOURS { th { "async, " (f) br; span.small { "async / sync" } } }
                    th { "sync CPU" }
                    @for f in FLAVOURS { th { "async CPU, " (f) } }
                }
                @for row in &pairs {
                    @let unit = row.sync_cell.workload().facts().unit;
                    tr {
                        td { (row.sync_cell.implementation()) }
                        td { (row.sync_cell.workload()) " " span.small { (row.sync_cell.label()) } }
                        td { (row.placement) }
                        td { (row.sync_cell.time_ns().map_or("?".into(), |ns| time_per(ns, unit))) }
                        @for (i, a) in row.async_cells.iter().enumerate() {
                            td {
                                @match a.and_then(|a| a.time_ns()) {
                                    None => { "not measured" }
                                    Some(ns) => { (time_per(ns, unit)) br; strong { (row.ratio(i).map_or("?".into(), ratio_text)) } }
                                }
                            }
                        }
                        td { (cpu(row.sync_cell)) }
                        @for a in &row.async_cells { td { (a.map_or("not measured".into(), cpu)) } }
                    }
                }
            }
        }
    }
}
