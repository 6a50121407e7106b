//! `cargo xtask validate`: the instrument's own bias on this machine.
//!
//! Builds the `validate` benchmark and the standalone calibration program ([`standalone`]), and
//! runs the benchmark per placement under `taskset`, in interleaved processes. For the `spsc` and
//! `ping-pong` cells of `u64`s (capacity 1024, 1 and unbounded) of every implementation, and the
//! async `spsc` and `ping-pong` cells on both runtimes, each round times three things: the
//! matrix's own routine (the pinned team, the start gate, the interval criterion sees), a plain
//! two-thread (two-task) loop in the same process, and the standalone program, a fresh process
//! that shares nothing with the harness. The verdict is on matrix / standalone: a ratio away from
//! 1 is the harness's bias, not the channel's speed. matrix / plain stands beside it, so a gap
//! shows whether it is the routine's (both ratios away from 1) or the process's (matrix and plain
//! agree with each other, not with the standalone). A cell outside the tolerance (sync 0.10,
//! async 0.15, or `--tolerance`) whose interval excludes 1 is `biased` and fails the command
//! (exit status 3), so the check can fail; one whose interval includes 1 is `inconclusive`.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::{Record, Unit};
use serde::{Deserialize, Serialize};

mod judge;

pub use judge::Verdict;
use judge::{ASYNC_TOLERANCE, Calibration, Gap, SYNC_TOLERANCE, judge};

use crate::{
    bench,
    environment::{self, Build, Host, now},
    outcome::Outcome,
    placement::{self, Placement, core_list},
    results::write_atomic,
    standalone,
};

/// `cargo xtask validate` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Implementations to check, by id, or `all` (default: the default run's set).
    #[arg(long = "impl", value_name = "NAME", num_args = 1..,
          long_help = crate::cli::implementations("Implementations to check, by id, or `all` for every one, those on request too (default: the default run's set)."))]
    impls: Vec<String>,
    /// Placements to check (default: those this machine's cores allow).
    #[arg(long = "placement", value_enum, num_args = 1..)]
    placements: Vec<Placement>,
    /// Interleaved rounds per cell and process, each one matrix run and one plain run of about
    /// 10 ms.
    #[arg(long, value_name = "N", default_value_t = 21, value_parser = clap::value_parser!(u32).range(3..=10_000))]
    rounds: u32,
    /// Processes per placement, taking turns with the other placements: a process's layout can
    /// favour one side for all its rounds, so the runs of several are pooled.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    processes: u32,
    /// The largest accepted distance of the median ratio from 1 for every cell (default: 0.10
    /// for sync cells, 0.90 to 1.10, and 0.15 for async cells, 0.85 to 1.15).
    #[arg(long, value_name = "FRACTION")]
    tolerance: Option<f64>,
    /// Where runs are stored; the record goes to `<DIR>/validate/<time>.json`.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
}

/// One placement's calibrations.
#[derive(Debug, Serialize, Deserialize)]
pub struct PlacementCalibration {
    /// The placement.
    pub placement: String,
    /// Its cores.
    pub cores: Vec<usize>,
    /// Every cell.
    pub cells: Vec<Calibration>,
}

/// What `validate` stores.
#[derive(Debug, Serialize, Deserialize)]
pub struct Validation {
    /// When it ran.
    pub started: String,
    /// The host.
    pub host: Host,
    /// The build.
    pub build: Build,
    /// `git rev-parse HEAD`.
    pub git_revision: Option<String>,
    /// The accepted distance from 1 (sync cells; every cell's, in records before async cells had
    /// their own).
    pub tolerance: f64,
    /// The accepted distance from 1 for async cells.
    #[serde(default)]
    pub async_tolerance: Option<f64>,
    /// Whether each round ran the standalone program (a fresh process) beside the matrix.
    #[serde(default)]
    pub standalone: bool,
    /// The implementations asked for (`--impl`, or `all`); empty, and in records before it was
    /// stored: the default run's set. `check --validation` holds the record to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impls: Vec<String>,
    /// Per placement.
    pub placements: Vec<PlacementCalibration>,
}

