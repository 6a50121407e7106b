//! `cargo xtask compare BASE NEW`: per cell, the change in time per message with a confidence
//! interval and a significance test, judged against a noise floor measured on this machine.
//!
//! The unit of replication is a whole process: with `cargo xtask bench --repeat N` each cell has
//! N processes per run, and the comparison works on one value per process (see [`judge`]): its
//! fastest sample, the batch least disturbed by the machine. On a shared machine interference
//! only ever adds time, and a disturbed process's median moves with it while its fastest batch
//! mostly does not; measured on this 2-core VM, that doubled the share of a 10% slowdown's cells
//! detected at the same false-alarm rate (README, "Comparing runs"). A cell regressed
//! only when its change is significant (Mann-Whitney U, p < `--alpha`), above `--threshold`, and
//! above its noise floor (the typical difference between two processes of the same code in that
//! run). Cells measured by one process on either side are tested on criterion's samples, which
//! understate run-to-run noise: they can be flagged "unverified", never "regressed".

use std::{fmt::Write as _, fs, path::PathBuf};

use anyhow::{Context, Result, bail};
use maud::{DOCTYPE, PreEscaped, html};
use serde::Serialize;

use crate::{
    charts,
    environment::{self, Environment},
    report::{self, View, ns_per_msg, test_values, time},
    results::{CellResult, Run},
    stats,
};

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

/// The judgement of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Not significant, or within the threshold or the noise floor.
    Unchanged,
    /// Slower: significant, above the threshold and above the noise floor.
    Regressed,
    /// Faster by the same rules.
    Improved,
    /// Looks changed, but one side has a single process: no noise floor, no claim.
    Unverified,
}

impl Verdict {
    fn class(self) -> usize {
        match self {
            Verdict::Unchanged => 0,
            Verdict::Regressed => 1,
            Verdict::Improved => 2,
            Verdict::Unverified => 3,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Verdict::Unchanged => "unchanged",
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
            Verdict::Unverified => "unverified",
        }
    }
}

/// One compared cell (a row of `compare.csv`).
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    placement: String,
    workload: String,
    implementation: String,
    params: String,
    /// The baseline's time, ns per message (median of its processes' medians, as in the report).
    base_ns_per_msg: f64,
    /// The new run's time, ns per message.
    new_ns_per_msg: f64,
    /// Change, percent (positive: slower): Hodges-Lehmann by process, else of the geometric means.
    change_pct: f64,
    /// Welch's 95% confidence interval of the change of the geometric means, percent.
    change_ci_lower_pct: f64,
    /// Upper bound.
    change_ci_upper_pct: f64,
    /// Two-sided: Mann-Whitney U by process, Welch's t-test by samples.
    p_value: f64,
    /// The typical (median) difference between two processes of the same run, the larger of the
    /// two runs', percent; `None` when a side has one process.
    noise_floor_pct: Option<f64>,
    /// Values compared on each side: processes, or criterion's samples when a side has one.
    base_n: usize,
    /// On the new side.
    new_n: usize,
    /// `processes` or `samples`.
    unit: &'static str,
    verdict: Verdict,
}

/// How two cells' values are judged.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Percent.
    pub threshold: f64,
    /// Significance level.
    pub alpha: f64,
}

/// Judges one cell from its two sides' values: per process when `by_process` (each side has two
/// or more), else criterion's samples within one process.
///
/// By process: the change is the Hodges-Lehmann estimate (median of all new/base ratios), its
/// significance the Mann-Whitney U test, and the noise floor the larger of the two sides' typical
/// difference between two of their processes; all three are rank- or median-based, so one process
/// disturbed by the machine neither hides nor fakes a change. The interval is Welch's 95% interval
/// on the log means (parametric: it widens with an outlier). By samples there is no noise floor: a
/// change can only be "unverified".
pub fn judge(base: &[f64], new: &[f64], by_process: bool, rules: Rules) -> Option<Judged> {
    let welch = stats::welch_log(base, new)?;
    let (ratio, p, noise) = if by_process {
        let noise = stats::typical_spread(base)?.max(stats::typical_spread(new)?);
        (
            stats::hodges_lehmann_ratio(base, new)?,
            stats::mann_whitney(base, new)?,
            Some(noise * 100.0),
        )
    } else {
        (welch.ratio, welch.p, None)
    };
    let change = (ratio - 1.0) * 100.0;
    let big = change.abs() > rules.threshold && p < rules.alpha;
    let verdict = match noise {
        Some(noise) if big && change.abs() > noise => {
            if change > 0.0 {
                Verdict::Regressed
            } else {
                Verdict::Improved
            }
        }
        Some(_) => Verdict::Unchanged,
        None if big => Verdict::Unverified,
        None => Verdict::Unchanged,
    };
    Some(Judged {
        change,
        lower: (welch.lower - 1.0) * 100.0,
        upper: (welch.upper - 1.0) * 100.0,
        p,
        noise,
        verdict,
    })
}

