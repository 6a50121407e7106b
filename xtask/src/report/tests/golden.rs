//! The committed runs' reports as golden files.

use std::{fs, path::Path};

use super::super::write;
use crate::results::Run;

/// The files a report consists of, each compared byte for byte with its golden copy; a job
/// run's report has its answer too (`choose.html`, `choose.md`), a behaviour run its
/// observations.
const REPORT_FILES: [&str; 7] = [
    "index.html",
    "cells.csv",
    "summary.md",
    "bmf.json",
    "choose.html",
    "choose.md",
    super::super::OBSERVATIONS,
];

/// Every run under `results/` still loads and renders, and every committed one to exactly its
/// committed report: those `report/` folders are the golden files, so a change to the report
/// shows as their diff. A run of the user's own, which git does not track, is only rendered.
/// `UPDATE_GOLDEN=1 cargo test -p xtask --bin xtask golden` rewrites the golden files in place.
#[test]
fn every_committed_run_renders_its_golden_report() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let tracked = std::process::Command::new("git")
        .args(["ls-files", "-z", "--", "."])
        .current_dir(&results)
        .output()
        .expect("git, to tell the committed runs from the user's own");
    assert!(tracked.status.success(), "git ls-files: {tracked:?}");
    let tracked = String::from_utf8(tracked.stdout).unwrap();
    let committed = |run: &Path, file: &str| {
        let name = run.file_name().unwrap().to_string_lossy();
        tracked
            .split('\0')
            .any(|p| p == format!("{name}/report/{file}"))
    };
    let mut compared = 0;
    let mut rendered = 0;
    let mut stale = Vec::new();
    for entry in fs::read_dir(&results).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_symlink() || !dir.join("environment.json").exists() {
            continue;
        }
        let mut run = Run::load(&results, &dir.to_string_lossy())
            .unwrap_or_else(|e| panic!("{}: {e:#}", dir.display()));
        let out = std::env::temp_dir().join(format!(
            "chanbench-committed-{}-{}",
            std::process::id(),
            rendered
        ));
        let _ = fs::remove_dir_all(&out);
        run.dir = out.clone();
        write(&run).unwrap_or_else(|e| panic!("{}: {e:#}", dir.display()));
        for file in REPORT_FILES {
            let (new, golden) = (out.join("report").join(file), dir.join("report").join(file));
            if !new.exists() {
                continue; // An answer or observations, and this run has neither.
            }
            let new_text = fs::read_to_string(&new).unwrap();
            if !committed(&dir, file) {
                continue;
            }
            compared += 1;
            if update {
                fs::create_dir_all(golden.parent().unwrap()).unwrap();
                fs::write(&golden, &new_text).unwrap();
            } else if let Some(line) =
                first_difference(&fs::read_to_string(&golden).unwrap_or_default(), &new_text)
            {
                stale.push(format!("{}: {line}", golden.display()));
            }
        }
        let _ = fs::remove_dir_all(&out);
        rendered += 1;
    }
    assert!(rendered >= 4, "the runs: {rendered}");
    assert!(
        compared >= 4 * 4,
        "the committed reports' files: {compared}"
    );
    assert!(
        stale.is_empty(),
        "the report no longer renders as its golden files; if the change is intended, rewrite \
         them with `UPDATE_GOLDEN=1 cargo test -p xtask --bin xtask golden` and commit their \
         diff:\n{}",
        stale.join("\n")
    );
}

/// The first line at which `new` departs from `golden`, both quoted around the first character
/// that differs (lines of a page can be long), or `None`.
fn first_difference(golden: &str, new: &str) -> Option<String> {
    if golden == new {
        return None;
    }
    let around = |line: Option<&str>, at: usize| -> String {
        let Some(line) = line else {
            return "(end of file)".to_owned();
        };
        let chars: Vec<char> = line.chars().collect();
        let from = at.saturating_sub(60);
        chars[from.min(chars.len())..(at + 100).min(chars.len())]
            .iter()
            .collect()
    };
    let (mut g, mut n) = (golden.lines(), new.lines());
    for number in 1.. {
        let (a, b) = (g.next(), n.next());
        if a != b {
            let at = a
                .unwrap_or_default()
                .chars()
                .zip(b.unwrap_or_default().chars())
                .take_while(|(x, y)| x == y)
                .count();
            return Some(format!(
                "line {number}, character {}: golden {:?}, now {:?}",
                at + 1,
                around(a, at),
                around(b, at)
            ));
        }
        if a.is_none() {
            break;
        }
    }
    Some("the same lines, other line endings".to_owned())
}

#[test]
fn a_report_that_changed_is_named_at_its_first_differing_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    assert_eq!(
        first_difference("a\nb\nc", "a\nB\nc").as_deref(),
        Some("line 2, character 1: golden \"b\", now \"B\"")
    );
    assert_eq!(
        first_difference("a\n", "a\nmore\n").as_deref(),
        Some("line 2, character 1: golden \"(end of file)\", now \"more\"")
    );
}
