//! A comparison's outputs: the table on stdout, `ab.csv`, `summary.md` (for a pull request) and
//! `index.html` with every cell's change and interval, sorted, beside the A/A control.

use std::{fs, path::Path};

use anyhow::{Context, Result};
use maud::{PreEscaped, html};
use serde::Serialize;

use super::{
    Comparison,
    judge::{DISTURBED, Rules, Verdict, judge, typical},
};
use crate::{charts, stats, units::document};

/// One judged cell (a row of `ab.csv`). Ratios are B over A (and A' over A), per unit of the
/// cell's workload: `< 1` is faster.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    placement: String,
    workload: String,
    params: String,
    unit: &'static str,
    /// Median over processes of A's typical undisturbed run, ns per unit.
    a_ns: f64,
    /// The change the verdict weighs: B/A over A'/A (Hodges-Lehmann, over processes).
    change: f64,
    b_over_a: f64,
    b_lower: f64,
    b_upper: f64,
    b_p: f64,
    aa_over_a: f64,
    aa_lower: f64,
    aa_upper: f64,
    /// Share of A's runs disturbed (a side parked or preempted), mean over processes.
    disturbed_a: f64,
    /// Share of B's runs disturbed.
    disturbed_b: f64,
    processes: usize,
    /// The knob's calibrated B/A (median over processes), if B is A with extra work.
    knob_calibrated: Option<f64>,
    verdict: Verdict,
    /// Whether A' against A alone would have been flagged: the control's false alarm.
    aa_flagged: bool,
}

/// The counts of a comparison.
pub struct Summary {
    /// Cells judged.
    pub cells: usize,
    /// Regressed.
    pub regressed: usize,
    /// Improved.
    pub improved: usize,
    /// Cells whose A/A control alone was flagged.
    pub aa_flagged: usize,
}

/// Judges every cell of every placement.
pub fn rows(c: &Comparison, rules: Rules) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in &c.placements {
        for records in p.by_cell().values() {
            let Some(j) = judge(records, 2, rules) else {
                continue;
            };
            let key = &records[0].key;
            let a: Vec<f64> = records.iter().map(|r| typical(&r.times_ns[0]).0).collect();
            let knob: Vec<f64> = records
                .iter()
                .filter_map(|r| r.knob.map(|k| k.calibrated_ratio))
                .collect();
            rows.push(Row {
                placement: p.placement.clone(),
                workload: key.workload().name().to_owned(),
                params: key.label().to_owned(),
                unit: key.workload().facts().unit.name(),
                a_ns: stats::median(&a),
                change: j.shift,
                b_over_a: j.b.ratio,
                b_lower: j.b.lower,
                b_upper: j.b.upper,
                b_p: j.b.p,
                aa_over_a: j.aa.ratio,
                aa_lower: j.aa.lower,
                aa_upper: j.aa.upper,
                disturbed_a: j.disturbed_a,
                disturbed_b: j.disturbed_b,
                processes: j.processes,
                knob_calibrated: (!knob.is_empty()).then(|| stats::median(&knob)),
                verdict: j.verdict,
                aa_flagged: j.aa.flagged(rules),
            });
        }
    }
    rows.sort_by(|x, y| x.change.total_cmp(&y.change));
    rows
}

/// Prints the table and writes `ab.csv`, `summary.md` and `index.html` into `dir`.
pub fn write(dir: &Path, c: &Comparison, rules: Rules) -> Result<Summary> {
    let rows = rows(c, rules);
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
    let summary = Summary {
        cells: rows.len(),
        regressed: count(Verdict::Regressed),
        improved: count(Verdict::Improved),
        aa_flagged: rows.iter().filter(|r| r.aa_flagged).count(),
    };
    let (a, b) = (&c.arms[0], &c.arms[2]);
    let pct = |n: usize| n as f64 * 100.0 / rows.len().max(1) as f64;
    let text = format!(
        "{} against {}: {} cells ({} placements × configurations), {} processes each: {} regressed, \
         {} improved ({:.0}% flagged); the A/A control ({} against a second compiled copy) alone \
         would flag {} ({:.1}%). Threshold {}%, alpha {}; a change counts when B/A differs from A'/A \
         over processes (Mann-Whitney) by more than the threshold.",
        b.name,
        a.name,
        summary.cells,
        c.placements.len(),
        c.processes,
        summary.regressed,
        summary.improved,
        pct(summary.regressed + summary.improved),
        a.name,
        summary.aa_flagged,
        pct(summary.aa_flagged),
        rules.threshold,
        rules.alpha
    );
    print_table(&rows, &text);

    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut csv = csv::Writer::from_path(dir.join("ab.csv")).context("writing ab.csv")?;
    for r in &rows {
        csv.serialize(r).context("writing ab.csv")?;
    }
    csv.flush().context("writing ab.csv")?;
    let md = markdown(&rows, &a.name, &b.name, &text);
    fs::write(dir.join("summary.md"), md).context("writing summary.md")?;
    let page = page(c, &rows, rules, &text)?;
    fs::write(dir.join("index.html"), page.into_string()).context("writing index.html")?;
    Ok(summary)
}

