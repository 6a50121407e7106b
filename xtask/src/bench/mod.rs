//! `cargo xtask bench`: build the benchmark once, run the matrix once per placement as its own
//! process under `taskset`, and store the results with the machine's metadata.
//!
//! Per placement, the bench process writes its records (one line per finished cell,
//! `chanbench-schema`'s types) and criterion's files under
//! `target/chanbench/runs/<run>/<id>/<placement>/` (`<id>` fresh per run, so a run only ever
//! reads its own passes); [`collect`] merges them into
//! `<results>/<run>/<placement>.json`. Each placement's criterion files are kept apart, so
//! criterion never compares one placement against another.
//!
//! Faults ([`process`]): the bench prints a `cell` line before each cell. A cell that shows no
//! progress within `--cell-timeout` is killed and recorded as `timeout`; a cell during which the
//! process dies (a panic) is recorded as `failed` with the panic message. Either way the bench is
//! restarted with the finished and faulty cells skipped, so the matrix continues. On Ctrl-C (or
//! SIGTERM, SIGHUP) the finished cells are already on disk: the partial results are written,
//! [`run`] returns [`Outcome::Interrupted`], and `--resume <run>` runs what is missing.

use std::{
    ffi::OsString,
    fs,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{Job, ProfileName, Workload};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    environment::{self, Environment, Request, now},
    outcome::Outcome,
    placement::{self, Placement, core_list},
    report,
    results::{self, PlacementResults, Run, read_versioned, write_atomic},
    variant,
};

mod collect;
mod core_to_core;
mod list;
mod process;

pub use process::{Catalog, build, check_taskset};
use process::{Interrupted, Launch, Pass};

/// `cargo xtask bench` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to measure (timings per profile: docs/guide.md, "Running the benchmarks").
    #[arg(long, default_value = "default", conflicts_with = "resume", value_parser = crate::cli::profile())]
    profile: ProfileName,
    /// Implementations to run, by id, or `all` (default: the default set and the baselines).
    #[arg(long = "impl", value_name = "NAME", num_args = 1.., conflicts_with = "resume",
          long_help = crate::cli::implementations("Implementations to run, by id, or `all` for \
          every registered one (default: every one but those on request, and the baselines and \
          strategies under their own names)."))]
    impls: Vec<String>,
    /// Print what the run would measure and an estimate of how long it takes, then stop
    /// (nothing is measured or stored).
    #[arg(long, conflicts_with = "resume")]
    list: bool,
    /// Variants of registered implementations to measure beside them, each under its own id:
    /// `crossbeam@0.5.6` (another published version), `kanal=path:../kanal` (a local crate),
    /// `crossbeam=git:../crossbeam@REV` (a revision of a local git repository). Each passes the
    /// conformance suite before anything is measured; it has no native-select cells.
    #[arg(long = "variant", value_name = "SPEC", num_args = 1.., conflicts_with = "resume")]
    variants: Vec<String>,
    /// Workloads to run (default: all; `cargo xtask workloads` prints their table).
    #[arg(long = "workload", value_name = "NAME", num_args = 1.., conflicts_with = "resume",
          value_parser = crate::cli::workload())]
    workloads: Vec<Workload>,
    /// Placements to run (default: those this machine's cores allow).
    #[arg(long = "placement", value_enum, num_args = 1.., conflicts_with = "resume")]
    placements: Vec<Placement>,
    /// The run's name, its folder under the results folder (default: the start time).
    #[arg(long, conflicts_with = "resume")]
    name: Option<String>,
    /// Finish an interrupted run: run only its cells that have no result yet.
    #[arg(long, value_name = "RUN")]
    resume: Option<String>,
    /// Seconds a cell may go without progress before it is killed and recorded as `timeout`.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    cell_timeout: u64,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
    /// Run every placement N times, each time as new processes, in interleaved rounds (all
    /// placements once, then again): the process is the unit of replication, and the report's
    /// "reproducible" and `cargo xtask compare` test their claims on these processes. Default:
    /// the profile's (see --profile).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100), conflicts_with = "resume")]
    repeat: Option<u32>,
    /// The one described job to measure instead of the matrix (`cargo xtask choose`).
    #[arg(skip)]
    job: Option<Job>,
}

