//! The stored results: `results/<run>/environment.json` and `results/<run>/<placement>.json`.
//! Versioned with `chanbench_schema::SCHEMA` (checked on every read: a file of another version
//! is refused naming both), written atomically (write, then rename), and read with errors that
//! name the file. The cells are the bench's typed records (`chanbench-schema`) merged with
//! criterion's estimates; [`v1`] reads and migrates runs stored before the parameters were
//! typed.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{
    CellKey, Cost, FloorRule, Observation, Params, Status, Workload, ZeroCostRecord, check_schema,
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{environment::Environment, stats};

pub mod v1;

/// One placement's results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlacementResults {
    /// [`chanbench_schema::SCHEMA`].
    pub schema: u32,
    /// The run id.
    pub run: String,
    /// `one-core`, `cross-core` or `all-cores`.
    pub placement: String,
    /// The cores the process was allowed (`taskset -c`).
    pub cores: Vec<usize>,
    /// The profile.
    pub profile: String,
    /// False when the run was interrupted before this placement finished (`--resume` completes it).
    pub complete: bool,
    /// Every cell, measured or not.
    pub cells: Vec<CellResult>,
    /// The interleaved zero-cost comparisons, one per process and side.
    pub zero_cost: Vec<ZeroCostRecord>,
}

/// One cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CellResult {
    /// Which cell: workload, implementation, typed parameters and their criterion string.
    #[serde(flatten)]
    pub key: CellKey,
    /// `ok`, `not supported`, `timeout` (killed by the watchdog) or `failed` (the process died in it).
    pub status: Status,
    /// For `timeout` and `failed`: what happened.
    pub message: Option<String>,
    /// For `not supported`: the capabilities the implementation lacks.
    pub missing: Vec<String>,
    /// Criterion's estimates, ns per message; `None` when not measured.
    pub estimates: Option<Estimates>,
    /// Criterion's samples; `None` when not measured.
    pub samples: Option<Samples>,
    /// The cost run's record.
    pub cost: Option<Cost>,
    /// Criterion's median, ns per message, of each process that measured this cell (`--repeat`
    /// runs several): the unit of replication for `cargo xtask compare`. `estimates`, `samples`
    /// and `cost` are those of the first of them.
    #[serde(default)]
    pub repeats: Vec<f64>,
    /// The fastest sample of each of those processes, ns per message: the batch least disturbed
    /// by the machine, which `cargo xtask compare` compares (see `compare.rs`).
    #[serde(default)]
    pub repeats_fastest: Vec<f64>,
    /// A behaviour family's observation, one per process that measured the cell, in the order
    /// they ran: the findings are drawn from them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
}

impl CellResult {
    /// A cell with nothing measured yet.
    pub fn new(key: CellKey, status: Status) -> Self {
        Self {
            key,
            status,
            message: None,
            missing: Vec::new(),
            estimates: None,
            samples: None,
            cost: None,
            repeats: Vec::new(),
            repeats_fastest: Vec::new(),
            observations: Vec::new(),
        }
    }

    /// `workload/implementation/params`, criterion's id.
    pub fn id(&self) -> String {
        self.key.id()
    }

    /// The workload.
    pub fn workload(&self) -> Workload {
        self.key.workload()
    }

    /// The implementation id.
    pub fn implementation(&self) -> &str {
        self.key.implementation()
    }

    /// The criterion parameter string: the configuration's name.
    pub fn label(&self) -> &str {
        self.key.label()
    }

    /// The typed parameters.
    pub fn params(&self) -> &Params {
        self.key.params()
    }

    /// The cell's headline time, ns per unit of its workload (a message, a round trip, an item,
    /// a request): the median over its processes of each process's fastest sample (runs stored
    /// before those were kept: criterion's median).
    ///
    /// The fastest sample is the batch least disturbed by the machine: another tenant, a
    /// preempted peer or a parked wake-up only ever add time. Measured on this project's 2-core
    /// VM, two back-to-back default runs agreed within 10% on 83% of cross-core channel cells
    /// this way, against 75% for the median over processes of each process's median sample,
    /// whose bimodal cells (a blocking channel's ping-pong that parks in some samples) flip with
    /// the share of disturbed samples. The typical sample is reported beside it
    /// ([`CellResult::typical_ns`]), and the cost run's latency percentiles show how often the
    /// slow case happens.
    pub fn time_ns(&self) -> Option<f64> {
        if !self.repeats_fastest.is_empty() {
            Some(stats::median(&self.repeats_fastest))
        } else {
            self.estimates.map(|e| e.median.ns_per_msg)
        }
    }

