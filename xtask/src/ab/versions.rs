//! `cargo xtask versions crossbeam-channel 0.5.6 0.5.10 0.5.17` (or `--git ../crossbeam REV...`,
//! revisions of a local repository): every version measured paired
//! against the first (with a second compiled copy of the first as the control), in the same
//! processes, and the change of every configuration drawn across versions, regressions circled.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use chanbench_schema::Workload;
use maud::{PreEscaped, html};
use serde::Serialize;

use super::{
    ArmBuild, Common, Comparison, baseline_arms,
    judge::{Rules, Verdict, judge},
    measure, scratch,
};
use crate::{
    charts,
    outcome::Outcome,
    results::write_atomic,
    units::document,
    variant::{self, Variant},
};

/// `cargo xtask versions` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The library (`crossbeam-channel`) or the registered implementation (`crossbeam`).
    library: String,
    /// Two or more published versions (or, with --git, revisions); each later one is measured
    /// against the first.
    #[arg(num_args = 2.., required = true)]
    versions: Vec<String>,
    /// The versions are revisions (commits, tags, branches) of this local git repository, each
    /// packaged as cargo would publish it, instead of versions published on crates.io.
    #[arg(long, value_name = "DIR")]
    git: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

/// One configuration at one version (a row of `versions.csv`).
#[derive(Debug, Clone, Serialize)]
struct Row {
    placement: String,
    workload: String,
    params: String,
    version: String,
    /// This version's time over the first's (`> 1`: slower).
    ratio: f64,
    lower: f64,
    upper: f64,
    p: f64,
    /// The first version's copy over itself: the control.
    control: f64,
    /// The change the verdict weighs: ratio over control (Hodges-Lehmann, over processes).
    change: f64,
    /// Shares of the first version's and this version's runs that were disturbed.
    disturbed_first: f64,
    disturbed: f64,
    verdict: Verdict,
}

/// Runs `cargo xtask versions`.
pub fn run(root: &Path, args: Args) -> Result<Outcome> {
    let rules = args.common.rules()?;
    let variants: Vec<Variant> = args
        .versions
        .iter()
        .map(|v| {
            let spec = match &args.git {
                Some(repo) => format!("{}=git:{}@{v}", args.library, repo.display()),
                None => format!("{}@{v}", args.library),
            };
            Variant::parse(&spec, root)
        })
        .collect::<Result<_>>()?;
    let mut seen = std::collections::BTreeSet::new();
    for v in &args.versions {
        if !seen.insert(v) {
            bail!("version {v} is listed twice");
        }
    }
    let scratch = scratch(root)?;
    let mut arms = baseline_arms(&variants[0], &scratch)?;
    for v in &variants[1..] {
        arms.push(ArmBuild {
            name: v.name(),
            source: variant::resolve(v, &scratch)?,
            variant: v.clone(),
            knob: false,
        });
    }
    let comparison = measure(root, &args.common, arms, None)?;
    let dir = root
        .join(&args.common.results)
        .join("versions")
        .join(&comparison.name);
    write_atomic(&dir.join("ab.json"), &comparison)?;
    write(&dir, &comparison, rules)?;
    eprintln!("versions: {}", dir.join("index.html").display());
    Ok(Outcome::Done)
}

