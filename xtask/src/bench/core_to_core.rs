//! Before the placements: the core-to-core matrix, an atomic round trip between every pair of
//! CPUs, measured by the benchmark binary (`CHANBENCH_CORE_TO_CORE`) over one CPU per physical
//! core (one per last-level cache beyond [`MOST`] cores, so it stays under a minute) and stored as
//! `<run>/core-to-core.json`: the floor under the placements' pairs.

use std::{fs, path::Path};

use anyhow::{Context, Result, bail};
use chanbench_schema::CoreToCore;

use super::process::{Launch, bench_command};
use crate::{results::read_json, topology::Topology};

/// The file in the run's folder.
pub const FILE: &str = "core-to-core.json";
/// The most CPUs measured one per core; above it, one per last-level cache.
pub const MOST: usize = 64;

/// The CPUs to measure: one per physical core (without a topology, every allowed CPU), or one per
/// last-level cache where that is more than [`MOST`].
pub fn cpus(topology: Option<&Topology>, allowed: &[usize]) -> Vec<usize> {
    let Some(t) = topology else {
        return allowed.iter().copied().take(MOST).collect();
    };
    let per_core = t.one_per_core(allowed);
    if per_core.len() <= MOST {
        return per_core;
    }
    let mut seen: Vec<&[usize]> = Vec::new();
    per_core
        .into_iter()
        .filter(|&cpu| match t.last_level_of(cpu) {
            Some(llc) if seen.contains(&llc) => false,
            Some(llc) => {
                seen.push(llc);
                true
            }
            None => true,
        })
        .collect()
}

/// Measures the matrix over `cpus` with the built benchmark into `dir`; `None` with fewer than
/// two CPUs.
pub fn measure(ctx: &Launch, cpus: &[usize], dir: &Path) -> Result<Option<CoreToCore>> {
    if cpus.len() < 2 {
        return Ok(None);
    }
    let path = dir.join(FILE);
    let scratch = dir.join(".core-to-core");
    let output = bench_command(ctx, cpus, &scratch)?
        .env("CHANBENCH_CORE_TO_CORE", &path)
        .output()
        .context("running the core-to-core measurement")?;
    let _ = fs::remove_dir_all(&scratch);
    if !output.status.success() {
        bail!(
            "the core-to-core measurement failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    read_json(&path).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::fake;

    #[test]
    fn one_cpu_per_core_and_per_cache_beyond_the_most() {
        let dir = std::env::temp_dir().join(format!("chanbench-c2c-{}", std::process::id()));
        let zen = fake::zen_2ccd().topology(&dir);
        let all: Vec<usize> = (0..32).collect();
        assert_eq!(cpus(Some(&zen), &all), (0..16).collect::<Vec<_>>());
        assert_eq!(cpus(None, &[3, 5]), [3, 5]);
        let _ = fs::remove_dir_all(dir);
    }
}
