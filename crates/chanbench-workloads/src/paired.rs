//! The paired runner behind `cargo xtask ab`: several builds of an implementation ("arms": A, a
//! second compiled copy of A, and B) measured on the same cells, interleaved in short rounds
//! inside one process, so that drift of the machine and the process's own state (heap and code
//! layout, cache and frequency) fall on every arm alike. A comparison of separate runs cannot do
//! that: two processes of identical code differ by ~6% per cell on one core and ~18% across
//! cores on the development VM.
//!
//! xtask generates the binary (a `main` that registers each arm's cells and calls [`main`]),
//! runs it once per placement and process, and judges the records it prints: one
//! [`PairedRecord`] per configuration on stdout, protocol lines on stderr.
//!
//! Settings, from the environment: `CHANBENCH_AB_ROUNDS` (rounds per cell, default 12),
//! `CHANBENCH_AB_RUN_US` (the wall time one arm's run aims at, default 3000),
//! `CHANBENCH_AB_KNOB` (the work knob's percentage on the arm built with
//! [`Heavier`](crate::knob::Heavier)), `CHANBENCH_WORKLOAD` (comma-separated workloads),
//! `CHANBENCH_SEED` (the cell order and heap shifts), `CHANBENCH_AB_KNOB_UNITS` (a file of
//! [`KnobRecord`]s: the knob's calibration per cell, shared by every process).
//! `--conformance` runs the conformance checks of every arm but the first instead, one
//! [`ConformanceRecord`] per arm; `--calibrate-knob` calibrates the knob of every cell, one
//! [`KnobRecord`] each, so that all the processes of a comparison use the same extra work.

use std::{
    collections::HashMap,
    env,
    io::{self, Write},
    time::{Duration, Instant},
};

use chanbench_core::conformance::{NamedCheck, run_checks};
use chanbench_schema::{
    CellKey, ConformanceRecord, KnobCalibration, KnobRecord, PairedRecord, Record, SCHEMA,
    Workload, protocol::Line,
};

use statrs::statistics::{Data, Median};

use crate::{
    knob,
    matrix::{Cell, Matrix, Mode, Shape, Sweep, heap_shifted, names_swept},
    placement::{Cores, Team},
    strategy::distribute::work,
};

/// One build of an implementation and its cells.
pub struct Arm {
    /// Its name in the comparison (`crossbeam`, `crossbeam@0.5.6`, `crossbeam+10%work`).
    pub name: String,
    /// Its cells, registered for its type.
    pub matrix: Matrix,
    /// Whether it is the work knob's arm.
    pub knob: bool,
    /// Its conformance checks (empty for the registered build, which `cargo test` checks).
    pub checks: Option<Box<dyn FnOnce() -> Vec<NamedCheck>>>,
}

/// The runner's settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rounds per cell: each runs every arm once.
    pub rounds: usize,
    /// The wall time one arm's run aims at.
    pub run_target: Duration,
    /// The knob's percentage, for the arm marked `knob`.
    pub knob_percent: Option<f64>,
    /// Workloads to run (`None`: all).
    pub workloads: Option<Vec<Workload>>,
    /// The knob's calibration per cell id, from a calibration pass.
    pub knob_units: HashMap<String, KnobCalibration>,
    /// The cell order and heap shifts.
    pub seed: u64,
}

