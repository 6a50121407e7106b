//! Runs of several hosts side by side: told apart, compared on the cells they share, the rest
//! counted; agreement, flips and what cannot be said.

use std::{fs, path::Path};

use chanbench_schema::Workload;

use super::fixture::fixture;
use crate::{
    report::hosts::{self, Agreement, Hosts},
    results::Run,
};

/// The fixture as run `name` on another host, with spsc's two leaders swapped and one mpsc
/// cell of "slow" missing.
fn other_host(name: &str) -> Run {
    let mut run = fixture(Path::new("unused"));
    run.environment.run = name.into();
    let host = run.environment.host.as_mut().unwrap();
    host.vendor = "OtherVendor".into();
    host.family = "99".into();
    for p in &mut run.placements {
        for c in p
            .cells
            .iter_mut()
            .filter(|c| c.workload() == Workload::Spsc)
        {
            if c.implementation() == "fast" {
                c.repeats_fastest.iter_mut().for_each(|t| *t *= 10.0);
            }
        }
        p.cells
            .retain(|c| !(c.workload() == Workload::Mpsc && c.implementation() == "slow"));
    }
    run
}

#[test]
fn hosts_agree_flip_and_what_they_do_not_share_is_counted() {
    let here = fixture(Path::new("unused"));
    let there = other_host("there");
    let runs = [here, there];
    let hosts = Hosts::of(&runs).unwrap();
    assert!(hosts.same_host.is_empty(), "two vendors: two hosts");
    let row = |w: Workload, p: &str| {
        hosts
            .rows
            .iter()
            .find(|r| r.workload == w && r.placement == p)
            .unwrap_or_else(|| panic!("no row {w} {p}"))
    };
    // spsc: "fast" wins here, "slow" there, both reproducibly.
    assert_eq!(row(Workload::Spsc, "one-core").agreement(), Agreement::Flip);
    // ping-pong is untouched: the same reproducible winner on both.
    assert!(matches!(
        row(Workload::PingPong, "cross-core").agreement(),
        Agreement::Agree(w) if w == "fast"
    ));
    // burst's leader does not reproduce on either host.
    assert!(matches!(
        row(Workload::Burst, "one-core").agreement(),
        Agreement::Unsure { sure: 0, .. }
    ));
    // The mpsc cells of "slow" exist here only: counted under this run, in no ranking.
    let lonely: Vec<_> = hosts.unshared[0]
        .iter()
        .filter(|k| k.1 == Workload::Mpsc)
        .collect();
    assert_eq!(lonely.len(), 2, "{lonely:?}");
    assert!(hosts.unshared[1].is_empty());
    let mpsc = row(Workload::Mpsc, "one-core");
    for r in mpsc.rankings.iter().flatten() {
        assert!(r.order.iter().all(|(i, _)| i != "slow"), "{:?}", r.order);
    }
    // One row per shared workload, runtime and placement.
    let html = hosts.page().into_string();
    let doc = scraper::Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let rows = doc
        .select(&scraper::Selector::parse("table.scoreboard tr").unwrap())
        .count();
    assert_eq!(rows, hosts.rows.len() + 1);
    assert!(html.contains("OtherVendor family 99") && html.contains("GenuineTest"));
    assert!(html.contains("2 cell(s) not shared"));
}

#[test]
fn runs_of_one_host_are_said_to_be_one_host() {
    let a = fixture(Path::new("unused"));
    let mut b = fixture(Path::new("unused"));
    b.environment.run = "again".into();
    let runs = [a, b];
    let hosts = Hosts::of(&runs).unwrap();
    assert_eq!(hosts.same_host, [(0, 1)]);
    assert!(
        hosts
            .page()
            .into_string()
            .contains("come from the same host")
    );
    assert!(
        Hosts::of(&runs[..1]).is_err(),
        "one run is not a comparison"
    );
}

/// The committed side-by-side pages under `results/hosts/` (named by their runs) render as
/// committed; `UPDATE_GOLDEN=1` rewrites them. One of them sets the AMD host's reference run,
/// from before the host fingerprint, beside runs with one.
#[test]
fn the_committed_side_by_side_pages_render_as_committed() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut compared = 0;
    for entry in fs::read_dir(results.join("hosts")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let runs: Vec<Run> = stem
            .split('+')
            .map(|name| Run::load(&results, name).unwrap())
            .collect();
        assert_eq!(hosts::path(&results, &runs), path);
        let page = Hosts::of(&runs).unwrap().page().into_string();
        if update {
            fs::write(&path, &page).unwrap();
        } else {
            assert!(
                fs::read_to_string(&path).unwrap() == page,
                "{} no longer renders as committed; if intended, UPDATE_GOLDEN=1 rewrites it",
                path.display()
            );
        }
        if runs.iter().any(|r| r.environment.host.is_none()) {
            // The run without a fingerprint is told apart by CPU model and kernel.
            assert!(page.contains("no host fingerprint"));
        }
        compared += 1;
    }
    assert!(compared >= 1, "no committed side-by-side page");
}