/// A described job's run, as `cargo xtask choose` asks for it.
pub struct JobRun {
    pub job: Job,
    pub impls: Vec<String>,
    pub placements: Vec<Placement>,
    pub profile: ProfileName,
    pub repeat: Option<u32>,
    pub name: String,
    pub results: PathBuf,
}

/// Runs one described job's cells (the `choose` benchmark) as a run named `job.name`.
pub fn run_job(root: &Path, job: JobRun) -> Result<Outcome> {
    run(
        root,
        Args {
            profile: job.profile,
            impls: job.impls,
            variants: Vec::new(),
            workloads: Vec::new(),
            placements: job.placements,
            name: Some(job.name),
            resume: None,
            cell_timeout: 300,
            results: job.results,
            repeat: job.repeat,
            list: false,
            job: Some(job.job),
        },
    )
}

/// Marks a pass that ran to its end.
const FINISHED: &str = "finished";
/// A pass's faulty cells.
const FAULTS: &str = "faults.json";

/// The work area of every run's bench processes.
fn runs_dir(root: &Path) -> PathBuf {
    root.join("target/chanbench/runs")
}

/// Whether a pass has run to its end. Runs stored before passes had markers count as finished
/// when their placement file says complete.
fn pass_finished(out: &Path, dir: &Path, placement: Placement, repeat: u32) -> Result<bool> {
    if out.join(FINISHED).exists() {
        return Ok(true);
    }
    let stored = dir.join(format!("{}.json", placement.name()));
    Ok(repeat == 1 && stored.exists() && read_versioned::<PlacementResults>(&stored)?.complete)
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    check_taskset()?;
    let results_root = root.join(&args.results);
    let allowed = placement::allowed_cores()?;
    let (mut environment, resuming) = match &args.resume {
        Some(run) => (
            read_versioned::<Environment>(
                &results::run_dir(&results_root, run).join("environment.json"),
            )?,
            true,
        ),
        None => (start(root, &results_root, &args, &allowed)?, false),
    };
    let run = environment.run.clone();
    let dir = results::run_dir(&results_root, &run);
    let placements: Vec<(Placement, Vec<usize>)> = environment
        .request
        .placements
        .iter()
        .map(|name| {
            let placement = Placement::named(name)
                .with_context(|| format!("{}: unknown placement {name:?}", dir.display()))?;
            let cores = placement
                .cores(
                    environment.host.as_ref().and_then(|h| h.topology.as_ref()),
                    &allowed,
                )
                .map_err(|why| {
                    anyhow::anyhow!("placement {name} cannot run here: {why} ({allowed:?})")
                })?;
            Ok((placement, cores))
        })
        .collect::<Result<_>>()?;
    let ctx = launch(root, &mut environment, resuming, args.cell_timeout)?;
    let work = Work::of(root, &environment);
    if !resuming {
        work.clear_stale()?;
    }
    let repeat = work.repeat;
    // Count each placement's cells first: this also lets the bench reject unknown names before
    // anything is measured.
    let mut listed = Vec::new();
    for (placement, cores) in &placements {
        let out = work.dir.join(placement.name());
        listed.push(process::list_cells(&ctx, cores, &out)?);
    }
    if args.list {
        print!(
            "{}",
            list::describe(
                &placements,
                &listed,
                environment.profile.name(),
                repeat,
                !environment.request.impls.is_empty()
            )
        );
        // The listing's scratch folder is all this run left behind.
        fs::remove_dir_all(runs_dir(root).join(&run))
            .with_context(|| format!("removing {}", runs_dir(root).join(&run).display()))?;
        return Ok(Outcome::Done);
    }
    let listed: Vec<u64> = listed.iter().map(|l| l.cells).collect();
    // After the listing, which refuses unknown names: a refused run stores nothing. A job's run
    // answers its own question, and leaves the floor under the placements to the matrix's.
    if !dir.join(core_to_core::FILE).exists() && environment.request.job.is_none() {
        let topology = environment.host.as_ref().and_then(|h| h.topology.as_ref());
        let cpus = core_to_core::cpus(topology, &allowed);
        // The floor under the placements' pairs; a failure is said, and the run goes on.
        match core_to_core::measure(&ctx, &cpus, &dir) {
            Ok(Some(m)) => eprintln!(
                "core to core: {} CPUs measured, {} pairs",
                m.cpus.len(),
                m.cpus.len() * (m.cpus.len() - 1) / 2
            ),
            Ok(None) => {}
            Err(e) => eprintln!("note: {e:#}"),
        }
    }

    let plan = plan(&environment, resuming, &dir, &work, &placements, &listed)?;
    let total: u64 = plan.iter().map(|p| p.remaining).sum();
    if resuming && plan.is_empty() {
        eprintln!("{run} is complete; nothing to resume");
        return Ok(Outcome::Done);
    }

    environment.interrupted = false;
    write_atomic(&dir.join("environment.json"), &environment)?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} cells, ETA {eta} {msg}",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    for pass in &plan {
        let round = if repeat > 1 {
            format!(", round {} of {repeat}", pass.round)
        } else {
            String::new()
        };
        bar.set_message(format!(
            "({} on cores {}{round})",
            pass.placement.name(),
            core_list(&pass.cores)
        ));
        let (faults, finished) = match process::run_placement(&ctx, pass, &bar) {
            Ok(faults) => (faults, true),
            Err(e) if e.is::<Interrupted>() => (Vec::new(), false),
            Err(e) => return Err(e),
        };
        write_atomic(&pass.out.join(FAULTS), &faults)?;
        if finished {
            fs::write(pass.out.join(FINISHED), "")
                .with_context(|| format!("writing {}", pass.out.join(FINISHED).display()))?;
        }
        let placement_passes: Vec<PathBuf> = (1..=repeat)
            .map(|r| work.pass_dir(pass.placement, r))
            .collect();
        store_placement(&environment, &dir, pass, &placement_passes)?;
        if !finished {
            bar.abandon();
            environment.interrupted = true;
            write_atomic(&dir.join("environment.json"), &environment)?;
            results::point_latest(&results_root, &run)?;
            write_report(&results_root, &run);
            eprintln!(
                "interrupted: finished cells are kept in {}; finish with `cargo xtask bench --resume {run}`",
                dir.display()
            );
            return Ok(Outcome::Interrupted);
        }
    }
    bar.finish_with_message("done");
    environment.ended = Some(now());
    write_atomic(&dir.join("environment.json"), &environment)?;
    results::point_latest(&results_root, &run)?;
    write_report(&results_root, &run);
    eprintln!(
        "results in {} ({}/latest)",
        dir.display(),
        results_root.display()
    );
    Ok(Outcome::Done)
}

