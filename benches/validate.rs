//! Calibration: `cargo bench -p benches --bench validate` (run by `cargo xtask validate`).
//!
//! For every `spsc` and `ping-pong` cell of `u64`s at capacity 1024, 1 and unbounded, and every
//! `async-spsc` and `async-ping-pong` cell on both runtime flavours, runs the matrix's own timed
//! routine (on the pinned team, as criterion does) and the cell's plain twin (two threads, or two
//! tasks on a runtime built by hand: `chanbench_workloads::calibrate`), interleaved, and prints one JSON record per
//! cell to stdout: their medians and the ratio matrix / plain. With `CHANBENCH_STANDALONE` (the
//! standalone program's path), each round also runs the standalone program as a fresh process.
//! Placement is the affinity mask, as for the matrix. `CHANBENCH_IMPL` selects implementations
//! (the default set unless named, `all` for every one);
//! `CHANBENCH_VALIDATE_ROUNDS` sets the rounds (default 41).

use std::env;

use anyhow::{Context, Result};
use benches::{
    calibration,
    profile::{Asked, refuse_oversubscribe_env},
};
use chanbench_schema::{ProfileName, Record, protocol::Line};
use chanbench_workloads::{
    matrix::Shape,
    placement::{Cores, Team},
};

fn main() {
    // As the matrix's process does, so that its routine meets the allocator alike.
    chanbench_workloads::alloc::fix_malloc_thresholds();
    if let Err(e) = run() {
        eprintln!("{}", Line::Error(format!("{e:#}")));
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    // Criterion's `cargo bench` passes `--bench`; a `--list` asks for nothing to be measured.
    if env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let rounds = match env::var("CHANBENCH_VALIDATE_ROUNDS") {
        Ok(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n >= 1)
            .with_context(|| {
                format!(
                    "CHANBENCH_VALIDATE_ROUNDS: expected a whole number of at least 1, found {v:?}"
                )
            })?,
        Err(_) => 41,
    };
    let cores = Cores::allowed()?;
    refuse_oversubscribe_env()?;
    let shape = Shape::new(cores.len(), 1);
    let matrix = benches::matrix!(shape, false);
    let mut ids: Vec<&str> = chanbench_registry::implementations()
        .iter()
        .map(|i| i.id)
        .collect();
    for info in chanbench_registry::async_implementations() {
        if !ids.contains(&info.id) {
            ids.push(info.id);
        }
    }
    // The default set unless named (`all` for every one), as in the matrix.
    let filter = Asked::from_env(&ids)?;
    // The same team as the matrix's, so the calibration sees the harness users' numbers come from.
    let team = Team::new(&cores, shape.team_size()).context("starting the worker team")?;
    let standalone = calibration::Standalone::from_env();
    for cal in &matrix.calibrations {
        if !filter.includes(cal.key.implementation(), ProfileName::Default) {
            continue;
        }
        let cell = matrix
            .cells
            .iter()
            .find(|c| c.key.same_cell(&cal.key))
            .with_context(|| format!("calibration {} has no matrix cell", cal.key))?;
        eprintln!("{}", Line::Note(format!("calibrating {}", cal.key)));
        let record = Record::Calibration(calibration::calibrate(
            &team,
            &cores,
            cell,
            cal,
            standalone.as_ref(),
            rounds,
        )?);
        println!("{}", serde_json::to_string(&record)?);
    }
    Ok(())
}
