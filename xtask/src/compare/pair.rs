//! Pairing two runs: what differs between them beyond the code, which cells both measured, and
//! how well the new run reproduces the base's figures and winners.

use chanbench_schema::Workload;

use chanbench_schema::Kind;

use crate::{
    environment::{self, Environment},
    ranking::{self, Ranking},
    results::{CellResult, Run},
    units::time,
};

/// A cell both runs measured, on one placement.
pub struct Pair<'a> {
    /// The placement.
    pub placement: &'a str,
    /// The base run's cell.
    pub base: &'a CellResult,
    /// The new run's cell.
    pub new: &'a CellResult,
}

/// The implementations one run measured and the other did not measure at all (a default set
/// that changed, or a run asked for others): said once each, their cells left out of the
/// comparison rather than counted cell by cell.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Measured by BASE only.
    pub dropped: Vec<String>,
    /// Measured by NEW only.
    pub added: Vec<String>,
}

impl Coverage {
    /// What `base` and `new` measured, by implementation.
    pub fn of(base: &Run, new: &Run) -> Self {
        let measured = |run: &Run| -> Vec<String> {
            let mut ids: Vec<String> = Vec::new();
            for cell in run.placements.iter().flat_map(|p| &p.cells) {
                if cell.time_ns().is_some() && !ids.iter().any(|i| i == cell.implementation()) {
                    ids.push(cell.implementation().to_owned());
                }
            }
            ids
        };
        let (b, n) = (measured(base), measured(new));
        Coverage {
            dropped: b.iter().filter(|i| !n.contains(i)).cloned().collect(),
            added: n.iter().filter(|i| !b.contains(i)).cloned().collect(),
        }
    }

    /// One line each for the implementations only one side measured; none when both measured
    /// the same.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.dropped.is_empty() {
            out.push(format!(
                "not measured in NEW, so not compared: {} (on request in the default run: \
                 name them or use --impl all)",
                self.dropped.join(", ")
            ));
        }
        if !self.added.is_empty() {
            out.push(format!(
                "measured in NEW only, so not compared: {}",
                self.added.join(", ")
            ));
        }
        out
    }

    fn covers(&self, implementation: &str) -> bool {
        self.dropped
            .iter()
            .chain(&self.added)
            .any(|i| i == implementation)
    }
}

/// The cells both runs measured, and how many cells only one of them did (the cells of an
/// implementation only one side measured are [`Coverage`]'s, not counted here).
pub fn cells<'a>(base: &'a Run, new: &'a Run) -> (Vec<Pair<'a>>, usize) {
    let coverage = Coverage::of(base, new);
    let mut pairs = Vec::new();
    let mut only_one_side = 0usize;
    for np in &new.placements {
        let Some(bp) = base.placements.iter().find(|p| p.placement == np.placement) else {
            only_one_side += np.cells.len();
            continue;
        };
        for nc in np.cells.iter().filter(|c| c.time_ns().is_some()) {
            match bp
                .cells
                .iter()
                .find(|c| c.key.same_cell(&nc.key) && c.time_ns().is_some())
            {
                Some(bc) => pairs.push(Pair {
                    placement: &np.placement,
                    base: bc,
                    new: nc,
                }),
                None if coverage.covers(nc.implementation()) => {}
                None => only_one_side += 1,
            }
        }
    }
    (pairs, only_one_side)
}

/// What differs between two runs' metadata, beyond the code under test.
pub fn differences(base: &Environment, new: &Environment) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: {a} → {b}"));
        }
    };
    check("CPU", base.cpu_model.clone(), new.cpu_model.clone());
    check(
        "logical cores",
        base.logical_cores.to_string(),
        new.logical_cores.to_string(),
    );
    check(
        "allowed cores",
        format!("{:?}", base.allowed_cores),
        format!("{:?}", new.allowed_cores),
    );
    check("kernel", base.kernel.clone(), new.kernel.clone());
    check("OS", base.os.clone(), new.os.clone());
    check("compiler", base.rustc.clone(), new.rustc.clone());
    check("profile", base.profile.to_string(), new.profile.to_string());
    check(
        "hypervisor",
        base.hypervisor.to_string(),
        new.hypervisor.to_string(),
    );
    check(
        "test knobs",
        format!("{:?}", base.test_knobs),
        format!("{:?}", new.test_knobs),
    );
    out.extend(environment::host_differences(
        (base.host.as_ref(), base.build.as_ref()),
        (new.host.as_ref(), new.build.as_ref()),
    ));
    for lib in &new.libraries {
        match base
            .libraries
            .iter()
            .find(|l| l.implementation == lib.implementation)
        {
            Some(old) if old.version != lib.version || old.library != lib.library => {
                out.push(format!(
                    "{}: {} {} → {} {}",
                    lib.implementation, old.library, old.version, lib.library, lib.version
                ))
            }
            _ => {}
        }
    }
    out
}

