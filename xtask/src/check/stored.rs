//! The stored results of a run: environment, host and build fingerprints, and every cell.

use std::collections::{BTreeMap, BTreeSet};

use chanbench_schema::{Latency, Params, ProfileName, Runtime, Status, Workload};

use crate::results::{CellResult, Run};

/// The workloads a run of this build must have measured: a job's, the ones it asked for, or
/// every workload of the table (the behaviour families, which run on request, in the full
/// profile only).
pub fn expected(run: &Run) -> BTreeSet<Workload> {
    let asked = &run.environment.request.workloads;
    let full = run.environment.profile == ProfileName::Full;
    if let Some(job) = &run.environment.request.job {
        BTreeSet::from([job.workload()])
    } else if asked.is_empty() {
        Workload::ALL
            .into_iter()
            .filter(|w| full || !w.on_request())
            .collect()
    } else {
        asked.iter().copied().collect()
    }
}

/// What was checked (a line per placement) and the problems found, with `expected` the
/// workloads every placement must have measured.
pub fn check(run: &Run, expected: &BTreeSet<Workload>) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut said = Vec::new();
    environment(run, &mut problems);
    let request = &run.environment.request;
    for p in &run.placements {
        let at = |c: &CellResult| format!("{}: {}", p.placement, c.id());
        if p.schema != run.environment.schema {
            problems.push(format!(
                "{}: schema {}, environment {}",
                p.placement, p.schema, run.environment.schema
            ));
        }
        let (mut ok, mut unsupported) = (0, 0);
        let mut measured: BTreeSet<Workload> = BTreeSet::new();
        let mut runtimes: BTreeMap<Workload, BTreeSet<Runtime>> = BTreeMap::new();
        for c in &p.cells {
            match c.status {
                Status::NotSupported => {
                    if c.missing.is_empty() || c.cost.is_some() {
                        problems.push(format!("{}: not supported without a reason", at(c)));
                    }
                    unsupported += 1;
                    continue;
                }
                Status::Ok => {}
                other => {
                    problems.push(format!("{}: {}", at(c), other.name()));
                    continue;
                }
            }
            problems.extend(cell(c).into_iter().map(|e| format!("{}: {e}", at(c))));
            ok += 1;
            measured.insert(c.workload());
            if c.workload().is_async() {
                match c.params().runtime {
                    Some(r) => {
                        runtimes.entry(c.workload()).or_default().insert(r);
                    }
                    None => problems.push(format!("{}: an async cell without a runtime", at(c))),
                }
            }
        }
        let lacking: Vec<&str> = expected.difference(&measured).map(|w| w.name()).collect();
        if !lacking.is_empty() {
            problems.push(format!(
                "{}: no cell measured of {}",
                p.placement,
                lacking.join(", ")
            ));
        }
        // A job runs on its one runtime flavour; the matrix's async workloads on both.
        let flavours_wanted = match request.job {
            Some(job) => usize::from(job.runtime.is_some()),
            None => Runtime::ALL.len(),
        };
        for (w, flavours) in &runtimes {
            if flavours.len() != flavours_wanted {
                problems.push(format!("{}: {w} ran on {flavours:?} only", p.placement));
            }
        }
        let whole =
            request.workloads.is_empty() && request.impls.is_empty() && request.job.is_none();
        let sides: BTreeSet<Workload> = p.zero_cost.iter().map(|z| z.workload).collect();
        if whole && sides != BTreeSet::from([Workload::Seq, Workload::Spsc]) {
            problems.push(format!(
                "{}: zero-cost comparisons of {sides:?}",
                p.placement
            ));
        }
        problems.extend(
            variants(run, &p.cells)
                .into_iter()
                .map(|e| format!("{}: {e}", p.placement)),
        );
        said.push(format!(
            "{} (cores {:?}): {ok} cells measured, {unsupported} not supported",
            p.placement, p.cores
        ));
    }
    (said, problems)
}

/// The environment: when it ended, the toolchain, the libraries, the host and build fingerprints.
fn environment(run: &Run, problems: &mut Vec<String>) {
    let env = &run.environment;
    if env.ended.is_none() || env.rustc.is_empty() || env.libraries.is_empty() {
        problems.push("environment.json lacks its end, rustc or libraries".to_owned());
    }
    match &env.host {
        Some(h) if !h.vendor.is_empty() && !h.family.is_empty() && !h.caches.is_empty() => {}
        host => problems.push(format!("host fingerprint incomplete: {host:?}")),
    }
    match &env.build {
        Some(b)
            if b.profile.get("opt_level").is_some()
                && !b.target_cpu.is_empty()
                && !b.target_features.is_empty() => {}
        build => problems.push(format!("build flags incomplete: {build:?}")),
    }
}

/// A measured cell's estimates and cost: what the report reads.
fn cell(c: &CellResult) -> Vec<String> {
    let mut problems = Vec::new();
    if !c
        .estimates
        .as_ref()
        .is_some_and(|e| e.median.ns_per_msg > 0.0)
    {
        problems.push("no estimates".to_owned());
    }
    // A behaviour family's observation is made in every process that timed the cell.
    let processes = c.repeats.len().max(1);
    if c.workload().observes() && c.observations.len() != processes {
        problems.push(format!(
            "{} observations from {processes} processes",
            c.observations.len()
        ));
    }
    let Some(cost) = &c.cost else {
        problems.push("no cost run".to_owned());
        return problems;
    };
    if cost.messages == 0 || cost.wall_ns == 0 || cost.cpu_ns == 0 {
        problems.push(format!("an empty cost run: {cost:?}"));
    }
    let allocations = cost.allocations_per_msg;
    if cost.allocations.is_none() {
        problems.push("allocations not counted".to_owned());
    }
    let Params {
        payload,
        envelope,
        threads,
        ..
    } = c.params();
    let heap = payload.label.starts_with("vec-") || payload.label.starts_with("box-");
    let boxed = *envelope == Some(chanbench_schema::Envelope::Boxed);
    if (heap || boxed) && allocations.is_some_and(|a| a < 1.0) {
        problems.push(format!(
            "{} on the heap without an allocation per message",
            payload.label
        ));
    }
    // The table says what a workload's latency measures; a one-thread cell has no transfer.
    let records = c.workload().facts().latency != Latency::None && threads.unwrap_or(1) > 1;
    if records && cost.latency.as_ref().is_none_or(|l| l.p50_ns == 0) {
        problems.push("no latency percentiles".to_owned());
    }
    problems
}

/// Each variant (`crossbeam@0.5.6`) measured in the configurations of its base and listed with
/// its library.
fn variants(run: &Run, cells: &[CellResult]) -> Vec<String> {
    let configurations = |id: &str| -> BTreeSet<(Workload, &str)> {
        cells
            .iter()
            .filter(|c| c.implementation() == id && c.status == Status::Ok)
            .map(|c| (c.workload(), c.label()))
            .collect()
    };
    let ids: BTreeSet<&str> = cells.iter().map(|c| c.implementation()).collect();
    let mut problems = Vec::new();
    for id in ids {
        let Some((base, _)) = id.split_once('@') else {
            continue;
        };
        if configurations(id) != configurations(base) {
            problems.push(format!(
                "variant {id} was not measured in the configurations of {base}"
            ));
        }
        if !run
            .environment
            .libraries
            .iter()
            .any(|l| l.implementation == id)
        {
            problems.push(format!("variant {id} has no library row"));
        }
    }
    problems
}
