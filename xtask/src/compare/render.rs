//! The comparison's outputs: the table on stdout, `compare.csv`, and a page with the chart of
//! every cell's change and its interval.

use std::{fmt::Write as _, fs, path::Path};

use anyhow::{Context, Result};
use chanbench_schema::Unit;
use maud::{PreEscaped, html};
use serde::Serialize;

use super::{
    judge::{Judged, Rules, Verdict},
    pair::Pair,
};
use crate::{
    charts,
    results::Run,
    stats,
    units::{document, time_per},
};

/// One compared cell (a row of `compare.csv`). Times are ns per `unit`, the cell's workload's.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    placement: String,
    workload: String,
    implementation: String,
    params: String,
    /// `message`, `round trip`, `item` or `request`.
    unit: &'static str,
    #[serde(skip)]
    per: Unit,
    /// The baseline's time (the median over its processes of each one's fastest sample).
    base_ns: f64,
    /// The new run's time.
    new_ns: f64,
    /// Change, percent (positive: slower): Hodges-Lehmann by process, else of the geometric means.
    pub change_pct: f64,
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
    compared: &'static str,
    verdict: Verdict,
}

impl Compared {
    /// The row of a judged pair.
    pub fn new(pair: &Pair<'_>, j: &Judged, base_n: usize, new_n: usize, by_process: bool) -> Self {
        let unit = pair.new.workload().facts().unit;
        Self {
            placement: pair.placement.to_owned(),
            workload: pair.new.workload().name().to_owned(),
            implementation: pair.new.implementation().to_owned(),
            params: pair.new.label().to_owned(),
            unit: unit.name(),
            per: unit,
            base_ns: pair.base.time_ns().unwrap_or(f64::NAN),
            new_ns: pair.new.time_ns().unwrap_or(f64::NAN),
            change_pct: j.change,
            change_ci_lower_pct: j.lower,
            change_ci_upper_pct: j.upper,
            p_value: j.p,
            noise_floor_pct: j.noise,
            base_n,
            new_n,
            compared: if by_process { "processes" } else { "samples" },
            verdict: j.verdict,
        }
    }

    fn cell(&self) -> String {
        format!("{}/{}/{}", self.workload, self.implementation, self.params)
    }
}

/// The counts and the one-paragraph summary.
pub struct Summary {
    /// The paragraph.
    pub text: String,
    /// Cells regressed.
    pub regressed: usize,
    /// Cells that look changed without a noise floor.
    pub unverified: usize,
    /// Whether any cell had a noise floor (both sides replicated).
    pub has_noise_floor: bool,
}

/// Counts the verdicts and says what they rest on.
pub fn summary(rows: &[Compared], rules: Rules, only_one_side: usize) -> Summary {
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let (regressed, improved, unchanged, unverified) = (
        count(Verdict::Regressed),
        count(Verdict::Improved),
        count(Verdict::Unchanged),
        count(Verdict::Unverified),
    );
    let noise: Vec<f64> = rows.iter().filter_map(|r| r.noise_floor_pct).collect();
    let mut text = format!(
        "{} cells compared: {regressed} regressed, {improved} improved, {unchanged} unchanged, \
         {unverified} unverified ({:.1}% flagged); threshold {}%, alpha {}",
        rows.len(),
        (regressed + improved) as f64 * 100.0 / rows.len() as f64,
        rules.threshold,
        rules.alpha
    );
    let few = rows
        .iter()
        .filter(|r| r.compared == "processes" && r.base_n.min(r.new_n) < 4)
        .count();
    if few > 0 {
        // The exact two-sided Mann-Whitney p-value of 3 against 3 is at least 0.1.
        let _ = write!(
            text,
            "; {few} cells have fewer than 4 processes on a side, where the rank test may not \
             reach p < {} (use --repeat 5)",
            rules.alpha
        );
    }
    if noise.is_empty() {
        text.push_str(
            "; no noise floor: a side has one process per cell (run both with \
             `cargo xtask bench --repeat 5` to judge regressions)",
        );
    } else {
        let _ = write!(
            text,
            "; noise floor (typical difference between two processes of one run) median {:.1}%, \
             90th percentile {:.1}%",
            stats::median(&noise),
            stats::percentile(&noise, 90)
        );
    }
    let hidden = rows
        .iter()
        .filter(|r| hidden_by_noise(r.change_pct, r.noise_floor_pct, rules.threshold))
        .count();
    if hidden > 0 {
        let _ = write!(
            text,
            "; {hidden} cells moved by more than {}% but not beyond their noise floor: separate \
             runs cannot tell changes that small apart here; measure both builds paired, in the \
             same processes, with `cargo xtask ab A B` (a local build: `NAME=path:DIR`)",
            rules.threshold
        );
    }
    if only_one_side > 0 {
        let _ = write!(text, "; {only_one_side} cells measured in only one run");
    }
    Summary {
        text,
        regressed,
        unverified,
        has_noise_floor: !noise.is_empty(),
    }
}