/// Refuses an `--impl` name that is neither a registered implementation's id nor `all`.
fn check_names(impls: &[String]) -> Result<()> {
    let mut known: Vec<&str> = chanbench_registry::implementations()
        .iter()
        .map(|i| i.id)
        .collect();
    for info in chanbench_registry::async_implementations() {
        if !known.contains(&info.id) {
            known.push(info.id);
        }
    }
    known.push(chanbench_registry::ALL);
    for id in impls {
        if !known.contains(&id.as_str()) {
            bail!(
                "unknown implementation {id:?}; expected one of {}",
                known.join(", ")
            );
        }
    }
    Ok(())
}

/// Runs `cargo xtask validate`; returns whether every ratio is within the tolerance.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    if let Some(t) = args.tolerance
        && !(t > 0.0 && t < 1.0)
    {
        bail!("--tolerance must be a fraction between 0 and 1, found {t}");
    }
    bench::check_taskset()?;
    check_names(&args.impls)?;
    let allowed = placement::allowed_cores()?;
    let topology = crate::topology::Topology::system();
    let (placements, notes) = placement::choose(&args.placements, &allowed, topology.as_ref())?;
    for note in notes {
        eprintln!("note: {note}");
    }
    let started = now();
    let (exe, profile) = bench::build(
        root,
        "validate",
        bench::Catalog::for_run(&args.impls, false, false),
    )?;
    let (program, _) = standalone::build(root)?;
    let mut validation = Validation {
        started: started.clone(),
        host: environment::host(),
        build: environment::build(root, profile)?,
        git_revision: environment::git_revision(root),
        tolerance: args.tolerance.unwrap_or(SYNC_TOLERANCE),
        async_tolerance: Some(args.tolerance.unwrap_or(ASYNC_TOLERANCE)),
        standalone: true,
        impls: args.impls.clone(),
        placements: Vec::new(),
    };
    let mut pooled: Vec<Vec<Calibration>> = vec![Vec::new(); placements.len()];
    for process in 1..=args.processes {
        for ((placement, cores), pool) in placements.iter().zip(&mut pooled) {
            eprintln!(
                "{} on cores {}, process {process} of {}:",
                placement.name(),
                core_list(cores),
                args.processes
            );
            let out = Command::new("taskset")
                .arg("-c")
                .arg(core_list(cores))
                .arg(&exe)
                .arg("--bench")
                .env("CHANBENCH_VALIDATE_ROUNDS", args.rounds.to_string())
                .env("CHANBENCH_IMPL", args.impls.join(","))
                .env("CHANBENCH_STANDALONE", &program)
                .stderr(Stdio::inherit())
                .output()
                .context("running the validate benchmark")?;
            if !out.status.success() {
                bail!(
                    "the validate benchmark failed on {} ({})",
                    placement.name(),
                    out.status
                );
            }
            for (n, line) in String::from_utf8_lossy(&out.stdout).lines().enumerate() {
                let what = format!("the validate benchmark's line {}", n + 1);
                let Record::Calibration(c) = Record::parse(line, &what)? else {
                    bail!("{what}: not a calibration record");
                };
                match pool.iter_mut().find(|p| p.key.same_cell(&c.key)) {
                    Some(p) => {
                        p.record.matrix_runs_ns.extend(c.matrix_runs_ns);
                        p.record.plain_runs_ns.extend(c.plain_runs_ns);
                        p.record.standalone_runs_ns.extend(c.standalone_runs_ns);
                        p.record.rounds += c.rounds;
                    }
                    None => pool.push(Calibration {
                        record: c,
                        judgement: None,
                        in_process: None,
                        standalone_ns_per_msg: None,
                    }),
                }
            }
        }
    }
    for ((placement, cores), mut cells) in placements.iter().zip(pooled) {
        for c in &mut cells {
            c.pool();
            let tolerance = c.tolerance(args.tolerance);
            c.judge(tolerance);
        }
        validation.placements.push(PlacementCalibration {
            placement: placement.name().to_owned(),
            cores: cores.clone(),
            cells,
        });
    }
    let path = root
        .join(&args.results)
        .join("validate")
        .join(format!("{}.json", started.replace(':', "")));
    write_atomic(&path, &validation)?;
    let Tally {
        biased: outside,
        inconclusive,
        process,
        routine,
    } = print(&validation);
    eprintln!("stored in {}", path.display());
    let range = match args.tolerance {
        Some(t) => format!("{:.2}..{:.2}", 1.0 - t, 1.0 + t),
        None => format!(
            "{:.2}..{:.2} (async {:.2}..{:.2})",
            1.0 - SYNC_TOLERANCE,
            1.0 + SYNC_TOLERANCE,
            1.0 - ASYNC_TOLERANCE,
            1.0 + ASYNC_TOLERANCE
        ),
    };
    if inconclusive > 0 {
        eprintln!(
            "{inconclusive} cell(s) outside {range} with an interval that includes 1: their runs \
             vary too much here to tell a bias from noise"
        );
    }
    if outside > 0 {
        eprintln!(
            "{outside} cell(s) biased: outside {range} beyond their noise; the harness measures \
             them differently from the standalone program on this machine ({process} of them the \
             bench process's, the in-process loop agreeing with the matrix; {routine} the \
             routine's)"
        );
    } else {
        eprintln!("no bias beyond {range} found");
    }
    Ok(if outside == 0 {
        Outcome::Done
    } else {
        Outcome::Biased
    })
}