/// The outcome of [`judge`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    /// Percent.
    pub change: f64,
    /// Percent.
    pub lower: f64,
    /// Percent.
    pub upper: f64,
    /// p-value.
    pub p: f64,
    /// Percent.
    pub noise: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
}

/// What differs between two runs' metadata, beyond the code under test.
fn differences(base: &Environment, new: &Environment) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: {a} → {b}"));
        }
    };
    check("CPU", base.cpu_model.clone(), new.cpu_model.clone());
    check(
        "logical cores",
        base.logical_cores.to_string(),
        new.logical_cores.to_string(),
    );
    check(
        "allowed cores",
        format!("{:?}", base.allowed_cores),
        format!("{:?}", new.allowed_cores),
    );
    check("kernel", base.kernel.clone(), new.kernel.clone());
    check("OS", base.os.clone(), new.os.clone());
    check("compiler", base.rustc.clone(), new.rustc.clone());
    check("profile", base.profile.clone(), new.profile.clone());
    check(
        "hypervisor",
        base.hypervisor.to_string(),
        new.hypervisor.to_string(),
    );
    check(
        "test knobs",
        format!("{:?}", base.test_knobs),
        format!("{:?}", new.test_knobs),
    );
    out.extend(environment::host_differences(
        (base.host.as_ref(), base.build.as_ref()),
        (new.host.as_ref(), new.build.as_ref()),
    ));
    for lib in &new.libraries {
        match base
            .libraries
            .iter()
            .find(|l| l.implementation == lib.implementation)
        {
            Some(old) if old.version != lib.version || old.library != lib.library => {
                out.push(format!(
                    "{}: {} {} → {} {}",
                    lib.implementation, old.library, old.version, lib.library, lib.version
                ))
            }
            _ => {}
        }
    }
    out
}

/// How well NEW reproduces BASE: per placement, the share of channel cells (the workloads the
/// report ranks) whose time per message (median over processes) is within 5% and 10% of BASE's,
/// the floor cells' change, and whether the winners agree. One line per finding.
fn reproduction(base: &Run, new: &Run) -> Vec<String> {
    let (bview, nview) = (View::new(base), View::new(new));
    let channel: Vec<String> = nview.channel_workloads().cloned().collect();
    let mut out = Vec::new();
    for np in &new.placements {
        let Some(bp) = base.placements.iter().find(|p| p.placement == np.placement) else {
            continue;
        };
        let pairs: Vec<(&CellResult, f64, f64)> = np
            .cells
            .iter()
            .filter_map(|nc| {
                let bc = bp.cells.iter().find(|c| c.id() == nc.id())?;
                Some((nc, ns_per_msg(bc)?, ns_per_msg(nc)?))
            })
            .collect();
        let changes: Vec<f64> = pairs
            .iter()
            .filter(|(c, _, _)| channel.contains(&c.workload))
            .map(|(_, b, n)| n / b - 1.0)
            .collect();
        if !changes.is_empty() {
            let within = |x: f64| {
                changes.iter().filter(|c| c.abs() <= x).count() as f64 * 100.0
                    / changes.len() as f64
            };
            out.push(format!(
                "{}: {:.0}% of {} channel cells within ±10% of the base, {:.0}% within ±5% \
                 (the report's figure of each run: the median over its processes of each \
                 process's fastest sample)",
                np.placement,
                within(0.10),
                changes.len(),
                within(0.05)
            ));
        }
        for (c, b, n) in pairs.iter().filter(|(c, _, _)| c.workload == "floor") {
            out.push(format!(
                "{}: floor {} {} → {} ({:+.1}%)",
                np.placement,
                c.implementation,
                time(*b),
                time(*n),
                (n / b - 1.0) * 100.0
            ));
        }
        for w in &channel {
            let (Some(br), Some(nr)) = (bview.rank(bp, w), nview.rank(np, w)) else {
                continue;
            };
            let said = |r: &report::Ranking| match &r.winner {
                Some(winner) if r.reproducible() => format!("{winner} (reproducible)"),
                Some(winner) => format!("{winner} (not reproducible)"),
                None => "no single winner".to_owned(),
            };
            let agree = match (br.reproducible(), nr.reproducible()) {
                (true, true) if br.winner == nr.winner => "agree",
                (true, true) => "DISAGREE: both called reproducible",
                (true, false) | (false, true) => "one is not reproducible",
                (false, false) => "neither is reproducible",
            };
            out.push(format!(
                "{}: {w}: base {}, new {}: {agree}",
                np.placement,
                said(&br),
                said(&nr)
            ));
        }
    }
    out
}

