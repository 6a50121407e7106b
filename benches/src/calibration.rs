//! The calibration record: a matrix cell's timed routine against its plain twin, interleaved in
//! one process (`benches/validate.rs`, read by `cargo xtask validate`).

use std::time::Duration;

use chanbench_schema::{CalibrationRecord, SCHEMA};
use chanbench_workloads::{
    calibrate::Calibration,
    matrix::{Cell, Mode},
    placement::{Cores, Team},
};

/// Wall time one run aims at: long enough that the ends of the interval (a start gate, a barrier,
/// a thread's wake-up) weigh under a percent.
pub const RUN_TARGET: Duration = Duration::from_millis(10);

/// Runs `rounds` interleaved pairs of `cell`'s timed routine (on `team`) and `calibration`'s
/// plain loop (on fresh threads pinned to the same cores).
pub fn calibrate(
    team: &Team,
    cores: &Cores,
    cell: &Cell,
    calibration: &Calibration,
    rounds: usize,
) -> CalibrationRecord {
    // Each run shifts the heap by a random allocation, as the matrix's samples do, so neither
    // side keeps one layout's luck for the whole process.
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
    let runs = crate::interleave(rounds, || ns(matrix(messages)), || ns(plain(messages)));
    let (matrix_median, plain_median, ratio_median, ratio_p25, ratio_p75) = runs.summary();
    CalibrationRecord {
        schema: SCHEMA,
        key: calibration.key.clone(),
        messages_per_run: messages,
        rounds,
        matrix_ns_per_msg: matrix_median,
        plain_ns_per_msg: plain_median,
        ratio_median,
        ratio_p25,
        ratio_p75,
        matrix_runs_ns: runs.a,
        plain_runs_ns: runs.b,
    }
}
