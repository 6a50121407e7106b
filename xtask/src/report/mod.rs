//! `cargo xtask report [RUN]`: one self-contained HTML page per run (inline CSS and SVG charts, no
//! scripts, no network), written to `<run>/report/index.html` with its exports beside it:
//! `cells.csv` (every cell), `observations.csv` (the behaviour families' observations, where the
//! run has them), `summary.md` (for a pull request) and `bmf.json` (Bencher Metric
//! Format). `bench` writes it at the end of every run.
//!
//! - [`model`]: the run indexed for the page ([`View`]): implementations, workloads by kind,
//!   configurations, colours;
//! - [`export`]: the CSV, Markdown and BMF files;
//! - [`html`]: the page;
//! - [`figures`]: the charts of the channel workloads, from the run's numbers;
//! - [`asynchronous`]: the async section (winners per runtime flavour and placement, each
//!   library's async side against its sync side);
//! - [`strategies`]: one file per strategy family, each its section with a reading computed
//!   from the run;
//! - [`scoreboard`]: the page's first screen, winners by workload, runtime and placement;
//! - [`hosts`]: runs from several hosts on one page (`cargo xtask report RUN RUN ...`);
//! - [`choose`]: a described job's answer (`choose.html`, `choose.md`), beside the report of a
//!   job run.
//!
//! Every time is per unit of its workload (a message, a round trip, an item, a request: the
//! workload table's [`Unit`](chanbench_schema::Unit)), and every number is printed with its unit.
//! The rankings and their claims are [`crate::ranking`]'s.

use std::{fs, path::Path};

use anyhow::{Context, Result};

use crate::results::Run;

mod asynchronous;
mod behaviour;
pub mod choose;
mod core_to_core;
mod export;
mod figures;
pub mod hosts;
pub(crate) mod html;
mod model;
mod names;
mod scaling;
pub mod scoreboard;
mod strategies;
#[cfg(test)]
mod tests;
mod widgets;

pub use model::View;

/// `cargo xtask report` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The run: a name under the results folder, or a run's folder (default: the latest run).
    /// Several runs, from different hosts (a run copied in from another machine is a folder
    /// under results/): one page of them side by side, under results/hosts/.
    #[arg(default_value = "latest", num_args = 1..)]
    runs: Vec<String>,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: std::path::PathBuf,
}

/// Runs `cargo xtask report`.
pub fn run(root: &Path, args: Args) -> Result<()> {
    let results = root.join(&args.results);
    let runs: Vec<Run> = args
        .runs
        .iter()
        .map(|spec| Run::load(&results, spec))
        .collect::<Result<_>>()?;
    if let [run] = runs.as_slice() {
        let index = write(run)?;
        eprintln!("report: {}", index.display());
    } else {
        let page = hosts::write(&results, &runs)?;
        eprintln!("side by side: {}", page.display());
    }
    Ok(())
}

/// The rows `cells.csv` holds for `view`'s run.
pub fn csv_rows(view: &View<'_>) -> usize {
    export::rows(view).len()
}

/// The name of the behaviour families' export beside the page.
pub const OBSERVATIONS: &str = behaviour::export::FILE;

/// The rows the behaviour families' export holds for `view`'s run (0: it is not written).
pub fn observation_rows(view: &View<'_>) -> usize {
    behaviour::export::rows(view).len()
}

/// Writes the report of `run` and its exports; returns the page's path.
pub fn write(run: &Run) -> Result<std::path::PathBuf> {
    let dir = run.dir.join("report");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let view = View::new(run);
    let index = dir.join("index.html");
    fs::write(&index, html::page(&view)?.into_string())
        .with_context(|| format!("writing {}", index.display()))?;
    let rows = export::rows(&view);
    let mut csv = csv::Writer::from_path(dir.join("cells.csv"))
        .with_context(|| format!("writing {}", dir.join("cells.csv").display()))?;
    for row in &rows {
        csv.serialize(row).context("writing cells.csv")?;
    }
    csv.flush().context("writing cells.csv")?;
    fs::write(dir.join("summary.md"), export::markdown(&view)).context("writing summary.md")?;
    let bmf = serde_json::to_string_pretty(&export::bmf(&rows)).context("serializing bmf.json")?;
    fs::write(dir.join("bmf.json"), bmf).context("writing bmf.json")?;
    // The behaviour families' observations, every process's, where the run has any.
    let observations = behaviour::export::rows(&view);
    if !observations.is_empty() {
        let path = dir.join(behaviour::export::FILE);
        let mut csv =
            csv::Writer::from_path(&path).with_context(|| format!("writing {}", path.display()))?;
        for row in &observations {
            csv.serialize(row)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        csv.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // A described job's run: its answer beside the report.
    if let Some(answer) = choose::Answer::of(run) {
        fs::write(dir.join(choose::PAGE), answer.page().into_string())
            .with_context(|| format!("writing {}", dir.join(choose::PAGE).display()))?;
        fs::write(dir.join(choose::SUMMARY), answer.markdown())
            .with_context(|| format!("writing {}", dir.join(choose::SUMMARY).display()))?;
    }
    Ok(index)
}
