//! `cargo xtask bench`: build the benchmark once, run the matrix once per placement as its own
//! process under `taskset`, and store the results with the machine's metadata.
//!
//! Per placement, the bench process writes its cost records (one line per finished cell) and
//! criterion's files under `target/chanbench/runs/<run>/<placement>/`; this module merges them into
//! `<results>/<run>/<placement>.json`. Each placement's criterion files are kept apart, so
//! criterion never compares one placement against another.
//!
//! Faults: the bench prints `cell <id>` before each cell. A cell that shows no progress within
//! `--cell-timeout` is killed and recorded as `timeout`; a cell during which the process dies (a
//! panic) is recorded as `failed` with the panic message. Either way the bench is restarted with
//! the finished and faulty cells skipped, so the matrix continues. On Ctrl-C the finished cells are
//! already on disk: the partial results are written, and `--resume <run>` runs what is missing.

use std::{
    collections::BTreeSet,
    ffi::OsString,
    fs,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    criterion,
    environment::{self, Environment, Request, now},
    placement::{self, Placement, core_list},
    report,
    results::{self, CellResult, PlacementResults, Run, SCHEMA, read_json, write_atomic},
};

/// How long to measure; the bench's `CHANBENCH_PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// Every workload and implementation, minimal time: seconds. For CI.
    Smoke,
    /// Short measurements of the full matrix.
    Quick,
    /// The full matrix, a few minutes per placement on 2 cores.
    Default,
    /// Long measurements.
    Full,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Smoke => "smoke",
            Profile::Quick => "quick",
            Profile::Default => "default",
            Profile::Full => "full",
        }
    }

    /// Processes per placement when `--repeat` is not given: the bench's
    /// `benches::profile::Profile::processes` (a test checks they agree).
    pub fn processes(self) -> u32 {
        match self {
            Profile::Smoke => 1,
            Profile::Quick => 3,
            Profile::Default | Profile::Full => 5,
        }
    }
}

/// `cargo xtask bench` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to measure.
    #[arg(long, value_enum, default_value_t = Profile::Default, conflicts_with = "resume")]
    profile: Profile,
    /// Implementations to run, by id (default: all registered ones and the baselines).
    #[arg(long = "impl", value_name = "NAME", num_args = 1.., conflicts_with = "resume")]
    impls: Vec<String>,
    /// Workloads to run (default: all).
    #[arg(long = "workload", value_name = "NAME", num_args = 1.., conflicts_with = "resume")]
    workloads: Vec<String>,
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
    /// the profile's (smoke 1, quick and default 3, full 5).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100), conflicts_with = "resume")]
    repeat: Option<u32>,
}

/// Why a placement stopped early.
#[derive(Debug)]
struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// A cell the watchdog killed or the process died in.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Fault {
    id: String,
    status: String,
    message: String,
}

