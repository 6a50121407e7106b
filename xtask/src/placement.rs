//! Placements: which CPUs a benchmark process may use, set with `taskset`, named by what a pair
//! of roles shares or crosses and derived from the machine's [`Topology`].

use anyhow::{Context, Result, bail};
use clap::ValueEnum;

use crate::topology::{Pair, Topology};

/// Where a benchmark process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Placement {
    /// Every thread on one CPU.
    OneCore,
    /// Two hardware threads of one physical core (SMT siblings).
    SmtSiblings,
    /// The best-connected pair of distinct physical cores (sharing the smallest cache, lowest
    /// ids on ties): the roles of a pair (producer and consumer, pinger and ponger) on different
    /// cores.
    CrossCore,
    /// Two distinct cores sharing the last-level cache.
    SameCache,
    /// Two cores of one NUMA node with different last-level caches (two CCDs, two clusters).
    CrossCache,
    /// Two cores on different NUMA nodes.
    CrossNode,
    /// Every CPU the process may use.
    AllCores,
}

/// The placements a run has by default; the others run on request (`--placement`) and are
/// described in the run's notes.
pub const DEFAULT: [Placement; 3] = [
    Placement::OneCore,
    Placement::CrossCore,
    Placement::AllCores,
];

impl Placement {
    /// The name used in file names and reports.
    pub fn name(self) -> &'static str {
        match self {
            Placement::OneCore => "one-core",
            Placement::SmtSiblings => "smt-siblings",
            Placement::CrossCore => "cross-core",
            Placement::SameCache => "same-cache",
            Placement::CrossCache => "cross-cache",
            Placement::CrossNode => "cross-node",
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

    /// Its CPUs on a machine of `topology` (`None`: unknown) for a process allowed `allowed`, or
    /// why the machine has none. Without a topology `cross-core` is the first two allowed CPUs,
    /// as runs before the topology chose it.
    pub fn cores(
        self,
        topology: Option<&Topology>,
        allowed: &[usize],
    ) -> Result<Vec<usize>, String> {
        let pair = |choose: fn(&Topology, &[usize]) -> Option<Pair>, lacks: &str| {
            let t = topology.ok_or("the topology is unknown (sysfs shows none)")?;
            choose(t, allowed)
                .map(|p| p.to_vec())
                .ok_or_else(|| lacks.to_owned())
        };
        match self {
            Placement::OneCore => allowed
                .first()
                .map(|&c| vec![c])
                .ok_or_else(|| "no allowed CPU".to_owned()),
            Placement::AllCores => (!allowed.is_empty())
                .then(|| allowed.to_vec())
                .ok_or_else(|| "no allowed CPU".to_owned()),
            Placement::CrossCore if topology.is_none() => (allowed.len() >= 2)
                .then(|| allowed[..2].to_vec())
                .ok_or_else(|| format!("this process may use only {} CPU(s)", allowed.len())),
            Placement::CrossCore => pair(
                Topology::best_connected,
                "fewer than two allowed physical cores",
            ),
            Placement::SmtSiblings => pair(
                Topology::smt_siblings,
                "no core has two allowed hardware threads (no SMT)",
            ),
            Placement::SameCache => pair(
                Topology::same_cache,
                "no two allowed cores share a last-level cache",
            ),
            Placement::CrossCache => pair(
                Topology::cross_cache,
                "the allowed cores of each node share one last-level cache",
            ),
            Placement::CrossNode => pair(Topology::cross_node, "one NUMA node"),
        }
    }
}

/// Placements with the CPUs each runs on.
pub type Chosen = Vec<(Placement, Vec<usize>)>;

/// The placements to run with their CPUs, and notes on the others and why. `requested` empty
/// means [`DEFAULT`]; a placement on the same CPUs as one chosen before it is its alias, noted
/// and not run twice (`all-cores` on two CPUs is `cross-core`); the placements not requested
/// are each described (what they would run on, or what the machine lacks).
pub fn choose(
    requested: &[Placement],
    allowed: &[usize],
    topology: Option<&Topology>,
) -> Result<(Chosen, Vec<String>)> {
    let mut notes = Vec::new();
    let mut chosen: Chosen = Vec::new();
    let explicit = !requested.is_empty();
    let wanted: &[Placement] = if explicit { requested } else { &DEFAULT };
    for &placement in wanted {
        if chosen.iter().any(|(p, _)| *p == placement) {
            continue;
        }
        let cores = match placement.cores(topology, allowed) {
            Ok(cores) => cores,
            Err(why) if explicit => bail!(
                "placement {} cannot run here: {why} (allowed CPUs {allowed:?})",
                placement.name()
            ),
            Err(why) => {
                notes.push(format!(
                    "{} skipped: {why} (allowed CPUs {allowed:?})",
                    placement.name()
                ));
                continue;
            }
        };
        match chosen.iter().find(|(_, c)| *c == cores) {
            Some((same, _)) => notes.push(alias(placement, *same, &cores)),
            None => chosen.push((placement, cores)),
        }
    }
    for &placement in Placement::value_variants() {
        if wanted.contains(&placement) {
            continue;
        }
        notes.push(match placement.cores(topology, allowed) {
            Err(why) => format!("{} skipped: {why}", placement.name()),
            Ok(cores) => match chosen.iter().find(|(_, c)| *c == cores) {
                Some((same, _)) => alias(placement, *same, &cores),
                None => format!(
                    "{} (CPUs {}) runs on request: --placement {}",
                    placement.name(),
                    core_list(&cores),
                    placement.name()
                ),
            },
        });
    }
    if chosen.is_empty() {
        bail!("no placement can run with the allowed CPUs {allowed:?}");
    }
    Ok((chosen, notes))
}

fn alias(placement: Placement, same: Placement, cores: &[usize]) -> String {
    format!(
        "{} is the same as {} here (CPUs {}): not run twice",
        placement.name(),
        same.name(),
        core_list(cores)
    )
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
    use crate::topology::fake::{self, Machine};

    #[test]
    fn without_a_topology_the_default_set_adapts_to_the_allowed_cpus() {
        let (one, notes) = choose(&[], &[3], None).unwrap();
        assert_eq!(one, [(Placement::OneCore, vec![3])]);
        assert!(
            notes.iter().any(|n| n.starts_with("cross-core skipped")),
            "{notes:?}"
        );
        let (two, notes) = choose(&[], &[0, 1], None).unwrap();
        assert_eq!(
            two,
            [
                (Placement::OneCore, vec![0]),
                (Placement::CrossCore, vec![0, 1])
            ]
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("all-cores is the same as cross-core")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("smt-siblings skipped: the topology is unknown")),
            "{notes:?}"
        );
        let (eight, _) = choose(&[], &[0, 1, 2, 3, 4, 5, 6, 7], None).unwrap();
        assert_eq!(eight.len(), 3);
        assert_eq!(eight[2].1.len(), 8);
    }

