//! Fake sysfs trees of machines we do not have, written the way Linux lays them out, and the
//! pairs each placement must choose on them.

use std::{fs, path::Path};

use super::Topology;

/// A machine to fake: each CPU's (package, core within the package, NUMA node), its data and
/// unified caches as (level, kind, size, CPUs), whether it shows NUMA nodes, and each CPU's
/// cluster where it shows clusters (its die is its package).
pub struct Machine {
    pub name: &'static str,
    pub cpus: Vec<(u32, u32, u32)>,
    pub caches: Vec<(u8, &'static str, &'static str, Vec<usize>)>,
    pub numa: bool,
    pub clusters: Option<fn(usize) -> u32>,
}

fn list(ids: &[usize]) -> String {
    ids.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Machine {
    /// Writes its tree under `root` (`root/devices/system/cpu/...`) and reads it back.
    pub fn topology(&self, root: &Path) -> Topology {
        let _ = fs::remove_dir_all(root);
        let cpu_dir = root.join("devices/system/cpu");
        let all: Vec<usize> = (0..self.cpus.len()).collect();
        let write = |path: &Path, text: &str| {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, format!("{text}\n")).unwrap();
        };
        write(&cpu_dir.join("present"), &format!("0-{}", all.len() - 1));
        write(&cpu_dir.join("online"), &format!("0-{}", all.len() - 1));
        for (id, &(package, core, node)) in self.cpus.iter().enumerate() {
            let dir = cpu_dir.join(format!("cpu{id}"));
            let siblings: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&o| self.cpus[o].0 == package && self.cpus[o].1 == core)
                .collect();
            write(
                &dir.join("topology/physical_package_id"),
                &package.to_string(),
            );
            write(&dir.join("topology/die_id"), "0");
            // Unknown (as this VM shows it) where the machine has no clusters.
            let cluster = self
                .clusters
                .map_or("65535".to_owned(), |c| c(id).to_string());
            write(&dir.join("topology/cluster_id"), &cluster);
            write(&dir.join("topology/core_id"), &core.to_string());
            write(&dir.join("topology/core_cpus_list"), &list(&siblings));
            write(&dir.join("topology/thread_siblings_list"), &list(&siblings));
            let mine = self.caches.iter().filter(|c| c.3.contains(&id));
            for (index, (level, kind, size, cpus)) in mine.enumerate() {
                let cache = dir.join(format!("cache/index{index}"));
                write(&cache.join("level"), &level.to_string());
                write(&cache.join("type"), kind);
                write(&cache.join("size"), size);
                write(&cache.join("shared_cpu_list"), &list(cpus));
            }
            if self.numa {
                let node_dir = root.join(format!("devices/system/node/node{node}"));
                let cpus: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&o| self.cpus[o].2 == node)
                    .collect();
                write(&node_dir.join("cpulist"), &list(&cpus));
            }
        }
        Topology::read(root).unwrap_or_else(|e| panic!("{}: {e:#}", self.name))
    }
}

/// Per-core caches: an L1d and an L2 for each group of SMT siblings in `cores`.
fn private(cores: &[Vec<usize>]) -> Vec<(u8, &'static str, &'static str, Vec<usize>)> {
    let mut out = Vec::new();
    for siblings in cores {
        out.push((1, "Data", "48K", siblings.clone()));
        out.push((1, "Instruction", "32K", siblings.clone()));
        out.push((2, "Unified", "1280K", siblings.clone()));
    }
    out
}

/// Two sockets of 4 cores with 2 threads each, Linux's numbering (the second threads after every
/// first one: CPU 0's sibling is 8), an L3 and a NUMA node per socket.
pub fn xeon_2s() -> Machine {
    let cpus: Vec<(u32, u32, u32)> = (0..16)
        .map(|id| {
            let package = (id / 4) % 2;
            (package, id % 4, package)
        })
        .collect();
    let cores: Vec<Vec<usize>> = (0..8).map(|c| vec![c, c + 8]).collect();
    let mut caches = private(&cores);
    caches.push((3, "Unified", "54M", vec![0, 1, 2, 3, 8, 9, 10, 11]));
    caches.push((3, "Unified", "54M", vec![4, 5, 6, 7, 12, 13, 14, 15]));
    Machine {
        name: "2-socket Xeon with SMT",
        cpus,
        caches,
        numa: true,
        clusters: None,
    }
}

/// The same Xeon with each core's threads numbered next to each other (0 and 1 are siblings), as
/// some firmware enumerates them: the first two ids are one core.
pub fn xeon_2s_adjacent() -> Machine {
    let cpus: Vec<(u32, u32, u32)> = (0..16)
        .map(|id| {
            let package = id / 8;
            (package, (id % 8) / 2, package)
        })
        .collect();
    let cores: Vec<Vec<usize>> = (0..8).map(|c| vec![2 * c, 2 * c + 1]).collect();
    let mut caches = private(&cores);
    caches.push((3, "Unified", "54M", (0..8).collect()));
    caches.push((3, "Unified", "54M", (8..16).collect()));
    Machine {
        name: "2-socket Xeon, siblings adjacent",
        cpus,
        caches,
        numa: true,
        clusters: None,
    }
}

/// 16 cores with 2 threads each on two CCDs of 8, an L3 per CCD, one NUMA node (Zen 4).
pub fn zen_2ccd() -> Machine {
    let cpus: Vec<(u32, u32, u32)> = (0..32).map(|id| (0, id % 16, 0)).collect();
    let cores: Vec<Vec<usize>> = (0..16).map(|c| vec![c, c + 16]).collect();
    let mut caches = private(&cores);
    let ccd = |first: usize| (first..first + 8).chain(first + 16..first + 24).collect();
    caches.push((3, "Unified", "32M", ccd(0)));
    caches.push((3, "Unified", "32M", ccd(8)));
    Machine {
        name: "16-core Zen, two CCDs",
        cpus,
        caches,
        numa: true,
        clusters: Some(|id| (id % 16 / 8) as u32),
    }
}

/// 8 cores without SMT in two clusters of 4, an L2 per cluster and no L3, no NUMA nodes shown
/// (an ARM board).
pub fn arm_board() -> Machine {
    let cpus: Vec<(u32, u32, u32)> = (0..8).map(|id| (0, id, 0)).collect();
    let mut caches = Vec::new();
    for id in 0..8 {
        caches.push((1, "Data", "32K", vec![id]));
        caches.push((1, "Instruction", "48K", vec![id]));
    }
    caches.push((2, "Unified", "1024K", (0..4).collect()));
    caches.push((2, "Unified", "1024K", (4..8).collect()));
    Machine {
        name: "ARM board, two clusters, no SMT",
        cpus,
        caches,
        numa: false,
        clusters: Some(|id| (id / 4) as u32),
    }
}

/// This VM: 2 vCPUs on distinct cores, private L1 and L2, one shared L3, one node.
pub fn vm_2vcpu() -> Machine {
    let mut caches = private(&[vec![0], vec![1]]);
    caches.push((3, "Unified", "32M", vec![0, 1]));
    Machine {
        name: "2-vCPU VM",
        cpus: vec![(0, 0, 0), (0, 1, 0)],
        caches,
        numa: true,
        clusters: None,
    }
}