impl Options {
    /// Reads the settings from the environment (see the module).
    pub fn from_env() -> Result<Self, String> {
        let number = |var: &str, default: u64| -> Result<u64, String> {
            match env::var(var) {
                Err(_) => Ok(default),
                Ok(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| format!("{var}: expected a whole number, found {v:?}")),
            }
        };
        let knob_percent = match env::var("CHANBENCH_AB_KNOB") {
            Err(_) => None,
            Ok(v) => Some(
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|p| *p > 0.0 && *p <= 1000.0)
                    .ok_or_else(|| {
                        format!("CHANBENCH_AB_KNOB: expected a percentage, found {v:?}")
                    })?,
            ),
        };
        let workloads = match env::var("CHANBENCH_WORKLOAD") {
            Err(_) => None,
            Ok(v) if v.trim().is_empty() => None,
            Ok(v) => Some(
                v.split(',')
                    .map(|w| w.trim().parse::<Workload>().map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let mut knob_units = HashMap::new();
        if let Some(path) = env::var_os("CHANBENCH_AB_KNOB_UNITS") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("CHANBENCH_AB_KNOB_UNITS: {e}"))?;
            for (n, line) in text.lines().enumerate() {
                match Record::parse(line, &format!("knob calibration line {}", n + 1)) {
                    Ok(Record::Knob(k)) => {
                        knob_units.insert(k.key.id(), k.knob);
                    }
                    Ok(_) => {
                        return Err(format!(
                            "knob calibration line {}: not a knob record",
                            n + 1
                        ));
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
        }
        Ok(Self {
            knob_units,
            rounds: number("CHANBENCH_AB_ROUNDS", 12)?.max(2) as usize,
            run_target: Duration::from_micros(number("CHANBENCH_AB_RUN_US", 3_000)?.max(100)),
            knob_percent,
            workloads,
            seed: match env::var("CHANBENCH_SEED") {
                Ok(_) => number("CHANBENCH_SEED", 0)?,
                Err(_) => fastrand::u64(..),
            },
        })
    }
}

/// A run slower than this many times its arm's fastest run in the same process is disturbed:
/// a side parked or was preempted for part of it. Across cores on the development VM a
/// ping-pong round trip takes 0.45-1 µs while both sides spin and 5-60 µs averaged over a run in
/// which a side parked, and which runs park is chance.
pub const DISTURBED: f64 = 2.0;

/// An arm's typical undisturbed run among `times` (one process's runs of one cell): the median
/// of its runs within [`DISTURBED`] times its fastest, and the share of its runs that were
/// slower. `(NaN, 0)` when `times` is empty.
pub fn typical_run(times: &[f64]) -> (f64, f64) {
    let fastest = times.iter().copied().fold(f64::INFINITY, f64::min);
    let calm: Vec<f64> = times
        .iter()
        .copied()
        .filter(|t| *t <= DISTURBED * fastest)
        .collect();
    if calm.is_empty() {
        return (f64::NAN, 0.0);
    }
    let disturbed = 1.0 - calm.len() as f64 / times.len() as f64;
    (median(calm), disturbed)
}

/// A build's name and its conformance checks, run when called.
pub type Checks = (String, Box<dyn FnOnce() -> Vec<NamedCheck>>);

/// Runs each named build's conformance checks and emits one [`ConformanceRecord`] per build:
/// what `--conformance` does in the paired runner and in the benchmark binary with variants.
pub fn conformance(
    builds: Vec<Checks>,
    emit: &mut impl FnMut(&Record) -> Result<(), String>,
) -> Result<(), String> {
    for (name, checks) in builds {
        let checks = checks();
        let count = checks.len();
        let failures = run_checks(checks)
            .into_iter()
            .map(|f| (f.check, f.message))
            .collect();
        emit(&Record::Conformance(ConformanceRecord {
            schema: SCHEMA,
            arm: name,
            checks: count,
            failures,
        }))?;
    }
    Ok(())
}

/// [`conformance`] with the records printed on stdout, one JSON line each; an error ends the
/// process as the runners' errors do.
pub fn conformance_main(builds: Vec<Checks>) {
    let mut out = io::stdout().lock();
    let mut emit = |record: &Record| -> Result<(), String> {
        let line = serde_json::to_string(record).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())
    };
    if let Err(e) = conformance(builds, &mut emit) {
        eprintln!("{}", Line::Error(e));
        std::process::exit(1);
    }
}

/// The generated binary's `main`: `arms` builds every arm's cells for the process's shape and
/// sweep (the thread-count sweep when `CHANBENCH_WORKLOAD` names one of its workloads).
pub fn main(arms: impl FnOnce(Shape, &Sweep) -> Vec<Arm>) {
    crate::alloc::fix_malloc_thresholds();
    if let Err(e) = run_main(arms) {
        eprintln!("{}", Line::Error(e));
        std::process::exit(1);
    }
}

fn run_main(arms: impl FnOnce(Shape, &Sweep) -> Vec<Arm>) -> Result<(), String> {
    let cores = Cores::allowed().map_err(|e| e.to_string())?;
    let shape = Shape::new(cores.len(), 1);
    let conformance_only = env::args().any(|a| a == "--conformance");
    let options = match conformance_only {
        true => None,
        false => Some(Options::from_env()?),
    };
    let named = options.as_ref().and_then(|o| o.workloads.as_deref());
    let sweep = match named.is_some_and(|w| names_swept(w.iter().map(|w| w.name()))) {
        true => Sweep::new(false).with_threads(cores.len()),
        false => Sweep::new(false),
    };
    let mut arms = arms(shape, &sweep);
    let mut out = io::stdout().lock();
    let mut emit = |record: &Record| -> Result<(), String> {
        let line = serde_json::to_string(record).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())
    };
    let Some(options) = options else {
        let checks = arms
            .iter_mut()
            .filter_map(|arm| Some((arm.name.clone(), arm.checks.take()?)))
            .collect();
        return conformance(checks, &mut emit);
    };
    let size = arms.iter().map(|a| a.matrix.team_size()).max().unwrap_or(2);
    let team = Team::new(&cores, size).map_err(|e| e.to_string())?;
    let cells = paired_cells(&arms, options.workloads.as_deref());
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let mut order: Vec<usize> = (0..cells.len()).collect();
    rng.shuffle(&mut order);
    eprintln!(
        "{}",
        Line::Note(format!(
            "paired: {} cells of {} arms, {} rounds each, seed {}, cores {:?}",
            cells.len(),
            arms.len(),
            options.rounds,
            options.seed,
            cores.ids()
        ))
    );
    let knob_arm = arms.iter().position(|a| a.knob);
    if env::args().any(|a| a == "--calibrate-knob") {
        let (Some(k), Some(percent)) = (knob_arm, options.knob_percent) else {
            return Err("--calibrate-knob needs a knob arm and CHANBENCH_AB_KNOB".to_owned());
        };
        for i in order {
            let row = &cells[i];
            eprintln!("{}", Line::Start(Box::new(row[0].key.clone())));
            let messages = run_size(&team, row[0], &options, &mut rng);
            let knob = calibrate_knob(&team, row, k, percent, messages, &mut rng);
            let key = row_key(row, &arms);
            eprintln!(
                "{}",
                Line::Finished {
                    id: key.id(),
                    summary: format!("knob {} units, {:.3}x", knob.units, knob.calibrated_ratio)
                }
            );
            emit(&Record::Knob(KnobRecord {
                schema: SCHEMA,
                key,
                knob,
            }))?;
        }
        return Ok(());
    }
    for i in order {
        let row = &cells[i];
        eprintln!("{}", Line::Start(Box::new(row[0].key.clone())));
        let record = measure(&team, row, &arms, knob_arm, &options, &mut rng);
        let ratio = |k: usize| {
            median(
                record.times_ns[k]
                    .iter()
                    .zip(&record.times_ns[0])
                    .map(|(x, a)| x / a)
                    .collect(),
            )
        };
        let summary = (1..arms.len())
            .map(|k| format!("{}/{} {:.3}", arms[k].name, arms[0].name, ratio(k)))
            .collect::<Vec<_>>()
            .join(", ");
        emit(&Record::Paired(record))?;
        eprintln!(
            "{}",
            Line::Finished {
                id: row[0].key.id(),
                summary
            }
        );
    }
    Ok(())
}

/// A configuration's key under the first arm's name: how its records and knob calibration are
/// filed.
fn row_key(row: &[&Cell], arms: &[Arm]) -> CellKey {
    let key = &row[0].key;
    CellKey::new(key.workload(), arms[0].name.clone(), key.params().clone())
}

/// The configurations every arm has, each as its arms' cells in arm order.
fn paired_cells<'m>(arms: &'m [Arm], workloads: Option<&[Workload]>) -> Vec<Vec<&'m Cell>> {
    let Some((first, rest)) = arms.split_first() else {
        return Vec::new();
    };
    first
        .matrix
        .cells
        .iter()
        .filter(|c| workloads.is_none_or(|w| w.contains(&c.workload())))
        .filter_map(|c| {
            let mut row = vec![c];
            for arm in rest {
                let twin = arm
                    .matrix
                    .cells
                    .iter()
                    .find(|d| d.workload() == c.workload() && d.label() == c.label())?;
                row.push(twin);
            }
            Some(row)
        })
        .collect()
}

