//! `cargo xtask migrate [RUN...]`: rewrites stored runs of an older results schema in the
//! current one, in place (see `results::v1`), so their reports can be written again. Without a
//! run, every run under the results folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::results::v1;

/// `cargo xtask migrate` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Runs to migrate: names under the results folder or runs' folders (default: every run).
    runs: Vec<String>,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
}

/// Runs `cargo xtask migrate`.
pub fn run(root: &Path, args: Args) -> Result<()> {
    let results = root.join(&args.results);
    let dirs: Vec<PathBuf> = if args.runs.is_empty() {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&results)
            .with_context(|| format!("reading {}", results.display()))?
            .filter_map(|e| Some(e.ok()?.path()))
            // `latest` is a link to one of the others.
            .filter(|d| !d.is_symlink() && d.join("environment.json").exists())
            .collect();
        dirs.sort();
        dirs
    } else {
        args.runs
            .iter()
            .map(|r| {
                let named = results.join(r);
                if named.join("environment.json").exists() {
                    named
                } else {
                    PathBuf::from(r)
                }
            })
            .collect()
    };
    for dir in dirs {
        let written = v1::migrate(&dir).with_context(|| format!("migrating {}", dir.display()))?;
        if written.is_empty() {
            eprintln!("{}: already current", dir.display());
        } else {
            eprintln!("{}: {} files migrated", dir.display(), written.len());
        }
    }
    Ok(())
}
