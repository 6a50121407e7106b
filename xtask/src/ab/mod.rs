//! `cargo xtask ab A B`: A and B measured paired, interleaved inside the same processes, on
//! every cell both can run and every placement, with a second compiled copy of A as the control.
//!
//! - [`crate::variant`] (shared with `bench --variant`): what A and B name (a registered build, a
//!   published version, a local path), checked before anything is built, and the generated
//!   workspace that compiles each arm (the registered adapter's source unchanged, against that
//!   arm's copy of the library) into one runner binary;
//! - [`judge`]: the verdict per cell, a test on processes against the A/A control;
//! - [`render`]: the table, CSV, Markdown for a pull request and the page with its chart.
//!
//! Arms, in order: A, A' (A's library again, compiled as a package of its own: what a rebuild of
//! the same code differs by), and B. Every arm but the registered build passes the conformance
//! suite before it is measured. With `--work-knob PCT`, B is A doing extra work per message,
//! calibrated per cell to PCT% (a test of the comparison's power).

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::{outcome::Outcome, results::write_atomic};

mod judge;
mod render;
mod session;

pub mod versions;

use crate::variant::{self, Variant, workspace::ArmBuild};
use session::{Common, Comparison, baseline_arms, measure, scratch};

/// `cargo xtask ab` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A, the baseline: `crossbeam` (the registered build), `crossbeam@0.5.6` or
    /// `crossbeam-channel@0.5.6` (a published version), `kanal=path:../kanal` (a local crate).
    #[arg(required_unless_present = "rejudge")]
    a: Option<String>,
    /// B, the candidate, in the same forms (with --work-knob: the same as A).
    #[arg(required_unless_present = "rejudge")]
    b: Option<String>,
    /// Judge a stored comparison (`results/ab/<name>` or `results/versions/<name>`) again, with this run's --threshold and
    /// --alpha, and rewrite its table, CSV, summary and page; nothing is measured.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["a", "b", "work_knob"])]
    rejudge: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// Exit with status 3 when a cell regressed.
    #[arg(long)]
    fail_on_regression: bool,
    /// Test knob: B is A doing PCT% more work per message (hash rounds after each receive,
    /// calibrated per cell).
    #[arg(long, value_name = "PCT")]
    work_knob: Option<f64>,
}

/// Runs `cargo xtask ab`.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    let rules = args.common.rules()?;
    if let Some(dir) = &args.rejudge {
        let dir = root.join(dir);
        let path = dir.join("ab.json");
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        #[derive(Deserialize)]
        struct Version {
            schema: u32,
        }
        let version: Version = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a stored comparison", path.display()))?;
        chanbench_schema::check_schema(path.display(), version.schema)?;
        let comparison: Comparison = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a stored comparison", path.display()))?;
        if dir.join("versions.csv").exists() {
            versions::write(&dir, &comparison, rules)?;
            eprintln!("versions: {}", dir.join("index.html").display());
            return Ok(Outcome::Done);
        }
        let report = render::write(&dir, &comparison, rules)?;
        eprintln!("comparison: {}", dir.join("index.html").display());
        if args.fail_on_regression && report.regressed > 0 {
            return Ok(Outcome::Regressed);
        }
        return Ok(Outcome::Done);
    }
    let (Some(a_arg), Some(b_arg)) = (&args.a, &args.b) else {
        bail!("give A and B, or --rejudge DIR");
    };
    if let Some(p) = args.work_knob {
        if !(p > 0.0 && p <= 1000.0) {
            bail!("--work-knob must be a percentage in (0, 1000]");
        }
    }
    let a = Variant::parse(a_arg, root)?;
    let b = Variant::parse(b_arg, root)?;
    if args.work_knob.is_some() && (a.name() != b.name()) {
        bail!(
            "--work-knob makes B the same build as A with extra work: give the same A and B, not {} and {}",
            a_arg,
            b_arg
        );
    }
    let scratch = scratch(root)?;
    // Resolve every source before building anything: an unknown version or a wrong path fails
    // here.
    let mut arms = baseline_arms(&a, &scratch)?;
    arms.push(match args.work_knob {
        Some(p) => ArmBuild {
            name: format!("{}+{p}%work", a.name()),
            variant: a.clone(),
            source: arms[0].source.clone(),
            knob: true,
        },
        None => ArmBuild {
            name: if b.name() == a.name() {
                format!("{} (again)", b.name())
            } else {
                b.name()
            },
            source: variant::resolve(&b, &scratch)?,
            variant: b,
            knob: false,
        },
    });
    let comparison = measure(root, &args.common, arms, args.work_knob)?;
    let dir = root
        .join(&args.common.results)
        .join("ab")
        .join(&comparison.name);
    write_atomic(&dir.join("ab.json"), &comparison)?;
    let report = render::write(&dir, &comparison, rules)?;
    eprintln!("comparison: {}", dir.join("index.html").display());
    if args.fail_on_regression && report.regressed > 0 {
        return Ok(Outcome::Regressed);
    }
    Ok(Outcome::Done)
}