    /// The cell's typical time per unit: the median over its processes of each process's median
    /// sample (criterion's median with one process).
    pub fn typical_ns(&self) -> Option<f64> {
        if !self.repeats.is_empty() {
            Some(stats::median(&self.repeats))
        } else {
            self.estimates.map(|e| e.median.ns_per_msg)
        }
    }

    /// The per-process values behind [`CellResult::time_ns`]: each process's fastest sample.
    pub fn process_times(&self) -> &[f64] {
        &self.repeats_fastest
    }

    /// The values a test compares for a cell: one per process when it has several, else
    /// criterion's samples (within one process: they understate the run-to-run spread).
    pub fn test_values(&self) -> Vec<f64> {
        if self.repeats.len() >= 2 {
            self.repeats.clone()
        } else {
            self.samples
                .as_ref()
                .map(Samples::per_unit)
                .unwrap_or_default()
        }
    }
}

impl PlacementResults {
    /// The cells of `workload`, in the order the run stored them.
    pub fn cells_of(&self, workload: Workload) -> impl Iterator<Item = &CellResult> {
        self.cells.iter().filter(move |c| c.workload() == workload)
    }

    /// The measured cells of `workload`.
    pub fn measured(&self, workload: Workload) -> Vec<&CellResult> {
        self.cells_of(workload)
            .filter(|c| c.time_ns().is_some())
            .collect()
    }

    /// The time of the floor `workload` is measured against on this placement, per the
    /// workload table (none for `seq`, the strategies and the baselines).
    pub fn floor_ns(&self, workload: Workload) -> Option<f64> {
        let FloorRule::Against(floor) = workload.facts().floor else {
            return None;
        };
        self.cells_of(Workload::Floor)
            .find(|c| c.implementation() == floor.id())
            .and_then(CellResult::time_ns)
    }
}

/// Merges the results of the processes (`--repeat`) of one placement, in the order they ran:
/// each cell's representative is the first pass that measured it, `repeats` lists every pass's
/// median, and the cost record is the first pass's that has one (costs are measured in the first
/// round only). `complete` is the caller's.
pub fn merge_passes(passes: Vec<PlacementResults>, complete: bool) -> Option<PlacementResults> {
    let mut passes = passes.into_iter();
    let mut merged = passes.next()?;
    merged.complete = complete;
    let median = |c: &CellResult| c.estimates.map(|e| e.median.ns_per_msg);
    let fastest = |c: &CellResult| c.samples.as_ref()?.per_unit().into_iter().reduce(f64::min);
    for cell in &mut merged.cells {
        cell.repeats = median(cell).into_iter().collect();
        cell.repeats_fastest = fastest(cell).into_iter().collect();
    }
    for pass in passes {
        merged.zero_cost.extend(pass.zero_cost);
        for cell in pass.cells {
            let same = |c: &&mut CellResult| c.key.same_cell(&cell.key);
            match merged.cells.iter_mut().find(same) {
                Some(seen) => {
                    seen.repeats.extend(median(&cell));
                    seen.repeats_fastest.extend(fastest(&cell));
                    seen.observations.extend(cell.observations.iter().cloned());
                    // Costs are measured in one process of a run (the first), times in all.
                    if seen.cost.is_none() {
                        seen.cost = cell.cost.clone();
                    }
                    if seen.estimates.is_none() && cell.estimates.is_some() {
                        let repeats = std::mem::take(&mut seen.repeats);
                        let repeats_fastest = std::mem::take(&mut seen.repeats_fastest);
                        let observations = std::mem::take(&mut seen.observations);
                        *seen = CellResult {
                            repeats,
                            repeats_fastest,
                            observations,
                            ..cell
                        };
                    }
                }
                None => {
                    let repeats = median(&cell).into_iter().collect();
                    let repeats_fastest = fastest(&cell).into_iter().collect();
                    merged.cells.push(CellResult {
                        repeats,
                        repeats_fastest,
                        ..cell
                    });
                }
            }
        }
    }
    Some(merged)
}

/// A point estimate with its 95% confidence interval, ns per message.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Estimate {
    /// Point estimate, ns per message.
    pub ns_per_msg: f64,
    /// Lower bound of the confidence interval, ns per message.
    pub lower: f64,
    /// Upper bound of the confidence interval, ns per message.
    pub upper: f64,
}

/// Criterion's mean and median per message.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Estimates {
    /// The mean.
    pub mean: Estimate,
    /// The median.
    pub median: Estimate,
}

/// Criterion's raw samples: `times_ns[i]` is the time of `iters[i]` messages.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Samples {
    /// Messages per sample.
    pub iters: Vec<f64>,
    /// Nanoseconds per sample (per run of `iters` messages, not per message).
    pub times_ns: Vec<f64>,
}