/// How well NEW reproduces BASE: per placement, the share of channel cells (the workloads the
/// report ranks) whose time per message (median over processes) is within 5% and 10% of BASE's,
/// the floor cells' change, and whether the winners agree. One line per finding.
pub fn reproduction(base: &Run, new: &Run) -> Vec<String> {
    let (bimpls, nimpls) = (
        ranking::implementations(base),
        ranking::implementations(new),
    );
    let channel: Vec<Workload> = Workload::ALL
        .into_iter()
        .filter(|w| w.facts().kind == Kind::Channel)
        .collect();
    let mut out = Vec::new();
    for np in &new.placements {
        let Some(bp) = base.placements.iter().find(|p| p.placement == np.placement) else {
            continue;
        };
        let pairs: Vec<(&CellResult, f64, f64)> = np
            .cells
            .iter()
            .filter_map(|nc| {
                let bc = bp.cells.iter().find(|c| c.id() == nc.id())?;
                Some((nc, bc.time_ns()?, nc.time_ns()?))
            })
            .collect();
        let changes: Vec<f64> = pairs
            .iter()
            .filter(|(c, _, _)| channel.contains(&c.workload()))
            .map(|(_, b, n)| n / b - 1.0)
            .collect();
        if !changes.is_empty() {
            let within = |x: f64| {
                changes.iter().filter(|c| c.abs() <= x).count() as f64 * 100.0
                    / changes.len() as f64
            };
            out.push(format!(
                "{}: {:.0}% of {} channel cells within ±10% of the base, {:.0}% within ±5% \
                 (the report's figure of each run: the median over its processes of each \
                 process's fastest sample)",
                np.placement,
                within(0.10),
                changes.len(),
                within(0.05)
            ));
        }
        for (c, b, n) in pairs
            .iter()
            .filter(|(c, _, _)| c.workload() == Workload::Floor)
        {
            out.push(format!(
                "{}: floor {} {} → {} ({:+.1}%)",
                np.placement,
                c.implementation(),
                time(*b),
                time(*n),
                (n / b - 1.0) * 100.0
            ));
        }
        for &w in &channel {
            let (Some(br), Some(nr)) =
                (ranking::rank(&bimpls, bp, w), ranking::rank(&nimpls, np, w))
            else {
                continue;
            };
            let said = |r: &Ranking| match &r.winner {
                Some(winner) if r.reproducible() => format!("{winner} (reproducible)"),
                Some(winner) => format!("{winner} (not reproducible)"),
                None => "no single winner".to_owned(),
            };
            let agree = match (br.reproducible(), nr.reproducible()) {
                (true, true) if br.winner == nr.winner => "agree",
                (true, true) => "DISAGREE: both called reproducible",
                (true, false) | (false, true) => "one is not reproducible",
                (false, false) => "neither is reproducible",
            };
            out.push(format!(
                "{}: {w}: base {}, new {}: {agree}",
                np.placement,
                said(&br),
                said(&nr)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_implementation_only_one_side_measured_is_said_once_not_counted_by_cell() {
        let results = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
        let base = Run::load(&results, "issue26-smoke-final").unwrap();
        let mut new = Run::load(&results, "issue26-smoke-final").unwrap();
        assert_eq!(Coverage::of(&base, &new), Coverage::default());
        assert!(Coverage::default().lines().is_empty());
        let (all, none) = cells(&base, &new);
        let all = all.len();
        assert_eq!(none, 0);
        // NEW no longer measures kanal (a default set without it): one line, and its cells are
        // neither compared nor counted as measured on one side.
        for p in &mut new.placements {
            p.cells.retain(|c| c.implementation() != "kanal");
        }
        let coverage = Coverage::of(&base, &new);
        assert_eq!(coverage.dropped, ["kanal"]);
        assert!(coverage.added.is_empty());
        let lines = coverage.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("not measured in NEW") && lines[0].contains("kanal"));
        let (pairs, only_one_side) = cells(&base, &new);
        assert_eq!(only_one_side, 0);
        assert!(pairs.len() < all);
        assert!(pairs.iter().all(|p| p.new.implementation() != "kanal"));
        // The other way round, kanal is measured in NEW only.
        let (_, only_one_side) = cells(&new, &base);
        assert_eq!(only_one_side, 0);
        assert_eq!(Coverage::of(&new, &base).added, ["kanal"]);
    }

    fn environment() -> Environment {
        serde_json::from_value(serde_json::json!({
            "schema": 2, "run": "a", "profile": "quick", "cpu_model": "X", "logical_cores": 2,
            "physical_cores": 2, "allowed_cores": [0, 1], "hypervisor": true, "kernel": "6",
            "os": "D", "rustc": "1.95", "libraries": [{"implementation": "flume", "library": "flume", "version": "0.12.0"}],
            "git_revision": null, "git_dirty": null, "load_average_before": [], "started": "t",
            "ended": null, "interrupted": false,
            "request": {"impls": [], "workloads": [], "placements": ["one-core"]},
            "host": {
                "vendor": "AuthenticAMD", "family": "25", "model": "1", "stepping": "1",
                "microcode": "0xa0011d1", "mhz": "2445.406",
                "caches": ["L1 Data 32K", "L1 Instruction 32K", "L2 Unified 512K", "L3 Unified 32768K"],
                "flags": ["fpu", "sse2", "avx2", "hypervisor"], "kernel_build": "#1 SMP PREEMPT_DYNAMIC",
                "hypervisor_vendor": "KVMKVMKVM"
            },
            "build": {"rustflags": "", "target_cpu": "default", "target_features": ["sse2"], "profile": {"opt_level": "3"}}
        }))
        .unwrap()
    }

    #[test]
    fn metadata_differences_are_listed() {
        let env = environment();
        assert!(
            differences(&env, &env).is_empty(),
            "{:?}",
            differences(&env, &env)
        );
        let mut other = env.clone();
        other.cpu_model = "Y".into();
        other.libraries[0].version = "0.11.0".into();
        other.test_knobs = vec!["CHANBENCH_SLOWDOWN=flume:10".into()];
        let d = differences(&env, &other);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(
            d.iter().any(|x| x.contains("0.12.0 → flume 0.11.0")),
            "{d:?}"
        );
    }

    #[test]
    fn hosts_that_differ_only_in_stepping_or_microcode_are_told_apart() {
        let env = environment();
        // The same model name, family and model number: only the stepping differs.
        let mut stepping = env.clone();
        stepping.host.as_mut().unwrap().stepping = "2".into();
        assert_eq!(
            differences(&env, &stepping),
            ["host CPU stepping: 1 → 2"],
            "a different stepping must be reported"
        );
        // Only the microcode differs.
        let mut microcode = env.clone();
        microcode.host.as_mut().unwrap().microcode = "0xa0011d5".into();
        assert_eq!(
            differences(&env, &microcode),
            ["host microcode: 0xa0011d1 → 0xa0011d5"]
        );
        // A build with other flags is another measurement too.
        let mut native = env.clone();
        let build = native.build.as_mut().unwrap();
        build.rustflags = "-C target-cpu=native".into();
        build.target_cpu = "native".into();
        let d = differences(&env, &native);
        assert!(
            d.iter()
                .any(|x| x.starts_with("build target CPU: default → native")),
            "{d:?}"
        );
        // So is a process whose allocator follows its history (a run stored before the malloc
        // thresholds were fixed).
        let mut fixed = env.clone();
        fixed.build.as_mut().unwrap().malloc_thresholds =
            Some(chanbench_schema::MallocThresholds {
                mmap_bytes: 131_072,
                trim_bytes: 131_072,
            });
        assert_eq!(
            differences(&env, &fixed),
            [
                "build malloc thresholds: not fixed (the C library's own, which glibc adjusts as \
                 the process runs) → fixed (mmap 131072 B, trim 131072 B)"
            ]
        );
        // A run stored before fingerprints were recorded cannot be vouched for.
        let mut old = env.clone();
        old.host = None;
        let d = differences(&old, &env);
        assert!(d.iter().any(|x| x.contains("no host fingerprint")), "{d:?}");
    }
}
