//! The benchmark matrix's `main`, run by `cargo bench -p benches --bench matrix` (`matrix.rs`)
//! and by the binary `cargo xtask bench --variant` generates, which adds the variants' cells.
//!
//! Configured by environment variables (criterion owns the command line):
//! - `CHANBENCH_PROFILE`: `smoke`, `quick`, `default` (the default) or `full`;
//! - `CHANBENCH_IMPL`, `CHANBENCH_WORKLOAD`: comma-separated ids to run (default: all, less the
//!   implementations on request (`chanbench_registry::ON_REQUEST`) and the behaviour families,
//!   which run when named or in the full profile; `CHANBENCH_IMPL=all`: every implementation);
//! - `CHANBENCH_OVERSUBSCRIBE`: worker roles per allowed core for mpsc/mpmc (default 1);
//! - `CHANBENCH_COSTS`: where the cost records go (default
//!   `target/chanbench/costs-<profile>.jsonl`);
//! - `CHANBENCH_SLOWDOWN`: `<implementation>:<percent>[,...]`, for testing `cargo xtask compare`
//!   and `choose` only: those implementations' cells spin inside the timed region for that share
//!   of their time;
//! - `CHANBENCH_SKIP`: a file of criterion ids (`workload/implementation/params`), one per line,
//!   to skip; with it the cost file is appended to, not rewritten (xtask restarts and resumes);
//! - `CHANBENCH_SEED`: the seed of this process's cell order and heap shifts (default: random,
//!   printed);
//! - `CHANBENCH_COST_RUN`: `skip` leaves out the cost runs (xtask measures costs in the first
//!   process of a run only).
//!
//! The process is the unit of replication, and its state is a confounder: cells run in a random
//! order, different in every process, so no cell always follows the same others (which cells ran
//! before moved a cell 2-3x), and every criterion sample shifts the heap by a random 16 B to
//! 4 KiB allocation before the cell builds its channels, so one layout's luck (a queue whose two
//! ends share a cache line, or not) is averaged over samples instead of fixed for the process.
//!
//! Before each cell it prints a `cell` line to stderr, after it a `  cost` line: xtask's watchdog
//! and progress bar read them (`chanbench_schema::protocol`, written and read by the same code).
//!
//! Placement is the process's affinity mask: run under `taskset -c 0` for one core, `-c 0,1` for
//! two. Each cell is timed by criterion (group = workload, function = implementation, parameter
//! = capacity/payload/..., throughput in messages, so times read as ns per message), then run once
//! more at a fixed size for its cost record.

use std::{
    collections::BTreeSet,
    env,
    path::PathBuf,
    time::{Duration, Instant},
};

use crate::{
    heap_shifted,
    profile::{Asked, Profile, Slowdown, list_from_env, refuse_oversubscribe_env},
    record::Recorder,
    zero_cost,
};
use anyhow::{Context, Result};
use chanbench_schema::{
    CellRecord, Job, Observation, ProfileName, Record, Status, Workload,
    protocol::{Line, Plan},
};
use chanbench_workloads::{
    cost::{Cost, measure_cost, percentiles},
    matrix::{Cell, Matrix, Mode, Shape, Sweep, names_swept},
    placement::{Cores, Team},
};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

/// The benchmark's `main`: the matrix `build` makes for the allowed cores and the sweep asked for
/// (`matrix!`, expanded in the target, and whatever it adds: the variants' cells, in a binary
/// `cargo xtask bench --variant` generates). Exits the process on an error, after printing it as
/// a protocol `error:` line.
pub fn main(build: impl FnOnce(Shape, Sweep) -> Matrix) {
    chanbench_workloads::alloc::fix_malloc_thresholds();
    // Started as the transport family's peers' process: serve as one, then exit.
    chanbench_workloads::strategy::transport::process::serve_if_asked();
    // Started to measure the core-to-core matrix: measure it, then exit.
    crate::core_to_core::run_if_asked();
    exit_on_error(run(|profile, cores, workload_filter| {
        let shape = Shape::new(cores.len(), 1);
        // The thread-count sweep runs in the full profile, or when one of its workloads is named.
        let named = workload_filter.is_some_and(|f| names_swept(f.iter().map(String::as_str)));
        let mut sweep = Sweep::new(profile.reduced);
        if profile.name == ProfileName::Full || named {
            sweep = sweep.with_threads(cores.len());
        }
        let matrix = build(shape, sweep);
        if let Err(why) = &matrix.io_uring {
            note(format!(
                "transport: no io-uring cells on this machine: {why}"
            ));
        }
        Ok(matrix)
    }));
}

