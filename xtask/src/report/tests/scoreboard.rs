//! The report's first screen: one scoreboard entry per channel workload, placement and runtime
//! flavour of the run, coloured by how sure the claim is.

use std::{collections::BTreeSet, path::Path};

use chanbench_schema::Kind;

use super::fixture::fixture;
use crate::{
    report::{View, html::page, scoreboard::Sureness},
    results::Run,
};

/// (workload, runtime) pairs the run measured channel cells of.
fn combinations(run: &Run) -> BTreeSet<(String, Option<String>)> {
    run.placements
        .iter()
        .flat_map(|p| &p.cells)
        .filter(|c| c.workload().facts().kind == Kind::Channel && c.time_ns().is_some())
        .map(|c| {
            let runtime = c.params().runtime.map(|r| r.to_string());
            (c.workload().to_string(), runtime)
        })
        .collect()
}

/// The scoreboard's rows and entries on the page of `run`, checked against the run.
fn check(run: &Run) {
    let html = page(&View::new(run)).unwrap().into_string();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let board = doc
        .select(&sel("section.scoreboard table.scoreboard"))
        .next()
        .expect("the page has a scoreboard");
    let rows = board.select(&sel("tr")).count() - 1;
    let expected = combinations(run);
    assert_eq!(
        rows,
        expected.len(),
        "{}: {expected:?}",
        run.environment.run
    );
    let entries = board.select(&sel("td.score")).count();
    assert_eq!(entries, expected.len() * run.placements.len());
    // The scoreboard comes before the metadata and the first section.
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("id=\"scoreboard\"") < at("table class=\"meta\""));
    assert!(at("id=\"scoreboard\"") < at("id=\"which\""));
}

#[test]
fn the_scoreboard_has_an_entry_per_workload_placement_and_runtime() {
    check(&fixture(Path::new("unused")));
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    for name in ["issue27-default", "async-default"] {
        check(&Run::load(&results, name).unwrap());
    }
}

#[test]
fn an_entry_is_coloured_by_how_sure_its_winner_is() {
    let run = fixture(Path::new("unused"));
    let view = View::new(&run);
    let rows = crate::report::scoreboard::rows(&view);
    let sure = |w: &str| {
        let row = rows.iter().find(|r| r.workload.name() == w).unwrap();
        Sureness::of(row.rankings[0].as_ref())
    };
    assert_eq!(sure("ping-pong"), Sureness::Reproducible);
    assert_eq!(sure("burst"), Sureness::NotReproducible);
    assert_eq!(sure("seq"), Sureness::None, "no single winner");
}