/// Everything a placement's bench processes share.
struct Launch {
    exe: PathBuf,
    env: Vec<(&'static str, OsString)>,
    cell_timeout: Duration,
    interrupted: Arc<AtomicBool>,
}

/// Marks a pass that ran to its end.
const FINISHED: &str = "finished";
/// A pass's faulty cells.
const FAULTS: &str = "faults.json";

/// One placement's process (with its restarts) in one round of `--repeat`.
struct Pass {
    placement: Placement,
    cores: Vec<usize>,
    round: u32,
    /// The bench's `CHANBENCH_SEED`: its cell order and heap shifts.
    seed: u64,
    out: PathBuf,
    remaining: u64,
    resume: bool,
}

/// Whether a pass has run to its end. Runs stored before passes had markers count as finished
/// when their placement file says complete.
fn pass_finished(out: &Path, dir: &Path, placement: Placement, repeat: u32) -> Result<bool> {
    if out.join(FINISHED).exists() {
        return Ok(true);
    }
    let stored = dir.join(format!("{}.json", placement.name()));
    Ok(repeat == 1 && stored.exists() && read_json::<PlacementResults>(&stored)?.complete)
}

/// Runs `cargo xtask bench`.
pub fn run(root: &Path, args: Args) -> Result<()> {
    check_taskset()?;
    let results_root = root.join(&args.results);
    let allowed = placement::allowed_cores()?;
    let (mut environment, resuming) = match &args.resume {
        Some(run) => {
            let path = results::run_dir(&results_root, run).join("environment.json");
            let environment: Environment = read_json(&path)?;
            (environment, true)
        }
        None => {
            let (placements, notes) = placement::choose(&args.placements, &allowed)?;
            for note in notes {
                eprintln!("note: {note}");
            }
            let run = match &args.name {
                Some(name) => checked_run_name(name)?,
                None => now().replace(':', ""),
            };
            if results::run_dir(&results_root, &run).exists() {
                bail!(
                    "{} exists already; choose another --name, or --resume {run}",
                    results::run_dir(&results_root, &run).display()
                );
            }
            let request = Request {
                impls: args.impls.clone(),
                workloads: args.workloads.clone(),
                placements: placements
                    .iter()
                    .map(|(p, _)| p.name().to_owned())
                    .collect(),
                repeat: args.repeat.unwrap_or(args.profile.processes()),
                seed: fastrand::u64(..),
            };
            (
                environment::capture(root, &run, args.profile.name(), &allowed, request)?,
                false,
            )
        }
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
            let cores = placement.cores(&allowed).with_context(|| {
                format!("placement {name} needs more cores than this process may use ({allowed:?})")
            })?;
            Ok((placement, cores))
        })
        .collect::<Result<_>>()?;

