//! Core to core: the round trip of an atomic between every pair of CPUs the run measured, the
//! floor under the placements' pairs, as a heatmap with each two-CPU placement's pair marked, and
//! a table of those pairs.

use anyhow::Result;
use maud::{Markup, PreEscaped, html};

use super::model::View;
use crate::{
    charts::{self, Mark},
    units::time,
};

/// The section: nothing where the run has no matrix.
pub(super) fn section(view: &View<'_>) -> Result<Markup> {
    let Some(m) = &view.run.core_to_core else {
        return Ok(html! {});
    };
    let index = |cpu: usize| m.cpus.iter().position(|&c| c == cpu);
    let pairs: Vec<(&str, usize, usize)> = view
        .run
        .placements
        .iter()
        .filter_map(|p| match p.cores[..] {
            [a, b] => Some((p.placement.as_str(), a, b)),
            _ => None,
        })
        .collect();
    let marks: Vec<Mark> = pairs
        .iter()
        .filter_map(|&(name, a, b)| {
            Some(Mark {
                row: index(a)?,
                column: index(b)?,
                name: format!("{name}: CPUs {a} and {b}"),
            })
        })
        .collect();
    let labels: Vec<String> = m.cpus.iter().map(usize::to_string).collect();
    let svg = charts::heatmap(
        "atomic round trip between two CPUs (ns, lower is closer)",
        &labels,
        &m.ns,
        &|v| format!("{v:.0}"),
        &marks,
    )?;
    Ok(html! {
        h2 id="core-to-core" { "Core to core" }
        p {
            "Two threads pinned to two CPUs bounce an atomic: the round trip (two cache-line transfers) is the hardware floor under every pair the placements run on. "
            (m.cpus.len()) " CPUs (one per physical core), " (m.round_trips) " round trips per measurement, the fastest of " (m.repeats) " per pair. "
            "The outlined cells are the pairs the two-CPU placements ran on."
        }
        div.chart { (PreEscaped(svg)) }
        table {
            tr { th { "placement" } th { "CPUs" } th { "round trip" } }
            @for &(name, a, b) in &pairs {
                tr {
                    td { (name) }
                    td { (a) " and " (b) }
                    td { (m.between(a, b).map_or("not measured".to_owned(), time)) }
                }
            }
        }
    })
}