/// What the table counted.
#[derive(Debug, Default)]
struct Tally {
    biased: usize,
    inconclusive: usize,
    /// Biased cells whose gap is the process's, and the routine's.
    process: usize,
    routine: usize,
}

/// Prints the table; returns how many cells are biased and inconclusive, and where the biased
/// cells' gaps lie.
fn print(v: &Validation) -> Tally {
    let mut tally = Tally::default();
    println!(
        "{:<11} {:<15} {:<17} {:<32} {:>16} {:>16} {:>7} {:>16} {:>7}  verdict (matrix / standalone)",
        "placement",
        "workload",
        "impl",
        "params",
        "matrix",
        "standalone",
        "m / s",
        "in-process plain",
        "m / p"
    );
    for p in &v.placements {
        for c in &p.cells {
            let j = match &c.judgement {
                Some(j) => j.clone(),
                None => judge(&c.matrix_runs_ns, &c.plain_runs_ns, v.tolerance),
            };
            tally.biased += usize::from(j.verdict == Verdict::Biased);
            tally.inconclusive += usize::from(j.verdict == Verdict::Inconclusive);
            let gap = c.in_process.as_ref().and_then(|plain| Gap::of(&j, plain));
            if j.verdict == Verdict::Biased {
                tally.process += usize::from(gap == Some(Gap::Process));
                tally.routine += usize::from(gap == Some(Gap::Routine));
            }
            let unit = match c.key.workload().facts().unit {
                Unit::RoundTrip => "ns/rt",
                _ => "ns/msg",
            };
            let reference = if c.in_process.is_some() {
                "the standalone program"
            } else {
                "the plain loop"
            };
            let mut note = match &j.bimodal {
                None => String::new(),
                Some(b) => format!(
                    "bimodal: {} of {} matrix runs and {} of {reference}'s slower than {} \
                     (Fisher p = {:.2}); ratio within the {} regime",
                    b.matrix_slow,
                    b.runs,
                    b.reference_slow,
                    crate::units::time(b.threshold_ns),
                    b.p,
                    if b.matrix_slow + b.reference_slow > b.runs {
                        "slow"
                    } else {
                        "fast"
                    }
                ),
            };
            if let Some(gap) = gap {
                note = format!(
                    "gap {}{}{note}",
                    gap.says(),
                    if note.is_empty() { "" } else { "; " }
                );
            }
            let time = |ns: Option<f64>| match ns {
                Some(ns) => format!("{ns:>9.1} {unit:<6}"),
                None => format!("{:>16}", "-"),
            };
            let (standalone, m_s, m_p) = match &c.in_process {
                Some(plain) => (
                    time(c.standalone_ns_per_msg),
                    format!("{:>7.3}", j.ratio),
                    format!("{:>7.3}", plain.ratio),
                ),
                None => (
                    time(None),
                    format!("{:>7}", "-"),
                    format!("{:>7.3}", j.ratio),
                ),
            };
            println!(
                "{:<11} {:<15} {:<17} {:<32} {} {standalone} {m_s} {} {m_p}  {}  {note}",
                p.placement,
                c.key.workload().name(),
                c.key.implementation(),
                c.key.label(),
                time(Some(c.matrix_ns_per_msg)),
                time(Some(c.plain_ns_per_msg)),
                match j.verdict {
                    Verdict::Ok => "ok".to_owned(),
                    Verdict::Biased => "BIASED".to_owned(),
                    Verdict::Inconclusive =>
                        format!("inconclusive (95% interval {:.2}..{:.2})", j.lower, j.upper),
                },
            );
        }
    }
    tally
}

#[cfg(test)]
mod tests;