    let mut env: Vec<(&str, OsString)> =
        vec![("CHANBENCH_PROFILE", environment.profile.clone().into())];
    if !environment.request.impls.is_empty() {
        env.push(("CHANBENCH_IMPL", environment.request.impls.join(",").into()));
    }
    if !environment.request.workloads.is_empty() {
        env.push((
            "CHANBENCH_WORKLOAD",
            environment.request.workloads.join(",").into(),
        ));
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
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .context("installing the Ctrl-C handler")?;
    let (exe, profile) = build(root, "matrix")?;
    let built = environment::build(root, profile)?;
    if resuming {
        let differences = environment::host_differences(
            (environment.host.as_ref(), environment.build.as_ref()),
            (Some(&environment::host()), Some(&built)),
        );
        if !differences.is_empty() {
            bail!(
                "{run} was started on another host or build, and one run must not mix them \
                 ({}); start a new run instead",
                differences.join("; ")
            );
        }
    }
    environment.build = Some(built);
    let ctx = Launch {
        exe,
        env,
        cell_timeout: Duration::from_secs(args.cell_timeout),
        interrupted,
    };

    let work = root.join("target/chanbench/runs").join(&run);
    let repeat = environment.request.repeat.max(1);
    // A pass is one placement's process (with its restarts past faulty cells). With `--repeat`,
    // the placements take turns, round by round, so slow drifts of the machine spread over all.
    let pass_dir = |placement: Placement, round: u32| {
        let dir = work.join(placement.name());
        if repeat == 1 {
            dir
        } else {
            dir.join(format!("run-{round}"))
        }
    };
    // Count each placement's cells first: this also lets the bench reject unknown names before
    // anything is measured.
    let mut listed = Vec::new();
    for (placement, cores) in &placements {
        listed.push(list_cells(&ctx, cores, &work.join(placement.name()))?);
    }
    let mut plan = Vec::new();
    for round in 1..=repeat {
        for (index, ((placement, cores), cells)) in placements.iter().zip(&listed).enumerate() {
            let out = pass_dir(*placement, round);
            if resuming && pass_finished(&out, &dir, *placement, repeat)? {
                continue;
            }
            let done = if resuming {
                finished_cells(&out.join("costs.jsonl"))?.len() as u64
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
    let total: u64 = plan.iter().map(|p| p.remaining).sum();
    if resuming && plan.is_empty() {
        eprintln!("{run} is complete; nothing to resume");
        return Ok(());
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
        let outcome = run_placement(&ctx, pass, &bar);
        let (faults, finished) = match outcome {
            Ok(faults) => (faults, true),
            Err(e) if e.is::<Interrupted>() => (Vec::new(), false),
            Err(e) => return Err(e),
        };
        write_atomic(&pass.out.join(FAULTS), &faults)?;
        if finished {
            fs::write(pass.out.join(FINISHED), "")
                .with_context(|| format!("writing {}", pass.out.join(FINISHED).display()))?;
        }
        let mut passes = Vec::new();
        let mut all_finished = true;
        for round in 1..=repeat {
            let out = pass_dir(pass.placement, round);
            all_finished &= out.join(FINISHED).exists();
            if out.join("costs.jsonl").exists() {
                let faults: Vec<Fault> = if out.join(FAULTS).exists() {
                    read_json(&out.join(FAULTS))?
                } else {
                    Vec::new()
                };
                passes.push(collect(
                    &run,
                    pass.placement,
                    &pass.cores,
                    &environment.profile,
                    &out,
                    &faults,
                )?);
            }
        }
        if let Some(results) = results::merge_passes(passes, all_finished) {
            write_atomic(
                &dir.join(format!("{}.json", pass.placement.name())),
                &results,
            )?;
        }
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
            std::process::exit(130);
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

pub fn check_taskset() -> Result<()> {
    match Command::new("taskset").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => bail!(
            "`taskset` was not found or does not run; it pins each placement to its cores \
             (Debian: apt-get install util-linux)"
        ),
    }
}

/// Builds the benchmark target `bench` (`matrix`, `validate`) once and returns its executable with
/// the profile cargo built it with.
pub fn build(root: &Path, bench: &str) -> Result<(PathBuf, serde_json::Value)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building the benchmark `{bench}` (cargo bench --no-run) ...");
    let out = Command::new(cargo)
        .args(["bench", "-p", "benches", "--bench", bench, "--no-run"])
        .arg("--message-format=json-render-diagnostics")
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo to build the benchmark")?;
    if !out.status.success() {
        bail!("building the benchmark failed ({})", out.status);
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bench)
        .find_map(|m| {
            let exe = m["executable"].as_str()?;
            Some((PathBuf::from(exe), m["profile"].clone()))
        })
        .with_context(|| format!("cargo reported no executable for the `{bench}` benchmark"))
}

fn bench_command(ctx: &Launch, cores: &[usize], out: &Path) -> Result<Command> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut cmd = Command::new("taskset");
    cmd.arg("-c")
        .arg(core_list(cores))
        .arg(&ctx.exe)
        .arg("--bench");
    cmd.envs(ctx.env.iter().map(|(k, v)| (k, v)));
    cmd.env("CHANBENCH_COSTS", out.join("costs.jsonl"));
    cmd.env("CRITERION_HOME", out.join("criterion"));
    Ok(cmd)
}

fn list_cells(ctx: &Launch, cores: &[usize], out: &Path) -> Result<u64> {
    let output = bench_command(ctx, cores, out)?
        .arg("--list")
        .env("CHANBENCH_COSTS", out.join("list.jsonl"))
        .output()
        .context("running the benchmark with --list")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("the benchmark refused to start: {}", stderr.trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.ends_with(": benchmark"))
        .count() as u64)
}

/// The ids of the cells a cost file records as finished.
fn finished_cells(costs: &Path) -> Result<BTreeSet<String>> {
    let Ok(text) = fs::read_to_string(costs) else {
        return Ok(BTreeSet::new());
    };
    let mut done = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON record", costs.display(), n + 1))?;
        if record["status"] == "ok" {
            if let Some(id) = record["criterion_id"].as_str() {
                done.insert(id.to_owned());
            }
        }
    }
    Ok(done)
}

enum Ending {
    Exited,
    TimedOut,
    Interrupted,
}

/// Runs one placement to the end, restarting the bench past faulty cells.
fn run_placement(ctx: &Launch, pass: &Pass, bar: &ProgressBar) -> Result<Vec<Fault>> {
    let (placement, cores, out) = (pass.placement, &pass.cores[..], pass.out.as_path());
    // indicatif hides the bar when stderr is not a terminal (CI, a log file), and with it anything
    // printed through it, so print directly then.
    let say = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}")
        } else {
            bar.println(line)
        }
    };
    let costs = out.join("costs.jsonl");
    let mut faults: Vec<Fault> = Vec::new();
    let mut restart = pass.resume;
    loop {
        let mut cmd = bench_command(ctx, cores, out)?;
        cmd.env("CHANBENCH_SEED", pass.seed.to_string());
        // Costs (CPU time, switches, allocations, latency percentiles) are measured in the first
        // round only: they take a fixed-size run per cell, and the replicated figure is the time.
        cmd.env(
            "CHANBENCH_COST_RUN",
            if pass.round == 1 { "run" } else { "skip" },
        );
        if restart {
            let skip: Vec<String> = finished_cells(&costs)?
                .into_iter()
                .chain(faults.iter().map(|f| f.id.clone()))
                .collect();
            let skip_file = out.join("skip.txt");
            fs::write(&skip_file, skip.join("\n"))
                .with_context(|| format!("writing {}", skip_file.display()))?;
            cmd.env("CHANBENCH_SKIP", &skip_file);
        }
        let log = out.join("criterion.log");
        let log_file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .with_context(|| format!("opening {}", log.display()))?;
        let mut child = cmd
            .stdout(log_file)
            .stderr(Stdio::piped())
            .spawn()
            .context("starting the benchmark")?;
        let stderr = child.stderr.take().context("the benchmark's stderr")?;
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut current: Option<String> = None;
        let mut deadline = Instant::now() + ctx.cell_timeout;
        let mut panic_message: Vec<String> = Vec::new();
        let mut in_panic = false;
        let ending = loop {
            if ctx.interrupted.load(Ordering::SeqCst) {
                let _ = child.kill();
                break Ending::Interrupted;
            }
            if current.is_some() && Instant::now() > deadline {
                let _ = child.kill();
                break Ending::TimedOut;
            }
            match lines.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    if let Some(id) = line.strip_prefix("cell ") {
                        current = Some(id.to_owned());
                        deadline = Instant::now() + ctx.cell_timeout;
                    } else if let Some(summary) = line.strip_prefix("  cost ") {
                        current = None;
                        bar.inc(1);
                        let (done, total) = (bar.position(), bar.length().unwrap_or(0));
                        say(format!("[{} {done}/{total}] {summary}", placement.name()));
                    } else if line.contains("panicked at") {
                        in_panic = true;
                        say(format!("[{}] {line}", placement.name()));
                    } else if line.starts_with("stack backtrace:") {
                        in_panic = false; // The message is above; the backtrace stays in the log.
                    } else if in_panic && !line.starts_with("note:") && !line.trim().is_empty() {
                        say(format!("[{}] {line}", placement.name()));
                        panic_message.push(line);
                    } else if line.starts_with("error")
                        || line.starts_with("zero-cost")
                        || line.starts_with("chanbench:")
                    {
                        say(format!("[{}] {line}", placement.name()));
                        if line.starts_with("error") {
                            panic_message.push(line);
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break Ending::Exited,
            }
        };
        let status = child.wait().context("waiting for the benchmark")?;
        match (ending, current) {
            (Ending::Interrupted, _) => return Err(Interrupted.into()),
            (Ending::Exited, _) if ctx.interrupted.load(Ordering::SeqCst) => {
                return Err(Interrupted.into());
            }
            // A clean exit is success even with a `cell` line open: the bench prints the marker
            // before criterion's filter decides whether the cell runs at all.
            (Ending::Exited, _) if status.success() => return Ok(faults),
            (Ending::TimedOut, Some(id)) => {
                say(format!(
                    "[{}] timeout: {id} made no progress in {:?}; killed",
                    placement.name(),
                    ctx.cell_timeout
                ));
                faults.push(Fault {
                    id,
                    status: "timeout".into(),
                    message: format!(
                        "no progress within {} s; the process was killed",
                        ctx.cell_timeout.as_secs()
                    ),
                });
            }
            (_, Some(id)) => {
                let message = if panic_message.is_empty() {
                    format!("the process died: {status}")
                } else {
                    panic_message.join("\n")
                };
                say(format!("[{}] failed: {id}: {message}", placement.name()));
                faults.push(Fault {
                    id,
                    status: "failed".into(),
                    message,
                });
            }
            (_, None) => bail!(
                "the {} benchmark process failed outside any cell ({status}): {}; criterion's output is in {}",
                placement.name(),
                panic_message.join("; "),
                log.display()
            ),
        }
        bar.inc(1);
        restart = true;
    }
}

