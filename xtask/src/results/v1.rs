//! Runs stored with schema 1, before a cell's parameters were typed: the reader for those files
//! and their migration to the current schema (`cargo xtask migrate`). The only code that reads a
//! parameter string back into fields, once per stored file, checking that the current schema
//! derives the very same string from the fields it read.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{
    Capacity, CellKey, Cost, Kind, Params, Payload, SCHEMA, Status, Strategy, Workload,
    ZeroCostRecord,
};
use serde::Deserialize;

use super::{CellResult, Estimates, PlacementResults, Samples, read_json, write_atomic};

/// The schema these files were written with.
pub const VERSION: u32 = 1;

/// A placement's results as schema 1 stored them.
#[derive(Debug, Deserialize)]
struct Placement {
    schema: u32,
    run: String,
    placement: String,
    cores: Vec<usize>,
    profile: String,
    complete: bool,
    cells: Vec<Cell>,
    zero_cost: Vec<serde_json::Value>,
}

/// A cell as schema 1 stored it: names and a parameter string, the cost as loose JSON.
#[derive(Debug, Deserialize)]
struct Cell {
    workload: String,
    implementation: String,
    params: String,
    status: Status,
    message: Option<String>,
    missing: Vec<String>,
    estimates: Option<Estimates>,
    samples: Option<Samples>,
    cost: Option<serde_json::Value>,
    #[serde(default)]
    repeats: Vec<f64>,
    #[serde(default)]
    repeats_fastest: Vec<f64>,
}

/// Reads a schema 1 parameter string of `workload` into typed parameters.
pub fn parse_params(workload: Workload, label: &str) -> Result<Params> {
    let kind = workload.facts().kind;
    let mut params = Params::new(Capacity::None, Payload::opaque(""), 0);
    params.threads = None;
    let mut plain: Vec<&str> = Vec::new();
    for part in label.split('/') {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let number = || -> Result<usize> {
            value
                .parse()
                .with_context(|| format!("{part:?} in {label:?}: not a number"))
        };
        match key {
            "cap" => {
                params.capacity = match value {
                    "unbounded" => Capacity::Unbounded,
                    _ => Capacity::Bounded(number()?),
                }
            }
            "producers" => params.producers = Some(number()?),
            "consumers" => params.consumers = Some(number()?),
            "sources" => params.sources = Some(number()?),
            "burst" => params.burst = Some(number()? as u64),
            "grain" => params.grain = Some(value.parse().with_context(|| label.to_owned())?),
            "gap" => params.gap_ns = Some(nanos(value).with_context(|| label.to_owned())?),
            "pause" => params.pause_ns = Some(nanos(value).with_context(|| label.to_owned())?),
            // A plain part, or one whose `=` is its own (the receive strategy `sleep=50µs`).
            _ => plain.push(part),
        }
    }
    let mut plain = plain.into_iter();
    let mut next = || plain.next().map(str::to_owned);
    let strategy = |s: Option<String>| -> Result<Option<Strategy>> {
        s.map(|s| s.parse().with_context(|| label.to_owned()))
            .transpose()
    };
    match kind {
        Kind::Channel => {
            params.payload = payload(next().as_deref().unwrap_or_default());
            params.strategy = strategy(next())?;
        }
        Kind::Strategy => {
            params.strategy = strategy(next())?;
            params.envelope = next()
                .map(|e| e.parse().with_context(|| label.to_owned()))
                .transpose()?;
        }
        Kind::Baseline if workload == Workload::ZeroCost => {
            params.strategy = strategy(next())?;
            params.payload = payload(next().as_deref().unwrap_or_default());
        }
        Kind::Baseline => params.payload = payload(next().as_deref().unwrap_or_default()),
        Kind::Behaviour => bail!("{workload}: schema 1 had no behaviour families"),
    }
    if let Some(extra) = next() {
        bail!("{workload} {label:?}: unexpected part {extra:?}");
    }
    let derived = params.label(workload);
    if derived != label {
        bail!("{workload} {label:?}: read back as {derived:?}, not the same cell");
    }
    Ok(params)
}

