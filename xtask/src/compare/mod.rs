//! `cargo xtask compare BASE NEW`: per cell, the change in time per unit with a confidence
//! interval and a significance test, judged against a noise floor measured on this machine.
//!
//! Three steps: [`pair`] finds the cells both runs measured (and what differs between the runs
//! beyond the code), [`judge`](mod@judge) judges each, [`render`] prints the table and writes the page and
//! CSV. [`run`] returns an [`Outcome`] that `main` maps to the exit status.
//!
//! The unit of replication is a whole process: with `cargo xtask bench --repeat N` each cell has
//! N processes per run, and the comparison works on one value per process (see
//! [`judge::judge`]): its fastest sample, the batch least disturbed by the machine. On a shared
//! machine interference only ever adds time, and a disturbed process's median moves with it
//! while its fastest batch mostly does not; measured on this 2-core VM, that doubled the share
//! of a 10% slowdown's cells detected at the same false-alarm rate (docs/findings/2026-11-23-reproduction-and-compare.md).
//! A cell regressed only when its change is significant (Mann-Whitney U, p < `--alpha`), above
//! `--threshold`, and above its noise floor (the typical difference between two processes of
//! the same code in that run). Cells measured by one process on either side are tested on
//! criterion's samples, which understate run-to-run noise: they can be flagged "unverified",
//! never "regressed".

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::{outcome::Outcome, results::Run};

mod judge;
mod pair;
mod render;

use judge::{Rules, judge};

/// `cargo xtask compare` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The baseline run: a name under the results folder, or a run's folder.
    base: String,
    /// The run to judge against it.
    new: String,
    /// The smallest change, in percent, that counts as a regression or an improvement.
    #[arg(long, value_name = "PCT", default_value_t = 5.0)]
    threshold: f64,
    /// The significance level of the test.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Exit with status 3 when any cell regressed.
    #[arg(long)]
    fail_on_regression: bool,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
    /// Where the comparison's page and CSV go (default: `<NEW>/compare-<BASE>/`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `cargo xtask compare`.
pub fn run(root: &std::path::Path, args: Args) -> Result<Outcome> {
    if !(args.threshold >= 0.0 && args.threshold.is_finite()) {
        bail!("--threshold must be a percentage of 0 or more");
    }
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        bail!("--alpha must be between 0 and 1");
    }
    let results = root.join(&args.results);
    let base = Run::load(&results, &args.base)?;
    let new = Run::load(&results, &args.new)?;
    let rules = Rules {
        threshold: args.threshold,
        alpha: args.alpha,
    };
    let warnings = pair::differences(&base.environment, &new.environment);
    for w in &warnings {
        eprintln!("warning: the runs differ beyond the code: {w}");
    }
    if !base.complete() || !new.complete() {
        eprintln!("warning: a run is partial (interrupted); only the cells both have are compared");
    }

    let (pairs, only_one_side) = pair::cells(&base, &new);
    let mut rows: Vec<render::Compared> = pairs
        .iter()
        .filter_map(|p| {
            let by_process = p.base.process_times().len() >= 2 && p.new.process_times().len() >= 2;
            let values = |c: &crate::results::CellResult| {
                if by_process {
                    c.process_times().to_vec()
                } else {
                    c.test_values()
                }
            };
            let (bv, nv) = (values(p.base), values(p.new));
            let j = judge(&bv, &nv, by_process, rules)?;
            Some(render::Compared::new(p, &j, bv.len(), nv.len(), by_process))
        })
        .collect();
    if rows.is_empty() {
        bail!(
            "{} and {} have no measured cell in common",
            base.dir.display(),
            new.dir.display()
        );
    }
    rows.sort_by(|a, b| a.change_pct.total_cmp(&b.change_pct));
    let mut summary = render::summary(&rows, rules, only_one_side);
    // The implementations only one side measured, once each, not as cells.
    for line in pair::Coverage::of(&base, &new).lines() {
        summary.text = format!("{}; {line}", summary.text);
    }
    render::print(&rows, &pair::reproduction(&base, &new), &summary.text);
    let out = args.out.clone().unwrap_or_else(|| {
        new.dir.join(format!(
            "compare-{}",
            base.dir
                .file_name()
                .map_or("base".into(), |n| n.to_string_lossy().into_owned())
        ))
    });
    render::write(&out, &base, &new, &rows, &warnings, &summary.text, rules)?;
    eprintln!("comparison: {}", out.join("index.html").display());
    if args.fail_on_regression && !summary.has_noise_floor && summary.unverified > 0 {
        eprintln!(
            "note: {} cells look changed but cannot be judged without a noise floor; \
             --fail-on-regression needs runs made with --repeat 2 or more",
            summary.unverified
        );
    }
    Ok(if args.fail_on_regression && summary.regressed > 0 {
        Outcome::Regressed
    } else {
        Outcome::Done
    })
}
