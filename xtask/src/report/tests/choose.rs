//! A described job's answer: a winner only where it reproduces, what cannot run the job and
//! why, the faults, the caveats; the page and the Markdown say the same.

use std::path::Path;

use chanbench_schema::{Capacity, Job, JobSize, Storage, Workload};

use super::fixture::fixture;
use crate::{
    report::choose::{Answer, caveats_of},
    results::Run,
};

/// The fixture as the run of a job of two producers into one consumer, bounded at 0: its
/// `mpsc` cells are the job's.
fn job_run() -> Run {
    let mut run = fixture(Path::new("unused"));
    run.environment.request.job = Some(Job {
        producers: 2,
        consumers: 1,
        size: JobSize::B8,
        storage: Storage::Inline,
        capacity: Capacity::Bounded(0),
        runtime: None,
    });
    run
}

#[test]
fn the_answer_names_a_reproducible_winner_and_what_cannot_run_the_job() {
    let run = job_run();
    let answer = Answer::of(&run).expect("a job run");
    assert_eq!(answer.job.workload(), Workload::Mpsc);
    assert_eq!(answer.verdict(), "fast, on every placement measured.");
    let md = answer.markdown();
    assert!(
        md.contains("**Verdict: fast, on every placement measured.**"),
        "{md}"
    );
    // Ranked fastest first, with units.
    let (fast, slow) = (
        md.find("| 1 | `fast` |").unwrap(),
        md.find("| 2 | `slow` |").unwrap(),
    );
    assert!(fast < slow);
    assert!(md.contains("ns/msg"));
    // The odd implementation lacks a capability; slow's other cell timed out.
    assert_eq!(
        answer.cannot,
        [("<b>&\"odd\"".to_owned(), vec!["bounded".to_owned()])]
    );
    assert!(
        md.contains("lacks bounded") && md.contains("timeout"),
        "{md}"
    );
    let page = answer.page().into_string();
    let doc = scraper::Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert!(page.contains("&lt;b&gt;&amp;"), "the odd name is escaped");
    assert!(page.contains("Verdict: ") && page.contains("table class=\"scoreboard\""));
}

#[test]
fn a_lead_that_does_not_reproduce_is_no_winner() {
    // One process each: nothing backs a claim.
    let mut run = job_run();
    for c in run.placements.iter_mut().flat_map(|p| &mut p.cells) {
        c.repeats_fastest.truncate(1);
    }
    let answer = Answer::of(&run).unwrap();
    assert!(answer.verdict().starts_with("No winner this run can back"));
    assert!(answer.markdown().contains("no claim"));
    // Processes that scatter across each other: a leader, not a winner.
    let mut run = job_run();
    for p in &mut run.placements {
        for c in p
            .cells
            .iter_mut()
            .filter(|c| c.workload() == Workload::Mpsc)
        {
            c.repeats_fastest = match c.implementation() {
                "fast" => vec![40.0, 60.0, 30.0],
                _ => vec![42.0, 31.0, 58.0],
            };
        }
    }
    let answer = Answer::of(&run).unwrap();
    assert!(answer.verdict().starts_with("No winner this run can back"));
    assert!(answer.markdown().contains("possibly below 1.05×"));
    // A run without a job has no answer.
    assert!(Answer::of(&fixture(Path::new("unused"))).is_none());
}

#[test]
fn the_caveats_come_from_the_registry() {
    let kanal = caveats_of("kanal", true);
    assert!(
        kanal.iter().any(|c| c.contains("not cancellation-safe")),
        "{kanal:?}"
    );
    let std_sync = caveats_of("std-sync", false);
    assert!(std_sync.iter().any(|c| c.contains("no native select")));
    assert!(caveats_of("crossbeam", false).is_empty());
    assert!(
        caveats_of("futures-mpsc", true)
            .iter()
            .any(|c| c.contains("no blocking"))
    );
}
