//! The core-to-core latency matrix: an atomic round trip between every pair of a set of CPUs,
//! the floor under the placements' pairs. Written by the bench (`CHANBENCH_CORE_TO_CORE`), stored
//! as `<run>/core-to-core.json`, drawn by the report.

use serde::{Deserialize, Serialize};

/// Round trips between every pair of `cpus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoreToCore {
    /// [`crate::SCHEMA`].
    pub schema: u32,
    /// The CPUs measured, in order: one per physical core, or per cache domain on large machines.
    pub cpus: Vec<usize>,
    /// Round trips per measurement.
    pub round_trips: u64,
    /// Measurements per pair; each pair's figure is the fastest.
    pub repeats: usize,
    /// `ns[i][j]`: ns per round trip between `cpus[i]` and `cpus[j]` (symmetric; none on the
    /// diagonal, or where a thread could not be pinned).
    pub ns: Vec<Vec<Option<f64>>>,
}

impl CoreToCore {
    /// The round trip between CPUs `a` and `b`, if both were measured.
    pub fn between(&self, a: usize, b: usize) -> Option<f64> {
        let i = self.cpus.iter().position(|&c| c == a)?;
        let j = self.cpus.iter().position(|&c| c == b)?;
        self.ns.get(i)?.get(j).copied().flatten()
    }
}