impl Samples {
    /// Each sample's time, ns per unit of its workload.
    pub fn per_unit(&self) -> Vec<f64> {
        self.iter_pairs()
            .filter(|(iters, _)| *iters > 0.0)
            .map(|(iters, ns)| ns / iters)
            .collect()
    }

    /// `(messages, ns)` per sample.
    pub fn iter_pairs(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.iters
            .iter()
            .copied()
            .zip(self.times_ns.iter().copied())
    }
}

/// A stored run: its environment and each placement's results, in the order they ran.
#[derive(Debug, Clone)]
pub struct Run {
    /// `<results>/<run>`.
    pub dir: PathBuf,
    /// `environment.json`.
    pub environment: Environment,
    /// `<placement>.json` for each placement the run has results for.
    pub placements: Vec<PlacementResults>,
    /// `core-to-core.json`, where the run measured it.
    pub core_to_core: Option<chanbench_schema::CoreToCore>,
}

impl Run {
    /// Loads a run: `spec` is a run name under `results` (`latest` included) or a run's folder.
    pub fn load(results: &Path, spec: &str) -> Result<Run> {
        let named = results.join(spec);
        let dir = if named.join("environment.json").exists() {
            named
        } else if Path::new(spec).join("environment.json").exists() {
            PathBuf::from(spec)
        } else {
            let mut known: Vec<String> = fs::read_dir(results)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .filter(|e| e.path().join("environment.json").exists())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            known.sort();
            bail!(
                "no run {spec:?}: neither {} nor {spec} holds an environment.json; runs in {}: {}",
                named.display(),
                results.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
        };
        let environment: Environment = read_versioned(&dir.join("environment.json"))?;
        let mut placements = Vec::new();
        for name in &environment.request.placements {
            let path = dir.join(format!("{name}.json"));
            if path.exists() {
                placements.push(read_versioned::<PlacementResults>(&path)?);
            }
        }
        if placements.is_empty() {
            bail!("{} has no results yet", dir.display());
        }
        let matrix = dir.join("core-to-core.json");
        let core_to_core = matrix.exists().then(|| read_json(&matrix)).transpose()?;
        Ok(Run {
            dir,
            environment,
            placements,
            core_to_core,
        })
    }

    /// Whether every placement finished.
    pub fn complete(&self) -> bool {
        self.placements.len() == self.environment.request.placements.len()
            && self.placements.iter().all(|p| p.complete)
    }
}

/// Writes `value` as pretty JSON to `path` atomically: a temporary file beside it, then a rename,
/// so a reader never sees half a file and an interrupted write leaves the old one.
pub fn write_atomic(path: &Path, value: &impl Serialize) -> Result<()> {
    let dir = path.parent().context("a results file has a folder")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(value).context("serializing results")?;
    fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
}

/// Reads a results file of this [`chanbench_schema::SCHEMA`] into `T`: its `schema` field is checked first, so a
/// file of another version is refused naming both versions, not misread.
pub fn read_versioned<T: DeserializeOwned>(path: &Path) -> Result<T> {
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    let text = read_text(path)?;
    let version: Version = parse(&text, path)?;
    check_schema(path.display(), version.schema)?;
    parse(&text, path)
}

/// Reads a JSON file into `T`; errors name the file and say what is wrong.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    parse(&read_text(path)?, path)
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn parse<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    serde_json::from_str(text)
        .with_context(|| format!("{} is not a valid results file", path.display()))
}

/// `<results>/<run>`.
pub fn run_dir(results: &Path, run: &str) -> PathBuf {
    results.join(run)
}

/// Points `<results>/latest` at `run`, replacing the old link atomically.
pub fn point_latest(results: &Path, run: &str) -> Result<()> {
    let tmp = results.join(".latest.tmp");
    let _ = fs::remove_file(&tmp);
    std::os::unix::fs::symlink(run, &tmp).with_context(|| format!("creating {}", tmp.display()))?;
    fs::rename(&tmp, results.join("latest")).context("updating results/latest")
}