/// Where a run's passes work: `target/chanbench/runs/<run>/<id>/`, the id being the run's own
/// seed (fresh for every new run, stored in its request). A run only ever reads passes from its
/// own folder: a deleted run's passes under the same name, or another run's, are never resumed
/// nor merged into its results.
struct Work {
    dir: PathBuf,
    repeat: u32,
}

impl Work {
    /// The work folder of the run `environment` describes.
    fn of(root: &Path, environment: &Environment) -> Self {
        Work {
            dir: runs_dir(root)
                .join(&environment.run)
                .join(format!("{:016x}", environment.request.seed)),
            repeat: environment.request.repeat.max(1),
        }
    }

    /// A new run's name has no results folder, so whatever is left under its name in the work
    /// area belongs to a deleted run (or one stored elsewhere): it is removed, not reused.
    fn clear_stale(&self) -> Result<()> {
        let Some(named) = self.dir.parent() else {
            return Ok(());
        };
        if named.exists() {
            fs::remove_dir_all(named)
                .with_context(|| format!("removing the stale work folder {}", named.display()))?;
        }
        Ok(())
    }

    /// A pass is one placement's process (with its restarts past faulty cells), in its own
    /// folder when the run has several rounds.
    fn pass_dir(&self, placement: Placement, round: u32) -> PathBuf {
        let dir = self.dir.join(placement.name());
        if self.repeat == 1 {
            dir
        } else {
            dir.join(format!("run-{round}"))
        }
    }
}

