//! The machine's topology: logical CPUs, their physical cores and SMT siblings, packages, NUMA
//! nodes, and every data cache with the CPUs that share it. Read from Linux's sysfs through
//! corescout-substrate (pure Rust, no C library a fresh machine might lack, and it reads a root
//! we name, so the tests read fake trees of machines we do not have). Stored in our own types, so
//! a stored run does not depend on that crate's format. The crate does not read dies and clusters:
//! those are two numbers per CPU (`topology/die_id`, `topology/cluster_id`), read here.

mod pairs;

#[cfg(test)]
pub mod fake;

use std::{collections::BTreeSet, path::Path};

use anyhow::{Result, anyhow};
use corescout_substrate::{platform::linux::sysfs::Sysfs, topology::CacheKind};
use serde::{Deserialize, Serialize};

/// Two CPUs, the lower first: the pair a two-role placement runs on ([`pairs`] chooses them).
pub type Pair = [usize; 2];

/// A logical CPU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cpu {
    /// Its id, as `taskset` takes it.
    pub id: usize,
    /// Its physical core, numbered across the machine.
    pub core: u32,
    /// Its package (socket).
    pub package: u32,
    /// Its NUMA node, where the kernel shows nodes.
    pub node: Option<u32>,
    /// Its die within the package (`topology/die_id`), where the kernel shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub die: Option<u32>,
    /// Its cluster (`topology/cluster_id`: cores sharing an L2 or a CCX), where shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<u32>,
}

/// A data or unified cache instance and the CPUs sharing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cache {
    /// 1, 2, 3 ...
    pub level: u8,
    /// Bytes, where the kernel shows them.
    pub size_bytes: Option<u64>,
    /// The CPUs sharing it, ascending.
    pub cpus: Vec<usize>,
}

/// The topology of one machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    /// Every online CPU, by id.
    pub cpus: Vec<Cpu>,
    /// Every data or unified cache instance, by level.
    pub caches: Vec<Cache>,
    /// NUMA nodes with their CPUs; empty where the kernel shows none (one implicit node).
    pub nodes: Vec<Vec<usize>>,
}

impl Topology {
    /// Reads the topology under `sys` (a directory holding `devices/system/cpu`).
    pub fn read(sys: &Path) -> Result<Topology> {
        let t = Sysfs::with_roots(sys, sys.join("no-proc"))
            .read_topology(None)
            .map_err(|e| anyhow!("reading the topology under {}: {e}", sys.display()))?;
        let cpus = t
            .logical_cpus
            .iter()
            .filter(|c| c.online)
            .map(|c| {
                // The kernel writes -1 (shown as 65535 on some) where it does not know.
                let number = |name: &str| {
                    let path = format!("devices/system/cpu/cpu{}/topology/{name}", c.id);
                    let text = std::fs::read_to_string(sys.join(path)).ok()?;
                    text.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|&n| n < u32::from(u16::MAX))
                };
                Cpu {
                    id: c.id as usize,
                    core: c.physical,
                    package: c.package_id,
                    node: c.numa_node,
                    die: number("die_id"),
                    cluster: number("cluster_id"),
                }
            })
            .collect();
        let caches = t
            .caches
            .iter()
            .filter(|c| c.kind != CacheKind::L1Instruction)
            .map(|c| Cache {
                level: c.level,
                size_bytes: c.size_bytes,
                cpus: c.shared_cpus.iter().map(|&id| id as usize).collect(),
            })
            .collect();
        let nodes = t
            .numa_nodes
            .iter()
            .map(|n| n.cpus.iter().map(|&id| id as usize).collect())
            .collect();
        Ok(Topology {
            cpus,
            caches,
            nodes,
        })
    }

    /// This machine's, or `None` where sysfs does not show it (the run says "unknown").
    pub fn system() -> Option<Topology> {
        Topology::read(Path::new("/sys"))
            .ok()
            .filter(|t| !t.cpus.is_empty())
    }

    /// The CPU `id`.
    pub fn cpu(&self, id: usize) -> Option<&Cpu> {
        self.cpus.iter().find(|c| c.id == id)
    }

    /// The dies and the clusters, counted (0 where the kernel shows none).
    pub fn dies_and_clusters(&self) -> (usize, usize) {
        let dies: BTreeSet<(u32, u32)> = self
            .cpus
            .iter()
            .filter_map(|c| Some((c.package, c.die?)))
            .collect();
        let clusters: BTreeSet<(u32, u32)> = self
            .cpus
            .iter()
            .filter_map(|c| Some((c.package, c.cluster?)))
            .collect();
        (dies.len(), clusters.len())
    }

    /// The physical cores, the packages and the NUMA nodes (at least 1), counted.
    pub fn counts(&self) -> (usize, usize, usize) {
        let cores: BTreeSet<u32> = self.cpus.iter().map(|c| c.core).collect();
        let packages: BTreeSet<u32> = self.cpus.iter().map(|c| c.package).collect();
        (cores.len(), packages.len(), self.nodes.len().max(1))
    }

    /// The highest cache level: the last-level cache.
    pub fn last_level(&self) -> Option<u8> {
        self.caches.iter().map(|c| c.level).max()
    }

    /// One line for the host fingerprint: `2 CPUs, 2 cores, 1 package, 1 node; L3 shared by 2`,
    /// with the dies where a package has several and the clusters where they group cores.
    pub fn summary(&self) -> String {
        let (cores, packages, nodes) = self.counts();
        let mut line = format!(
            "{} CPUs, {cores} cores, {packages} package{}, {nodes} node{}",
            self.cpus.len(),
            if packages == 1 { "" } else { "s" },
            if nodes == 1 { "" } else { "s" },
        );
        let (dies, clusters) = self.dies_and_clusters();
        if dies > packages {
            line.push_str(&format!(", {dies} dies"));
        }
        if clusters > 0 && clusters < cores {
            line.push_str(&format!(", {clusters} clusters"));
        }
        if let Some(level) = self.last_level() {
            let widths: BTreeSet<usize> = self
                .caches
                .iter()
                .filter(|c| c.level == level)
                .map(|c| c.cpus.len())
                .collect();
            let widths: Vec<String> = widths.iter().map(usize::to_string).collect();
            line.push_str(&format!("; L{level} shared by {}", widths.join(" or ")));
        }
        line
    }
}

#[cfg(test)]
mod tests;
