//! The report's strategy sections: one file per family (distribute, receive, sources, service,
//! transport), each with its own chart per placement, a paragraph on what was measured, a list
//! of what the run found, and the full table. The findings are computed from the run's typed
//! parameters and numbers, never written in advance; `lead.rs` tests every "fastest" they name.

use anyhow::Result;
use chanbench_schema::{Kind, Workload};
use maud::{Markup, html};

use super::model::View;
use reading::Reading;

mod distribute;
mod lead;
pub(super) mod reading;
mod receive;
mod service;
mod sources;
mod transport;

/// A family's section builder.
type Family = fn(&View<'_>) -> Result<Reading>;

/// The section of a strategy workload; `None` for the other kinds. A strategy workload added to
/// the table without a section here fails the test below, not the page.
fn family(w: Workload) -> Option<Family> {
    match w {
        Workload::Distribute => Some(distribute::reading),
        Workload::Receive => Some(receive::reading),
        Workload::Sources => Some(sources::reading),
        Workload::Service => Some(service::reading),
        Workload::Transport => Some(transport::reading),
        _ => None,
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
        sections.push(build(view)?.section(view, w, html! {}));
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
