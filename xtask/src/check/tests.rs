//! The checks on committed runs, which pass, and on copies broken one way each, which fail
//! naming the break.

use std::{collections::BTreeSet, fs, path::PathBuf};

use chanbench_schema::{Runtime, Status, Workload};

use super::{report, stored, validation};
use crate::{
    results::{Run, read_json},
    validate::Validation,
};

fn results() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../results")
}

/// A committed smoke run: every workload and implementation, its report beside it.
fn smoke() -> Run {
    Run::load(&results(), "issue26-smoke-end").expect("the committed smoke run loads")
}

/// The workloads `run` measured: a committed run predates workloads added since, which a fresh
/// run of this build has (`stored::expected`).
fn measured(run: &Run) -> BTreeSet<Workload> {
    run.placements
        .iter()
        .flat_map(|p| p.cells.iter().map(|c| c.workload()))
        .collect()
}

fn problems_of(run: &Run) -> Vec<String> {
    stored::check(run, &measured(&smoke())).1
}

#[test]
fn a_whole_run_and_its_report_pass() {
    let run = smoke();
    let (said, problems) = stored::check(&run, &measured(&run));
    assert_eq!(
        stored::expected(&run),
        Workload::ALL
            .into_iter()
            .filter(|w| !w.on_request())
            .collect(),
        "an unfiltered run owes every workload of the table but those run on request"
    );
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(said.len(), run.placements.len());
    let (page, problems) = report::check(&run).unwrap();
    assert_eq!(problems, Vec::<String>::new());
    assert!(page.contains("charts"), "{page}");
}

#[test]
fn a_run_broken_one_way_each_names_its_break() {
    let run = smoke();
    let break_with = |f: &dyn Fn(&mut Run)| {
        let mut broken = run.clone();
        f(&mut broken);
        problems_of(&broken).join("\n")
    };
    let first_ok = |r: &mut Run| -> usize {
        r.placements[0]
            .cells
            .iter()
            .position(|c| c.status == Status::Ok)
            .unwrap()
    };
    let said = break_with(&|r| {
        let i = first_ok(r);
        r.placements[0].cells[i].estimates = None;
    });
    assert!(said.contains("no estimates"), "{said}");
    let said = break_with(&|r| {
        let i = first_ok(r);
        r.placements[0].cells[i].status = Status::Failed;
    });
    assert!(said.contains(": failed"), "{said}");
    let said = break_with(&|r| {
        r.placements[1]
            .cells
            .retain(|c| c.workload() != Workload::Burst)
    });
    assert!(
        said.contains("cross-core: no cell measured of burst"),
        "{said}"
    );
    let said = break_with(&|r| {
        r.placements[0].cells.retain(|c| {
            c.workload() != Workload::AsyncMpsc || c.params().runtime != Some(Runtime::MultiThread)
        })
    });
    assert!(said.contains("async-mpsc ran on"), "{said}");
    let said = break_with(&|r| r.environment.host = None);
    assert!(said.contains("host fingerprint incomplete"), "{said}");
    let said = break_with(&|r| {
        let variant: Vec<_> = r.placements[0]
            .cells
            .iter()
            .filter(|c| c.implementation() == "kanal" && c.workload() == Workload::Spsc)
            .map(|c| {
                let mut v = c.clone();
                let params = c.params().clone();
                v.key = chanbench_schema::CellKey::new(c.workload(), "kanal@0.1.0", params);
                v
            })
            .collect();
        r.placements[0].cells.extend(variant);
    });
    assert!(said.contains("variant kanal@0.1.0 was not measured in the configurations of kanal"));
    assert!(
        said.contains("variant kanal@0.1.0 has no library row"),
        "{said}"
    );
}

#[test]
fn a_report_broken_one_way_each_names_its_break() {
    let run = smoke();
    let dir = std::env::temp_dir().join(format!("chanbench-check-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("report")).unwrap();
    for f in ["index.html", "cells.csv", "bmf.json", "summary.md"] {
        fs::copy(run.dir.join("report").join(f), dir.join("report").join(f)).unwrap();
    }
    let copy = Run {
        dir: dir.clone(),
        ..run
    };
    let page = dir.join("report/index.html");
    let html = fs::read_to_string(&page).unwrap();
    let broken = html
        .replacen("</svg>", "</svgx>", 1)
        .replacen("<body>", "<body><a href=\"#nowhere\">x</a>", 1)
        .replacen(" id=\"w-spsc\"", " id=\"w-spsc-gone\"", 1);
    fs::write(&page, broken).unwrap();
    let csv = fs::read_to_string(dir.join("report/cells.csv")).unwrap();
    let short: Vec<&str> = csv.lines().collect();
    fs::write(
        dir.join("report/cells.csv"),
        short[..short.len() - 1].join("\n"),
    )
    .unwrap();
    let said = report::check(&copy).unwrap().1.join("\n");
    assert!(said.contains("chart 1 of the page is malformed"), "{said}");
    assert!(said.contains("a link to #nowhere leads nowhere"), "{said}");
    assert!(said.contains("no section #w-spsc"), "{said}");
    assert!(said.contains("cells.csv has"), "{said}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_validation_record_lacking_a_library_or_its_standalone_runs_is_named() {
    let path = results().join("validate/2026-12-06T062738Z.json");
    let record = || -> Validation { read_json(&path).unwrap() };
    assert_eq!(validation::check(&record()).1, Vec::<String>::new());
    let mut v = record();
    for p in &mut v.placements {
        p.cells.retain(|c| c.key.implementation() != "kanal");
    }
    v.placements[0].cells[0].record.standalone_runs_ns.clear();
    let said = validation::check(&v).1.join("\n");
    assert!(said.contains("kanal was not calibrated"), "{said}");
    assert!(said.contains("lacks its standalone runs"), "{said}");

    // A record asked for some implementations is held to those: kanal alone, then crossfire
    // (on request), which this record did not calibrate.
    let mut v = record();
    v.impls = vec!["kanal".into()];
    for p in &mut v.placements {
        p.cells.retain(|c| c.key.implementation() == "kanal");
    }
    assert_eq!(validation::check(&v).1, Vec::<String>::new());
    v.impls = vec!["kanal".into(), "crossfire".into()];
    let said = validation::check(&v).1.join("\n");
    assert!(said.contains("crossfire was not calibrated"), "{said}");
    assert!(!said.contains("kanal was not"), "{said}");
    v.impls = vec![chanbench_registry::ALL.into()];
    let said = validation::check(&v).1.join("\n");
    assert!(said.contains("crossbeam was not calibrated"), "{said}");
}