    #[test]
    fn an_explicit_placement_that_cannot_run_is_an_error() {
        let err = choose(&[Placement::CrossCore], &[2], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("cross-core") && err.contains("[2]"), "{err}");
        let (chosen, _) =
            choose(&[Placement::AllCores, Placement::AllCores], &[0, 1], None).unwrap();
        assert_eq!(chosen, [(Placement::AllCores, vec![0, 1])]);
    }

    /// A placement and the CPUs it must choose (`None`: skipped).
    type Want = (Placement, Option<Vec<usize>>);

    /// What each placement must choose on each fake machine, every CPU allowed.
    fn expected() -> Vec<(Machine, [Want; 7])> {
        use Placement::*;
        let some = |v: &[usize]| Some(v.to_vec());
        vec![
            (
                fake::xeon_2s(),
                [
                    (OneCore, some(&[0])),
                    (SmtSiblings, some(&[0, 8])),
                    (CrossCore, some(&[0, 1])),
                    (SameCache, some(&[0, 1])),
                    (CrossCache, None),
                    (CrossNode, some(&[0, 4])),
                    (AllCores, Some((0..16).collect())),
                ],
            ),
            (
                fake::xeon_2s_adjacent(),
                [
                    (OneCore, some(&[0])),
                    (SmtSiblings, some(&[0, 1])),
                    (CrossCore, some(&[0, 2])),
                    (SameCache, some(&[0, 2])),
                    (CrossCache, None),
                    (CrossNode, some(&[0, 8])),
                    (AllCores, Some((0..16).collect())),
                ],
            ),
            (
                fake::zen_2ccd(),
                [
                    (OneCore, some(&[0])),
                    (SmtSiblings, some(&[0, 16])),
                    (CrossCore, some(&[0, 1])),
                    (SameCache, some(&[0, 1])),
                    (CrossCache, some(&[0, 8])),
                    (CrossNode, None),
                    (AllCores, Some((0..32).collect())),
                ],
            ),
            (
                fake::arm_board(),
                [
                    (OneCore, some(&[0])),
                    (SmtSiblings, None),
                    (CrossCore, some(&[0, 1])),
                    (SameCache, some(&[0, 1])),
                    (CrossCache, some(&[0, 4])),
                    (CrossNode, None),
                    (AllCores, Some((0..8).collect())),
                ],
            ),
            (
                fake::vm_2vcpu(),
                [
                    (OneCore, some(&[0])),
                    (SmtSiblings, None),
                    (CrossCore, some(&[0, 1])),
                    (SameCache, some(&[0, 1])),
                    (CrossCache, None),
                    (CrossNode, None),
                    (AllCores, some(&[0, 1])),
                ],
            ),
        ]
    }