/// The passes to run: with `--repeat`, the placements take turns, round by round, so slow
/// drifts of the machine spread over all; a resumed run leaves out finished passes and counts
/// what the unfinished ones have done.
fn plan(
    environment: &Environment,
    resuming: bool,
    dir: &Path,
    work: &Work,
    placements: &[(Placement, Vec<usize>)],
    listed: &[u64],
) -> Result<Vec<Pass>> {
    let mut plan = Vec::new();
    for round in 1..=work.repeat {
        for (index, ((placement, cores), cells)) in placements.iter().zip(listed).enumerate() {
            let out = work.pass_dir(*placement, round);
            if resuming && pass_finished(&out, dir, *placement, work.repeat)? {
                continue;
            }
            let done = if resuming {
                collect::finished_cells(&out.join("costs.jsonl"))?.len() as u64
            } else {
                0
            };
            plan.push(Pass {
                placement: *placement,
                cores: cores.clone(),
                round,
                seed: environment
                    .request
                    .seed
                    .wrapping_add(u64::from(round) << 8)
                    .wrapping_add(index as u64),
                remaining: cells.saturating_sub(done),
                resume: resuming && out.join("costs.jsonl").exists(),
                out,
            });
        }
    }
    Ok(plan)
}

/// A new run: its placements, name and request, and the machine's environment.
fn start(root: &Path, results_root: &Path, args: &Args, allowed: &[usize]) -> Result<Environment> {
    let topology = crate::topology::Topology::system();
    let (placements, notes) = placement::choose(&args.placements, allowed, topology.as_ref())?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let run = match &args.name {
        Some(name) => checked_run_name(name)?,
        None => now().replace(':', ""),
    };
    if results::run_dir(results_root, &run).exists() {
        bail!(
            "{} exists already; choose another --name, or --resume {run}",
            results::run_dir(results_root, &run).display()
        );
    }
    // Refuse a wrong variant before anything is stored.
    variant::build::bench_variants(&args.variants, root)?;
    let request = Request {
        impls: args.impls.clone(),
        variants: args.variants.clone(),
        workloads: args.workloads.clone(),
        placements: placements
            .iter()
            .map(|(p, _)| p.name().to_owned())
            .collect(),
        repeat: args.repeat.unwrap_or(args.profile.processes()),
        seed: fastrand::u64(..),
        placement_notes: notes,
        job: args.job,
    };
    environment::capture(root, &run, args.profile, allowed, request)
}

