//! The core-to-core mode of the benchmark binary: with `CHANBENCH_CORE_TO_CORE=<file>`, it
//! measures an atomic round trip between every pair of the CPUs it may use (xtask runs it under
//! `taskset` with one CPU per core), writes the matrix to the file and exits.

use std::{env, path::Path};

use anyhow::{Context, Result};
use chanbench_schema::{CoreToCore, SCHEMA};
use chanbench_workloads::{floor::core_to_core, placement::Cores};

/// The variable naming the file to write.
pub const ENV: &str = "CHANBENCH_CORE_TO_CORE";
/// Round trips per measurement.
pub const ROUND_TRIPS: u64 = 20_000;
/// Measurements per pair.
pub const REPEATS: usize = 5;

/// Measures and writes the matrix if asked, then exits; returns if not asked.
pub fn run_if_asked() {
    let Ok(path) = env::var(ENV) else {
        return;
    };
    let code = match measure(Path::new(&path)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("core-to-core: {e:#}");
            1
        }
    };
    std::process::exit(code);
}

fn measure(path: &Path) -> Result<()> {
    let cpus = Cores::allowed()
        .context("reading the affinity mask")?
        .ids()
        .to_vec();
    let record = CoreToCore {
        schema: SCHEMA,
        ns: core_to_core(&cpus, ROUND_TRIPS, REPEATS),
        cpus,
        round_trips: ROUND_TRIPS,
        repeats: REPEATS,
    };
    let text = serde_json::to_string_pretty(&record).context("serializing the matrix")?;
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
