//! `cargo xtask`: the project's own automation (rust-analyzer's xtask is the model). `main` moves
//! to the project root and hands each subcommand to its module.

// A binary: `pub` marks each module's interface to its siblings, and nothing is exported.
#![allow(unreachable_pub)]

mod bench;
mod charts;
mod compare;
mod criterion;
mod environment;
mod new_impl;
mod placement;
mod report;
mod results;
mod stats;
mod validate;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::{Parser, Subcommand};

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
    /// Write a run's HTML report (with CSV, Markdown and Bencher exports) into <run>/report/.
    Report(report::Args),
    /// Compare two runs cell by cell against a measured noise floor; exit status 3 with
    /// --fail-on-regression when a cell regressed.
    Compare(compare::Args),
    /// Scaffold an adapter crate for a new implementation and register it.
    NewImpl(new_impl::Args),
    /// Calibrate the instrument: the matrix's timed routine against plain two-thread loops, per
    /// implementation and placement; exit status 3 when a ratio is outside the tolerance.
    Validate(validate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let result = std::env::set_current_dir(&root)
        .map_err(anyhow::Error::from)
        .and_then(|()| match cli.command {
            Task::Bench(args) => bench::run(&root, args),
            Task::Report(args) => report::run(&root, args),
            Task::Compare(args) => match compare::run(&root, args) {
                Ok(true) => {
                    eprintln!("regressions found (--fail-on-regression)");
                    std::process::exit(3);
                }
                other => other.map(|_| ()),
            },
            Task::NewImpl(args) => new_impl::run(&root, args),
            Task::Validate(args) => match validate::run(&root, args) {
                Ok(false) => std::process::exit(3),
                other => other.map(|_| ()),
            },
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
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
