//! `cargo xtask`: the project's own automation (rust-analyzer's xtask is the model). `main` moves
//! to the project root and hands each subcommand to its module.

// A binary: `pub` marks each module's interface to its siblings, and nothing is exported.
#![allow(unreachable_pub)]

mod ab;
mod bench;
mod cargo;
mod charts;
mod check;
mod choose;
mod cli;
mod compare;
mod criterion;
mod environment;
mod migrate;
mod new_impl;
mod outcome;
mod placement;
mod ranking;
mod report;
mod results;
mod standalone;
mod stats;
mod template;
#[cfg(test)]
mod tidy;
mod topology;
mod units;
mod validate;
mod variant;
mod workloads;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Parser, Subcommand};
use outcome::Outcome;

/// chanbench's tasks.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Run the benchmark matrix once per core placement and store the results under results/.
    Bench(bench::Args),
    /// Measure one described job (producers, consumers, message, capacity, threads or tasks) for
    /// every implementation that can run it, and answer which is fastest, at what cost, and
    /// whether that reproduces.
    Choose(choose::Args),
    /// Write a run's HTML report (with CSV, Markdown and Bencher exports) into <run>/report/.
    Report(report::Args),
    /// Measure B against A paired, interleaved inside the same processes, with a second compiled
    /// copy of A as the control; exit status 3 with --fail-on-regression when a cell regressed.
    Ab(ab::Args),
    /// Measure published versions of a library paired against the first, and draw each
    /// configuration's change across them.
    Versions(ab::versions::Args),
    /// Compare two runs cell by cell against a measured noise floor; exit status 3 with
    /// --fail-on-regression when a cell regressed.
    Compare(compare::Args),
    /// Scaffold an adapter crate for a new implementation and register it.
    NewImpl(new_impl::Args),
    /// Calibrate the instrument: the matrix's timed routine against plain two-thread loops, per
    /// implementation and placement; exit status 3 when a ratio is outside the tolerance.
    Validate(validate::Args),
    /// Rewrite stored runs of an older results schema in the current one, in place.
    Migrate(migrate::Args),
    /// Print the workload table: each workload's kind, unit, floor, latency and pacing.
    Workloads(workloads::Args),
    /// Check that a stored run is whole (every requested workload measured, every cell with its
    /// estimates and cost, its report well-formed), or the newest validation record.
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let result = std::env::set_current_dir(&root)
        .map_err(anyhow::Error::from)
        .and_then(|()| match cli.command {
            Task::Bench(args) => bench::run(&root, args),
            Task::Choose(args) => choose::run(&root, args),
            Task::Report(args) => report::run(&root, args).map(|()| Outcome::Done),
            Task::Compare(args) => compare::run(&root, args),
            Task::Ab(args) => ab::run(&root, args),
            Task::Versions(args) => ab::versions::run(&root, args),
            Task::NewImpl(args) => new_impl::run(&root, args).map(|()| Outcome::Done),
            Task::Validate(args) => validate::run(&root, args),
            Task::Migrate(args) => migrate::run(&root, args).map(|()| Outcome::Done),
            Task::Workloads(args) => workloads::run(args).map(|()| Outcome::Done),
            Task::Check(args) => check::run(&root, args),
        });
    match result {
        Ok(outcome) => {
            if outcome == Outcome::Regressed {
                eprintln!("regressions found (--fail-on-regression)");
            }
            outcome.exit_code()
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The project root: `CHANBENCH_ROOT` if set (tests run xtask on a copy of the project), else the
/// folder above `xtask/`.
fn project_root() -> PathBuf {
    match std::env::var_os("CHANBENCH_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask/ lives in the project root")
            .to_owned(),
    }
}