/// Everything the bench processes share: the executable (built now, its flags recorded, a
/// resumed run refused if they or the host differ), the environment variables and the Ctrl-C
/// flag.
fn launch(
    root: &Path,
    environment: &mut Environment,
    resuming: bool,
    cell_timeout: u64,
) -> Result<Launch> {
    let mut env: Vec<(&str, OsString)> =
        vec![("CHANBENCH_PROFILE", environment.profile.name().into())];
    let variants = variant::build::bench_variants(&environment.request.variants, root)?;
    if !environment.request.impls.is_empty() {
        // The variants are asked for by name too.
        let names: Vec<String> = environment
            .request
            .impls
            .iter()
            .cloned()
            .chain(variants.iter().map(|v| v.name()))
            .collect();
        env.push(("CHANBENCH_IMPL", names.join(",").into()));
    }
    if !environment.request.workloads.is_empty() {
        let names: Vec<&str> = environment
            .request
            .workloads
            .iter()
            .map(|w| w.name())
            .collect();
        env.push(("CHANBENCH_WORKLOAD", names.join(",").into()));
    }
    // A resumed run keeps the test knobs it started with, and only those.
    for knob in environment::TEST_KNOBS {
        let prefix = format!("{knob}=");
        let value = environment
            .test_knobs
            .iter()
            .find_map(|k| k.strip_prefix(&prefix))
            .unwrap_or_default();
        env.push((knob, value.into()));
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    // Ctrl-C, and SIGTERM or SIGHUP (ctrlc's `termination`): `timeout`, a CI cancel and `kill` stop
    // a run the same way, with its partial results stored and the resume hint printed.
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C and SIGTERM handler")?;
    if let Some(job) = &environment.request.job {
        let json = serde_json::to_string(job).context("serializing the job")?;
        env.push(("CHANBENCH_JOB", json.into()));
    }
    let (exe, profile) = if variants.is_empty() {
        let bench = match environment.request.job {
            Some(_) => "choose",
            None => "matrix",
        };
        build(
            root,
            bench,
            Catalog::for_run(
                &environment.request.impls,
                environment.profile == ProfileName::Full,
                environment.request.job.is_some(),
            ),
        )?
    } else {
        let (exe, profile, libraries) = variant::build::bench_with_variants(root, &variants)?;
        for library in libraries {
            if !environment.libraries.contains(&library) {
                environment.libraries.push(library);
            }
        }
        (exe, profile)
    };
    let built = environment::build(root, profile)?;
    if resuming {
        let differences = environment::host_differences(
            (environment.host.as_ref(), environment.build.as_ref()),
            (Some(&environment::host()), Some(&built)),
        );
        if !differences.is_empty() {
            bail!(
                "{} was started on another host or build, and one run must not mix them \
                 ({}); start a new run instead",
                environment.run,
                differences.join("; ")
            );
        }
    }
    environment.build = Some(built);
    Ok(Launch {
        exe,
        env,
        cell_timeout: Duration::from_secs(cell_timeout),
        interrupted,
    })
}

/// Merges every pass of `pass`'s placement so far into `<run>/<placement>.json`.
fn store_placement(
    environment: &Environment,
    dir: &Path,
    pass: &Pass,
    passes: &[PathBuf],
) -> Result<()> {
    let mut collected = Vec::new();
    let mut all_finished = true;
    for out in passes {
        all_finished &= out.join(FINISHED).exists();
        if out.join("costs.jsonl").exists() {
            collected.push(collect::collect(
                &environment.run,
                pass.placement,
                &pass.cores,
                environment.profile.name(),
                out,
                &collect::faults(&out.join(FAULTS))?,
            )?);
        }
    }
    if let Some(results) = results::merge_passes(collected, all_finished) {
        write_atomic(
            &dir.join(format!("{}.json", pass.placement.name())),
            &results,
        )?;
    }
    Ok(())
}

/// Writes the run's report. The results are on disk already, so a failure here loses nothing: it
/// is reported with the command that retries it.
fn write_report(results_root: &Path, run: &str) {
    match Run::load(results_root, run).and_then(|r| report::write(&r)) {
        Ok(index) => eprintln!("report: {}", index.display()),
        Err(e) => eprintln!(
            "warning: the report could not be written ({e:#}); the results are saved: retry with \
             `cargo xtask report {run}`"
        ),
    }
}

fn checked_run_name(name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name != "latest"
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        bail!(
            "--name {name:?}: expected letters, digits, '-', '_' or '.', not starting with '.', \
             and not `latest`"
        );
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_leaves_out_the_implementations_on_request_unless_the_run_asks_for_one() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let (default, crossfire) = (names(&["crossbeam", "kanal"]), names(&["crossfire"]));
        assert_eq!(Catalog::for_run(&[], false, false), Catalog::Without);
        assert_eq!(Catalog::for_run(&default, false, false), Catalog::Without);
        assert_eq!(Catalog::for_run(&crossfire, false, false), Catalog::With);
        assert_eq!(
            Catalog::for_run(&names(&["rtrb"]), false, false),
            Catalog::With
        );
        let all = names(&[chanbench_registry::ALL]);
        assert_eq!(Catalog::for_run(&all, false, false), Catalog::With);
        assert_eq!(Catalog::for_run(&[], true, false), Catalog::With);
        // A described job weighs every registered library, unless it names only default ones.
        assert_eq!(Catalog::for_run(&[], false, true), Catalog::With);
        assert_eq!(Catalog::for_run(&default, false, true), Catalog::Without);
        assert_eq!(Catalog::for_run(&crossfire, false, true), Catalog::With);
    }

    #[test]
    fn run_names_are_folder_names() {
        assert_eq!(
            checked_run_name("nightly-2026.11").unwrap(),
            "nightly-2026.11"
        );
        for bad in ["", "latest", "../x", "a/b", ".hidden", "with space"] {
            assert!(checked_run_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}
