//! The newest `cargo xtask validate` record: every implementation of the default set calibrated
//! (those on request only when asked for), each cell with its standalone runs, its in-process
//! ratio and a verdict.

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};

use crate::{results::read_json, validate::Validation};

/// What was checked (one line) and the problems found, for the newest record under
/// `<results>/validate`.
pub fn newest(results: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let dir = results.join("validate");
    let mut records: Vec<_> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    records.sort();
    let Some(path) = records.pop() else {
        bail!("no validation record in {}", dir.display());
    };
    let v: Validation = read_json(&path)?;
    let (said, problems) = check(&v);
    Ok((vec![format!("{}: {said}", path.display())], problems))
}

/// Checks one record.
pub fn check(v: &Validation) -> (String, Vec<String>) {
    let mut problems = Vec::new();
    if !v.standalone {
        problems.push("validate ran without the standalone program".to_owned());
    }
    let cells: Vec<_> = v.placements.iter().flat_map(|p| &p.cells).collect();
    // What the record was asked for: the default run's sync set, every registered sync
    // implementation (`all`), or the named ones.
    let registered = chanbench_registry::implementations();
    let expected: Vec<&str> = if v.impls.is_empty() {
        registered
            .iter()
            .filter(|i| !i.on_request)
            .map(|i| i.id)
            .collect()
    } else if v.impls.iter().any(|i| i == chanbench_registry::ALL) {
        registered.iter().map(|i| i.id).collect()
    } else {
        v.impls.iter().map(String::as_str).collect()
    };
    for id in expected {
        if !cells.iter().any(|c| c.key.implementation() == id) {
            problems.push(format!("{id} was not calibrated"));
        }
    }
    for c in &cells {
        let id = c.key.to_string();
        if c.judgement.is_none() {
            problems.push(format!("{id}: no verdict"));
        }
        if !(c.matrix_ns_per_msg > 0.0 && c.plain_ns_per_msg > 0.0) {
            problems.push(format!("{id}: an empty matrix or plain figure"));
        }
        let standalone = c.standalone_ns_per_msg.is_some_and(|ns| ns > 0.0)
            && c.standalone_runs_ns.len() == c.rounds
            // A bimodal cell may have no ratio in its majority regime (NaN); any other has one.
            && c.in_process.as_ref().is_some_and(|j| {
                j.ratio > 0.0 || (j.ratio.is_nan() && j.bimodal.is_some())
            });
        if !standalone {
            problems.push(format!(
                "{id}: lacks its standalone runs or in-process ratio"
            ));
        }
    }
    let ok = cells
        .iter()
        .filter(|c| {
            c.judgement
                .as_ref()
                .is_some_and(|j| j.verdict == crate::validate::Verdict::Ok)
        })
        .count();
    let said = format!(
        "{} cells over {} placements, {ok} ok against the standalone program",
        cells.len(),
        v.placements.len()
    );
    (said, problems)
}