/// The table on stdout, the most changed cells last, then the summary.
fn print_table(rows: &[Row], text: &str) {
    println!(
        "{:<10} {:>7} {:>8} {:>17} {:>8} {:>8} {:>9}  {:<10} cell",
        "verdict", "change", "B/A", "95% interval", "p", "A'/A", "disturbed", "placement"
    );
    for r in rows.iter().rev() {
        println!(
            "{:<10} {:>7.3} {:>8.3} {:>8.3}..{:<8.3} {:>8.4} {:>8.3} {:>4.0}/{:<4.0}  {:<10} {}/{}",
            r.verdict.name(),
            r.change,
            r.b_over_a,
            r.b_lower,
            r.b_upper,
            r.b_p,
            r.aa_over_a,
            r.disturbed_a * 100.0,
            r.disturbed_b * 100.0,
            r.placement,
            r.workload,
            r.params
        );
    }
    println!("{text}");
}

/// `summary.md`: the summary and every cell that changed, for a pull request.
fn markdown(rows: &[Row], a: &str, b: &str, text: &str) -> String {
    let mut md = format!(
        "## chanbench ab: `{}` against `{}`\n\n{text}\n\n| verdict | placement | cell | change | B/A | 95% interval | A'/A | runs disturbed, A / B |\n|---|---|---|---|---|---|---|---|\n",
        b, a
    );
    for r in rows
        .iter()
        .rev()
        .filter(|r| r.verdict != Verdict::Unchanged)
    {
        md.push_str(&format!(
            "| {} | {} | `{}/{}` | {:+.1}% | {:.3} | {:.3}–{:.3} | {:.3} | {:.0}% / {:.0}% |\n",
            r.verdict.name(),
            r.placement,
            r.workload,
            r.params,
            (r.change - 1.0) * 100.0,
            r.b_over_a,
            r.b_lower,
            r.b_upper,
            r.aa_over_a,
            r.disturbed_a * 100.0,
            r.disturbed_b * 100.0
        ));
    }
    md
}

/// `index.html`: the summary, the arms, the chart of B/A and of the A/A control, every cell.
fn page(c: &Comparison, rows: &[Row], rules: Rules, text: &str) -> Result<maud::Markup> {
    let (a, b) = (&c.arms[0], &c.arms[2]);
    let change = |x: f64| (x - 1.0) * 100.0;
    let chart = charts::changes(
        &format!(
            "{} against {}: B/A per cell, 95% intervals over processes",
            b.name, a.name
        ),
        &rows
            .iter()
            .map(|r| charts::Change {
                percent: change(r.b_over_a),
                lower: change(r.b_lower),
                upper: change(r.b_upper),
                class: r.verdict.class(),
            })
            .collect::<Vec<_>>(),
        rules.threshold,
        100.0,
    )?;
    let control = charts::changes(
        &format!(
            "A/A control: {} against a second compiled copy of itself",
            a.name
        ),
        &rows
            .iter()
            .map(|r| charts::Change {
                percent: change(r.aa_over_a),
                lower: change(r.aa_lower),
                upper: change(r.aa_upper),
                class: usize::from(r.aa_flagged),
            })
            .collect::<Vec<_>>(),
        rules.threshold,
        100.0,
    )?;
    let title = format!("chanbench ab: {} against {}", b.name, a.name);
    Ok(document(
        &title,
        html! {
            p { (text) }
            table.meta {
                tr { th { "arm" } th { "library" } th { "version" } th { "source" } }
                @for arm in &c.arms { tr { td { (arm.name) } td { (arm.library) } td { (arm.version) } td { (arm.source) } } }
            }
            p.small {
                "Each process runs every cell's arms (A, A's copy, B) in interleaved rounds, the order rotating and reversing from round to round; each round's B/A is a ratio of two runs made moments apart in one process. "
                "Per process, each arm's time is its typical undisturbed run: the median of its runs within " (DISTURBED) "× its fastest in that process (a slower run had a side parked or preempted; the share of such runs is in the table). "
                "B/A and A'/A are medians over " (c.processes) " processes with distribution-free 95% intervals. The change is B/A against A'/A, what a second compiled copy of A differs from A by in the same processes (Hodges-Lehmann estimate); "
                "it counts when the Mann-Whitney test of the processes' B/A against their A'/A gives p < " (rules.alpha) " and it exceeds " (rules.threshold) "%."
            }
            div.chart { (PreEscaped(chart)) }
            div.chart { (PreEscaped(control)) }
            table {
                tr { th { "verdict" } th { "placement" } th { "cell" } th { "A" } th { "change" } th { "B/A" } th { "95% interval" } th { "p" } th { "A'/A" } th { "A'/A interval" } th { "runs disturbed, A / B" } }
                @for r in rows.iter().rev() {
                    tr class=(r.verdict.name()) {
                        td { (r.verdict.name()) } td { (r.placement) } td { (r.workload) "/" (r.params) }
                        td { (crate::units::time(r.a_ns)) "/" (r.unit) }
                        td { (format!("{:+.1}%", (r.change - 1.0) * 100.0)) }
                        td { (format!("{:.3}", r.b_over_a)) } td { (format!("{:.3} .. {:.3}", r.b_lower, r.b_upper)) }
                        td { (format!("{:.4}", r.b_p)) } td { (format!("{:.3}", r.aa_over_a)) }
                        td { (format!("{:.3} .. {:.3}", r.aa_lower, r.aa_upper)) }
                        td { (format!("{:.0}% / {:.0}%", r.disturbed_a * 100.0, r.disturbed_b * 100.0)) }
                    }
                }
            }
        },
    ))
}