fn median(v: Vec<f64>) -> f64 {
    Data::new(v).median()
}

/// One run of `cell`, ns per unit, with the heap shifted by a random allocation.
fn run_once(team: &Team, cell: &Cell, messages: u64, rng: &mut fastrand::Rng) -> f64 {
    let measured = heap_shifted(rng, || (cell.run)(team, Mode::Timed, messages));
    measured.elapsed.as_secs_f64() * 1e9 / measured.messages.max(1) as f64
}

/// Measures one configuration: sizes the runs, calibrates the knob, warms every arm, then runs
/// the rounds in rotating order.
fn measure(
    team: &Team,
    row: &[&Cell],
    arms: &[Arm],
    knob_arm: Option<usize>,
    options: &Options,
    rng: &mut fastrand::Rng,
) -> PairedRecord {
    knob::set_units(0);
    let messages = run_size(team, row[0], options, rng);
    let id = row_key(row, arms).id();
    let knob = match (knob_arm, options.knob_percent) {
        (Some(_), Some(_)) if options.knob_units.contains_key(&id) => {
            let k = options.knob_units[&id];
            knob::set_units(k.units);
            Some(k)
        }
        (Some(k), Some(percent)) => Some(calibrate_knob(team, row, k, percent, messages, rng)),
        _ => None,
    };
    for cell in row {
        run_once(team, cell, messages, rng);
    }
    let mut times_ns = vec![Vec::with_capacity(options.rounds); row.len()];
    for round in 0..options.rounds {
        // Rotate the start and reverse every other round: each arm takes every position.
        let n = row.len();
        let mut order: Vec<usize> = (0..n).map(|i| (i + round) % n).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for k in order {
            times_ns[k].push(run_once(team, row[k], messages, rng));
        }
    }
    knob::set_units(0);
    PairedRecord {
        schema: SCHEMA,
        key: row_key(row, arms),
        arms: arms.iter().map(|a| a.name.clone()).collect(),
        messages_per_run: messages,
        times_ns,
        knob,
    }
}

