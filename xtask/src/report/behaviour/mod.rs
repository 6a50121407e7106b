//! The report's behaviour sections: what a channel does beyond its speed, one file per family
//! (offered load, fairness, background load, memory), each a reading of the run's observations
//! (every process's, the unit of replication), its tables and, where it has one, a chart per
//! placement and capacity. `lowest.rs` tests every "lowest" they name.

use anyhow::Result;
use chanbench_schema::{Kind, Workload};
use maud::{Markup, html};

use super::{model::View, strategies::reading::Reading};

mod background;
pub mod export;
mod fairness;
mod lowest;
mod memory;
mod offered_load;

/// A family's section builder: its reading and its own tables, of the workload given (the sync
/// family or its async twin).
type Family = fn(&View<'_>, Workload) -> Result<(Reading, Markup)>;

/// The section of a behaviour workload; `None` for the other kinds. A behaviour workload added
/// to the table without a section here fails the test below, not the page.
fn family(w: Workload) -> Option<Family> {
    match w {
        Workload::OfferedLoad | Workload::AsyncOfferedLoad => Some(offered_load::reading),
        Workload::Fairness | Workload::AsyncFairness => Some(fairness::reading),
        Workload::BackgroundLoad | Workload::AsyncBackgroundLoad => Some(background::reading),
        Workload::Memory | Workload::AsyncMemory => Some(memory::reading),
        _ => None,
    }
}

/// Whether the run has a behaviour family.
pub fn shown(view: &View<'_>) -> bool {
    view.workloads_of(Kind::Behaviour).next().is_some()
}

/// The "Behaviour" part of the page: nothing when the run has none of the families.
pub fn section(view: &View<'_>) -> Result<Markup> {
    let mut sections = Vec::new();
    for w in view.workloads_of(Kind::Behaviour) {
        let Some(build) = family(w) else {
            anyhow::bail!("the report has no section for the behaviour workload {w}");
        };
        let (reading, tables) = build(view, w)?;
        sections.push(reading.section(view, w, tables));
    }
    if sections.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        h2 id="behaviour" { "Behaviour" }
        p { "Beyond speed: latency at a load below saturation, who gets what under saturation, what busy neighbours cost, and what a channel holds in memory. These families and their async twins run on request (" code { "cargo xtask bench --workload offered-load fairness background-load memory" } ", " code { "async-offered-load" } " ...); their findings are drawn from every process's observation." }
        @for s in &sections { (s) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_behaviour_workload_of_the_table_has_a_section_and_no_other_does() {
        for w in Workload::ALL {
            assert_eq!(
                family(w).is_some(),
                w.facts().kind == Kind::Behaviour,
                "{w}"
            );
        }
    }
}