/// Runs `cargo xtask compare`; returns whether anything regressed.
pub fn run(root: &std::path::Path, args: Args) -> Result<bool> {
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
    let warnings = differences(&base.environment, &new.environment);
    for w in &warnings {
        eprintln!("warning: the runs differ beyond the code: {w}");
    }
    if !base.complete() || !new.complete() {
        eprintln!("warning: a run is partial (interrupted); only the cells both have are compared");
    }

    let mut rows = Vec::new();
    let mut only_one_side = 0usize;
    for np in &new.placements {
        let Some(bp) = base.placements.iter().find(|p| p.placement == np.placement) else {
            only_one_side += np.cells.len();
            continue;
        };
        for nc in np.cells.iter().filter(|c| ns_per_msg(c).is_some()) {
            let same = |c: &&CellResult| {
                c.workload == nc.workload
                    && c.implementation == nc.implementation
                    && c.params == nc.params
            };
            let Some(bc) = bp
                .cells
                .iter()
                .find(same)
                .filter(|c| ns_per_msg(c).is_some())
            else {
                only_one_side += 1;
                continue;
            };
            let by_process = bc.repeats_fastest.len() >= 2 && nc.repeats_fastest.len() >= 2;
            let values = |c: &CellResult| {
                if by_process {
                    c.repeats_fastest.clone()
                } else {
                    test_values(c)
                }
            };
            let (bv, nv) = (values(bc), values(nc));
            let Some(j) = judge(&bv, &nv, by_process, rules) else {
                continue;
            };
            rows.push(Compared {
                placement: np.placement.clone(),
                workload: nc.workload.clone(),
                implementation: nc.implementation.clone(),
                params: nc.params.clone(),
                base_ns_per_msg: ns_per_msg(bc).unwrap_or(f64::NAN),
                new_ns_per_msg: ns_per_msg(nc).unwrap_or(f64::NAN),
                change_pct: j.change,
                change_ci_lower_pct: j.lower,
                change_ci_upper_pct: j.upper,
                p_value: j.p,
                noise_floor_pct: j.noise,
                base_n: bv.len(),
                new_n: nv.len(),
                unit: if by_process { "processes" } else { "samples" },
                verdict: j.verdict,
            });
        }
    }
    if rows.is_empty() {
        bail!(
            "{} and {} have no measured cell in common",
            base.dir.display(),
            new.dir.display()
        );
    }
    rows.sort_by(|a, b| a.change_pct.total_cmp(&b.change_pct));
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let (regressed, improved, unchanged, unverified) = (
        count(Verdict::Regressed),
        count(Verdict::Improved),
        count(Verdict::Unchanged),
        count(Verdict::Unverified),
    );
    let noise: Vec<f64> = rows.iter().filter_map(|r| r.noise_floor_pct).collect();
    let mut summary = format!(
        "{} cells compared: {regressed} regressed, {improved} improved, {unchanged} unchanged, \
         {unverified} unverified ({:.1}% flagged); threshold {}%, alpha {}",
        rows.len(),
        (regressed + improved) as f64 * 100.0 / rows.len() as f64,
        args.threshold,
        args.alpha
    );
    let few = rows
        .iter()
        .filter(|r| r.unit == "processes" && r.base_n.min(r.new_n) < 4)
        .count();
    if few > 0 {
        let _ = write!(
            summary,
            "; {few} cells have fewer than 4 processes on a side, where the rank test cannot reach \
             p < 0.05 (use --repeat 5)"
        );
    }
    if noise.is_empty() {
        summary.push_str(
            "; no noise floor: a side has one process per cell (run both with \
             `cargo xtask bench --repeat 5` to judge regressions)",
        );
    } else {
        let mut sorted = noise.clone();
        sorted.sort_by(f64::total_cmp);
        let _ = write!(
            summary,
            "; noise floor (typical difference between two processes of one run) median {:.1}%, \
             90th percentile {:.1}%",
            stats::median(&noise),
            sorted[(sorted.len() * 9 / 10).min(sorted.len() - 1)]
        );
    }
    if only_one_side > 0 {
        let _ = write!(summary, "; {only_one_side} cells measured in only one run");
    }

    // The table: everything flagged, then the largest changes.
    println!(
        "{:<10} {:>8} {:>18} {:>8} {:>7}  {:<10} cell",
        "verdict", "change", "95% interval", "p", "noise", "placement"
    );
    for r in rows.iter().rev() {
        println!(
            "{:<10} {:>+7.1}% {:>+8.1}%..{:>+6.1}% {:>8.4} {:>7}  {:<10} {}/{}/{}  ({} → {} per msg)",
            r.verdict.name(),
            r.change_pct,
            r.change_ci_lower_pct,
            r.change_ci_upper_pct,
            r.p_value,
            r.noise_floor_pct
                .map_or("-".to_owned(), |n| format!("{n:.1}%")),
            r.placement,
            r.workload,
            r.implementation,
            r.params,
            time(r.base_ns_per_msg),
            time(r.new_ns_per_msg),
        );
    }
    println!("\nreproduction of the base:");
    for line in reproduction(&base, &new) {
        println!("  {line}");
    }
    println!("{summary}");

    let out = args.out.clone().unwrap_or_else(|| {
        new.dir.join(format!(
            "compare-{}",
            base.dir
                .file_name()
                .map_or("base".into(), |n| n.to_string_lossy().into_owned())
        ))
    });
    fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut csv = csv::Writer::from_path(out.join("compare.csv"))
        .with_context(|| format!("writing {}", out.join("compare.csv").display()))?;
    for r in &rows {
        csv.serialize(r).context("writing compare.csv")?;
    }
    csv.flush().context("writing compare.csv")?;
    let chart = charts::changes(
        &format!(
            "{} vs {}: change in time per message, 95% intervals",
            new.environment.run, base.environment.run
        ),
        &rows
            .iter()
            .map(|r| charts::Change {
                percent: r.change_pct,
                lower: r.change_ci_lower_pct,
                upper: r.change_ci_upper_pct,
                class: r.verdict.class(),
            })
            .collect::<Vec<_>>(),
        args.threshold,
        100.0,
    )?;
    let title = format!(
        "chanbench comparison: {} against {}",
        new.environment.run, base.environment.run
    );
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                @for w in &warnings { p.warning { "The runs differ beyond the code: " (w) } }
                p { (summary) }
                p.small {
                    "Each process of a cell contributes its fastest sample (time per message of its least disturbed batch); the base and new columns show medians, as the report does. Change = the Hodges-Lehmann estimate of new over base (median of all new/base ratios of processes), minus one (positive: slower); "
                    "p = Mann-Whitney U test on the processes; the interval is Welch's 95% confidence interval on the log means. "
                    "A cell regressed (or improved) only when p < " (args.alpha) ", the change exceeds " (args.threshold) "% "
                    "and it exceeds the cell's noise floor: the typical difference between two processes of the same code in one run, the larger of the two runs'. "
                    "Cells with one process on a side are tested on criterion's samples (Welch) and can only be unverified. "
                    "Charted values beyond ±100% are drawn at the edge."
                }
                div.chart { (PreEscaped(chart)) }
                table {
                    tr { th { "verdict" } th { "placement" } th { "cell" } th { "base" } th { "new" } th { "change" } th { "95% interval" } th { "p" } th { "noise floor" } th { "compared" } }
                    @for r in rows.iter().rev() {
                        tr class=(r.verdict.name()) {
                            td { (r.verdict.name()) }
                            td { (r.placement) }
                            td { (r.workload) "/" (r.implementation) "/" (r.params) }
                            td { (time(r.base_ns_per_msg)) "/msg" }
                            td { (time(r.new_ns_per_msg)) "/msg" }
                            td { (format!("{:+.1}%", r.change_pct)) }
                            td { (format!("{:+.1}% .. {:+.1}%", r.change_ci_lower_pct, r.change_ci_upper_pct)) }
                            td { (format!("{:.4}", r.p_value)) }
                            td { (r.noise_floor_pct.map_or("not measured".to_owned(), |n| format!("{n:.1}%"))) }
                            td { (r.base_n) " vs " (r.new_n) " " (r.unit) }
                        }
                    }
                }
            }
        }
    };
    fs::write(out.join("index.html"), page.into_string())
        .with_context(|| format!("writing {}", out.join("index.html").display()))?;
    eprintln!("comparison: {}", out.join("index.html").display());
    if args.fail_on_regression && noise.is_empty() && unverified > 0 {
        eprintln!(
            "note: {unverified} cells look changed but cannot be judged without a noise floor; \
             --fail-on-regression needs runs made with --repeat 2 or more"
        );
    }
    Ok(args.fail_on_regression && regressed > 0)
}