/// Messages per run: enough to last the run target in wall time (paced cells measure less than
/// they take), within the cell's cost limit.
fn run_size(team: &Team, cell: &Cell, options: &Options, rng: &mut fastrand::Rng) -> u64 {
    let pilot_messages = 64.min(cell.cost_limit.unwrap_or(u64::MAX)).max(1);
    let started = Instant::now();
    run_once(team, cell, pilot_messages, rng);
    let per_message = started.elapsed().as_secs_f64() / pilot_messages as f64;
    ((options.run_target.as_secs_f64() / per_message.max(1e-9)) as u64)
        .clamp(20, 5_000_000)
        .min(cell.cost_limit.unwrap_or(u64::MAX).max(20))
}

/// Chooses the knob arm's extra work so that it runs `percent` slower than the first arm on
/// this cell: an estimate from the cost of one unit of work, then corrections from measured
/// pairs. The work stays work (hash rounds); only its amount is calibrated.
fn calibrate_knob(
    team: &Team,
    row: &[&Cell],
    k: usize,
    percent: f64,
    messages: u64,
    rng: &mut fastrand::Rng,
) -> KnobCalibration {
    let target = percent / 100.0;
    let unit_ns = {
        let n = 200_000;
        let started = Instant::now();
        std::hint::black_box(work(std::hint::black_box(1), n));
        started.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    };
    knob::set_units(0);
    let base = median(
        (0..5)
            .map(|_| run_once(team, row[0], messages, rng))
            .collect(),
    );
    // One receive per message on the critical path, to begin with; the pairs correct it. Units
    // are sixteenths of a hash round.
    let mut units = ((16.0 * target * base / unit_ns).round() as u32).max(1);
    // The ratio the judge weighs: typical undisturbed runs, so a parked run cannot pass for the
    // knob's effect (or hide it).
    let mut measure_ratio = |units: u32| {
        knob::set_units(units);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..12 {
            b.push(run_once(team, row[k], messages, rng));
            a.push(run_once(team, row[0], messages, rng));
        }
        typical_run(&b).0 / typical_run(&a).0
    };
    let mut ratio = measure_ratio(units);
    for _ in 0..5 {
        let excess = ratio - 1.0;
        let scale = if excess <= 0.0 {
            2.0
        } else {
            (target / excess).clamp(0.3, 3.0)
        };
        if (scale - 1.0).abs() < 0.15 {
            break;
        }
        // The ratio reported is always the one measured with the units kept.
        units = ((f64::from(units) * scale).round() as u32).max(1);
        ratio = measure_ratio(units);
    }
    knob::set_units(units);
    KnobCalibration {
        percent,
        units,
        calibrated_ratio: ratio,
    }
}