    /// Where `choose` (each placement's CPUs on `topology`) differs from `want`.
    fn mismatches(
        name: &str,
        choose: &dyn Fn(Placement) -> Option<Vec<usize>>,
        want: &[Want],
    ) -> Vec<String> {
        want.iter()
            .filter(|(p, w)| choose(*p) != *w)
            .map(|(p, w)| format!("{name}: {} chose {:?}, not {w:?}", p.name(), choose(*p)))
            .collect()
    }

    fn tree(name: &str) -> std::path::PathBuf {
        let slug: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
        std::env::temp_dir().join(format!("chanbench-sysfs-{slug}-{}", std::process::id()))
    }

    #[test]
    fn each_fake_machine_gets_the_pairs_its_topology_calls_for() {
        let mut wrong = Vec::new();
        for (machine, want) in expected() {
            let dir = tree(machine.name);
            let t = machine.topology(&dir);
            let all: Vec<usize> = t.cpus.iter().map(|c| c.id).collect();
            // The thread-count sweep's points: powers of two to twice the CPUs, at least 8.
            let top = *chanbench_workloads::matrix::thread_counts(all.len())
                .last()
                .unwrap();
            let want_top = match machine.name {
                "2-socket Xeon with SMT" | "2-socket Xeon, siblings adjacent" => 32,
                "16-core Zen, two CCDs" => 64,
                "ARM board, two clusters, no SMT" => 16,
                _ => 8,
            };
            if top != want_top {
                wrong.push(format!(
                    "{}: the sweep goes to {top}, not {want_top}",
                    machine.name
                ));
            }
            wrong.extend(mismatches(
                machine.name,
                &|p| p.cores(Some(&t), &all).ok(),
                &want,
            ));
            let _ = std::fs::remove_dir_all(dir);
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn the_first_two_cpus_are_a_wrong_pair_where_they_are_one_core_and_it_is_caught() {
        let machine = fake::xeon_2s_adjacent();
        let dir = tree("naive");
        let t = machine.topology(&dir);
        let all: Vec<usize> = t.cpus.iter().map(|c| c.id).collect();
        let want = &expected()[1].1;
        // The rule before the topology: cross-core on the first two allowed CPUs, SMT siblings.
        let naive = |p: Placement| p.cores(None, &all).ok();
        let said = mismatches(machine.name, &naive, &want[2..3]);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].contains("cross-core chose Some([0, 1])"),
            "{said:?}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn on_this_vm_shape_same_cache_is_an_alias_and_the_rest_are_explained() {
        let dir = tree("vm-notes");
        let t = fake::vm_2vcpu().topology(&dir);
        let (chosen, notes) = choose(&[], &[0, 1], Some(&t)).unwrap();
        let names: Vec<&str> = chosen.iter().map(|(p, _)| p.name()).collect();
        assert_eq!(names, ["one-core", "cross-core"]);
        for start in [
            "all-cores is the same as cross-core",
            "smt-siblings skipped: no core has two allowed hardware threads",
            "same-cache is the same as cross-core here (CPUs 0,1)",
            "cross-cache skipped",
            "cross-node skipped: one NUMA node",
        ] {
            assert!(
                notes.iter().any(|n| n.starts_with(start)),
                "{start}: {notes:?}"
            );
        }
        // Asked for, an alias runs once and a lacking placement is an error.
        let (chosen, _) = choose(
            &[Placement::CrossCore, Placement::SameCache],
            &[0, 1],
            Some(&t),
        )
        .unwrap();
        assert_eq!(chosen.len(), 1);
        let err = choose(&[Placement::CrossNode], &[0, 1], Some(&t)).unwrap_err();
        assert!(err.to_string().contains("one NUMA node"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_restricted_mask_chooses_within_it() {
        let dir = tree("mask");
        let t = fake::zen_2ccd().topology(&dir);
        // Only CPUs of the second CCD and one sibling of the first.
        let allowed = [16, 9, 10, 25];
        assert_eq!(
            Placement::CrossCore.cores(Some(&t), &allowed),
            Ok(vec![9, 10])
        );
        assert_eq!(
            Placement::SmtSiblings.cores(Some(&t), &allowed),
            Ok(vec![9, 25])
        );
        assert_eq!(
            Placement::CrossCache.cores(Some(&t), &allowed),
            Ok(vec![9, 16])
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
