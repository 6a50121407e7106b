//! Reading a pass back: the bench's records (`chanbench-schema`, their version checked), the
//! faults the watchdog saw, and criterion's estimates, merged into one placement's results.

use std::{collections::BTreeSet, fs, path::Path};

use anyhow::{Context, Result};
use chanbench_schema::{CellKey, Record, SCHEMA, Status};

use super::Placement;
use crate::{
    criterion,
    results::{CellResult, PlacementResults},
};

/// A cell the watchdog killed or the process died in.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Fault {
    /// The cell, as its `cell` line announced it.
    pub key: CellKey,
    /// `timeout` or `failed`.
    pub status: Status,
    /// What happened.
    pub message: String,
}

/// Every record of a pass's JSON Lines file, each checked for its schema version.
fn records(path: &Path) -> Result<Vec<Record>> {
    let Ok(text) = fs::read_to_string(path) else {
        return Ok(Vec::new());
    };
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            Record::parse(line, &format!("{}:{}", path.display(), n + 1)).map_err(Into::into)
        })
        .collect()
}

/// The ids of the cells a record file holds as measured.
pub fn finished_cells(records_path: &Path) -> Result<BTreeSet<String>> {
    Ok(records(records_path)?
        .into_iter()
        .filter_map(|r| match r {
            Record::Cell(c) if c.status == Status::Ok => Some(c.key.id()),
            _ => None,
        })
        .collect())
}

/// Merges the bench's records, criterion's estimates and the faults of one pass
/// (`complete` is set by [`crate::results::merge_passes`]).
pub fn collect(
    run: &str,
    placement: Placement,
    cores: &[usize],
    profile: &str,
    out: &Path,
    faults: &[Fault],
) -> Result<PlacementResults> {
    let home = out.join("criterion");
    let mut estimates = if home.exists() {
        criterion::read_all(&home)?
    } else {
        Default::default()
    };
    let mut cells: Vec<CellResult> = Vec::new();
    let mut zero_cost = Vec::new();
    for record in records(&out.join("costs.jsonl"))? {
        match record {
            Record::ZeroCost(z) => zero_cost.push(z),
            Record::Calibration(_)
            | Record::Paired(_)
            | Record::Conformance(_)
            | Record::Knob(_) => {
                anyhow::bail!(
                    "{}: a record of another tool in a matrix run",
                    out.display()
                )
            }
            Record::Cell(c) => {
                let criterion_key = (
                    c.key.workload().name().to_owned(),
                    c.key.implementation().to_owned(),
                    c.key.label().to_owned(),
                );
                let (estimates, samples) = estimates
                    .remove(&criterion_key)
                    .map_or((None, None), |(e, s)| (Some(e), Some(s)));
                cells.push(CellResult {
                    missing: c.missing,
                    estimates,
                    samples,
                    cost: c.cost,
                    observations: c.observation.into_iter().map(|o| *o).collect(),
                    ..CellResult::new(c.key, c.status)
                });
            }
        }
    }
    for fault in faults {
        cells.push(CellResult {
            message: Some(fault.message.clone()),
            ..CellResult::new(fault.key.clone(), fault.status)
        });
    }
    Ok(PlacementResults {
        schema: SCHEMA,
        run: run.to_owned(),
        placement: placement.name().to_owned(),
        cores: cores.to_vec(),
        profile: profile.to_owned(),
        complete: false,
        cells,
        zero_cost,
    })
}

/// Reads a pass's faults file.
pub fn faults(path: &Path) -> Result<Vec<Fault>> {
    if path.exists() {
        crate::results::read_json(path).context("the pass's faults")
    } else {
        Ok(Vec::new())
    }
}
