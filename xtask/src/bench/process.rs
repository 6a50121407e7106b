//! Running one pass: the bench process under `taskset`, watched line by line
//! (`chanbench_schema::protocol`) by a watchdog that kills a cell making no progress and restarts
//! the bench past it, and building the bench in the first place.

use std::{
    ffi::OsString,
    fs,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{
    CellKey, Status,
    protocol::{Line, Plan},
};
use indicatif::ProgressBar;

use super::{
    Placement,
    collect::{Fault, finished_cells},
};
use crate::placement::core_list;

/// Why a placement stopped early.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Everything a placement's bench processes share.
pub struct Launch {
    pub exe: PathBuf,
    pub env: Vec<(&'static str, OsString)>,
    pub cell_timeout: Duration,
    pub interrupted: Arc<AtomicBool>,
}

/// One placement's process (with its restarts) in one round of `--repeat`.
pub struct Pass {
    pub placement: Placement,
    pub cores: Vec<usize>,
    pub round: u32,
    /// The bench's `CHANBENCH_SEED`: its cell order and heap shifts.
    pub seed: u64,
    pub out: PathBuf,
    pub remaining: u64,
    pub resume: bool,
}

enum Ending {
    Exited,
    TimedOut,
    Interrupted,
}

/// What watching one bench process saw: how it ended, the cell it was in, any panic message.
struct Watched {
    ending: Ending,
    current: Option<CellKey>,
    panic_message: Vec<String>,
}

/// Prints a line above the progress bar. indicatif hides the bar when stderr is not a terminal
/// (CI, a log file), and with it anything printed through it, so print directly then.
fn say(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        eprintln!("{line}")
    } else {
        bar.println(line)
    }
}

/// Runs one placement to the end, restarting the bench past faulty cells.
pub fn run_placement(ctx: &Launch, pass: &Pass, bar: &ProgressBar) -> Result<Vec<Fault>> {
    let name = pass.placement.name();
    let mut faults: Vec<Fault> = Vec::new();
    let mut restart = pass.resume;
    loop {
        let (mut child, log) = spawn(ctx, pass, restart.then_some(&faults[..]))?;
        let watched = watch(ctx, &mut child, name, bar)?;
        let status = child.wait().context("waiting for the benchmark")?;
        match (watched.ending, watched.current) {
            (Ending::Interrupted, _) => return Err(Interrupted.into()),
            (Ending::Exited, _) if ctx.interrupted.load(Ordering::SeqCst) => {
                return Err(Interrupted.into());
            }
            // A clean exit is success even with a `cell` line open: the bench prints the marker
            // before criterion's filter decides whether the cell runs at all.
            (Ending::Exited, _) if status.success() => return Ok(faults),
            (Ending::TimedOut, Some(key)) => {
                say(
                    bar,
                    format!(
                        "[{name}] timeout: {key} made no progress in {:?}; killed",
                        ctx.cell_timeout
                    ),
                );
                faults.push(Fault {
                    key,
                    status: Status::Timeout,
                    message: format!(
                        "no progress within {} s; the process was killed",
                        ctx.cell_timeout.as_secs()
                    ),
                });
            }
            (_, Some(key)) => {
                let message = if watched.panic_message.is_empty() {
                    format!("the process died: {status}")
                } else {
                    watched.panic_message.join("\n")
                };
                say(bar, format!("[{name}] failed: {key}: {message}"));
                faults.push(Fault {
                    key,
                    status: Status::Failed,
                    message,
                });
            }
            (_, None) => bail!(
                "the {name} benchmark process failed outside any cell ({status}): {}; criterion's output is in {}",
                watched.panic_message.join("; "),
                log.display()
            ),
        }
        bar.inc(1);
        restart = true;
    }
}

/// Starts the pass's bench process; a restart (`skip_faults`) skips the cells already recorded
/// and the faulty ones. Returns the child and its log (criterion's stdout).
fn spawn(ctx: &Launch, pass: &Pass, skip_faults: Option<&[Fault]>) -> Result<(Child, PathBuf)> {
    let out = pass.out.as_path();
    let mut cmd = bench_command(ctx, &pass.cores, out)?;
    cmd.env("CHANBENCH_SEED", pass.seed.to_string());
    // Costs (CPU time, switches, allocations, latency percentiles) are measured in the first
    // round only: they take a fixed-size run per cell, and the replicated figure is the time.
    cmd.env(
        "CHANBENCH_COST_RUN",
        if pass.round == 1 { "run" } else { "skip" },
    );
    if let Some(faults) = skip_faults {
        let skip: Vec<String> = finished_cells(&out.join("costs.jsonl"))?
            .into_iter()
            .chain(faults.iter().map(|f| f.key.id()))
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
    let child = cmd
        .stdout(log_file)
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the benchmark")?;
    Ok((child, log))
}

/// Reads the bench's stderr line by line (`chanbench_schema::protocol`) until it exits, is
/// interrupted, or a cell makes no progress within the timeout (then it is killed).
fn watch(ctx: &Launch, child: &mut Child, name: &str, bar: &ProgressBar) -> Result<Watched> {
    let stderr = child.stderr.take().context("the benchmark's stderr")?;
    let (tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut current: Option<CellKey> = None;
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
        let line = match lines.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break Ending::Exited,
        };
        match Line::parse(&line) {
            Line::Start(key) => {
                current = Some(*key);
                deadline = Instant::now() + ctx.cell_timeout;
            }
            Line::Finished { id, summary } => {
                current = None;
                bar.inc(1);
                let (done, total) = (bar.position(), bar.length().unwrap_or(0));
                say(bar, format!("[{name} {done}/{total}] {id}: {summary}"));
            }
            Line::Note(note) => say(bar, format!("[{name}] {note}")),
            // The progress bar counts the cells; the plan is for `bench --list`.
            Line::Plan(_) => {}
            Line::Error(error) => {
                say(bar, format!("[{name}] error: {error}"));
                panic_message.push(error);
            }
            Line::Other(line) if line.contains("panicked at") => {
                in_panic = true;
                say(bar, format!("[{name}] {line}"));
            }
            // The message is above; the backtrace stays in the log.
            Line::Other(line) if line.starts_with("stack backtrace:") => in_panic = false,
            Line::Other(line)
                if in_panic && !line.starts_with("note:") && !line.trim().is_empty() =>
            {
                say(bar, format!("[{name}] {line}"));
                panic_message.push(line);
            }
            Line::Other(_) => {}
        }
    };
    Ok(Watched {
        ending,
        current,
        panic_message,
    })
}

/// Checks that `taskset` runs.
pub fn check_taskset() -> Result<()> {
    match Command::new("taskset").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => bail!(
            "`taskset` was not found or does not run; it pins each placement to its cores \
             (Debian: apt-get install util-linux)"
        ),
    }
}