#[cfg(test)]
mod tests {
    use chanbench_registry::Crossbeam;

    use super::*;
    use crate::{knob::Heavier, register_impl};

    /// The knob's setting is process-wide: tests that touch it take turns.
    static KNOB: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn arm(name: &str, knob: bool, matrix: Matrix) -> Arm {
        Arm {
            name: name.to_owned(),
            matrix,
            knob,
            checks: None,
        }
    }

    #[test]
    fn every_arm_runs_every_round_of_every_shared_cell() {
        let _knob = KNOB.lock().unwrap_or_else(|p| p.into_inner());
        let shape = Shape::new(1, 1);
        let mut a = Matrix::new(shape, true);
        register_impl!(&mut a, Crossbeam);
        let mut b = Matrix::new(shape, true);
        register_impl!(&mut b, Heavier<Crossbeam>);
        let arms = vec![arm("a", false, a), arm("b", true, b)];
        // The knob has no native select: those cells are A's alone and left out.
        let cells = paired_cells(&arms, Some(&[Workload::Seq, Workload::FanIn]));
        assert!(!cells.is_empty());
        assert!(cells.iter().all(|row| row[0].label() == row[1].label()));
        assert!(cells.iter().all(|row| !row[0].label().contains("select")));
        let team = Team::new(&Cores::allowed().unwrap(), shape.team_size()).unwrap();
        let options = Options {
            rounds: 3,
            run_target: Duration::from_micros(300),
            knob_percent: Some(10.0),
            workloads: None,
            knob_units: HashMap::new(),
            seed: 1,
        };
        let mut rng = fastrand::Rng::with_seed(1);
        let record = measure(&team, &cells[0], &arms, Some(1), &options, &mut rng);
        assert_eq!(record.arms, ["a", "b"]);
        assert!(
            record
                .times_ns
                .iter()
                .all(|t| t.len() == 3 && t.iter().all(|x| *x > 0.0))
        );
        let knob = record.knob.expect("the knob was calibrated");
        assert!(knob.units >= 1 && knob.percent == 10.0, "{knob:?}");
        assert_eq!(knob::units(), 0, "the knob is off after the cell");
    }

    #[test]
    fn the_knob_channel_passes_the_conformance_suite() {
        let _knob = KNOB.lock().unwrap_or_else(|p| p.into_inner());
        knob::set_units(24);
        let failures = run_checks(chanbench_core::conformance_checks!(
            Heavier<Crossbeam>,
            flavors: [bounded, unbounded],
            extras: [multi_consumer, returns_unsent]
        ));
        knob::set_units(0);
        assert!(failures.is_empty(), "{failures:?}");
    }
}
