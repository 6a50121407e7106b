//! What a family's section is made of, and the helpers every family's reading shares.

use chanbench_schema::Workload;
use maud::{Markup, PreEscaped, html};

use crate::{
    report::{model::View, names::strategy, widgets::matrix_table},
    results::{CellResult, PlacementResults},
    stats,
};

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

impl Reading {
    /// The section of `w`: heading, paragraph, findings, charts, note, then `tables` (a family's
    /// own, possibly none) and every cell of `w` per placement behind a click.
    pub(crate) fn section(self, view: &View<'_>, w: Workload, tables: Markup) -> Markup {
        html! {
            section {
                h3 id=(format!("w-{w}")) { (w) }
                p.reading { (self.text) }
                @if !self.points.is_empty() {
                    ul.reading { @for point in &self.points { li { (point) } } }
                }
                div.charts { @for svg in self.charts.iter().filter(|s| !s.is_empty()) { div.chart { (PreEscaped(svg)) } } }
                p.small { (self.note) }
                (tables)
                details {
                    summary { "Every " (w) " cell" }
                    @for p in &view.run.placements {
                        h4 { (p.placement) " (cores " (format!("{:?}", p.cores)) ")" }
                        (matrix_table(view, p, w))
                    }
                }
            }
        }
    }
}

/// Each placement with its measured cells of `workload`; placements without any are skipped.
pub(super) fn measured_by_placement<'v>(
    view: &'v View<'_>,
    workload: Workload,
) -> impl Iterator<Item = (&'v PlacementResults, Vec<&'v CellResult>)> {
    view.run
        .placements
        .iter()
        .map(move |p| (p, p.measured(workload)))
        .filter(|(_, cells)| !cells.is_empty())
}

/// The cells that run strategy `s` and whose parameters `keep` selects.
pub(super) fn cells_of<'c>(
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

/// The median of the present values; `None` when there are none.
pub(super) fn median(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.into_iter().flatten().collect();
    (!v.is_empty()).then(|| stats::median(&v))
}

pub(super) fn ratio(x: f64) -> String {
    format!("{x:.2}×")
}

/// A cell's CPU time per unit, from its cost run.
pub(super) fn cpu(c: &CellResult) -> Option<f64> {
    Some(c.cost.as_ref()?.cpu_ns_per_msg)
}