/// Whether a bench build compiles the implementations on request (the `benches` crate's
/// `catalog` feature, on by default): a run that measures none of them leaves them out, and so
/// their compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalog {
    /// Every registered implementation (the crate's default features).
    With,
    /// The default set only (`--no-default-features`).
    Without,
}

impl Catalog {
    /// The build a run needs: with the implementations on request when it measures any of them:
    /// named among `impls` or `all`, the `full` profile, or a described `job` that names none
    /// (`choose` then weighs every registered library).
    pub fn for_run(impls: &[String], full: bool, job: bool) -> Self {
        let named = impls
            .iter()
            .any(|name| name == chanbench_registry::ALL || chanbench_registry::on_request(name));
        if named || full || (job && impls.is_empty()) {
            Catalog::With
        } else {
            Catalog::Without
        }
    }
}

/// Builds the benchmark target `bench` (`matrix`, `validate`) once and returns its executable with
/// the profile cargo built it with.
pub fn build(root: &Path, bench: &str, catalog: Catalog) -> Result<(PathBuf, serde_json::Value)> {
    let mut cmd = Command::new(crate::cargo::cargo());
    cmd.args(["bench", "-p", "benches", "--bench", bench, "--no-run"]);
    match catalog {
        Catalog::With => {
            eprintln!("building the benchmark `{bench}` (cargo bench --no-run) ...");
        }
        Catalog::Without => {
            cmd.arg("--no-default-features");
            eprintln!(
                "building the benchmark `{bench}` (cargo bench --no-run --no-default-features: \
                 without the implementations on request, which this run does not measure) ..."
            );
        }
    }
    crate::cargo::executable(&mut cmd, root, bench)
        .with_context(|| format!("building the `{bench}` benchmark"))
}

pub fn bench_command(ctx: &Launch, cores: &[usize], out: &Path) -> Result<Command> {
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

/// What a placement's bench process would run, as its `--list` says.
pub struct Listed {
    /// Cells criterion lists.
    pub cells: u64,
    /// Their keys, as the process announced them.
    pub keys: Vec<CellKey>,
    /// The time the profile gives them.
    pub plan: Option<Plan>,
}

pub fn list_cells(ctx: &Launch, cores: &[usize], out: &Path) -> Result<Listed> {
    let output = bench_command(ctx, cores, out)?
        .arg("--list")
        .env("CHANBENCH_COSTS", out.join("list.jsonl"))
        .output()
        .context("running the benchmark with --list")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("the benchmark refused to start: {}", stderr.trim());
    }
    let cells = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.ends_with(": benchmark"))
        .count() as u64;
    let mut listed = Listed {
        cells,
        keys: Vec::new(),
        plan: None,
    };
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        match Line::parse(line) {
            Line::Start(key) => listed.keys.push(*key),
            Line::Plan(plan) => listed.plan = Some(plan),
            _ => {}
        }
    }
    Ok(listed)
}