/// Whether a change beyond the threshold stayed "unchanged" only because two processes of the
/// same code differ by as much: the case where `ab` can see what `compare` cannot.
fn hidden_by_noise(change_pct: f64, noise_pct: Option<f64>, threshold: f64) -> bool {
    noise_pct.is_some_and(|n| change_pct.abs() > threshold && change_pct.abs() <= n)
}

/// The table on stdout, everything flagged and the largest changes first, then how well the new
/// run reproduces the base, then the summary.
pub fn print(rows: &[Compared], reproduction: &[String], summary: &str) {
    println!(
        "{:<10} {:>8} {:>18} {:>8} {:>7}  {:<10} cell",
        "verdict", "change", "95% interval", "p", "noise", "placement"
    );
    for r in rows.iter().rev() {
        println!(
            "{:<10} {:>+7.1}% {:>+8.1}%..{:>+6.1}% {:>8.4} {:>7}  {:<10} {}  ({} → {})",
            r.verdict.name(),
            r.change_pct,
            r.change_ci_lower_pct,
            r.change_ci_upper_pct,
            r.p_value,
            r.noise_floor_pct
                .map_or("-".to_owned(), |n| format!("{n:.1}%")),
            r.placement,
            r.cell(),
            time_per(r.base_ns, r.per),
            time_per(r.new_ns, r.per),
        );
    }
    println!("\nreproduction of the base:");
    for line in reproduction {
        println!("  {line}");
    }
    println!("{summary}");
}

/// Writes `compare.csv` and `index.html` into `out`.
pub fn write(
    out: &Path,
    base: &Run,
    new: &Run,
    rows: &[Compared],
    warnings: &[String],
    summary: &str,
    rules: Rules,
) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut csv = csv::Writer::from_path(out.join("compare.csv"))
        .with_context(|| format!("writing {}", out.join("compare.csv").display()))?;
    for r in rows {
        csv.serialize(r).context("writing compare.csv")?;
    }
    csv.flush().context("writing compare.csv")?;
    let chart = charts::changes(
        &format!(
            "{} vs {}: change in time per unit, 95% intervals",
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
        rules.threshold,
        100.0,
    )?;
    let title = format!(
        "chanbench comparison: {} against {}",
        new.environment.run, base.environment.run
    );
    let page = document(
        &title,
        html! {
            @for w in warnings { p.warning { "The runs differ beyond the code: " (w) } }
            p { (summary) }
            p.small {
                "Each process of a cell contributes its fastest sample (time per unit of its least disturbed batch: a message, a round trip, an item or a request, as the cell's workload counts); the base and new columns show medians, as the report does. Change = the Hodges-Lehmann estimate of new over base (median of all new/base ratios of processes), minus one (positive: slower); "
                "p = Mann-Whitney U test on the processes; the interval is Welch's 95% confidence interval on the log means. "
                "A cell regressed (or improved) only when p < " (rules.alpha) ", the change exceeds " (rules.threshold) "% "
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
                        td { (r.cell()) }
                        td { (time_per(r.base_ns, r.per)) }
                        td { (time_per(r.new_ns, r.per)) }
                        td { (format!("{:+.1}%", r.change_pct)) }
                        td { (format!("{:+.1}% .. {:+.1}%", r.change_ci_lower_pct, r.change_ci_upper_pct)) }
                        td { (format!("{:.4}", r.p_value)) }
                        td { (r.noise_floor_pct.map_or("not measured".to_owned(), |n| format!("{n:.1}%"))) }
                        td { (r.base_n) " vs " (r.new_n) " " (r.compared) }
                    }
                }
            }
        },
    );
    fs::write(out.join("index.html"), page.into_string())
        .with_context(|| format!("writing {}", out.join("index.html").display()))
}

#[cfg(test)]
mod tests {
    use super::hidden_by_noise;

    #[test]
    fn a_change_inside_the_noise_floor_is_the_one_to_measure_paired() {
        assert!(hidden_by_noise(6.0, Some(18.0), 2.0));
        assert!(hidden_by_noise(-6.0, Some(18.0), 2.0));
        assert!(
            !hidden_by_noise(25.0, Some(18.0), 2.0),
            "beyond the floor: judged"
        );
        assert!(
            !hidden_by_noise(1.0, Some(18.0), 2.0),
            "within the threshold: no change"
        );
        assert!(
            !hidden_by_noise(6.0, None, 2.0),
            "no floor: unverified, not hidden"
        );
    }
}
