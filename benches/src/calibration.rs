//! The calibration record: a matrix cell's timed routine against its plain twin in this process
//! and against the standalone program in a fresh process per round (`benches/validate.rs`, read by
//! `cargo xtask validate`).

use std::{path::PathBuf, process::Command, time::Duration};

use anyhow::{Context, Result, bail};
use chanbench_schema::{CalibrationRecord, CellKey, SCHEMA};
use chanbench_workloads::{
    calibrate::Calibration,
    matrix::{Cell, Mode},
    placement::{Cores, Team},
};

/// Wall time one run aims at: long enough that the ends of the interval (a start gate, a barrier,
/// a thread's wake-up) weigh under a percent.
pub const RUN_TARGET: Duration = Duration::from_millis(10);

/// The standalone calibration program (`standalone/`, built by `cargo xtask validate` outside the
/// workspace): the same job as a cell, in a process that shares nothing with the harness. It
/// inherits this process's affinity mask, so it runs on the placement's cores.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// Its executable.
    pub program: PathBuf,
}

impl Standalone {
    /// `CHANBENCH_STANDALONE`, when set.
    pub fn from_env() -> Option<Self> {
        std::env::var_os("CHANBENCH_STANDALONE")
            .filter(|p| !p.is_empty())
            .map(|p| Standalone { program: p.into() })
    }

    /// One run of `key`'s job with `messages` messages (round trips): the time the program
    /// measured itself, its process start and warm-up excluded.
    pub fn run(&self, key: &CellKey, messages: u64) -> Result<Duration> {
        let params = key.params();
        let mut cmd = Command::new(&self.program);
        // A user's program runs with the C library's defaults: whatever xtask set for the bench
        // process's allocator is not passed on.
        cmd.env_remove("GLIBC_TUNABLES");
        cmd.arg(key.workload().name())
            .arg(key.implementation())
            .arg(params.capacity.to_string())
            .arg(messages.to_string());
        if let Some(runtime) = &params.runtime {
            cmd.arg(runtime.name());
        }
        let out = cmd
            .output()
            .with_context(|| format!("running {}", self.program.display()))?;
        if !out.status.success() {
            bail!(
                "the standalone program failed on {key} ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let ns: u64 = text.trim().parse().with_context(|| {
            format!("the standalone program on {key}: expected nanoseconds, found {text:?}")
        })?;
        Ok(Duration::from_nanos(ns))
    }
}

/// The orders of three sides, one per round in turn, so each side runs first, second and last
/// equally often and a drift of the machine lands on all alike.
const ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [2, 1, 0],
    [1, 2, 0],
    [0, 2, 1],
    [2, 0, 1],
    [1, 0, 2],
];

/// Runs `rounds` interleaved rounds of `cell`'s timed routine (on `team`), `calibration`'s plain
/// loop (on fresh threads pinned to the same cores) and, when given, the standalone program.
pub fn calibrate(
    team: &Team,
    cores: &Cores,
    cell: &Cell,
    calibration: &Calibration,
    standalone: Option<&Standalone>,
    rounds: usize,
) -> Result<CalibrationRecord> {
    // Each in-process run shifts the heap by a random allocation, as the matrix's samples do, so
    // neither side keeps one layout's luck for the whole process.
    let (mut matrix_rng, mut plain_rng) = (fastrand::Rng::new(), fastrand::Rng::new());
    let mut matrix =
        |n| crate::heap_shifted(&mut matrix_rng, || (cell.run)(team, Mode::Timed, n).elapsed);
    let mut plain = |n| crate::heap_shifted(&mut plain_rng, || (calibration.plain)(cores, n));
    // A pilot sizes the runs; one run of each warms both paths.
    let pilot_messages = 500;
    let pilot = matrix(pilot_messages).max(plain(pilot_messages));
    let per_msg = pilot.as_secs_f64() / pilot_messages as f64;
    let messages = ((RUN_TARGET.as_secs_f64() / per_msg.max(1e-9)) as u64).clamp(200, 2_000_000);
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / messages as f64;
    if let Some(program) = standalone {
        // The program's first run pays for loading it from disk.
        program.run(&calibration.key, messages)?;
    }
    let mut runs: [Vec<f64>; 3] = Default::default();
    for round in 0..rounds {
        for side in ORDERS[round % ORDERS.len()] {
            match (side, standalone) {
                (0, _) => runs[0].push(ns(matrix(messages))),
                (1, _) => runs[1].push(ns(plain(messages))),
                (_, Some(program)) => {
                    runs[2].push(ns(program.run(&calibration.key, messages)?));
                }
                (_, None) => {}
            }
        }
    }
    let [matrix_runs, plain_runs, standalone_runs] = runs;
    let ratios = matrix_runs
        .iter()
        .zip(&plain_runs)
        .map(|(m, p)| m / p)
        .collect();
    let paired = crate::Interleaved {
        a: matrix_runs,
        b: plain_runs,
        ratios,
    };
    let (matrix_median, plain_median, ratio_median, ratio_p25, ratio_p75) = paired.summary();
    Ok(CalibrationRecord {
        schema: SCHEMA,
        key: calibration.key.clone(),
        messages_per_run: messages,
        rounds,
        matrix_ns_per_msg: matrix_median,
        plain_ns_per_msg: plain_median,
        ratio_median,
        ratio_p25,
        ratio_p75,
        matrix_runs_ns: paired.a,
        plain_runs_ns: paired.b,
        standalone_runs_ns: standalone_runs,
    })
}