/// The `choose` benchmark's `main`: the cells `build` registers (`job_matrix!`, expanded in the
/// `choose` target so that only it compiles a job's cells) of the one job `CHANBENCH_JOB`
/// describes (JSON of `chanbench_schema::Job`, written by `cargo xtask choose`).
pub fn main_job(build: impl FnOnce(Shape, Job) -> Matrix) {
    chanbench_workloads::alloc::fix_malloc_thresholds();
    exit_on_error(run(|_, cores, _| {
        let job = job_from_env()?;
        note(format!("the job: {job}"));
        Ok(build(Shape::new(cores.len(), 1), job))
    }));
}

/// `CHANBENCH_JOB`, checked.
fn job_from_env() -> Result<Job> {
    let text = env::var("CHANBENCH_JOB")
        .context("CHANBENCH_JOB: not set; `cargo xtask choose` describes the job")?;
    let job: Job =
        serde_json::from_str(&text).with_context(|| format!("CHANBENCH_JOB: not a job: {text}"))?;
    job.check().context("CHANBENCH_JOB")?;
    Ok(job)
}

/// Exits the process on an error, after printing it as a protocol `error:` line.
fn exit_on_error(result: Result<()>) {
    if let Err(e) = result {
        eprintln!("{}", Line::Error(format!("{e:#}")));
        std::process::exit(1);
    }
}

/// Runs the matrix `build` makes from the profile, the allowed cores and the workloads asked for.
fn run(build: impl FnOnce(&Profile, &Cores, Option<&Vec<String>>) -> Result<Matrix>) -> Result<()> {
    let profile = Profile::from_env()?;
    let cores = Cores::allowed()?;
    refuse_oversubscribe_env()?;
    let workload_filter = list_from_env("CHANBENCH_WORKLOAD", &Workload::names())?;
    let mut matrix = build(&profile, &cores, workload_filter.as_ref())?;

    let implementations = matrix.implementation_ids();
    // One described job's answer weighs every registered library, those on request too.
    let impl_filter = match Asked::from_env(&implementations)? {
        Asked::Default if matrix.job.is_some() => Asked::All,
        asked => asked,
    };
    let asked = |implementation: &str| impl_filter.includes(implementation, profile.name);
    if let Some(why) = matrix.job_refusal(asked) {
        anyhow::bail!(why);
    }
    let slowdowns = Slowdown::from_env(&implementations)?;
    // The behaviour families run when named, or in the full profile.
    let wanted = |workload: Workload, implementation: &str| {
        let named = match &workload_filter {
            Some(w) => w.iter().any(|x| x == workload.name()),
            None => !workload.on_request() || profile.name == ProfileName::Full,
        };
        named && asked(implementation)
    };
    let unsupported = matrix.unsupported();
    matrix
        .cells
        .retain(|c| wanted(c.workload(), c.implementation()));
    let skip = skip_from_env()?;
    let costs_path = env::var_os("CHANBENCH_COSTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/chanbench")
                .join(format!("costs-{}.jsonl", profile.name))
        });
    let seed = match env::var("CHANBENCH_SEED") {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .with_context(|| format!("CHANBENCH_SEED: expected a whole number, found {v:?}"))?,
        Err(_) => fastrand::u64(..),
    };
    let cost_runs = match env::var("CHANBENCH_COST_RUN").as_deref() {
        Err(_) | Ok("") | Ok("run") => true,
        Ok("skip") => false,
        Ok(other) => anyhow::bail!("CHANBENCH_COST_RUN: expected `run` or `skip`, found {other:?}"),
    };
    let mut rng = fastrand::Rng::with_seed(seed);
    rng.shuffle(&mut matrix.cells);
    let mut recorder = Recorder::create(&costs_path, skip.is_some())?;
    let team = Team::new(&cores, matrix.team_size()).context("starting the worker team")?;
    note(format!(
        "profile {}, seed {seed}, cores {:?}, {} cells ({} not supported), workers pinned to {:?}",
        profile.name,
        cores.ids(),
        matrix.cells.len(),
        unsupported
            .iter()
            .filter(|u| wanted(u.key.workload(), u.key.implementation()))
            .count(),
        team.worker_cores()
    ));
    eprintln!("{}", Line::Plan(plan(&profile, &matrix.cells, cost_runs)));
    for s in &slowdowns {
        note(format!(
            "test knob CHANBENCH_SLOWDOWN: every {} cell is slowed by {}% on purpose",
            s.implementation, s.percent
        ));
    }
    // A restarted or resumed run (`CHANBENCH_SKIP`) has written these already.
    for u in unsupported
        .iter()
        .filter(|u| wanted(u.key.workload(), u.key.implementation()) && skip.is_none())
    {
        let mut record = CellRecord::new(u.key.clone(), Status::NotSupported, profile.name);
        record.missing = u.missing.iter().map(|m| (*m).to_owned()).collect();
        recorder.write(&Record::Cell(record))?;
    }

    let mut criterion = Criterion::default()
        .warm_up_time(profile.warm_up)
        .measurement_time(profile.measurement)
        .sample_size(profile.samples)
        .nresamples(profile.resamples)
        .configure_from_args();
    let started = Instant::now();
    let mut zero_cost_timed = false;
    let mut measured = 0usize;
    for cell in &matrix.cells {
        let id = cell.key.id();
        if skip.as_ref().is_some_and(|s| s.contains(&id)) {
            continue;
        }
        eprintln!("{}", Line::Start(Box::new(cell.key.clone())));
        let slowed = slowdowns
            .iter()
            .find(|s| s.implementation == cell.implementation());
        let stretch = |work| slowed.map_or(work, |s| s.stretch(work));
        if !time_cell(&mut criterion, &profile, cell, &team, &mut rng, stretch) {
            continue; // Filtered out on criterion's command line, or `--list`.
        }
        zero_cost_timed |= cell.workload() == Workload::ZeroCost;
        measured += 1;
        let cost = cost_runs.then(|| cost_run(&profile, cell, &team));
        // A behaviour family's observation: in every process, the unit of replication.
        let observation = cell.observe.as_ref().map(|o| o(&team, matrix.sweep.extent));
        let mut summary = summary(cell, cost.as_ref());
        if let Some(o) = &observation {
            summary = format!("{summary}; observed {}", observed(o));
        }
        // The record is on disk before the line that announces it: xtask treats a cell whose
        // summary it has seen as finished.
        let mut record = CellRecord::new(cell.key.clone(), Status::Ok, profile.name);
        record.thread_cores = team.worker_cores()[..cell.threads()].to_vec();
        record.threads_per_core = cell.threads() as f64 / cores.len() as f64;
        record.cost = cost;
        record.observation = observation.map(Box::new);
        recorder.write(&Record::Cell(record))?;
        eprintln!("{}", Line::Finished { id, summary });
    }
    criterion.final_summary();
    // The interleaved comparison runs whenever criterion ran the zero-cost cells.
    if zero_cost_timed {
        zero_cost_check(&profile, &team, &mut recorder)?;
    }
    note(format!(
        "{measured} of {} cells measured in {:.1} s; cost records in {}",
        matrix.cells.len(),
        started.elapsed().as_secs_f64(),
        recorder.path().display()
    ));
    Ok(())
}

