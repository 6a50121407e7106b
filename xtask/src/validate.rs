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
use chanbench_schema::{CalibrationRecord, Record, Unit};
use serde::{Deserialize, Serialize};

use crate::{
    bench,
    environment::{self, Build, Host, now},
    outcome::Outcome,
    placement::{self, Placement, core_list},
    results::write_atomic,
    standalone, stats,
};

/// `cargo xtask validate` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Implementations to check, by id (default: all registered ones).
    #[arg(long = "impl", value_name = "NAME", num_args = 1..,
          long_help = crate::cli::implementations("Implementations to check, by id (default: all registered ones)."))]
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

/// The distance from 1 a sync cell's ratio may have by default.
pub const SYNC_TOLERANCE: f64 = 0.10;
/// The same for an async cell: a runtime's scheduling adds spread of its own.
pub const ASYNC_TOLERANCE: f64 = 0.15;

/// One cell's calibration: the `validate` benchmark's record (ns per message; ping-pong per
/// round trip), pooled over processes, with xtask's judgement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calibration {
    /// The record; once pooled, `rounds` and the runs are every process's.
    #[serde(flatten)]
    pub record: CalibrationRecord,
    /// The verdict: matrix against the standalone program (for records without standalone runs,
    /// against the in-process plain loop), added by xtask.
    #[serde(default)]
    pub judgement: Option<Judgement>,
    /// Matrix against the in-process plain loop, beside the verdict (when the standalone program
    /// ran): which part of a gap is the routine's and which the process's.
    #[serde(default)]
    pub in_process: Option<Judgement>,
    /// The median standalone run, ns per message (round trip).
    #[serde(default)]
    pub standalone_ns_per_msg: Option<f64>,
}

impl std::ops::Deref for Calibration {
    type Target = CalibrationRecord;

    fn deref(&self) -> &CalibrationRecord {
        &self.record
    }
}

impl Calibration {
    /// Recomputes the medians and quartiles from the pooled runs of every process.
    fn pool(&mut self) {
        let r = &mut self.record;
        let ratios: Vec<f64> = r
            .matrix_runs_ns
            .iter()
            .zip(&r.plain_runs_ns)
            .map(|(m, p)| m / p)
            .collect();
        if ratios.is_empty() {
            return;
        }
        r.matrix_ns_per_msg = stats::median(&r.matrix_runs_ns);
        r.plain_ns_per_msg = stats::median(&r.plain_runs_ns);
        r.ratio_median = stats::median(&ratios);
        r.ratio_p25 = stats::percentile(&ratios, 25);
        r.ratio_p75 = stats::percentile(&ratios, 75);
        self.standalone_ns_per_msg =
            (!r.standalone_runs_ns.is_empty()).then(|| stats::median(&r.standalone_runs_ns));
    }

    /// The tolerance for this cell: `--tolerance`, or the sync or async default.
    fn tolerance(&self, chosen: Option<f64>) -> f64 {
        chosen.unwrap_or(if self.key.workload().is_async() {
            ASYNC_TOLERANCE
        } else {
            SYNC_TOLERANCE
        })
    }

    /// Judges the cell: against the standalone program when it ran (and against the plain loop
    /// beside it), else against the plain loop.
    fn judge(&mut self, tolerance: f64) {
        let r = &self.record;
        let in_process = judge(&r.matrix_runs_ns, &r.plain_runs_ns, tolerance);
        if r.standalone_runs_ns.is_empty() {
            self.judgement = Some(in_process);
            self.in_process = None;
        } else {
            self.judgement = Some(judge(&r.matrix_runs_ns, &r.standalone_runs_ns, tolerance));
            self.in_process = Some(in_process);
        }
    }
}