const CSS: &str = "
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1400px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left; }
th { background: #f4f4f4; }
tr.regressed td { background: #fde2e2; } tr.improved td { background: #e2f5e2; }
tr.unverified td { background: #fff1e0; }
.warning { background: #fff3cd; border: 1px solid #e0b100; padding: 0.5em; }
.small { font-size: 0.85em; color: #555; }
.chart svg { max-width: 100%; height: auto; }
";

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rules = Rules {
        threshold: 5.0,
        alpha: 0.05,
    };

    #[test]
    fn a_clear_slowdown_beyond_the_noise_regresses() {
        // Five processes a side, one new process disturbed by the machine.
        let base = [100.0, 101.0, 99.5, 100.2, 100.5];
        let new = [110.0, 111.0, 109.0, 110.5, 180.0];
        let j = judge(&base, &new, true, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Regressed, "{j:?}");
        assert!((j.change - 10.0).abs() < 1.0, "{j:?}");
        assert!(j.noise.unwrap() < 2.0, "{j:?}");
        let j = judge(&new, &base, true, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Improved, "{j:?}");
    }

    #[test]
    fn noise_threshold_and_significance_each_hold_a_change_back() {
        // Significant and above the threshold, but inside this cell's noise floor: its base
        // processes land in two modes 40% apart.
        let base = [100.0, 101.0, 70.0, 72.0, 102.0];
        let new = [110.0, 111.0, 109.0, 110.5, 109.5];
        let noisy = judge(&base, &new, true, RULES).unwrap();
        assert!(noisy.p < 0.05 && noisy.change > 5.0, "{noisy:?}");
        assert!(noisy.noise.unwrap() > noisy.change, "{noisy:?}");
        assert_eq!(noisy.verdict, Verdict::Unchanged, "{noisy:?}");
        // Significant and beyond the noise, but under the threshold.
        let base = [100.0, 100.1, 99.9, 100.05, 99.95];
        let small: Vec<f64> = base.iter().map(|x| x * 1.03).collect();
        let small = judge(&base, &small, true, RULES).unwrap();
        assert!(small.p < 0.05, "{small:?}");
        assert_eq!(small.verdict, Verdict::Unchanged, "{small:?}");
        // Large but not significant: the processes overlap.
        let unsure = judge(
            &[100.0, 160.0, 120.0, 140.0],
            &[120.0, 200.0, 110.0, 150.0],
            true,
            RULES,
        );
        let unsure = unsure.unwrap();
        assert!(unsure.p > 0.05, "{unsure:?}");
        assert_eq!(unsure.verdict, Verdict::Unchanged, "{unsure:?}");
        // Three processes a side can never be significant at 0.05 with a rank test (the
        // smallest two-sided p is 0.1 exact, 0.081 approximated): the verdict needs four or more.
        let three = judge(&[100.0, 101.0, 99.0], &[150.0, 151.0, 149.0], true, RULES).unwrap();
        assert!(three.p > 0.05, "{three:?}");
        assert_eq!(three.verdict, Verdict::Unchanged);
    }

    #[test]
    fn without_processes_a_change_is_only_unverified() {
        let base: Vec<f64> = (0..20).map(|i| 100.0 + f64::from(i % 3)).collect();
        let new: Vec<f64> = base.iter().map(|x| x * 1.2).collect();
        let j = judge(&base, &new, false, RULES).unwrap();
        assert_eq!(j.verdict, Verdict::Unverified, "{j:?}");
        assert_eq!(j.noise, None);
    }

    fn environment() -> Environment {
        serde_json::from_value(serde_json::json!({
            "schema": 1, "run": "a", "profile": "quick", "cpu_model": "X", "logical_cores": 2,
            "physical_cores": 2, "allowed_cores": [0, 1], "hypervisor": true, "kernel": "6",
            "os": "D", "rustc": "1.95", "libraries": [{"implementation": "flume", "library": "flume", "version": "0.12.0"}],
            "git_revision": null, "git_dirty": null, "load_average_before": [], "started": "t",
            "ended": null, "interrupted": false,
            "request": {"impls": [], "workloads": [], "placements": ["one-core"]},
            "host": {
                "vendor": "AuthenticAMD", "family": "25", "model": "1", "stepping": "1",
                "microcode": "0xa0011d1", "mhz": "2445.406",
                "caches": ["L1 Data 32K", "L1 Instruction 32K", "L2 Unified 512K", "L3 Unified 32768K"],
                "flags": ["fpu", "sse2", "avx2", "hypervisor"], "kernel_build": "#1 SMP PREEMPT_DYNAMIC",
                "hypervisor_vendor": "KVMKVMKVM"
            },
            "build": {"rustflags": "", "target_cpu": "default", "target_features": ["sse2"], "profile": {"opt_level": "3"}}
        }))
        .unwrap()
    }

    #[test]
    fn metadata_differences_are_listed() {
        let env = environment();
        assert!(
            differences(&env, &env).is_empty(),
            "{:?}",
            differences(&env, &env)
        );
        let mut other = env.clone();
        other.cpu_model = "Y".into();
        other.libraries[0].version = "0.11.0".into();
        other.test_knobs = vec!["CHANBENCH_SLOWDOWN=flume:10".into()];
        let d = differences(&env, &other);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(
            d.iter().any(|x| x.contains("0.12.0 → flume 0.11.0")),
            "{d:?}"
        );
    }

    #[test]
    fn hosts_that_differ_only_in_stepping_or_microcode_are_told_apart() {
        let env = environment();
        // The same model name, family and model number: only the stepping differs.
        let mut stepping = env.clone();
        stepping.host.as_mut().unwrap().stepping = "2".into();
        assert_eq!(
            differences(&env, &stepping),
            ["host CPU stepping: 1 → 2"],
            "a different stepping must be reported"
        );
        // Only the microcode differs.
        let mut microcode = env.clone();
        microcode.host.as_mut().unwrap().microcode = "0xa0011d5".into();
        assert_eq!(
            differences(&env, &microcode),
            ["host microcode: 0xa0011d1 → 0xa0011d5"]
        );
        // A build with other flags is another measurement too.
        let mut native = env.clone();
        let build = native.build.as_mut().unwrap();
        build.rustflags = "-C target-cpu=native".into();
        build.target_cpu = "native".into();
        let d = differences(&env, &native);
        assert!(
            d.iter()
                .any(|x| x.starts_with("build target CPU: default → native")),
            "{d:?}"
        );
        // A run stored before fingerprints were recorded cannot be vouched for.
        let mut old = env.clone();
        old.host = None;
        let d = differences(&old, &env);
        assert!(d.iter().any(|x| x.contains("no host fingerprint")), "{d:?}");
    }
}