/// Merges the bench's cost records, criterion's estimates and the faults of one pass
/// (`complete` is set by [`results::merge_passes`]).
fn collect(
    run: &str,
    placement: Placement,
    cores: &[usize],
    profile: &str,
    out: &Path,
    faults: &[Fault],
) -> Result<PlacementResults> {
    let costs_path = out.join("costs.jsonl");
    let text = fs::read_to_string(&costs_path).unwrap_or_default();
    let home = out.join("criterion");
    let mut estimates = if home.exists() {
        criterion::read_all(&home)?
    } else {
        Default::default()
    };
    let mut cells: Vec<CellResult> = Vec::new();
    let mut zero_cost = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON record", costs_path.display(), n + 1))?;
        if record["record"] == "zero-cost-paired" {
            zero_cost.push(record);
            continue;
        }
        let field = |name: &str| {
            record[name].as_str().map(str::to_owned).with_context(|| {
                format!(
                    "{}:{}: field `{name}` missing or not a string",
                    costs_path.display(),
                    n + 1
                )
            })
        };
        let (workload, implementation, params) = (
            field("workload")?,
            field("implementation")?,
            field("params")?,
        );
        let measured =
            estimates.remove(&(workload.clone(), implementation.clone(), params.clone()));
        let missing = record["missing"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let (estimates, samples) = measured.map_or((None, None), |(e, s)| (Some(e), Some(s)));
        cells.push(CellResult {
            workload,
            implementation,
            params,
            status: field("status")?,
            message: None,
            missing,
            estimates,
            samples,
            cost: (!record["cost"].is_null()).then(|| record["cost"].clone()),
            repeats: Vec::new(),
            repeats_fastest: Vec::new(),
        });
    }
    for fault in faults {
        let mut parts = fault.id.splitn(3, '/');
        let mut next = || parts.next().unwrap_or_default().to_owned();
        cells.push(CellResult {
            workload: next(),
            implementation: next(),
            params: next(),
            status: fault.status.clone(),
            message: Some(fault.message.clone()),
            missing: Vec::new(),
            estimates: None,
            samples: None,
            cost: None,
            repeats: Vec::new(),
            repeats_fastest: Vec::new(),
        });
    }
    Ok(PlacementResults {
        schema: SCHEMA,
        run: run.to_owned(),
        placement: placement.name().to_owned(),
        cores: cores.to_vec(),
        profile: profile.to_owned(),
        complete: false,
        cells,
        zero_cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_run_as_many_processes_as_the_bench_says() {
        for p in Profile::value_variants() {
            let bench = benches::profile::Profile::named(p.name()).unwrap();
            assert_eq!(p.processes(), bench.processes, "{}", p.name());
        }
        assert!(
            Profile::Default.processes() >= 3,
            "the default profile replicates"
        );
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