/// How a cell's calibration was judged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Judgement {
    /// matrix / plain: the median per-round ratio, or for a bimodal cell the ratio of the two
    /// sides' medians within the regime most runs fell into.
    pub ratio: f64,
    /// For a cell whose runs fall into two regimes: the regimes and how often each side hit them.
    pub bimodal: Option<Bimodal>,
    /// The 95% confidence interval of the ratio (geometric mean of the per-round ratios, from
    /// their spread); for a bimodal cell, of the ratio within the regime.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// The verdict.
    pub verdict: Verdict,
}

/// What a calibration shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The ratio is within the tolerance (and, when bimodal, the slow share is not significantly
    /// different).
    Ok,
    /// The harness measures this cell differently from the plain loop: the ratio is outside the
    /// tolerance and its interval excludes 1, or the slow share differs significantly.
    Biased,
    /// The ratio is outside the tolerance but its interval includes 1: the cell's runs vary too
    /// much on this machine to tell a bias from noise (more `--rounds` or `--processes` narrow it).
    Inconclusive,
}

/// Where a cell's gap to the standalone program lies, read from the in-process plain loop beside
/// it: the loop shares the bench process with the matrix's routine but not the routine itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The in-process loop agrees with the matrix: the gap comes with the bench process (its
    /// build, threads, heap, the code its loops were compiled into), not the routine.
    Process,
    /// The in-process loop disagrees with the matrix too: the routine measures differently.
    Routine,
    /// The in-process comparison is itself too noisy to tell.
    Unclear,
}

impl Gap {
    /// The gap of a cell judged `verdict` against the standalone program and `in_process` against
    /// the plain loop in the bench process; `None` when the verdict is `ok`.
    pub fn of(verdict: &Judgement, in_process: &Judgement) -> Option<Gap> {
        if verdict.verdict == Verdict::Ok {
            return None;
        }
        Some(match in_process.verdict {
            Verdict::Ok => Gap::Process,
            Verdict::Biased => Gap::Routine,
            Verdict::Inconclusive => Gap::Unclear,
        })
    }

    /// How the table says it.
    fn says(self) -> &'static str {
        match self {
            Gap::Process => "the process's: the in-process loop agrees with the matrix",
            Gap::Routine => "the routine's: the in-process loop disagrees too",
            Gap::Unclear => "unclear: the in-process comparison is too noisy",
        }
    }
}

/// Runs that fall into a fast and a slow regime: a blocking channel's cross-core ping-pong is
/// metastable (while both sides spin, a round trip is sub-microsecond; once one has parked, every
/// round trip pays a kernel wake-up), and which regime a run lands in is the machine's roll, not
/// a steady speed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bimodal {
    /// Runs above this (the middle of the widest gap between runs) are slow, ns.
    pub threshold_ns: f64,
    /// Slow matrix runs.
    pub matrix_slow: usize,
    /// Slow runs of the reference (the standalone program, or the plain loop).
    #[serde(alias = "plain_slow")]
    pub reference_slow: usize,
    /// Runs per side.
    pub runs: usize,
    /// Fisher's exact test: is the harness more (or less) often slow than the reference?
    pub p: f64,
}

/// Runs fall into two regimes when, sorted, two neighbours differ by this factor or more: a gap,
/// not just a wide spread.
const BIMODAL_GAP: f64 = 2.0;
/// A difference in the slow share is the harness's doing below this p.
const BIMODAL_ALPHA: f64 = 0.01;

