//! Placements: which cores a benchmark process may use, set with `taskset`.

use anyhow::{Context, Result, bail};
use clap::ValueEnum;

/// Where a benchmark process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Placement {
    /// Every thread on one core.
    OneCore,
    /// Two cores: the roles of a pair (producer and consumer, pinger and ponger) on different ones.
    CrossCore,
    /// Every core the process may use.
    AllCores,
}

impl Placement {
    /// The name used in file names and reports.
    pub fn name(self) -> &'static str {
        match self {
            Placement::OneCore => "one-core",
            Placement::CrossCore => "cross-core",
            Placement::AllCores => "all-cores",
        }
    }

    /// The placement with this name.
    pub fn named(name: &str) -> Option<Placement> {
        Placement::value_variants()
            .iter()
            .copied()
            .find(|p| p.name() == name)
    }

    /// The cores for this placement, from the cores the process may use; `None` when there are
    /// too few.
    pub fn cores(self, allowed: &[usize]) -> Option<Vec<usize>> {
        match self {
            Placement::OneCore => allowed.first().map(|&c| vec![c]),
            Placement::CrossCore => (allowed.len() >= 2).then(|| allowed[..2].to_vec()),
            Placement::AllCores => (!allowed.is_empty()).then(|| allowed.to_vec()),
        }
    }
}

/// Placements with the cores each runs on.
pub type Chosen = Vec<(Placement, Vec<usize>)>;

/// The placements to run with their cores, and notes on what was left out and why. `requested`
/// empty means the default set, which adapts to the machine: `all-cores` only when it differs
/// from `cross-core`, `cross-core` only with two cores or more.
pub fn choose(requested: &[Placement], allowed: &[usize]) -> Result<(Chosen, Vec<String>)> {
    let mut notes = Vec::new();
    let mut chosen = Vec::new();
    if requested.is_empty() {
        for placement in [
            Placement::OneCore,
            Placement::CrossCore,
            Placement::AllCores,
        ] {
            match placement.cores(allowed) {
                Some(cores) if placement == Placement::AllCores && cores.len() <= 2 => {
                    notes.push(format!(
                        "all-cores skipped: with {} allowed core(s) it is the same as {}",
                        cores.len(),
                        if cores.len() == 2 {
                            "cross-core"
                        } else {
                            "one-core"
                        }
                    ))
                }
                Some(cores) => chosen.push((placement, cores)),
                None => notes.push(format!(
                    "{} skipped: this process may use only {} core(s) ({allowed:?})",
                    placement.name(),
                    allowed.len()
                )),
            }
        }
    } else {
        for &placement in requested {
            let cores = placement.cores(allowed).with_context(|| {
                format!(
                    "placement {} needs more cores than this process may use ({allowed:?})",
                    placement.name()
                )
            })?;
            if !chosen.iter().any(|(p, _)| *p == placement) {
                chosen.push((placement, cores));
            }
        }
    }
    if chosen.is_empty() {
        bail!("no placement can run with the allowed cores {allowed:?}");
    }
    Ok((chosen, notes))
}

/// The cores this process may use (its affinity mask), read as the bench reads its own.
pub fn allowed_cores() -> Result<Vec<usize>> {
    let cores = chanbench_workloads::placement::Cores::allowed()
        .context("could not read this process's affinity mask")?;
    Ok(cores.ids().to_vec())
}

/// `0,1,5` for `taskset -c`.
pub fn core_list(cores: &[usize]) -> String {
    cores
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_adapts_to_the_machine() {
        let (one, notes) = choose(&[], &[3]).unwrap();
        assert_eq!(one, [(Placement::OneCore, vec![3])]);
        assert!(
            notes.iter().any(|n| n.starts_with("cross-core skipped")),
            "{notes:?}"
        );
        let (two, notes) = choose(&[], &[0, 1]).unwrap();
        assert_eq!(
            two,
            [
                (Placement::OneCore, vec![0]),
                (Placement::CrossCore, vec![0, 1])
            ]
        );
        assert!(
            notes.iter().any(|n| n.contains("same as cross-core")),
            "{notes:?}"
        );
        let (eight, notes) = choose(&[], &[0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
        assert_eq!(eight.len(), 3);
        assert_eq!(eight[2].1.len(), 8);
        assert!(notes.is_empty());
    }

    #[test]
    fn an_explicit_placement_that_cannot_run_is_an_error() {
        let err = choose(&[Placement::CrossCore], &[2])
            .unwrap_err()
            .to_string();
        assert!(err.contains("cross-core") && err.contains("[2]"), "{err}");
        let (chosen, _) = choose(&[Placement::AllCores, Placement::AllCores], &[0, 1]).unwrap();
        assert_eq!(chosen, [(Placement::AllCores, vec![0, 1])]);
    }
}
