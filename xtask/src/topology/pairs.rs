//! The pairs of CPUs a two-role placement runs on, chosen by what they share or cross: each a
//! function of the topology and the CPUs this process may use, lowest ids on ties.

use super::{Pair, Topology};

impl Topology {
    /// The allowed CPUs, one per physical core (the first allowed of each).
    pub fn one_per_core(&self, allowed: &[usize]) -> Vec<usize> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for &id in allowed {
            if let Some(cpu) = self.cpu(id)
                && !seen.contains(&cpu.core)
            {
                seen.push(cpu.core);
                out.push(id);
            }
        }
        out
    }

    /// The smallest cache `a` and `b` share, as (level, CPUs sharing it).
    fn shared(&self, a: usize, b: usize) -> Option<(u8, usize)> {
        self.caches
            .iter()
            .filter(|c| c.cpus.contains(&a) && c.cpus.contains(&b))
            .map(|c| (c.level, c.cpus.len()))
            .min()
    }

    /// The last-level cache of CPU `id`, by its CPUs.
    pub fn last_level_of(&self, id: usize) -> Option<&[usize]> {
        let level = self.last_level()?;
        self.caches
            .iter()
            .find(|c| c.level == level && c.cpus.contains(&id))
            .map(|c| c.cpus.as_slice())
    }

    fn node_of(&self, id: usize) -> Option<u32> {
        self.cpu(id).and_then(|c| c.node)
    }

    /// Pairs of allowed CPUs on distinct physical cores, in id order.
    fn core_pairs(&self, allowed: &[usize]) -> Vec<Pair> {
        let cpus = self.one_per_core(allowed);
        let mut out = Vec::new();
        for (i, &a) in cpus.iter().enumerate() {
            for &b in &cpus[i + 1..] {
                out.push(if a < b { [a, b] } else { [b, a] });
            }
        }
        out.sort_unstable();
        out
    }

    /// Two hardware threads of one physical core.
    pub fn smt_siblings(&self, allowed: &[usize]) -> Option<Pair> {
        let mut sorted = allowed.to_vec();
        sorted.sort_unstable();
        for (i, &a) in sorted.iter().enumerate() {
            let Some(core) = self.cpu(a).map(|c| c.core) else {
                continue;
            };
            if let Some(&b) = sorted[i + 1..]
                .iter()
                .find(|&&b| self.cpu(b).is_some_and(|c| c.core == core))
            {
                return Some([a, b]);
            }
        }
        None
    }

    /// The best-connected pair of distinct physical cores: sharing the smallest cache (lowest
    /// level, then fewest CPUs sharing it), then on one node, then the lowest ids.
    pub fn best_connected(&self, allowed: &[usize]) -> Option<Pair> {
        self.core_pairs(allowed).into_iter().min_by_key(|&[a, b]| {
            let shared = self.shared(a, b).unwrap_or((u8::MAX, usize::MAX));
            let apart = self.node_of(a) != self.node_of(b);
            (shared, apart, [a, b])
        })
    }

    /// Two distinct cores sharing the last-level cache.
    pub fn same_cache(&self, allowed: &[usize]) -> Option<Pair> {
        self.core_pairs(allowed)
            .into_iter()
            .find(|&[a, b]| self.last_level_of(a).is_some_and(|llc| llc.contains(&b)))
    }

    /// Two distinct cores on one node whose last-level caches differ.
    pub fn cross_cache(&self, allowed: &[usize]) -> Option<Pair> {
        self.core_pairs(allowed).into_iter().find(|&[a, b]| {
            self.node_of(a) == self.node_of(b)
                && self.last_level_of(a).is_some()
                && self.last_level_of(a) != self.last_level_of(b)
        })
    }

    /// Two cores on different NUMA nodes.
    pub fn cross_node(&self, allowed: &[usize]) -> Option<Pair> {
        self.core_pairs(allowed).into_iter().find(
            |&[a, b]| matches!((self.node_of(a), self.node_of(b)), (Some(x), Some(y)) if x != y),
        )
    }
}