/// Judges the matrix's runs against a reference's (one per round, in round order) with
/// `tolerance`.
pub fn judge(matrix: &[f64], reference: &[f64], tolerance: f64) -> Judgement {
    let within = |r: f64| (r - 1.0).abs() <= tolerance;
    let verdict = |ratio: f64, lower: f64, upper: f64, regimes_agree: bool| {
        if !regimes_agree || (!within(ratio) && !(lower..=upper).contains(&1.0)) {
            Verdict::Biased
        } else if within(ratio) {
            Verdict::Ok
        } else {
            Verdict::Inconclusive
        }
    };
    let paired = |m: &[f64], p: &[f64]| -> (f64, f64) {
        let ratios: Vec<f64> = m.iter().zip(p).map(|(a, b)| a / b).collect();
        stats::paired_log(&ratios).map_or((f64::NAN, f64::NAN), |d| (d.lower, d.upper))
    };
    let mut all: Vec<f64> = matrix.iter().chain(reference).copied().collect();
    all.sort_by(f64::total_cmp);
    // The widest gap between neighbours; its geometric midpoint splits the regimes.
    let gap = all
        .windows(2)
        .map(|w| (w[1] / w[0], (w[0] * w[1]).sqrt()))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((_, threshold)) = gap.filter(|(factor, _)| *factor >= BIMODAL_GAP) else {
        let (lower, upper) = paired(matrix, reference);
        let ratios: Vec<f64> = matrix.iter().zip(reference).map(|(m, p)| m / p).collect();
        let ratio = stats::median(&ratios);
        return Judgement {
            ratio,
            bimodal: None,
            lower,
            upper,
            verdict: verdict(ratio, lower, upper, true),
        };
    };
    let slow = |runs: &[f64]| runs.iter().filter(|&&r| r > threshold).count();
    let (matrix_slow, reference_slow) = (slow(matrix), slow(reference));
    let runs = matrix.len().min(reference.len());
    let p = stats::fisher_exact(
        matrix_slow as u64,
        matrix.len() as u64,
        reference_slow as u64,
        reference.len() as u64,
    );
    // Compare within the regime most runs fell into, so both sides have runs there.
    let slow_regime = matrix_slow + reference_slow > runs;
    let regime = |runs: &[f64]| -> Vec<f64> {
        runs.iter()
            .copied()
            .filter(|&r| (r > threshold) == slow_regime)
            .collect()
    };
    let (m, pl) = (regime(matrix), regime(reference));
    let (ratio, lower, upper) = match (m.is_empty(), pl.is_empty()) {
        (false, false) => {
            let ratio = stats::median(&m) / stats::median(&pl);
            // Unpaired within the regime: Welch's interval on the logs.
            stats::welch_log(&pl, &m)
                .map_or((ratio, f64::NAN, f64::NAN), |d| (ratio, d.lower, d.upper))
        }
        _ => (f64::NAN, f64::NAN, f64::NAN),
    };
    Judgement {
        ratio,
        bimodal: Some(Bimodal {
            threshold_ns: threshold,
            matrix_slow,
            reference_slow,
            runs,
            p,
        }),
        lower,
        upper,
        verdict: verdict(ratio, lower, upper, p >= BIMODAL_ALPHA),
    }
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
    /// Per placement.
    pub placements: Vec<PlacementCalibration>,
}