/// The time the profile gives `cells`: warm-up and measurement each, and the cost runs' target
/// where they run.
fn plan(profile: &Profile, cells: &[Cell], cost_runs: bool) -> Plan {
    let measuring: Duration = cells
        .iter()
        .map(|c| profile.warm_up_for(c.workload()) + profile.measurement_for(c.workload()))
        .sum();
    let cost = if cost_runs {
        profile.cost_target * cells.len() as u32
    } else {
        Duration::ZERO
    };
    Plan {
        cells: cells.len() as u64,
        measuring_s: measuring.as_secs_f64(),
        cost_s: cost.as_secs_f64(),
    }
}

/// A line for the user (and xtask's log).
fn note(text: String) {
    eprintln!("{}", Line::Note(text));
}

/// `CHANBENCH_SKIP`: the ids of cells not to run (a restarted or resumed pass).
fn skip_from_env() -> Result<Option<BTreeSet<String>>> {
    let Some(path) = env::var_os("CHANBENCH_SKIP") else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "CHANBENCH_SKIP: cannot read {}",
            PathBuf::from(&path).display()
        )
    })?;
    Ok(Some(text.lines().map(str::to_owned).collect()))
}

/// Times `cell` with criterion, in its own group; returns whether criterion ran it.
fn time_cell(
    criterion: &mut Criterion,
    profile: &Profile,
    cell: &Cell,
    team: &Team,
    rng: &mut fastrand::Rng,
    stretch: impl Fn(Duration) -> Duration,
) -> bool {
    let workload = cell.workload();
    // One group per cell, so cells can run in any order; criterion keys its files by the full
    // id, so a group name met again is the same folder.
    let mut group = criterion.benchmark_group(workload.name());
    group.measurement_time(profile.measurement_for(workload));
    group.warm_up_time(profile.warm_up_for(workload));
    // Every sample runs the same number of messages: the per-sample values (the process's median
    // and fastest) are then alike, not a ramp from tiny to large batches.
    group.sampling_mode(SamplingMode::Flat);
    // One iteration is one message in the workload's unit (a round trip, an item, a request), so
    // criterion's time per iteration is ns per unit and its throughput is units per second.
    group.throughput(Throughput::Elements(1));
    let mut timed = false;
    group.bench_function(BenchmarkId::new(cell.implementation(), cell.label()), |b| {
        timed = true;
        b.iter_custom(|iters| {
            stretch(heap_shifted(rng, || {
                (cell.run)(team, Mode::Timed, iters).elapsed
            }))
        });
    });
    group.finish();
    timed
}