/// A payload from its label: the bytes it names (`u64`, `zst`, `inline-1KiB`, `vec-64KiB-cloned`,
/// `owned-272B`), none for a label without a size (`instant`, `items-of-4-rounds`).
fn payload(label: &str) -> Payload {
    let bytes = match label {
        "zst" => Some(0),
        "u64" => Some(8),
        _ => label.split('-').nth(1).and_then(|size| {
            let digits = size.find(|c: char| !c.is_ascii_digit())?;
            let (n, unit) = size.split_at(digits);
            let n: u64 = n.parse().ok()?;
            match unit {
                "B" => Some(n),
                "KiB" => Some(n << 10),
                "MiB" => Some(n << 20),
                _ => None,
            }
        }),
    };
    Payload {
        label: label.to_owned(),
        bytes,
    }
}

/// Nanoseconds of a `Debug`-printed duration (`100µs`, `1ms`, `0ns`).
fn nanos(text: &str) -> Result<u64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .with_context(|| format!("{text:?}: a duration needs a unit"))?;
    let (n, unit) = text.split_at(split);
    let n: f64 = n
        .parse()
        .with_context(|| format!("{text:?}: not a duration"))?;
    let scale = match unit {
        "ns" => 1.0,
        "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => bail!("{text:?}: unknown unit {unit:?}"),
    };
    let ns = (n * scale).round() as u64;
    debug_assert_eq!(format!("{:?}", Duration::from_nanos(ns)), text);
    Ok(ns)
}

/// Converts one schema 1 placement file.
fn migrate_placement(path: &Path) -> Result<PlacementResults> {
    let old: Placement = read_json(path)?;
    if old.schema != VERSION {
        bail!(
            "{}: schema version {}, not {VERSION}",
            path.display(),
            old.schema
        );
    }
    let mut cells = Vec::with_capacity(old.cells.len());
    for c in old.cells {
        let what = || {
            format!(
                "{}: cell {}/{}/{}",
                path.display(),
                c.workload,
                c.implementation,
                c.params
            )
        };
        let workload: Workload = c.workload.parse().with_context(what)?;
        let params = parse_params(workload, &c.params).with_context(what)?;
        let cost: Option<Cost> = c
            .cost
            .map(serde_json::from_value)
            .transpose()
            .with_context(|| format!("{}: its cost record", what()))?;
        cells.push(CellResult {
            message: c.message,
            missing: c.missing,
            estimates: c.estimates,
            samples: c.samples,
            cost,
            repeats: c.repeats,
            repeats_fastest: c.repeats_fastest,
            ..CellResult::new(CellKey::new(workload, c.implementation, params), c.status)
        });
    }
    let zero_cost = old
        .zero_cost
        .into_iter()
        .map(|z| {
            let mut z: ZeroCostRecord = serde_json::from_value(z)
                .with_context(|| format!("{}: a zero-cost record", path.display()))?;
            z.schema = SCHEMA;
            Ok(z)
        })
        .collect::<Result<_>>()?;
    Ok(PlacementResults {
        schema: SCHEMA,
        run: old.run,
        placement: old.placement,
        cores: old.cores,
        profile: old.profile,
        complete: old.complete,
        cells,
        zero_cost,
    })
}