/// Runs `cargo xtask validate`; returns whether every ratio is within the tolerance.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    if let Some(t) = args.tolerance
        && !(t > 0.0 && t < 1.0)
    {
        bail!("--tolerance must be a fraction between 0 and 1, found {t}");
    }
    bench::check_taskset()?;
    let mut known: Vec<&str> = chanbench_registry::implementations()
        .iter()
        .map(|i| i.id)
        .collect();
    for info in chanbench_registry::async_implementations() {
        if !known.contains(&info.id) {
            known.push(info.id);
        }
    }
    for id in &args.impls {
        if !known.contains(&id.as_str()) {
            bail!(
                "unknown implementation {id:?}; expected one of {}",
                known.join(", ")
            );
        }
    }
    let allowed = placement::allowed_cores()?;
    let (placements, notes) = placement::choose(&args.placements, &allowed)?;
    for note in notes {
        eprintln!("note: {note}");
    }
    let started = now();
    let (exe, profile) = bench::build(root, "validate")?;
    let (program, _) = standalone::build(root)?;
    let mut validation = Validation {
        started: started.clone(),
        host: environment::host(),
        build: environment::build(root, profile)?,
        git_revision: environment::git_revision(root),
        tolerance: args.tolerance.unwrap_or(SYNC_TOLERANCE),
        async_tolerance: Some(args.tolerance.unwrap_or(ASYNC_TOLERANCE)),
        standalone: true,
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
mod tests {
    use super::*;

    fn calibration(matrix: Vec<f64>, plain: Vec<f64>) -> Calibration {
        with_standalone(matrix, plain, Vec::new())
    }

    fn with_standalone(matrix: Vec<f64>, plain: Vec<f64>, standalone: Vec<f64>) -> Calibration {
        use chanbench_schema::{Capacity, CellKey, Params, Payload, SCHEMA, Workload};
        let params = Params::new(Capacity::Bounded(1), Payload::sized("u64", 8), 2);
        let mut c = Calibration {
            record: CalibrationRecord {
                schema: SCHEMA,
                key: CellKey::new(Workload::PingPong, "x", params),
                messages_per_run: 1000,
                rounds: matrix.len(),
                matrix_ns_per_msg: 0.0,
                plain_ns_per_msg: 0.0,
                ratio_median: 0.0,
                ratio_p25: 0.0,
                ratio_p75: 0.0,
                matrix_runs_ns: matrix,
                plain_runs_ns: plain,
                standalone_runs_ns: standalone,
            },
            judgement: None,
            in_process: None,
            standalone_ns_per_msg: None,
        };
        c.pool();
        c
    }

    /// The verdict `validate` stores for `c`.
    fn judged(c: &Calibration, tolerance: f64) -> Judgement {
        let mut c = c.clone();
        c.judge(tolerance);
        c.judgement.unwrap()
    }

    /// `n` values around `centre`, spread by `spread` (a fraction), deterministic.
    fn runs(n: usize, centre: f64, spread: f64) -> Vec<f64> {
        (0..n)
            .map(|i| centre * (1.0 + spread * ((i * 7 % 11) as f64 / 10.0 - 0.5)))
            .collect()
    }

    #[test]
    fn an_unbiased_cell_passes_and_a_biased_one_fails() {
        let ok = calibration(runs(21, 100.0, 0.1), runs(21, 99.0, 0.1));
        assert_eq!(
            judged(&ok, 0.15).verdict,
            Verdict::Ok,
            "{:?}",
            judged(&ok, 0.15)
        );
        let biased = calibration(runs(21, 130.0, 0.1), runs(21, 100.0, 0.1));
        let j = judged(&biased, 0.15);
        assert_eq!(j.verdict, Verdict::Biased, "{j:?}");
        assert!(j.lower > 1.15, "{j:?}");
    }

    #[test]
    fn a_cell_too_noisy_to_tell_is_inconclusive_not_passed() {
        // Per-round ratios scattered from 0.55x to 2.35x (no gap: one regime) around a median
        // of 1.3.
        let matrix = vec![55.0, 75.0, 95.0, 115.0, 130.0, 150.0, 175.0, 200.0, 235.0];
        let plain = vec![100.0; 9];
        let j = judged(&calibration(matrix, plain), 0.15);
        assert_eq!(j.verdict, Verdict::Inconclusive, "{j:?}");
        assert!(j.lower < 1.0 && j.upper > 1.0, "{j:?}");
    }

    #[test]
    fn bimodal_cells_compare_regimes_and_how_often_each_side_lands_in_them() {
        // Both sides slow (parked) in about a third of the runs, fast alike otherwise.
        let alike = |offset: usize| -> Vec<f64> {
            (0..30)
                .map(|i| {
                    if (i + offset) % 3 == 0 {
                        50_000.0
                    } else {
                        700.0 + (i % 5) as f64
                    }
                })
                .collect()
        };
        let j = judged(&calibration(alike(0), alike(1)), 0.15);
        let b = j.bimodal.clone().expect("two regimes");
        assert_eq!((b.matrix_slow, b.reference_slow), (10, 10));
        assert_eq!(j.verdict, Verdict::Ok, "{j:?}");
        // The harness parks in every run where the plain loop never does: a bias, whatever the
        // speed within a regime.
        let j = judged(&calibration(vec![50_000.0; 30], vec![700.0; 30]), 0.15);
        assert_eq!(j.verdict, Verdict::Biased, "{j:?}");
    }

    #[test]
    fn the_verdict_is_against_the_standalone_program_with_the_in_process_loop_beside_it() {
        // The routine agrees with the in-process loop, but the process as a whole is 30% slower
        // than a fresh one: the bias the in-process twin cannot see.
        let mut c = with_standalone(
            runs(21, 130.0, 0.1),
            runs(21, 129.0, 0.1),
            runs(21, 100.0, 0.1),
        );
        c.judge(0.10);
        let (verdict, beside) = (c.judgement.clone().unwrap(), c.in_process.clone().unwrap());
        assert_eq!(verdict.verdict, Verdict::Biased, "{verdict:?}");
        assert!((verdict.ratio - 1.3).abs() < 0.05, "{verdict:?}");
        assert_eq!(beside.verdict, Verdict::Ok, "{beside:?}");
        assert!(
            c.standalone_ns_per_msg.unwrap() > 95.0 && c.standalone_ns_per_msg.unwrap() < 105.0
        );
        // Without standalone runs (a record from before it existed) the plain loop is the
        // reference, as it was.
        let mut old = calibration(runs(21, 130.0, 0.1), runs(21, 129.0, 0.1));
        old.judge(0.10);
        assert_eq!(old.judgement.unwrap().verdict, Verdict::Ok);
        assert!(old.in_process.is_none());
    }

    #[test]
    fn sync_cells_are_held_to_ten_percent_and_async_cells_to_fifteen() {
        use chanbench_schema::{Capacity, CellKey, Params, Payload, Workload};
        let sync = calibration(runs(5, 100.0, 0.0), runs(5, 100.0, 0.0));
        assert_eq!(sync.tolerance(None), 0.10);
        assert_eq!(sync.tolerance(Some(0.2)), 0.2);
        let mut params = Params::new(Capacity::Unbounded, Payload::sized("u64", 8), 2);
        params.runtime = Some("current-thread".to_owned());
        let mut asynchronous = sync.clone();
        asynchronous.record.key = CellKey::new(Workload::AsyncSpsc, "x", params);
        assert_eq!(asynchronous.tolerance(None), 0.15);
        // 12% off: biased for a sync cell, within an async cell's tolerance.
        let (m, s) = (runs(21, 112.0, 0.02), runs(21, 100.0, 0.02));
        assert_eq!(judge(&m, &s, sync.tolerance(None)).verdict, Verdict::Biased);
        assert_eq!(
            judge(&m, &s, asynchronous.tolerance(None)).verdict,
            Verdict::Ok
        );
    }

    #[test]
    fn a_gap_lies_with_the_process_when_the_in_process_loop_agrees_with_the_matrix() {
        let (matrix, fresh) = (runs(21, 130.0, 0.05), runs(21, 100.0, 0.05));
        let verdict = judge(&matrix, &fresh, 0.10);
        assert_eq!(verdict.verdict, Verdict::Biased);
        // The loop in the bench process reads like the matrix: the process's gap.
        let beside = judge(&matrix, &runs(21, 129.0, 0.05), 0.10);
        assert_eq!(Gap::of(&verdict, &beside), Some(Gap::Process));
        // It reads like the standalone program: the routine's.
        let beside = judge(&matrix, &runs(21, 101.0, 0.05), 0.10);
        assert_eq!(Gap::of(&verdict, &beside), Some(Gap::Routine));
        // No gap to explain.
        let ok = judge(&matrix, &runs(21, 128.0, 0.05), 0.10);
        assert_eq!(Gap::of(&ok, &beside), None);
    }
}