#[cfg(test)]
mod tests {
    use chanbench_schema::SCHEMA;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("chanbench-xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn results_round_trip_and_corrupt_files_are_named() {
        let dir = scratch("results");
        let path = dir.join("one-core.json");
        let results = PlacementResults {
            schema: SCHEMA,
            run: "r".into(),
            placement: "one-core".into(),
            cores: vec![0],
            profile: "smoke".into(),
            complete: true,
            cells: vec![],
            zero_cost: vec![],
        };
        write_atomic(&path, &results).unwrap();
        assert!(
            !path.with_extension("json.tmp").exists(),
            "the temporary file is renamed away"
        );
        assert_eq!(read_versioned::<PlacementResults>(&path).unwrap(), results);
        // Another version is refused by its number, naming both.
        let mut other = serde_json::to_value(&results).unwrap();
        other["schema"] = (SCHEMA + 1).into();
        fs::write(&path, other.to_string()).unwrap();
        let err = format!(
            "{:#}",
            read_versioned::<PlacementResults>(&path).unwrap_err()
        );
        assert!(
            err.contains("one-core.json")
                && err.contains(&format!("version {}", SCHEMA + 1))
                && err.contains(&format!("version {SCHEMA}")),
            "{err}"
        );
        write_atomic(&path, &results).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, &text[..text.len() / 2]).unwrap();
        let err = format!("{:#}", read_json::<PlacementResults>(&path).unwrap_err());
        assert!(
            err.contains("one-core.json") && err.contains("not a valid results file"),
            "{err}"
        );
        let err = format!(
            "{:#}",
            read_json::<PlacementResults>(&dir.join("missing.json")).unwrap_err()
        );
        assert!(err.contains("missing.json"), "{err}");
    }

    fn cell(capacity: usize, median: Option<f64>) -> CellResult {
        let e = |v| Estimate {
            ns_per_msg: v,
            lower: v,
            upper: v,
        };
        let params = Params::new(
            chanbench_schema::Capacity::Bounded(capacity),
            chanbench_schema::Payload::sized("u64", 8),
            2,
        );
        let status = if median.is_some() {
            Status::Ok
        } else {
            Status::Timeout
        };
        CellResult {
            estimates: median.map(|m| Estimates {
                mean: e(m),
                median: e(m),
            }),
            samples: median.map(|m| Samples {
                iters: vec![10.0, 10.0],
                times_ns: vec![m * 10.0, m * 9.0],
            }),
            ..CellResult::new(CellKey::new(Workload::Spsc, "flume", params), status)
        }
    }

    fn zero_cost(ratio: f64) -> ZeroCostRecord {
        ZeroCostRecord {
            schema: SCHEMA,
            workload: Workload::Seq,
            rounds: 1,
            messages_per_run: 1,
            direct_median_ns_per_msg: 1.0,
            trait_median_ns_per_msg: ratio,
            ratio_median: ratio,
            ratio_p25: ratio,
            ratio_p75: ratio,
        }
    }

    #[test]
    fn passes_merge_into_one_cell_per_id_with_every_median() {
        let pass = |cells| PlacementResults {
            schema: SCHEMA,
            run: "r".into(),
            placement: "one-core".into(),
            cores: vec![0],
            profile: "quick".into(),
            complete: false,
            cells,
            zero_cost: vec![zero_cost(1.0)],
        };
        let merged = merge_passes(
            vec![
                pass(vec![cell(1, Some(10.0)), cell(2, None)]),
                pass(vec![cell(1, Some(11.0)), cell(2, Some(20.0))]),
                pass(vec![cell(1, Some(12.0)), cell(3, Some(30.0))]),
            ],
            true,
        )
        .unwrap();
        assert!(merged.complete);
        assert_eq!(merged.zero_cost.len(), 3);
        let got: Vec<_> = merged
            .cells
            .iter()
            .map(|c| (c.label(), c.status, c.repeats.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("cap=1/u64", Status::Ok, vec![10.0, 11.0, 12.0]),
                ("cap=2/u64", Status::Ok, vec![20.0]),
                ("cap=3/u64", Status::Ok, vec![30.0]),
            ]
        );
        assert_eq!(merged.cells[0].estimates.unwrap().median.ns_per_msg, 10.0);
        // The fastest sample of each process: 0.9 of the median in this fixture.
        assert_eq!(merged.cells[0].repeats_fastest, [9.0, 9.9, 10.8]);
        let samples = Samples {
            iters: vec![10.0, 20.0, 0.0],
            times_ns: vec![100.0, 400.0, 5.0],
        };
        assert_eq!(
            samples.per_unit(),
            [10.0, 20.0],
            "empty samples are left out"
        );
        assert!(merge_passes(vec![], true).is_none());
    }

    #[test]
    fn latest_points_at_the_newest_run() {
        let results = scratch("latest");
        fs::create_dir_all(results.join("a")).unwrap();
        fs::create_dir_all(results.join("b")).unwrap();
        point_latest(&results, "a").unwrap();
        point_latest(&results, "b").unwrap();
        assert_eq!(
            fs::read_link(results.join("latest")).unwrap(),
            Path::new("b")
        );
    }
}