/// Writes `versions.csv`, `summary.md` and `index.html` (a chart per placement and workload)
/// into `dir`, and prints the summary.
pub fn write(dir: &Path, c: &Comparison, rules: Rules) -> Result<()> {
    let versions: Vec<String> = std::iter::once(c.arms[0].version.clone())
        .chain(c.arms[2..].iter().map(|a| a.version.clone()))
        .collect();
    let mut rows = Vec::new();
    // (placement, workload) -> configuration -> per version (change %, lower, upper, regressed)
    type Line = Vec<Option<(f64, f64, f64, bool)>>;
    let mut lines: BTreeMap<(String, Workload), BTreeMap<String, Line>> = BTreeMap::new();
    for p in &c.placements {
        for records in p.by_cell().values() {
            let key = &records[0].key;
            let mut line: Line = vec![Some((0.0, 0.0, 0.0, false))];
            for (k, arm) in c.arms.iter().enumerate().skip(2) {
                let j = judge(records, k, rules);
                line.push(j.as_ref().map(|j| {
                    let pct = |x: f64| (x - 1.0) * 100.0;
                    (
                        pct(j.b.ratio),
                        pct(j.b.lower),
                        pct(j.b.upper),
                        j.verdict == Verdict::Regressed,
                    )
                }));
                if let Some(j) = j {
                    rows.push(Row {
                        placement: p.placement.clone(),
                        workload: key.workload().name().to_owned(),
                        params: key.label().to_owned(),
                        version: arm.version.clone(),
                        ratio: j.b.ratio,
                        lower: j.b.lower,
                        upper: j.b.upper,
                        p: j.b.p,
                        control: j.aa.ratio,
                        change: j.shift,
                        disturbed_first: j.disturbed_a,
                        disturbed: j.disturbed_b,
                        verdict: j.verdict,
                    });
                }
            }
            lines
                .entry((p.placement.clone(), key.workload()))
                .or_default()
                .insert(key.label().to_owned(), line);
        }
    }
    let mut summary = Vec::new();
    for v in &versions[1..] {
        let of = |verdict: Verdict| {
            rows.iter()
                .filter(|r| &r.version == v && r.verdict == verdict)
                .count()
        };
        let n = rows.iter().filter(|r| &r.version == v).count();
        summary.push(format!(
            "{v} against {}: {} of {n} cells regressed, {} improved",
            versions[0],
            of(Verdict::Regressed),
            of(Verdict::Improved)
        ));
    }
    for line in &summary {
        println!("{line}");
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut csv =
        csv::Writer::from_path(dir.join("versions.csv")).context("writing versions.csv")?;
    for r in &rows {
        csv.serialize(r).context("writing versions.csv")?;
    }
    csv.flush().context("writing versions.csv")?;
    let md = markdown(c, &versions, &summary, &rows);
    fs::write(dir.join("summary.md"), md).context("writing summary.md")?;
    let mut svgs = Vec::new();
    for ((placement, workload), configurations) in &lines {
        let chart_lines: Vec<charts::VersionLine> = configurations
            .iter()
            .enumerate()
            .map(|(i, (name, points))| charts::VersionLine {
                name: name.clone(),
                colour: i,
                points: points.clone(),
            })
            .collect();
        svgs.push(charts::across_versions(
            &format!(
                "{workload} on {placement}: time per {} against {} {}",
                workload.facts().unit.name(),
                c.arms[0].library,
                versions[0]
            ),
            &versions,
            &chart_lines,
            200.0,
        )?);
    }
    let title = format!(
        "chanbench versions: {} {}",
        c.arms[0].library,
        versions.join(", ")
    );
    let page = document(
        &title,
        html! {
            ul { @for s in &summary { li { (s) } } }
            p.small {
                "Every version ran in the same processes as " (versions[0]) " and a second compiled copy of it, in interleaved rounds (" (c.rounds) " per cell and process, " (c.processes) " processes per placement). "
                "Each point is a version's typical undisturbed run over " (versions[0]) "'s on one configuration, minus one: the median over processes with its distribution-free 95% interval; a circle marks a regression (the Mann-Whitney test of the processes' ratios against the control's gives p < " (rules.alpha) " and the change exceeds " (rules.threshold) "%). Values beyond ±200% are drawn at the edge."
            }
            @for svg in &svgs { div.chart { (PreEscaped(svg)) } }
            table {
                tr { th { "placement" } th { "cell" } th { "version" } th { "change" } th { "95% interval" } th { "p" } th { "control" } th { "verdict" } }
                @for r in &rows {
                    tr class=(r.verdict.name()) {
                        td { (r.placement) } td { (r.workload) "/" (r.params) } td { (r.version) }
                        td { (format!("{:+.1}%", (r.ratio - 1.0) * 100.0)) }
                        td { (format!("{:+.1}% .. {:+.1}%", (r.lower - 1.0) * 100.0, (r.upper - 1.0) * 100.0)) }
                        td { (format!("{:.4}", r.p)) } td { (format!("{:.3}", r.control)) } td { (r.verdict.name()) }
                    }
                }
            }
        },
    );
    fs::write(dir.join("index.html"), page.into_string()).context("writing index.html")?;
    Ok(())
}

/// `summary.md`: the summary per version and every cell that changed.
fn markdown(c: &Comparison, versions: &[String], summary: &[String], rows: &[Row]) -> String {
    let mut md = format!(
        "## chanbench versions: {} {}\n\n{}\n\n| placement | cell | version | change | 95% interval |\n|---|---|---|---|---|\n",
        c.arms[0].library,
        versions.join(", "),
        summary
            .iter()
            .map(|s| format!("- {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for r in rows.iter().filter(|r| r.verdict != Verdict::Unchanged) {
        md.push_str(&format!(
            "| {} | `{}/{}` | {} | {} {:+.1}% | {:+.1}% .. {:+.1}% |\n",
            r.placement,
            r.workload,
            r.params,
            r.version,
            r.verdict.name(),
            (r.ratio - 1.0) * 100.0,
            (r.lower - 1.0) * 100.0,
            (r.upper - 1.0) * 100.0
        ));
    }
    md
}