/// The cell's cost run: a pilot sizes it to the profile's target, within the cell's limit.
fn cost_run(profile: &Profile, cell: &Cell, team: &Team) -> Cost {
    let pilot_messages = (profile.cost_messages / 100)
        .clamp(16, 1_000)
        .min(cell.cost_limit.unwrap_or(u64::MAX));
    let pilot = (cell.run)(team, Mode::Timed, pilot_messages);
    let messages = profile.cost_run_size(pilot_messages, pilot.elapsed, cell.cost_limit);
    let mut cost = measure_cost(|| (cell.run)(team, Mode::Cost, messages));
    // A latency run apart from the cost run: its clock reads are in neither's CPU time.
    if let Some(latency) = &cell.latency {
        cost.latency = latency(team, Mode::Cost, messages)
            .latency
            .as_ref()
            .map(percentiles);
    }
    cost
}

/// The cost in one line, per unit of the cell's workload.
fn summary(cell: &Cell, cost: Option<&Cost>) -> String {
    let Some(cost) = cost else {
        return "not measured in this process (costs come from the first)".to_owned();
    };
    let per = cell.workload().facts().unit.per();
    format!(
        "{} units, wall {:.1} ns{per}, cpu {:.1} ns{per}, \
         {:.3} voluntary + {:.3} involuntary switches{per}, {} allocs{per}{}",
        cost.messages,
        cost.wall_ns_per_msg,
        cost.cpu_ns_per_msg,
        cost.voluntary_switches_per_msg,
        cost.involuntary_switches_per_msg,
        cost.allocations_per_msg
            .map_or("?".to_owned(), |a| format!("{a:.2}")),
        cost.latency.map_or(String::new(), |l| format!(
            ", latency p50 {} ns p99 {} ns p99.9 {} ns",
            l.p50_ns, l.p99_ns, l.p999_ns
        )),
    )
}

/// A behaviour family's observation in a few words.
fn observed(o: &Observation) -> String {
    match o {
        Observation::OfferedLoad(l) => format!(
            "p99 {} ns from the due time at {:.0} of {:.0} msg/s offered ({:.0}% achieved)",
            l.latency.p99_ns,
            l.target_per_s,
            l.saturation_per_s,
            l.kept_up() * 100.0
        ),
        Observation::Fairness(s) => format!(
            "Jain {:.3} over {} roles",
            s.jain().unwrap_or(f64::NAN),
            s.counts.len()
        ),
        Observation::Memory(f) => format!("{:.0} B of heap per empty channel", f.empty_heap_bytes),
    }
}

/// The interleaved zero-cost comparison, both sides, recorded.
fn zero_cost_check(profile: &Profile, team: &Team, recorder: &mut Recorder) -> Result<()> {
    for workload in [Workload::Seq, Workload::Spsc] {
        let pilot = zero_cost::paired(team, workload, 1, 1_000);
        let pilot_time = Duration::from_secs_f64(pilot.direct_median_ns_per_msg * 1e-6);
        // Each run aims at a fiftieth of the cost-run target (2 ms in the default profile): many
        // short rounds track drift better than a few long ones.
        let messages = profile.cost_run_size(1_000, pilot_time * 50, None);
        let paired = zero_cost::paired(team, workload, profile.zero_cost_rounds, messages);
        note(format!(
            "zero-cost {workload}: through the trait / direct = {:.3} (median of {} interleaved \
             rounds of {} messages; quartiles {:.3} .. {:.3}); direct {:.2} ns/msg, trait {:.2} ns/msg",
            paired.ratio_median,
            paired.rounds,
            paired.messages_per_run,
            paired.ratio_p25,
            paired.ratio_p75,
            paired.direct_median_ns_per_msg,
            paired.trait_median_ns_per_msg,
        ));
        recorder.write(&Record::ZeroCost(paired))?;
    }
    Ok(())
}
