//! The stored results: `results/<run>/environment.json` and `results/<run>/<placement>.json`.
//! Versioned, written atomically (write, then rename), and read with errors that name the file.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::environment::Environment;

/// Version of the results format; bump it when a field changes meaning.
pub const SCHEMA: u32 = 1;

/// One placement's results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlacementResults {
    /// [`SCHEMA`].
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
    /// The interleaved zero-cost comparisons, as the bench wrote them.
    pub zero_cost: Vec<serde_json::Value>,
}

/// One cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CellResult {
    /// The workload (criterion group).
    pub workload: String,
    /// The implementation id.
    pub implementation: String,
    /// The cell's parameters.
    pub params: String,
    /// `ok`, `not supported`, `timeout` (killed by the watchdog) or `failed` (the process died in it).
    pub status: String,
    /// For `timeout` and `failed`: what happened.
    pub message: Option<String>,
    /// For `not supported`: the capabilities the implementation lacks.
    pub missing: Vec<String>,
    /// Criterion's estimates, ns per message; `None` when not measured.
    pub estimates: Option<Estimates>,
    /// Criterion's samples; `None` when not measured.
    pub samples: Option<Samples>,
    /// The cost record the bench wrote (units in its field names).
    pub cost: Option<serde_json::Value>,
    /// Criterion's median, ns per message, of each process that measured this cell (`--repeat`
    /// runs several): the unit of replication for `cargo xtask compare`. `estimates`, `samples`
    /// and `cost` are those of the first of them.
    #[serde(default)]
    pub repeats: Vec<f64>,
    /// The fastest sample of each of those processes, ns per message: the batch least disturbed
    /// by the machine, which `cargo xtask compare` compares (see `compare.rs`).
    #[serde(default)]
    pub repeats_fastest: Vec<f64>,
}

impl CellResult {
    /// `workload/implementation/params`, criterion's id.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.workload, self.implementation, self.params)
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
    let fastest = |c: &CellResult| {
        let samples = c.samples.as_ref()?;
        let per_msg = samples
            .iter_pairs()
            .filter(|(n, _)| *n > 0.0)
            .map(|(n, ns)| ns / n);
        per_msg.reduce(f64::min)
    };
    for cell in &mut merged.cells {
        cell.repeats = median(cell).into_iter().collect();
        cell.repeats_fastest = fastest(cell).into_iter().collect();
    }
    for pass in passes {
        merged.zero_cost.extend(pass.zero_cost);
        for cell in pass.cells {
            let same = |c: &&mut CellResult| {
                c.workload == cell.workload
                    && c.implementation == cell.implementation
                    && c.params == cell.params
            };
            match merged.cells.iter_mut().find(same) {
                Some(seen) => {
                    seen.repeats.extend(median(&cell));
                    seen.repeats_fastest.extend(fastest(&cell));
                    // Costs are measured in one process of a run (the first), times in all.
                    if seen.cost.is_none() {
                        seen.cost = cell.cost.clone();
                    }
                    if seen.estimates.is_none() && cell.estimates.is_some() {
                        let repeats = std::mem::take(&mut seen.repeats);
                        let repeats_fastest = std::mem::take(&mut seen.repeats_fastest);
                        *seen = CellResult {
                            repeats,
                            repeats_fastest,
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
        let environment: Environment = read_json(&dir.join("environment.json"))?;
        let mut placements = Vec::new();
        for name in &environment.request.placements {
            let path = dir.join(format!("{name}.json"));
            if path.exists() {
                placements.push(read_json::<PlacementResults>(&path)?);
            }
        }
        if placements.is_empty() {
            bail!("{} has no results yet", dir.display());
        }
        Ok(Run {
            dir,
            environment,
            placements,
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

/// Reads a JSON file into `T`; errors name the file and say what is wrong.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
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
        assert_eq!(read_json::<PlacementResults>(&path).unwrap(), results);
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

    fn cell(params: &str, median: Option<f64>) -> CellResult {
        let e = |v| Estimate {
            ns_per_msg: v,
            lower: v,
            upper: v,
        };
        CellResult {
            workload: "spsc".into(),
            implementation: "flume".into(),
            params: params.into(),
            status: if median.is_some() { "ok" } else { "timeout" }.into(),
            message: None,
            missing: vec![],
            estimates: median.map(|m| Estimates {
                mean: e(m),
                median: e(m),
            }),
            samples: median.map(|m| Samples {
                iters: vec![10.0, 10.0],
                times_ns: vec![m * 10.0, m * 9.0],
            }),
            cost: None,
            repeats: vec![],
            repeats_fastest: vec![],
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
            zero_cost: vec![serde_json::json!({"ratio_median": 1.0})],
        };
        let merged = merge_passes(
            vec![
                pass(vec![cell("a", Some(10.0)), cell("b", None)]),
                pass(vec![cell("a", Some(11.0)), cell("b", Some(20.0))]),
                pass(vec![cell("a", Some(12.0)), cell("c", Some(30.0))]),
            ],
            true,
        )
        .unwrap();
        assert!(merged.complete);
        assert_eq!(merged.zero_cost.len(), 3);
        let got: Vec<_> = merged
            .cells
            .iter()
            .map(|c| (c.params.as_str(), c.status.as_str(), c.repeats.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "ok", vec![10.0, 11.0, 12.0]),
                ("b", "ok", vec![20.0]),
                ("c", "ok", vec![30.0]),
            ]
        );
        assert_eq!(merged.cells[0].estimates.unwrap().median.ns_per_msg, 10.0);
        // The fastest sample of each process: 0.9 of the median in this fixture.
        assert_eq!(merged.cells[0].repeats_fastest, [9.0, 9.9, 10.8]);
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
