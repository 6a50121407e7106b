//! The report's strategy sections: one file per family (distribute, receive, sources, service,
//! transport), each with its own chart per placement, a paragraph on what was measured, a list
//! of what the run found, and the full table. The findings are computed from the run's typed
//! parameters and numbers, never written in advance; `lead.rs` tests every "fastest" they name.

use anyhow::Result;
use chanbench_schema::{Kind, Workload};
use maud::{Markup, PreEscaped, html};

use super::{html::matrix_table, model::View};
use crate::{
    results::{CellResult, PlacementResults},
    stats,
};

mod distribute;
mod lead;
mod receive;
mod service;
mod sources;
mod transport;

/// What a family's section says: a reading of the run, its charts, a note on the method.
pub struct Reading {
    /// The paragraph: what was measured.
    pub text: String,
    /// What this run found, listed under the paragraph one finding per item.
    pub points: Vec<String>,
    /// One chart per placement (SVG; empty strings are skipped).
    pub charts: Vec<String>,
    /// A note under the charts.
    pub note: String,
}

/// A family's section builder.
type Family = fn(&View<'_>) -> Result<Reading>;

/// The section of a strategy workload; `None` for the other kinds. Exhaustive, so a workload
/// added to the table must be given a section here or said to have none.
fn family(w: Workload) -> Option<Family> {
    match w {
        Workload::Distribute => Some(distribute::reading),
        Workload::Receive => Some(receive::reading),
        Workload::Sources => Some(sources::reading),
        Workload::Service => Some(service::reading),
        Workload::Transport => Some(transport::reading),
        Workload::Seq
        | Workload::Spsc
        | Workload::Mpsc
        | Workload::Mpmc
        | Workload::FanIn
        | Workload::PingPong
        | Workload::Burst
        | Workload::Floor
        | Workload::ZeroCost
        | Workload::AsyncSpsc
        | Workload::AsyncMpsc
        | Workload::AsyncMpmc
        | Workload::AsyncPingPong
        | Workload::ThreadToTask
        | Workload::TaskToThread => None,
    }
}

/// The strategy families, in the order the report shows them.
pub const FAMILIES: [Workload; 5] = [
    Workload::Distribute,
    Workload::Receive,
    Workload::Sources,
    Workload::Service,
    Workload::Transport,
];

/// The "Strategies" part of the page: nothing when the run has none of the families.
pub fn section(view: &View<'_>) -> Result<Markup> {
    let mut sections = Vec::new();
    for w in view.workloads_of(Kind::Strategy) {
        let Some(build) = family(w) else {
            anyhow::bail!("the report has no section for the strategy workload {w}");
        };
        let Reading {
            text,
            points,
            charts,
            note,
        } = build(view)?;
        sections.push(html! {
            section {
                h3 id=(format!("w-{w}")) { (w) }
                p.reading { (text) }
                @if !points.is_empty() {
                    ul.reading { @for point in &points { li { (point) } } }
                }
                div.charts { @for svg in charts.iter().filter(|s| !s.is_empty()) { div.chart { (PreEscaped(svg)) } } }
                p.small { (note) }
                details {
                    summary { "Every " (w) " cell" }
                    @for p in &view.run.placements {
                        h4 { (p.placement) " (cores " (format!("{:?}", p.cores)) ")" }
                        (matrix_table(view, p, w))
                    }
                }
            }
        });
    }
    if sections.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        h2 id="strategies" { "Strategies" }
        p { "Beyond one channel: the same job done by different concurrency strategies, through the same placements. Each family has a chart per placement, a reading of this run's numbers, and every cell in a table (times per message, item or request, as each family says)." }
        @for s in &sections { (s) }
    })
}

/// Each placement with its measured cells of `workload`; placements without any are skipped.
fn measured_by_placement<'v>(
    view: &'v View<'_>,
    workload: Workload,
) -> impl Iterator<Item = (&'v PlacementResults, Vec<&'v CellResult>)> {
    view.run
        .placements
        .iter()
        .map(move |p| (p, p.measured(workload)))
        .filter(|(_, cells)| !cells.is_empty())
}

/// The strategy a cell runs (its parameters' `strategy`), or its implementation's name.
fn strategy(c: &CellResult) -> &str {
    c.params().strategy.as_deref().unwrap_or(c.implementation())
}

/// The cells that run strategy `s` and whose parameters `keep` selects.
fn cells_of<'c>(
    cells: &[&'c CellResult],
    s: &str,
    keep: impl Fn(&chanbench_schema::Params) -> bool,
) -> Vec<&'c CellResult> {
    cells
        .iter()
        .copied()
        .filter(|c| strategy(c) == s && keep(c.params()))
        .collect()
}

/// The strategy with the channel it runs over, if any: `pool-per-item (crossbeam)`, `rayon`.
pub(super) fn label(c: &CellResult) -> String {
    match strategy(c) {
        s if s == c.implementation() => s.to_owned(),
        s => format!("{s} ({})", c.implementation()),
    }
}

/// The median of the present values; `None` when there are none.
fn median(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.into_iter().flatten().collect();
    (!v.is_empty()).then(|| stats::median(&v))
}

fn ratio(x: f64) -> String {
    format!("{x:.2}×")
}

/// A cell's CPU time per unit, from its cost run.
fn cpu(c: &CellResult) -> Option<f64> {
    Some(c.cost.as_ref()?.cpu_ns_per_msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_workload_of_the_table_has_a_section_and_no_other_does() {
        for w in Workload::ALL {
            assert_eq!(family(w).is_some(), w.facts().kind == Kind::Strategy, "{w}");
            assert_eq!(FAMILIES.contains(&w), family(w).is_some(), "{w}");
        }
    }
}