/// Migrates the run in `dir` from schema 1 to the current schema, in place: every placement file
/// is converted and checked before any is written, then each is replaced atomically, the
/// environment last. Returns the files rewritten; a run already current is left alone.
pub fn migrate(dir: &Path) -> Result<Vec<PathBuf>> {
    let env_path = dir.join("environment.json");
    let mut environment: serde_json::Value = read_json(&env_path)?;
    let found = environment["schema"].as_u64().unwrap_or(0);
    if found == u64::from(SCHEMA) {
        return Ok(Vec::new());
    }
    if found != u64::from(VERSION) {
        bail!(
            "{}: schema version {found}; migrate reads version {VERSION} and writes {SCHEMA}",
            env_path.display()
        );
    }
    let mut converted = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let placement_file = path.extension().is_some_and(|e| e == "json")
            && path.file_name().is_some_and(|n| n != "environment.json");
        if placement_file {
            converted.push((path.clone(), migrate_placement(&path)?));
        }
    }
    let mut written = Vec::new();
    for (path, results) in converted {
        write_atomic(&path, &results)?;
        written.push(path);
    }
    environment["schema"] = SCHEMA.into();
    // Through the typed record, so the file keeps its field order and is known to read back.
    let environment: crate::environment::Environment = serde_json::from_value(environment)
        .with_context(|| format!("{}: not an environment record", env_path.display()))?;
    write_atomic(&env_path, &environment)?;
    written.push(env_path);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chanbench_schema::Wait;
    use std::time::Duration;

    #[test]
    fn every_kind_of_stored_label_reads_back_into_the_same_cell() {
        for (workload, label) in [
            (Workload::Spsc, "cap=1024/vec-64KiB-cloned"),
            (Workload::Mpmc, "cap=0/u64/producers=2/consumers=2"),
            (Workload::FanIn, "cap=unbounded/u64/select/sources=4"),
            (Workload::Burst, "cap=1/instant/burst=8/pause=100µs"),
            (Workload::Burst, "cap=1/instant/burst=8/pause=0ns"),
            (Workload::Distribute, "pool-batch-64/grain=coarse"),
            (Workload::Receive, "sleep=50µs/gap=1ms"),
            (Workload::Sources, "thread-per-source/sources=64"),
            (Workload::Service, "two-threads/boxed"),
            (Workload::Floor, "u64"),
            (Workload::Floor, "cap=1024/u64"),
            (Workload::ZeroCost, "spsc/cap=1024/u64"),
        ] {
            let params = parse_params(workload, label).unwrap();
            assert_eq!(params.label(workload), label);
        }
        let p = parse_params(Workload::Spsc, "cap=1024/vec-64KiB-cloned").unwrap();
        assert_eq!(p.payload.bytes, Some(64 << 10));
        let p = parse_params(Workload::Receive, "sleep=50µs/gap=1ms").unwrap();
        assert_eq!(
            (p.strategy, p.gap_ns),
            (
                Some(Strategy::Wait(Wait::Sleep(Duration::from_micros(50)))),
                Some(1_000_000)
            )
        );
        let p = parse_params(Workload::Service, "one-thread/owned").unwrap();
        assert_eq!(p.envelope, Some(chanbench_schema::Envelope::Owned));
    }

    #[test]
    fn a_label_that_does_not_read_back_is_an_error() {
        assert!(parse_params(Workload::Spsc, "cap=x/u64").is_err());
        assert!(parse_params(Workload::Spsc, "cap=1/u64/merged/extra").is_err());
        // Reordered parts are another string: refused, not silently renamed.
        assert!(parse_params(Workload::Mpmc, "cap=0/u64/consumers=2/producers=2").is_err());
    }

    /// A run stored with schema 1 (cells of every workload, trimmed from a real run) is refused
    /// with both versions named, migrates, then loads with typed parameters and renders.
    #[test]
    fn a_stored_schema_1_run_is_refused_then_migrated_and_rendered() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schema-1");
        let dir = std::env::temp_dir().join(format!("chanbench-v1-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for file in ["environment.json", "one-core.json"] {
            std::fs::copy(data.join(file), dir.join(file)).unwrap();
        }
        let err = format!(
            "{:#}",
            crate::results::Run::load(&dir, &dir.to_string_lossy()).unwrap_err()
        );
        assert!(
            err.contains("version 1") && err.contains(&format!("version {SCHEMA}")),
            "{err}"
        );
        let written = migrate(&dir).unwrap();
        assert_eq!(written.len(), 2, "{written:?}");
        assert!(
            migrate(&dir).unwrap().is_empty(),
            "a migrated run is left alone"
        );
        let run = crate::results::Run::load(&dir, &dir.to_string_lossy()).unwrap();
        let cells = &run.placements[0].cells;
        let vec = cells
            .iter()
            .find(|c| c.params().payload.label.starts_with("vec-"))
            .expect("a payload sweep cell");
        assert!(vec.params().payload.bytes.is_some(), "{vec:?}");
        let mpmc = cells
            .iter()
            .find(|c| c.workload() == Workload::Mpmc && c.status == Status::Ok)
            .unwrap();
        assert!(mpmc.params().producers.is_some() && mpmc.params().consumers.is_some());
        assert!(cells.iter().any(|c| c.cost.is_some()), "costs are typed");
        assert!(!run.placements[0].zero_cost.is_empty());
        crate::report::write(&run).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
