//! `cargo xtask check`: what a stored run must hold to be read, checked against the types and
//! the workload table rather than a script's list: its environment and host fingerprint, every
//! cell's estimates and cost, every requested workload (async ones on both runtimes), variants
//! beside their base, and a report that is whole. `--validation` checks the newest calibration
//! record. CI runs it on its fresh runs; the unit tests run it on committed runs and on copies
//! broken one way each.

mod report;
mod stored;
mod validation;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args as ClapArgs;

use crate::{outcome::Outcome, results::Run};

/// `cargo xtask check` options.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The run to check (a name under results/, or a folder).
    #[arg(default_value = "latest")]
    run: String,
    /// Check the newest `cargo xtask validate` record instead of a run (one of every registered
    /// implementation, as `validate` without `--impl` stores).
    #[arg(long)]
    validation: bool,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
}

/// Runs `cargo xtask check`: prints what was checked, fails naming every problem.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    let results = root.join(&args.results);
    let (said, problems) = if args.validation {
        validation::newest(&results)?
    } else {
        let run = Run::load(&results, &args.run)?;
        let (mut said, mut problems) = stored::check(&run, &stored::expected(&run));
        let (page, broken) = report::check(&run)?;
        said.push(page);
        problems.extend(broken);
        (said, problems)
    };
    for line in &said {
        println!("{line}");
    }
    if !problems.is_empty() {
        bail!(
            "{} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests;
