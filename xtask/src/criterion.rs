//! The one module that reads criterion's files. They are not a documented interface, so every
//! assumption about them lives here: under `$CRITERION_HOME`, each benchmark has a folder whose
//! `new/benchmark.json` names its group, function and parameter, beside `new/estimates.json`
//! (mean and median with confidence intervals, in ns per iteration) and `new/sample.json`.

use std::{
    collections::HashMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::results::{Estimate, Estimates, Samples, read_json};

#[derive(Deserialize)]
struct Benchmark {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct PointEstimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct RawEstimates {
    mean: PointEstimate,
    median: PointEstimate,
}

#[derive(Deserialize)]
struct RawSample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// A benchmark's key: (group, function, parameter).
pub type Key = (String, String, String);

/// Every benchmark criterion stored under `home`, by key. One iteration is one message in our
/// benchmarks, so criterion's ns per iteration are ns per message.
pub fn read_all(home: &Path) -> Result<HashMap<Key, (Estimates, Samples)>> {
    let mut found = HashMap::new();
    for new_dir in benchmark_dirs(home)? {
        let benchmark: Benchmark = read_json(&new_dir.join("benchmark.json"))?;
        let raw: RawEstimates = read_json(&new_dir.join("estimates.json"))?;
        let sample: RawSample = read_json(&new_dir.join("sample.json"))?;
        let estimate = |e: &PointEstimate| Estimate {
            ns_per_msg: e.point_estimate,
            lower: e.confidence_interval.lower_bound,
            upper: e.confidence_interval.upper_bound,
        };
        let key = (
            benchmark.group_id,
            benchmark.function_id.unwrap_or_default(),
            benchmark.value_str.unwrap_or_default(),
        );
        found.insert(
            key,
            (
                Estimates {
                    mean: estimate(&raw.mean),
                    median: estimate(&raw.median),
                },
                Samples {
                    iters: sample.iters,
                    times_ns: sample.times,
                },
            ),
        );
    }
    Ok(found)
}

/// Every `new` folder holding a `benchmark.json` below `home`.
fn benchmark_dirs(home: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![home.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries =
            fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("listing {}", dir.display()))?
                .path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new")
                    && path.join("benchmark.json").exists()
                {
                    out.push(path);
                } else {
                    stack.push(path);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_benchmark_and_names_a_broken_file() {
        let home = std::env::temp_dir().join(format!("chanbench-criterion-{}", std::process::id()));
        let _ = fs::remove_dir_all(&home);
        let new = home.join("spsc/flume/cap=1_u64/new");
        fs::create_dir_all(&new).unwrap();
        fs::write(
            new.join("benchmark.json"),
            r#"{"group_id":"spsc","function_id":"flume","value_str":"cap=1/u64","full_id":"x"}"#,
        )
        .unwrap();
        let est = |p: f64| {
            format!(
                r#"{{"point_estimate":{p},"confidence_interval":{{"lower_bound":{},"upper_bound":{}}}}}"#,
                p - 1.0,
                p + 1.0
            )
        };
        fs::write(
            new.join("estimates.json"),
            format!(r#"{{"mean":{},"median":{}}}"#, est(10.0), est(9.0)),
        )
        .unwrap();
        fs::write(
            new.join("sample.json"),
            r#"{"iters":[1.0,2.0],"times":[10.0,19.0]}"#,
        )
        .unwrap();
        let all = read_all(&home).unwrap();
        let key = (
            "spsc".to_owned(),
            "flume".to_owned(),
            "cap=1/u64".to_owned(),
        );
        let (estimates, samples) = &all[&key];
        assert_eq!(estimates.median.ns_per_msg, 9.0);
        assert_eq!((estimates.mean.lower, estimates.mean.upper), (9.0, 11.0));
        assert_eq!(samples.times_ns, [10.0, 19.0]);
        fs::write(new.join("estimates.json"), "{").unwrap();
        let err = format!("{:#}", read_all(&home).unwrap_err());
        assert!(err.contains("estimates.json"), "{err}");
    }
}
