//! `cargo xtask report [RUN]`: one self-contained HTML page per run (inline CSS and SVG charts, no
//! scripts, no network), written to `<run>/report/index.html` with its exports beside it:
//! `cells.csv` (every cell), `summary.md` (for a pull request) and `bmf.json` (Bencher Metric
//! Format). `bench` writes it at the end of every run.
//!
//! Every time is per message (ping-pong: per round trip, the unit its workload counts), and every
//! number is printed with its unit.

use std::{collections::BTreeMap, fs, path::Path};

use anyhow::{Context, Result};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use crate::{
    charts::{self, Curve, Dot, Series},
    results::{CellResult, PlacementResults, Run},
    stats,
};

mod strategies;

pub use strategies::FAMILIES;

/// `cargo xtask report` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The run: a name under the results folder, or a run's folder (default: the latest run).
    #[arg(default_value = "latest")]
    run: String,
    /// Where runs are stored.
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: std::path::PathBuf,
}

/// Runs `cargo xtask report`.
pub fn run(root: &Path, args: Args) -> Result<()> {
    let run = Run::load(&root.join(&args.results), &args.run)?;
    let index = write(&run)?;
    eprintln!("report: {}", index.display());
    Ok(())
}

/// Workloads that are not channel cells: the hardware floor and the zero-cost check.
pub const BASELINES: [&str; 2] = ["floor", "zero-cost"];
/// The significance level of the report's tests.
const ALPHA: f64 = 0.05;

/// The smallest margin a reproducible winner must be sure of: 5%, the threshold below which
/// `compare` calls a change unchanged. Processes of one run share the machine's state of the
/// hour; two runs on the same machine drift apart by a few percent more than that spread shows
/// (measured here: a cross-core ping-pong winner at 1.01-1.05x in one run was the runner-up in
/// the next), so a margin surely above 1 but not surely above 1.05 is no claim.
pub const MIN_MARGIN: f64 = 1.05;

/// Writes the report of `run` and its exports; returns the page's path.
pub fn write(run: &Run) -> Result<std::path::PathBuf> {
    let dir = run.dir.join("report");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let view = View::new(run);
    let page = view.page()?;
    let index = dir.join("index.html");
    fs::write(&index, page.into_string())
        .with_context(|| format!("writing {}", index.display()))?;
    let rows = view.rows();
    let mut csv = csv::Writer::from_path(dir.join("cells.csv"))
        .with_context(|| format!("writing {}", dir.join("cells.csv").display()))?;
    for row in &rows {
        csv.serialize(row).context("writing cells.csv")?;
    }
    csv.flush().context("writing cells.csv")?;
    fs::write(dir.join("summary.md"), view.markdown()).context("writing summary.md")?;
    let bmf = serde_json::to_string_pretty(&view.bmf(&rows)).context("serializing bmf.json")?;
    fs::write(dir.join("bmf.json"), bmf).context("writing bmf.json")?;
    Ok(index)
}

/// Distinct values in first-seen order.
fn ordered<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    items.into_iter().fold(Vec::new(), |mut v, x| {
        if !v.contains(&x) {
            v.push(x);
        }
        v
    })
}

/// Formats a duration in nanoseconds with a unit chosen for it.
pub fn time(ns: f64) -> String {
    match ns {
        x if !x.is_finite() => "?".to_owned(),
        x if x >= 1e9 => format!("{:.3} s", x / 1e9),
        x if x >= 1e6 => format!("{:.3} ms", x / 1e6),
        x if x >= 1e3 => format!("{:.3} µs", x / 1e3),
        x if x >= 100.0 => format!("{x:.0} ns"),
        x => format!("{x:.2} ns"),
    }
}

/// Formats a rate in messages per second.
fn rate(per_s: f64) -> String {
    match per_s {
        x if x >= 1e9 => format!("{:.2} G msg/s", x / 1e9),
        x if x >= 1e6 => format!("{:.2} M msg/s", x / 1e6),
        x if x >= 1e3 => format!("{:.2} k msg/s", x / 1e3),
        x => format!("{x:.1} msg/s"),
    }
}

/// A cell's time per message, the report's headline figure: the median over its processes of
/// each process's fastest sample (runs stored before those were kept: criterion's median).
///
/// The fastest sample is the batch least disturbed by the machine: another tenant, a preempted
/// peer or a parked wake-up only ever add time. Measured on this project's 2-core VM, two
/// back-to-back default runs agreed within 10% on 83% of cross-core channel cells this way,
/// against 75% for the median over processes of each process's median sample, whose bimodal
/// cells (a blocking channel's ping-pong that parks in some samples) flip with the share of
/// disturbed samples. The typical sample is reported beside it ([`typical_ns_per_msg`]), and the
/// cost run's latency percentiles show how often the slow case happens.
pub fn ns_per_msg(cell: &CellResult) -> Option<f64> {
    if !cell.repeats_fastest.is_empty() {
        Some(stats::median(&cell.repeats_fastest))
    } else {
        cell.estimates.map(|e| e.median.ns_per_msg)
    }
}

/// A cell's typical time per message: the median over its processes of each process's median
/// sample (criterion's median with one process).
pub fn typical_ns_per_msg(cell: &CellResult) -> Option<f64> {
    if !cell.repeats.is_empty() {
        Some(stats::median(&cell.repeats))
    } else {
        cell.estimates.map(|e| e.median.ns_per_msg)
    }
}

/// The per-process values behind [`ns_per_msg`]: each process's fastest sample.
pub fn process_values(cell: &CellResult) -> &[f64] {
    &cell.repeats_fastest
}

/// The values a test compares for a cell: one per process when it has several, else criterion's
/// samples (within one process: they understate the run-to-run spread).
pub fn test_values(cell: &CellResult) -> Vec<f64> {
    if cell.repeats.len() >= 2 {
        cell.repeats.clone()
    } else {
        cell.samples
            .as_ref()
            .map(stats::per_message)
            .unwrap_or_default()
    }
}

fn cost(cell: &CellResult, field: &str) -> Option<f64> {
    cell.cost.as_ref()?.get(field)?.as_f64()
}

fn latency(cell: &CellResult, field: &str) -> Option<f64> {
    cell.cost.as_ref()?.get("latency")?.get(field)?.as_f64()
}

fn switches(cell: &CellResult) -> Option<f64> {
    Some(cost(cell, "voluntary_switches_per_msg")? + cost(cell, "involuntary_switches_per_msg")?)
}

/// The hardware floor a workload is measured against: an atomic round trip for ping-pong, a
/// lock-free ring for the streaming workloads; none for `seq` (one thread).
fn floor_of(workload: &str) -> Option<&'static str> {
    match workload {
        "seq" => None,
        "ping-pong" => Some("atomic-ping-pong"),
        _ => Some("spsc-ring"),
    }
}

/// Bytes of a payload label (`u64`, `zst`, `inline-1KiB`, `vec-64KiB-cloned` ...).
fn payload_bytes(label: &str) -> Option<f64> {
    match label {
        "zst" => return Some(0.0),
        "u64" => return Some(8.0),
        _ => {}
    }
    let size = label.split('-').nth(1)?;
    let (digits, unit) = size.split_at(size.find(|c: char| !c.is_ascii_digit())?);
    let n: f64 = digits.parse().ok()?;
    Some(match unit {
        "B" => n,
        "KiB" => n * 1024.0,
        "MiB" => n * 1024.0 * 1024.0,
        _ => return None,
    })
}

/// The winner of one workload on one placement.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Implementations, best score first: the geometric mean over the configurations they ran of
    /// their time relative to the fastest in each.
    pub order: Vec<(String, f64)>,
    /// The winner: the best-scored implementation that is at least as fast as every other one on
    /// the configurations they both ran. `None` when no implementation is (each loses somewhere).
    pub winner: Option<String>,
    /// Of the implementations sharing configurations with the winner, the closest: the one the
    /// margin is measured against.
    pub runner_up: Option<String>,
    /// The runner-up's time over the winner's, geometric mean over the configurations both ran;
    /// never below 1.
    pub margin: Option<f64>,
    /// Configurations both ran.
    pub shared: usize,
    /// Whether the margin holds up against the process-to-process spread.
    pub replication: Replication,
}

/// Whether a winner's margin reproduces: tested on whole processes, never on samples within one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Replication {
    /// Fewer than two processes measured both sides: nothing can be said about reproduction.
    NotReplicated,
    /// The per-process margins (each process's geometric mean over the shared configurations of
    /// runner-up / winner, both measured by that process) tested against 1 (one-sample t-test on
    /// their logs).
    Tested {
        /// Processes.
        processes: usize,
        /// The 95% confidence interval of the margin, from the spread between processes.
        lower: f64,
        /// Upper bound.
        upper: f64,
        /// Two-sided p-value.
        p: f64,
    },
}

impl Ranking {
    /// Reproducible: the whole 95% interval of the margin over processes lies above
    /// [`MIN_MARGIN`] (so p < 0.05 too): the winner would win again in another run.
    pub fn reproducible(&self) -> bool {
        matches!(self.replication, Replication::Tested { lower, p, .. } if lower > MIN_MARGIN && p < ALPHA)
    }
}

/// A placement's name and its ranking of one workload (`None`: nothing measured).
type PlacementRanking = (String, Option<Ranking>);

/// The run, indexed for the report.
pub struct View<'a> {
    run: &'a Run,
    /// Implementation ids in registry order, then any others.
    impls: Vec<String>,
    /// Workloads in matrix order.
    workloads: Vec<String>,
}

/// A row of `cells.csv`.
#[derive(Debug, Serialize)]
pub struct Row {
    placement: String,
    workload: String,
    implementation: String,
    params: String,
    status: String,
    ns_per_msg: Option<f64>,
    typical_ns_per_msg: Option<f64>,
    /// The range over processes of their fastest samples; with one process, criterion's 95%
    /// interval of its median.
    ns_per_msg_low: Option<f64>,
    ns_per_msg_high: Option<f64>,
    processes: usize,
    msgs_per_s: Option<f64>,
    floor_multiple: Option<f64>,
    cpu_ns_per_msg: Option<f64>,
    cost_wall_ns_per_msg: Option<f64>,
    context_switches_per_msg: Option<f64>,
    allocations_per_msg: Option<f64>,
    allocated_bytes_per_msg: Option<f64>,
    latency_p50_ns: Option<f64>,
    latency_p99_ns: Option<f64>,
    latency_p999_ns: Option<f64>,
    missing: String,
}

impl<'a> View<'a> {
    /// Indexes `run`.
    pub fn new(run: &'a Run) -> Self {
        let mut impls: Vec<String> = run
            .environment
            .libraries
            .iter()
            .map(|l| l.implementation.clone())
            .collect();
        let mut workloads: Vec<String> = Vec::new();
        for cell in run.placements.iter().flat_map(|p| &p.cells) {
            // Strategies without a channel (sequential, rayon, direct-call ...) are not
            // implementations; they appear in their families' sections only.
            let strategy_only = FAMILIES.contains(&cell.workload.as_str());
            if !BASELINES.contains(&cell.workload.as_str())
                && !strategy_only
                && !impls.contains(&cell.implementation)
            {
                impls.push(cell.implementation.clone());
            }
            if !workloads.contains(&cell.workload) {
                workloads.push(cell.workload.clone());
            }
        }
        // Channel workloads first, the baselines last.
        workloads.sort_by_key(|w| BASELINES.contains(&w.as_str()));
        View {
            run,
            impls,
            workloads,
        }
    }

    /// The channel workloads: not the baselines, not the strategy families (which have their own
    /// sections and are not rankings of channels).
    pub fn channel_workloads(&self) -> impl Iterator<Item = &String> {
        self.workloads
            .iter()
            .filter(|w| !BASELINES.contains(&w.as_str()) && !FAMILIES.contains(&w.as_str()))
    }

    fn cells<'p>(
        placement: &'p PlacementResults,
        workload: &'p str,
    ) -> impl Iterator<Item = &'p CellResult> {
        placement
            .cells
            .iter()
            .filter(move |c| c.workload == workload)
    }

    /// The measured cells of `workload` on `placement`.
    fn measured<'p>(placement: &'p PlacementResults, workload: &'p str) -> Vec<&'p CellResult> {
        Self::cells(placement, workload)
            .filter(|c| ns_per_msg(c).is_some())
            .collect()
    }

    /// The workload's configurations (params), in the order the run met them.
    fn params(&self, workload: &str) -> Vec<String> {
        ordered(
            self.run
                .placements
                .iter()
                .flat_map(|p| Self::cells(p, workload))
                .map(|c| c.params.clone()),
        )
    }

    fn floor(placement: &PlacementResults, workload: &str) -> Option<f64> {
        let floor = floor_of(workload)?;
        placement
            .cells
            .iter()
            .find(|c| c.workload == "floor" && c.implementation == floor)
            .and_then(ns_per_msg)
    }

    /// Ranks the implementations of `workload` on `placement`.
    pub fn rank(&self, placement: &PlacementResults, workload: &str) -> Option<Ranking> {
        let measured = Self::measured(placement, workload);
        let mut best: BTreeMap<&str, f64> = BTreeMap::new();
        for c in &measured {
            let ns = ns_per_msg(c)?;
            let e = best.entry(c.params.as_str()).or_insert(ns);
            *e = e.min(ns);
        }
        let mut order: Vec<(String, f64)> = self
            .impls
            .iter()
            .filter_map(|i| {
                let ratios: Vec<f64> = measured
                    .iter()
                    .filter(|c| &c.implementation == i)
                    .filter_map(|c| Some(ns_per_msg(c)? / best[c.params.as_str()]))
                    .collect();
                (!ratios.is_empty()).then(|| (i.clone(), stats::geometric_mean(&ratios)))
            })
            .collect();
        if order.is_empty() {
            return None;
        }
        order.sort_by(|a, b| a.1.total_cmp(&b.1));
        // Pairs of cells of `a` and `b` on the configurations both ran.
        let pairs = |a: &str, b: &str| -> Vec<(&CellResult, &CellResult)> {
            measured
                .iter()
                .filter(|x| x.implementation == a)
                .filter_map(|x| {
                    let y = measured
                        .iter()
                        .find(|y| y.implementation == b && y.params == x.params)?;
                    Some((*x, *y))
                })
                .collect()
        };
        // other / candidate over the shared configurations.
        let margin = |candidate: &str, other: &str| -> Option<f64> {
            let ratios: Vec<f64> = pairs(candidate, other)
                .iter()
                .filter_map(|(w, r)| Some(ns_per_msg(r)? / ns_per_msg(w)?))
                .collect();
            (!ratios.is_empty()).then(|| stats::geometric_mean(&ratios))
        };
        // The winner is the best-scored implementation that no other beats on the configurations
        // they share: the score alone could crown one that is slower than its runner-up where
        // both ran (it ran more of the configurations where everyone is slow).
        let mut ranking = Ranking {
            order,
            winner: None,
            runner_up: None,
            margin: None,
            shared: 0,
            replication: Replication::NotReplicated,
        };
        for (candidate, _) in &ranking.order {
            let closest = ranking
                .order
                .iter()
                .filter(|(other, _)| other != candidate)
                .filter_map(|(other, _)| Some((other, margin(candidate, other)?)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            match closest {
                Some((_, m)) if m < 1.0 => continue,
                Some((other, m)) => {
                    ranking.runner_up = Some(other.clone());
                    ranking.margin = Some(m);
                }
                None => {}
            }
            ranking.winner = Some(candidate.clone());
            break;
        }
        let (Some(winner), Some(second)) = (&ranking.winner, &ranking.runner_up) else {
            return Some(ranking);
        };
        let shared = pairs(winner, second);
        ranking.shared = shared.len();
        // Per process: its own margin over the shared configurations. Processes are matched by
        // position (the k-th process of a run measured both cells).
        let processes = shared
            .iter()
            .map(|(w, r)| process_values(w).len().min(process_values(r).len()))
            .min()
            .unwrap_or(0);
        let aligned = shared.iter().all(|(w, r)| {
            process_values(w).len() == processes && process_values(r).len() == processes
        });
        if processes >= 2 && aligned {
            let per_process: Vec<f64> = (0..processes)
                .map(|k| {
                    let ratios: Vec<f64> = shared
                        .iter()
                        .map(|(w, r)| process_values(r)[k] / process_values(w)[k])
                        .collect();
                    stats::geometric_mean(&ratios)
                })
                .collect();
            if let Some(d) = stats::paired_log(&per_process) {
                ranking.replication = Replication::Tested {
                    processes,
                    lower: d.lower,
                    upper: d.upper,
                    p: d.p,
                };
            }
        }
        Some(ranking)
    }

    /// Every cell as a CSV row.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for p in &self.run.placements {
            for w in &self.workloads {
                for c in Self::cells(p, w) {
                    let ns = ns_per_msg(c);
                    rows.push(Row {
                        placement: p.placement.clone(),
                        workload: c.workload.clone(),
                        implementation: c.implementation.clone(),
                        params: c.params.clone(),
                        status: c.status.clone(),
                        ns_per_msg: ns,
                        typical_ns_per_msg: typical_ns_per_msg(c),
                        ns_per_msg_low: match process_values(c) {
                            v if v.len() >= 2 => v.iter().copied().reduce(f64::min),
                            _ => c.estimates.map(|e| e.median.lower),
                        },
                        ns_per_msg_high: match process_values(c) {
                            v if v.len() >= 2 => v.iter().copied().reduce(f64::max),
                            _ => c.estimates.map(|e| e.median.upper),
                        },
                        processes: c.repeats.len(),
                        msgs_per_s: ns.map(|ns| 1e9 / ns),
                        floor_multiple: ns.zip(Self::floor(p, w)).map(|(ns, f)| ns / f),
                        cpu_ns_per_msg: cost(c, "cpu_ns_per_msg"),
                        cost_wall_ns_per_msg: cost(c, "wall_ns_per_msg"),
                        context_switches_per_msg: switches(c),
                        allocations_per_msg: cost(c, "allocations_per_msg"),
                        allocated_bytes_per_msg: cost(c, "allocated_bytes_per_msg"),
                        latency_p50_ns: latency(c, "p50_ns"),
                        latency_p99_ns: latency(c, "p99_ns"),
                        latency_p999_ns: latency(c, "p999_ns"),
                        missing: c.missing.join(" "),
                    });
                }
            }
        }
        rows
    }

    /// Bencher Metric Format: `{ "<placement>/<cell id>": { "latency": {...}, ... } }`, where
    /// "latency" is ns per message with the range over processes (one process: criterion's 95%
    /// interval) and "throughput" messages/s.
    pub fn bmf(&self, rows: &[Row]) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for r in rows {
            let Some(ns) = r.ns_per_msg else { continue };
            let mut measures = serde_json::Map::new();
            let mut latency = serde_json::json!({ "value": ns });
            if let (Some(lo), Some(hi)) = (r.ns_per_msg_low, r.ns_per_msg_high) {
                latency["lower_value"] = lo.into();
                latency["upper_value"] = hi.into();
            }
            measures.insert("latency".into(), latency);
            measures.insert(
                "throughput".into(),
                serde_json::json!({ "value": 1e9 / ns }),
            );
            if let Some(cpu) = r.cpu_ns_per_msg {
                measures.insert("cpu-ns-per-msg".into(), serde_json::json!({ "value": cpu }));
            }
            out.insert(
                format!(
                    "{}/{}/{}/{}",
                    r.placement, r.workload, r.implementation, r.params
                ),
                measures.into(),
            );
        }
        out.into()
    }

    /// The verdict in words: who wins, by how much, and whether it reproduces.
    pub fn verdict(ranking: &Ranking) -> String {
        let Some(winner) = &ranking.winner else {
            return format!(
                "no single winner: {} scores best, but every implementation is slower than another \
                 on the configurations they both ran",
                ranking.order[0].0
            );
        };
        let (Some(second), Some(m)) = (&ranking.runner_up, ranking.margin) else {
            return format!("{winner} (no other implementation ran its configurations)");
        };
        let head = format!(
            "{winner}: {m:.2}× faster than {second} (geometric mean over the {} configurations \
             both ran)",
            ranking.shared
        );
        match ranking.replication {
            Replication::NotReplicated => format!(
                "{head}; not replicated: one process per cell, so this may be one process's luck \
                 (run with --repeat 3 or more)"
            ),
            Replication::Tested {
                processes,
                lower,
                upper,
                p,
            } => {
                let interval = format!(
                    "95% interval over {processes} processes {lower:.2}×–{upper:.2}×, p = {p:.3}"
                );
                if ranking.reproducible() {
                    format!("{head}; reproducible ({interval})")
                } else {
                    format!(
                        "{head}; not reproducible: the process-to-process spread leaves the margin \
                         possibly below {MIN_MARGIN}× ({interval})"
                    )
                }
            }
        }
    }

    /// The verdict in a table cell: winner, margin, reproducible or not.
    fn short_verdict(r: &Ranking) -> String {
        let Some(winner) = &r.winner else {
            return "no single winner".to_owned();
        };
        let Some(m) = r.margin else {
            return format!("**`{winner}`**");
        };
        let second = r.runner_up.as_deref().unwrap_or("?");
        match r.replication {
            Replication::NotReplicated => {
                format!("`{winner}` ({m:.2}× vs `{second}`; not replicated)")
            }
            Replication::Tested { lower, upper, .. } if r.reproducible() => format!(
                "**`{winner}`** ({m:.2}× vs `{second}`, reproducible: {lower:.2}–{upper:.2}×)"
            ),
            Replication::Tested { lower, upper, .. } => format!(
                "`{winner}` ({m:.2}× vs `{second}`, not reproducible: {lower:.2}–{upper:.2}×)"
            ),
        }
    }

    /// For each workload, the winners per placement, and whether they differ.
    fn winners(&self) -> Vec<(String, Vec<PlacementRanking>)> {
        self.channel_workloads()
            .map(|w| {
                let per_placement = self
                    .run
                    .placements
                    .iter()
                    .map(|p| (p.placement.clone(), self.rank(p, w)))
                    .collect();
                (w.clone(), per_placement)
            })
            .collect()
    }

    fn flips(per_placement: &[PlacementRanking]) -> Option<String> {
        // Only winners that reproduce: a flip between two coin tosses is no finding.
        let winners: Vec<(&str, &str)> = per_placement
            .iter()
            .filter_map(|(p, r)| {
                let r = r.as_ref().filter(|r| r.reproducible())?;
                Some((p.as_str(), r.winner.as_deref()?))
            })
            .collect();
        let first = winners.first()?.1;
        winners.iter().any(|(_, w)| *w != first).then(|| {
            let list: Vec<String> = winners.iter().map(|(p, w)| format!("{w} on {p}")).collect();
            format!("the ranking flips with placement: {}", list.join(", "))
        })
    }

    /// The Markdown summary, for a pull request.
    pub fn markdown(&self) -> String {
        let env = &self.run.environment;
        let mut md = format!(
            "## chanbench run `{}`\n\n{} · {} logical cores · profile `{}` · {} process(es) per cell · rustc `{}` · revision `{}`{}\n\n",
            env.run,
            env.cpu_model,
            env.logical_cores,
            env.profile,
            env.request.repeat,
            env.rustc,
            env.git_revision.as_deref().unwrap_or("?"),
            if env.git_dirty == Some(true) {
                " (dirty)"
            } else {
                ""
            },
        );
        if !self.run.complete() {
            md.push_str("**Partial run**: it was interrupted; some cells are missing.\n\n");
        }
        for knob in &env.test_knobs {
            md.push_str(&format!(
                "**Test knob set: `{knob}`**: slowed on purpose.\n\n"
            ));
        }
        md.push_str("### Which channel for which job\n\n| workload |");
        for p in &self.run.placements {
            md.push_str(&format!(" {} |", p.placement));
        }
        md.push_str("\n|---|");
        for _ in &self.run.placements {
            md.push_str("---|");
        }
        md.push('\n');
        let mut notes = Vec::new();
        for (w, per_placement) in self.winners() {
            md.push_str(&format!("| {w} |"));
            for (_, r) in &per_placement {
                let cell = match r {
                    None => "not measured".to_owned(),
                    Some(r) => Self::short_verdict(r),
                };
                md.push_str(&format!(" {cell} |"));
            }
            md.push('\n');
            if let Some(flip) = Self::flips(&per_placement) {
                notes.push(format!("- {w}: {flip}"));
            }
        }
        md.push_str(
            "\nMargins are the runner-up's time per message over the winner's (geometric mean over \
             the configurations both ran; never below 1: a winner is at least as fast as every \
             other implementation where both ran). **Reproducible** (bold) means the margin's 95% \
             interval over whole processes lies above 1.05 (a 5% margin, compare's threshold): \
             each process's own margin, runner-up \
             against winner measured by that process, tested against the spread between \
             processes (one-sample t-test on logs). A single-process run is *not replicated*.\n",
        );
        let zero: Vec<String> = self
            .zero_cost_rows()
            .iter()
            .map(|(p, w, ratios, _)| format!("{w} on {p} {:.3}", stats::median(ratios)))
            .collect();
        if !zero.is_empty() {
            md.push_str(&format!(
                "\nZero-cost check (trait / direct, median over processes): {}.\n",
                zero.join(", ")
            ));
        }
        if !notes.is_empty() {
            md.push_str("\n### Placement changes the answer\n\n");
            md.push_str(&notes.join("\n"));
            md.push('\n');
        }
        md
    }

    fn metadata(&self) -> Markup {
        let env = &self.run.environment;
        let libraries: Vec<String> = env
            .libraries
            .iter()
            .map(|l| format!("{} = {} {}", l.implementation, l.library, l.version))
            .collect();
        let rows: Vec<(&str, String)> = vec![
            ("run", env.run.clone()),
            ("CPU", env.cpu_model.clone()),
            (
                "cores",
                format!(
                    "{} logical, {} physical; this run allowed {:?}{}",
                    env.logical_cores,
                    env.physical_cores,
                    env.allowed_cores,
                    if env.hypervisor {
                        "; under a hypervisor"
                    } else {
                        ""
                    }
                ),
            ),
            ("OS, kernel", format!("{}, {}", env.os, env.kernel)),
            (
                "host",
                env.host.as_ref().map_or_else(
                    || "no fingerprint recorded (a run from before it was)".to_owned(),
                    |h| {
                        format!(
                            "{} family {} model {} stepping {}, microcode {}, {} MHz; caches {}; \
                             hypervisor {}; kernel build {}",
                            h.vendor,
                            h.family,
                            h.model,
                            h.stepping,
                            h.microcode,
                            h.mhz,
                            h.caches.join(", "),
                            if h.hypervisor_vendor.is_empty() {
                                "none"
                            } else {
                                &h.hypervisor_vendor
                            },
                            h.kernel_build
                        )
                    },
                ),
            ),
            ("compiler", env.rustc.clone()),
            (
                "build",
                env.build.as_ref().map_or_else(
                    || "not recorded".to_owned(),
                    |b| {
                        format!(
                            "target-cpu {}; RUSTFLAGS {:?}; profile {}",
                            b.target_cpu, b.rustflags, b.profile
                        )
                    },
                ),
            ),
            ("libraries", libraries.join(", ")),
            (
                "revision",
                format!(
                    "{}{}",
                    env.git_revision.as_deref().unwrap_or("unknown"),
                    match env.git_dirty {
                        Some(true) => " (uncommitted changes)",
                        _ => "",
                    }
                ),
            ),
            (
                "profile",
                format!(
                    "{}; {} process(es) per cell and placement",
                    env.profile, env.request.repeat
                ),
            ),
            (
                "time",
                format!(
                    "{} to {}; load average before {:?}",
                    env.started,
                    env.ended.as_deref().unwrap_or("(not finished)"),
                    env.load_average_before
                ),
            ),
            (
                "placements",
                self.run
                    .placements
                    .iter()
                    .map(|p| format!("{} (cores {:?})", p.placement, p.cores))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ];
        html! {
            table.meta {
                @for (k, v) in rows { tr { th { (k) } td { (v) } } }
            }
        }
    }

    fn which_channel(&self) -> Markup {
        let winners = self.winners();
        html! {
            h2 id="which" { "Which channel for which job" }
            p {
                "For each workload and placement: the winner, the best-scored implementation \
                 (geometric mean, over the configurations it ran, of its time relative to the \
                 fastest in each) that no other implementation beats on the configurations both \
                 ran; its margin over the closest of them (the runner-up's time over the \
                 winner's, geometric mean over the configurations both ran, so never below 1×); \
                 and whether that margin reproduces. The process is the unit of replication: \
                 every process measured both, so each has its own margin, and the winner is "
                strong { "reproducible" }
                " only when the 95% interval of the margin over processes lies above 1.05× (one-sample \
                 t-test on the logs, p < " (ALPHA) "). Samples within one process share its luck and \
                 are never used for this; a run with one process per cell is "
                em { "not replicated" } "."
            }
            table.which {
                tr { th { "workload" } @for p in &self.run.placements { th { (p.placement) " (cores " (format!("{:?}", p.cores)) ")" } } }
                @for (w, per_placement) in &winners {
                    tr {
                        td { a href=(format!("#w-{w}")) { (w) } }
                        @for (_, r) in per_placement {
                            td {
                                @match r {
                                    None => { "not measured" }
                                    Some(r) => {
                                        @match &r.winner {
                                            Some(w) if r.reproducible() => { strong { (w) } " (reproducible)" }
                                            Some(w) => { (w) " (" @if matches!(r.replication, Replication::NotReplicated) { "not replicated" } @else { "not reproducible" } ")" }
                                            None => { "no single winner" }
                                        }
                                        br;
                                        span.small { (Self::verdict(r)) }
                                        br;
                                        span.small { "order: " (r.order.iter().map(|(i, s)| format!("{i} ({s:.2}×)")).collect::<Vec<_>>().join(" < ")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @let flips: Vec<String> = winners.iter().filter_map(|(w, pp)| Some(format!("{w}: {}", Self::flips(pp)?))).collect();
            @if flips.is_empty() {
                p { "No reproducible winner changes between the placements of this run (a flip is only reported between winners both called reproducible)." }
            } @else {
                p.flip { strong { "Placement changes the answer. " } "Where the threads share one core, spinning and parking cost differently than across cores:" }
                ul { @for f in &flips { li { (f) } } }
            }
        }
    }

    fn matrix_table(&self, placement: &PlacementResults, workload: &str) -> Markup {
        let params = self.params(workload);
        let impls: Vec<&String> = self
            .impls
            .iter()
            .filter(|i| Self::cells(placement, workload).any(|c| &&c.implementation == i))
            .collect();
        let extra: Vec<String> = ordered(
            Self::cells(placement, workload)
                .map(|c| c.implementation.clone())
                .filter(|i| !self.impls.contains(i)),
        );
        let columns: Vec<&String> = impls.into_iter().chain(extra.iter()).collect();
        let floor = Self::floor(placement, workload);
        html! {
            table.matrix {
                tr { th { "configuration" } @for i in &columns { th { (i) } } }
                @for param in &params {
                    @let row: Vec<Option<&CellResult>> = columns.iter().map(|i| Self::cells(placement, workload).find(|c| &&c.implementation == i && &c.params == param)).collect();
                    @let best = row.iter().flatten().filter_map(|c| ns_per_msg(c)).fold(f64::INFINITY, f64::min);
                    @if row.iter().any(Option::is_some) {
                        tr {
                            th.param { (param) }
                            @for c in &row {
                                @match c {
                                    None => td.none { "—" },
                                    Some(c) => (Self::matrix_cell(c, best, floor)),
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn matrix_cell(c: &CellResult, best: f64, floor: Option<f64>) -> Markup {
        let Some(ns) = ns_per_msg(c) else {
            return html! {
                td.unsupported title=(c.message.clone().unwrap_or_default()) {
                    (c.status)
                    @if !c.missing.is_empty() { br; span.small { "lacks " (c.missing.join(", ")) } }
                }
            };
        };
        let class = if ns <= best { "best" } else { "" };
        html! {
            td class=(class) {
                span.ns { (time(ns)) "/msg" }
                @if process_values(c).len() >= 2 {
                    span.small title="each process's fastest sample; spread: the largest over the smallest, minus 1" { " median of " (process_values(c).len()) " processes, spread " (format!("{:.1}%", stats::spread(process_values(c)).unwrap_or(0.0) * 100.0)) }
                } @else {
                    span.small { " one process: spread not measured" }
                }
                @if let Some(t) = typical_ns_per_msg(c) {
                    br;
                    span.small title="the median over processes of each process's median sample" { "typical " (time(t)) "/msg" }
                }
                br;
                span.small {
                    (rate(1e9 / ns))
                    @if let Some(f) = floor { " · " (format!("{:.1}", ns / f)) "× floor" }
                }
                br;
                span.small {
                    "CPU " (cost(c, "cpu_ns_per_msg").map_or("?".into(), time)) "/msg · "
                    (switches(c).map_or("?".into(), |s| format!("{s:.3}"))) " switches/msg"
                }
                br;
                span.small {
                    (cost(c, "allocations_per_msg").map_or("?".into(), |a| format!("{a:.2}"))) " allocs/msg"
                    @if let Some(p99) = latency(c, "p99_ns") { " · p99 " (time(p99)) }
                }
            }
        }
    }

    fn colour_of(&self, implementation: &str) -> usize {
        self.impls
            .iter()
            .position(|i| i == implementation)
            .unwrap_or(self.impls.len())
    }

    /// Grouped bars of one workload on one placement: configurations by implementation.
    fn workload_chart(&self, placement: &PlacementResults, workload: &str) -> Result<String> {
        let params: Vec<String> = self
            .params(workload)
            .into_iter()
            .filter(|p| {
                Self::cells(placement, workload).any(|c| &c.params == p && ns_per_msg(c).is_some())
            })
            .collect();
        let series: Vec<Series> = self
            .impls
            .iter()
            .filter(|i| Self::cells(placement, workload).any(|c| &&c.implementation == i))
            .map(|i| Series {
                name: i.clone(),
                colour: self.colour_of(i),
                values: params
                    .iter()
                    .map(|p| {
                        Self::cells(placement, workload)
                            .find(|c| &c.implementation == i && &c.params == p)
                            .and_then(ns_per_msg)
                    })
                    .collect(),
            })
            .collect();
        charts::grouped_bars(
            &format!(
                "{workload} on {}: time per message (log scale)",
                placement.placement
            ),
            "ns per message",
            &params,
            &series,
        )
    }

    /// One representative configuration per workload: the one measured for the most
    /// implementations on every placement (ties: the first).
    fn representative(&self, workload: &str) -> Option<String> {
        self.params(workload).into_iter().max_by_key(|p| {
            let n: usize = self
                .run
                .placements
                .iter()
                .map(|pl| {
                    Self::cells(pl, workload)
                        .filter(|c| &c.params == p && ns_per_msg(c).is_some())
                        .count()
                })
                .min()
                .unwrap_or(0);
            // max_by_key keeps the last maximum; prefer the first by counting down.
            (
                n,
                usize::MAX
                    - self
                        .params(workload)
                        .iter()
                        .position(|x| x == p)
                        .unwrap_or(0),
            )
        })
    }

    /// One core versus cross-core: each implementation's time in the representative configuration
    /// of each workload, a bar per placement.
    fn placement_chart(&self, workload: &str) -> Result<(String, String)> {
        let Some(param) = self.representative(workload) else {
            return Ok((String::new(), String::new()));
        };
        let impls: Vec<String> = self
            .impls
            .iter()
            .filter(|i| {
                self.run.placements.iter().any(|p| {
                    Self::cells(p, workload).any(|c| &&c.implementation == i && c.params == param)
                })
            })
            .cloned()
            .collect();
        let series: Vec<Series> = self
            .run
            .placements
            .iter()
            .enumerate()
            .map(|(k, p)| Series {
                name: p.placement.clone(),
                colour: 7 + k,
                values: impls
                    .iter()
                    .map(|i| {
                        Self::cells(p, workload)
                            .find(|c| &c.implementation == i && c.params == param)
                            .and_then(ns_per_msg)
                    })
                    .collect(),
            })
            .collect();
        let svg = charts::grouped_bars(
            &format!("{workload} {param}: one core versus cross-core"),
            "ns per message",
            &impls,
            &series,
        )?;
        Ok((param, svg))
    }

    /// Payload size against time per message, per implementation, for spsc through a 1024 slot
    /// channel; one chart per payload family.
    fn payload_charts(&self, placement: &PlacementResults) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for (family, suffix) in [
            ("moved Vec<u8> (only the pointer crosses)", "-owned"),
            (
                "cloned Vec<u8> (the bytes are copied per message)",
                "-cloned",
            ),
        ] {
            let curves: Vec<Curve> = self
                .impls
                .iter()
                .map(|i| {
                    let mut points: Vec<(f64, f64)> = Self::cells(placement, "spsc")
                        .filter(|c| &c.implementation == i && c.params.starts_with("cap=1024/"))
                        .filter_map(|c| {
                            let payload = c.params.split('/').nth(1)?;
                            if !(payload.starts_with("vec-") && payload.ends_with(suffix)) {
                                return None;
                            }
                            Some((payload_bytes(payload)?, ns_per_msg(c)?))
                        })
                        .collect();
                    points.sort_by(|a, b| a.0.total_cmp(&b.0));
                    Curve {
                        name: i.clone(),
                        colour: self.colour_of(i),
                        points,
                    }
                })
                .filter(|c| c.points.len() >= 2)
                .collect();
            if !curves.is_empty() {
                out.push(charts::log_log_lines(
                    &format!(
                        "spsc cap=1024 on {}: payload size, {family}",
                        placement.placement
                    ),
                    "payload bytes (log)",
                    "ns per message (log)",
                    &curves,
                )?);
            }
        }
        Ok(out)
    }

    /// CPU time against wall time per message for every channel cell of a placement.
    fn cpu_chart(&self, placement: &PlacementResults) -> Result<String> {
        let names: Vec<(String, usize)> = self
            .impls
            .iter()
            .map(|i| (i.clone(), self.colour_of(i)))
            .collect();
        let dots: Vec<Dot> = placement
            .cells
            .iter()
            // Receive cells time latency, not wall time; the strategies have their own charts.
            .filter(|c| {
                !BASELINES.contains(&c.workload.as_str())
                    && !FAMILIES.contains(&c.workload.as_str())
            })
            .filter_map(|c| {
                Some(Dot {
                    series: self.impls.iter().position(|i| i == &c.implementation)?,
                    x: cost(c, "wall_ns_per_msg")?,
                    y: cost(c, "cpu_ns_per_msg")?,
                })
            })
            .collect();
        charts::scatter_with_diagonals(
            &format!(
                "{}: CPU time versus wall time per message (cost runs)",
                placement.placement
            ),
            "wall ns per message (log)",
            "CPU ns per message, all threads (log)",
            &names,
            &dots,
            &[
                (1.0, "CPU = wall"),
                (placement.cores.len().max(1) as f64, "every core busy"),
            ],
        )
    }

    /// Latency percentiles of one workload's representative configuration on one placement.
    fn latency_chart(&self, placement: &PlacementResults, workload: &str) -> Result<String> {
        let Some(param) = self.representative(workload) else {
            return Ok(String::new());
        };
        let percentiles = [("p50", "p50_ns"), ("p99", "p99_ns"), ("p99.9", "p999_ns")];
        let series: Vec<Series> = self
            .impls
            .iter()
            .filter_map(|i| {
                let c = Self::cells(placement, workload)
                    .find(|c| &c.implementation == i && c.params == param)?;
                latency(c, "p50_ns")?;
                Some(Series {
                    name: i.clone(),
                    colour: self.colour_of(i),
                    values: percentiles.iter().map(|(_, f)| latency(c, f)).collect(),
                })
            })
            .collect();
        if series.is_empty() {
            return Ok(String::new());
        }
        let groups: Vec<String> = percentiles.iter().map(|(n, _)| n.to_string()).collect();
        charts::grouped_bars(
            &format!(
                "{workload} {param} on {}: latency percentiles (log scale)",
                placement.placement
            ),
            "ns (one way, per message)",
            &groups,
            &series,
        )
    }

    /// Per placement and workload: every process's trait/direct median, their median and range.
    fn zero_cost_rows(&self) -> Vec<(String, String, Vec<f64>, f64)> {
        let mut rows = Vec::new();
        for p in &self.run.placements {
            for workload in ordered(p.zero_cost.iter().filter_map(|z| z["workload"].as_str())) {
                let of = |field: &str| -> Vec<f64> {
                    p.zero_cost
                        .iter()
                        .filter(|z| z["workload"] == workload)
                        .filter_map(|z| z[field].as_f64())
                        .collect()
                };
                let ratios = of("ratio_median");
                if !ratios.is_empty() {
                    let direct = stats::median(&of("direct_median_ns_per_msg"));
                    rows.push((p.placement.clone(), workload.to_owned(), ratios, direct));
                }
            }
        }
        rows
    }

    fn zero_cost(&self) -> Markup {
        html! {
            h2 id="zero-cost" { "Zero-cost check" }
            p {
                "crossbeam through chanbench's trait over crossbeam called directly, in interleaved \
                 rounds within each process (order alternating): 1.000 means the trait costs \
                 nothing. Each process gives the median over its rounds; the run's figure is the \
                 median over processes, with their range."
            }
            table {
                tr { th { "placement" } th { "workload" } th { "trait / direct" } th { "range over processes" } th { "processes" } th { "direct, ns/msg" } }
                @for (placement, workload, ratios, direct) in self.zero_cost_rows() {
                    tr {
                        td { (placement) }
                        td { (workload) }
                        td { (format!("{:.3}", stats::median(&ratios))) }
                        td { (format!("{:.3} .. {:.3}", ratios.iter().copied().fold(f64::INFINITY, f64::min), ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max))) }
                        td { (ratios.len()) }
                        td { (time(direct)) }
                    }
                }
            }
        }
    }

    fn floors(&self) -> Markup {
        html! {
            h2 id="floor" { "Hardware floor" }
            p { "What the machine does without any channel: an atomic flag bounced between two threads (a round trip, the floor of ping-pong) and a lock-free single-producer ring of 1024 slots (the floor of the streaming workloads). The matrix's \"× floor\" divides by these." }
            table {
                tr { th { "placement" } th { "floor" } th { "time per message" } }
                @for p in &self.run.placements {
                    @for c in Self::cells(p, "floor") {
                        tr { td { (p.placement) } td { (c.implementation) " " (c.params) } td { (ns_per_msg(c).map_or("not measured".into(), time)) "/msg" } }
                    }
                }
            }
        }
    }

    fn problems(&self) -> Markup {
        let bad: Vec<(&str, &CellResult)> = self
            .run
            .placements
            .iter()
            .flat_map(|p| {
                p.cells
                    .iter()
                    .filter(|c| c.status == "timeout" || c.status == "failed")
                    .map(move |c| (p.placement.as_str(), c))
            })
            .collect();
        html! {
            @if !bad.is_empty() {
                h2 id="problems" { "Cells that failed" }
                table {
                    tr { th { "placement" } th { "cell" } th { "status" } th { "what happened" } }
                    @for (p, c) in &bad { tr { td { (p) } td { (c.id()) } td { (c.status) } td { pre { (c.message.clone().unwrap_or_default()) } } } }
                }
            }
        }
    }

    /// The page.
    pub fn page(&self) -> Result<Markup> {
        let env = &self.run.environment;
        let mut sections = Vec::new();
        for w in self.channel_workloads() {
            let mut charts_html = Vec::new();
            for p in &self.run.placements {
                charts_html.push(self.workload_chart(p, w)?);
            }
            let (param, placement_svg) = if self.run.placements.len() > 1 {
                self.placement_chart(w)?
            } else {
                (String::new(), String::new())
            };
            let mut latency_svgs = Vec::new();
            for p in &self.run.placements {
                latency_svgs.push(self.latency_chart(p, w)?);
            }
            let tables: Vec<Markup> = self
                .run
                .placements
                .iter()
                .map(|p| {
                    html! {
                        h4 { (p.placement) " (cores " (format!("{:?}", p.cores)) ")"
                            @if let Some(f) = floor_of(w) { @if let Some(ns) = Self::floor(p, w) { span.small { " · floor " (f) " " (time(ns)) "/msg" } } } }
                        (self.matrix_table(p, w))
                    }
                })
                .collect();
            sections.push(html! {
                section {
                    h3 id=(format!("w-{w}")) { (w) }
                    div.charts { @for svg in &charts_html { div.chart { (PreEscaped(svg)) } } }
                    @if !placement_svg.is_empty() {
                        div.charts { div.chart { (PreEscaped(&placement_svg)) } }
                        p.small { "Placement chart: configuration " (param) ", the one most implementations ran on every placement." }
                    }
                    @if latency_svgs.iter().any(|s| !s.is_empty()) {
                        div.charts { @for svg in latency_svgs.iter().filter(|s| !s.is_empty()) { div.chart { (PreEscaped(svg)) } } }
                    }
                    @for t in &tables { (t) }
                }
            });
        }
        let mut payload_svgs = Vec::new();
        let mut cpu_svgs = Vec::new();
        for p in &self.run.placements {
            payload_svgs.extend(self.payload_charts(p)?);
            cpu_svgs.push(self.cpu_chart(p)?);
        }
        let strategies = self.strategies()?;
        let title = format!("chanbench report: {}", env.run);
        Ok(html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    style { (PreEscaped(CSS)) }
                }
                body {
                    h1 { (title) }
                    @if !self.run.complete() {
                        p.warning { "Partial run: it was interrupted before every placement finished; missing cells are missing, not slow. Finish it with cargo xtask bench --resume " (env.run) "." }
                    }
                    @for knob in &env.test_knobs {
                        p.warning { "Test knob " code { (knob) } " was set: this run was slowed on purpose, to test the comparison. Do not use its numbers." }
                    }
                    (self.metadata())
                    p.units {
                        strong { "Units. " }
                        "Every time is per message: ns/msg is one message sent and received (ping-pong: one round trip; burst: from send to receipt). msg/s is its inverse. CPU time and context switches are per message too, from a separate cost run of each cell (user + system time of the whole process, all threads, divided by its messages). \"× floor\" is the time over the hardware floor's on the same placement. p99 is the 99th percentile of the cost run's latency (ping-pong and two-thread service: per round trip; the others: send to receipt). A cell's time is the median over its processes of each process's fastest sample (the batch least disturbed by the machine); \"typical\" is the median over processes of each process's median sample. The CSV and BMF ranges are the range over processes (with one process: criterion's 95% interval of its median)."
                    }
                    nav {
                        a href="#which" { "Which channel" } " · "
                        @for w in self.channel_workloads() { a href=(format!("#w-{w}")) { (w) } " · " }
                        @if FAMILIES.iter().any(|f| self.workloads.iter().any(|w| w == f)) { a href="#strategies" { "strategies" } " · " }
                        a href="#payload" { "payload size" } " · "
                        a href="#cpu" { "CPU versus wall" } " · "
                        a href="#floor" { "floor" } " · "
                        a href="#zero-cost" { "zero-cost" } " · "
                        a href="cells.csv" { "cells.csv" } " · "
                        a href="summary.md" { "summary.md" } " · "
                        a href="bmf.json" { "bmf.json" }
                    }
                    (self.which_channel())
                    h2 { "Workloads" }
                    p { "Per workload: time per message per configuration (capacity / payload / threads) and implementation on each placement; one core versus cross-core; latency percentiles where the workload records them; then the full table, best per row highlighted." }
                    @for s in &sections { (s) }
                    (strategies)
                    h2 id="payload" { "Payload size" }
                    div.charts { @for svg in &payload_svgs { div.chart { (PreEscaped(svg)) } } }
                    h2 id="cpu" { "CPU time versus wall time" }
                    p { "Each dot is one cell's cost run. On the diagonal, one thread is busy for the whole time; above it, more than one core is burning CPU (spinning); far below it, threads sleep (parking). Spinning buys speed with cores: when threads share a core it costs the other thread its turn." }
                    div.charts { @for svg in &cpu_svgs { div.chart { (PreEscaped(svg)) } } }
                    (self.floors())
                    (self.zero_cost())
                    (self.problems())
                    p.small { "Criterion's own per-benchmark HTML pages are not built: chanbench builds criterion without its html_reports feature to keep runs short; its raw estimates and samples are in target/chanbench/runs/" (env.run) "/ and in this run's JSON files." }
                }
            }
        })
    }
}

const CSS: &str = "
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1800px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; } h3 { margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
th { background: #f4f4f4; } th.param { font-family: monospace; font-weight: normal; white-space: nowrap; }
table.meta th { width: 9em; }
td.best { background: #e2f5e2; } td.unsupported { color: #777; background: #f7f7f7; font-style: italic; }
td.none { color: #aaa; }
.ns { font-weight: bold; font-size: 1.05em; } .small { font-size: 0.82em; color: #555; }
.warning { background: #fff3cd; border: 1px solid #e0b100; padding: 0.5em; }
.flip { background: #e8f0fe; padding: 0.4em; }
.units { background: #f7f7f7; padding: 0.5em; font-size: 0.9em; }
.charts { display: flex; flex-wrap: wrap; gap: 0.5em; }
.chart svg { max-width: 100%; height: auto; border: 1px solid #eee; }
nav { margin: 1em 0; }
p.reading { max-width: 70em; line-height: 1.45; }
details { margin: 0.5em 0 1em; } summary { cursor: pointer; color: #1f5fa8; }
pre { white-space: pre-wrap; margin: 0; }
";

#[cfg(test)]
mod tests {
    use super::*;

    use crate::{
        environment::{Environment, LibraryVersion, Request},
        results::{Estimate, Estimates, SCHEMA, Samples},
    };

    fn cell(workload: &str, implementation: &str, params: &str, ns: Option<f64>) -> CellResult {
        let e = |v: f64| Estimate {
            ns_per_msg: v,
            lower: v * 0.95,
            upper: v * 1.05,
        };
        CellResult {
            workload: workload.into(),
            implementation: implementation.into(),
            params: params.into(),
            status: if ns.is_some() { "ok" } else { "not supported" }.into(),
            message: None,
            missing: if ns.is_some() {
                vec![]
            } else {
                vec!["bounded".into()]
            },
            estimates: ns.map(|v| Estimates {
                mean: e(v),
                median: e(v),
            }),
            samples: ns.map(|v| Samples {
                iters: vec![10.0, 20.0, 30.0],
                times_ns: vec![v * 10.0, v * 20.5, v * 29.0],
            }),
            cost: ns.map(|v| {
                serde_json::json!({
                    "cpu_ns_per_msg": v * 1.8, "wall_ns_per_msg": v, "allocations_per_msg": 0.5,
                    "allocated_bytes_per_msg": 12.0, "voluntary_switches_per_msg": 0.1,
                    "involuntary_switches_per_msg": 0.01,
                    "latency": { "p50_ns": v, "p99_ns": v * 3.0, "p999_ns": v * 9.0 }
                })
            }),
            repeats: ns.map_or(vec![], |v| vec![v * 1.1, v * 1.12, v * 1.08]),
            repeats_fastest: ns.map_or(vec![], |v| vec![v, v * 1.01, v * 0.99]),
        }
    }

    /// A run with every kind of cell and chart, and an implementation id that needs escaping.
    fn fixture(dir: &Path) -> Run {
        let impls = ["fast", "slow", "<b>&\"odd\""];
        let placements = [
            ("one-core", vec![0usize], 1.0),
            ("cross-core", vec![0, 1], 3.0),
        ];
        let placements = placements
            .iter()
            .map(|(name, cores, scale)| {
                let mut cells = vec![
                    cell("floor", "atomic-ping-pong", "u64", Some(50.0 * scale)),
                    cell("floor", "spsc-ring", "cap=1024/u64", Some(5.0)),
                ];
                for (k, i) in impls.iter().enumerate() {
                    // On one core "slow" wins ping-pong; across cores "fast" does: a flip.
                    // The odd one is never the fastest; across cores it is the runner-up.
                    let pp = if k == 2 {
                        if *name == "one-core" { 450.0 } else { 150.0 }
                    } else if (*name == "one-core") == (k == 1) {
                        100.0
                    } else {
                        300.0
                    };
                    cells.push(cell("ping-pong", i, "cap=1/u64", Some(pp * scale)));
                    cells.push(cell("spsc", i, "cap=1024/u64", Some(10.0 * (k + 1) as f64)));
                    for (payload, bytes) in [("vec-1B-owned", 1.0), ("vec-1KiB-owned", 1024.0)] {
                        let ns = 20.0 * (k + 1) as f64 + bytes / 100.0;
                        cells.push(cell("spsc", i, &format!("cap=1024/{payload}"), Some(ns)));
                    }
                    let bounded = (k != 2).then_some(40.0 * (k + 1) as f64);
                    cells.push(cell("mpsc", i, "cap=0/u64/producers=2", bounded));
                }
                // burst: "fast" is 2% ahead on the medians, but its processes scatter across
                // "slow"'s: a winner, not a reproducible one.
                let mut b = cell("burst", "fast", "cap=1024/instant", Some(100.0));
                b.repeats_fastest = vec![100.0, 110.0, 90.0];
                cells.push(b);
                let mut b = cell("burst", "slow", "cap=1024/instant", Some(102.0));
                b.repeats_fastest = vec![102.0, 92.0, 108.0];
                cells.push(b);
                // seq: every implementation is slower than another somewhere they both ran.
                for (i, cap, ns) in [
                    ("fast", "1024", 10.0),
                    ("slow", "1024", 20.0),
                    ("<b>&\"odd\"", "1024", 15.0),
                    ("slow", "unbounded", 10.0),
                    ("fast", "unbounded", 40.0),
                ] {
                    cells.push(cell("seq", i, &format!("cap={cap}/u64"), Some(ns)));
                }
                // The strategy families: strategies without a channel under their own names.
                for (strategy, ns) in [("sequential", 100.0), ("rayon", 60.0)] {
                    let params = format!("{strategy}/grain=fine");
                    cells.push(cell("distribute", strategy, &params, Some(ns * scale)));
                }
                for (strategy, ns) in [("pool-per-item", 80.0), ("pool-batch-64", 50.0)] {
                    let params = format!("{strategy}/grain=fine");
                    cells.push(cell("distribute", "fast", &params, Some(ns * scale)));
                }
                for (wait, ns) in [("block", 5000.0), ("spin", 300.0)] {
                    for i in ["fast", "slow"] {
                        let params = format!("{wait}/gap=1ms");
                        cells.push(cell("receive", i, &params, Some(ns * scale)));
                    }
                }
                for (serve, ns) in [("merged", 40.0), ("round-robin", 90.0)] {
                    for n in [1, 64] {
                        let params = format!("{serve}/sources={n}");
                        cells.push(cell("sources", "fast", &params, Some(ns * n as f64)));
                    }
                }
                for (params, ns) in [
                    ("one-thread/owned", 100.0),
                    ("one-thread/boxed", 50.0),
                    ("two-threads/owned", 1000.0),
                    ("two-threads/boxed", 1100.0),
                ] {
                    cells.push(cell("service", "fast", params, Some(ns * scale)));
                }
                cells.push(cell(
                    "service",
                    "direct-call",
                    "direct-call/owned",
                    Some(10.0),
                ));
                let mut failed = cell("mpsc", "slow", "cap=1/u64/producers=2", None);
                failed.status = "timeout".into();
                failed.message = Some("no progress within 300 s </td>".into());
                cells.push(failed);
                PlacementResults {
                    schema: SCHEMA,
                    run: "fixture".into(),
                    placement: name.to_string(),
                    cores: cores.clone(),
                    profile: "quick".into(),
                    complete: true,
                    cells,
                    zero_cost: vec![serde_json::json!({
                        "workload": "seq", "ratio_median": 1.001, "ratio_p25": 0.99,
                        "ratio_p75": 1.01, "rounds": 5, "messages_per_run": 1000,
                        "direct_median_ns_per_msg": 16.0
                    })],
                }
            })
            .collect();
        Run {
            dir: dir.to_owned(),
            environment: Environment {
                schema: SCHEMA,
                run: "fixture".into(),
                profile: "quick".into(),
                cpu_model: "Test CPU <2 GHz>".into(),
                logical_cores: 2,
                physical_cores: 2,
                allowed_cores: vec![0, 1],
                hypervisor: false,
                kernel: "6".into(),
                os: "Test".into(),
                rustc: "rustc 1.95.0".into(),
                libraries: impls
                    .iter()
                    .map(|i| LibraryVersion {
                        implementation: i.to_string(),
                        library: "lib".into(),
                        version: "1.0.0".into(),
                    })
                    .collect(),
                git_revision: None,
                git_dirty: Some(false),
                load_average_before: vec![0.1, 0.2, 0.3],
                started: "2026-11-23T00:00:00Z".into(),
                ended: Some("2026-11-23T00:01:00Z".into()),
                interrupted: false,
                request: Request {
                    impls: vec![],
                    workloads: vec![],
                    placements: vec!["one-core".into(), "cross-core".into()],
                    repeat: 3,
                    seed: 7,
                },
                test_knobs: vec![],
                host: Some(crate::environment::Host {
                    vendor: "GenuineTest".into(),
                    stepping: "<4>".into(),
                    hypervisor_vendor: "KVMKVMKVM".into(),
                    ..Default::default()
                }),
                build: None,
            },
            placements,
        }
    }

    #[test]
    fn the_report_is_well_formed_escaped_and_complete() {
        let dir = std::env::temp_dir().join(format!("chanbench-report-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let run = fixture(&dir);
        let index = write(&run).unwrap();
        let html = fs::read_to_string(&index).unwrap();

        // The HTML parser (html5ever) reports no error.
        let doc = scraper::Html::parse_document(&html);
        assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
        // No script, no external resource: it opens from disk, offline.
        // (SVG's xmlns is a name, not a request.)
        for tag in ["<script", "<link", "src=", "href=\"http", "url(", "@import"] {
            assert!(!html.contains(tag), "{tag} in the report");
        }
        // Every embedded SVG is well-formed XML, and every kind of chart is there.
        let mut svgs = 0;
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<svg") {
            let end = rest[start..].find("</svg>").expect("an <svg> is closed") + start + 6;
            roxmltree::Document::parse(&rest[start..end])
                .unwrap_or_else(|e| panic!("SVG {svgs} is not well formed: {e}"));
            svgs += 1;
            rest = &rest[end..];
        }
        let selector = scraper::Selector::parse("svg").unwrap();
        assert_eq!(doc.select(&selector).count(), svgs);
        for title in [
            "ping-pong on one-core: time per message",
            "one core versus cross-core",
            "payload size",
            "CPU time versus wall time",
            "latency percentiles",
        ] {
            assert!(html.contains(title), "no chart {title:?}");
        }
        // 5 workloads x 2 placements of bars, 5 placement charts, 5 x 2 latency charts (every
        // fixture cell records latency), 2 payload charts (only the owned family has points, one
        // chart per placement), 2 CPU charts, 4 strategy families x 2 placements.
        assert_eq!(svgs, 10 + 5 + 10 + 2 + 2 + 8, "charts in the report");

        // Each strategy family has its section, chart and a reading computed from the numbers.
        for (family, chart) in [
            (
                "distribute",
                "distribute on one-core: speedup over sequential",
            ),
            (
                "receive",
                "receive on cross-core: mean latency versus CPU per message",
            ),
            (
                "sources",
                "sources on one-core: time per message by number of sources",
            ),
            ("service", "service on cross-core: time per request"),
        ] {
            assert!(
                html.contains(&format!("id=\"w-{family}\"")),
                "no {family} section"
            );
            assert!(html.contains(chart), "no chart {chart:?}");
        }
        for reading in [
            "at fine grain (sequential 100 ns/item) the fastest was pool-batch-64 (fast), 2.00× sequential",
            "a channel-fed pool reached 1.25× sequential with one message per item and 2.00× with batches",
            "On one-core, a message every 1ms: lowest latency spin, least CPU spin",
            "On one-core with 64 sources: fastest merged",
            "two threads took 10.00× the one-thread service loop",
            "one-thread: boxed 0.50× owned",
            "a direct call without queues took 10.00 ns",
        ] {
            assert!(html.contains(reading), "reading lacks {reading:?}");
        }
        // Strategies without a channel are not ranked as channels.
        let which =
            &html[html.find("id=\"which\"").unwrap()..html.find("id=\"w-ping-pong\"").unwrap()];
        assert!(!which.contains("sequential") && !which.contains("direct-call"));

        // Escaping is the template engine's: the odd id and the message appear escaped only.
        assert!(!html.contains("<b>&"), "unescaped implementation id");
        assert!(html.contains("&lt;b&gt;&amp;&quot;odd&quot;"));
        assert!(html.contains("no progress within 300 s &lt;/td&gt;"));
        assert!(html.contains("Test CPU &lt;2 GHz&gt;"));

        // The flip is found and said.
        assert!(
            html.contains(
                "ping-pong: the ranking flips with placement: slow on one-core, fast on cross-core"
            ),
            "flip not reported: {}",
            &html[html.find("id=\"which\"").unwrap()..][..3000]
        );
        // Units on every time, and the typical sample beside the headline.
        assert!(html.contains("100 ns/msg") && html.contains("ns per message"));
        assert!(
            html.contains("typical 110 ns/msg"),
            "the typical figure is shown"
        );
        assert!(html.contains("not supported") && html.contains("lacks bounded"));

        // Exports: one CSV row per cell, BMF entries for measured cells, the Markdown table.
        let mut csv = csv::Reader::from_path(dir.join("report/cells.csv")).unwrap();
        let cells: usize = run.placements.iter().map(|p| p.cells.len()).sum();
        assert_eq!(csv.records().count(), cells);
        let bmf: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.join("report/bmf.json")).unwrap())
                .unwrap();
        let entry = &bmf["cross-core/spsc/fast/cap=1024/u64"];
        assert_eq!(entry["latency"]["value"], 10.0);
        assert_eq!(entry["throughput"]["value"], 1e8);
        let md = fs::read_to_string(dir.join("report/summary.md")).unwrap();
        // Ids are code spans in Markdown, so no id can inject HTML into a pull request.
        assert!(
            md.contains("| spsc | **`fast`** (1.88× vs `slow`, reproducible: 1.88–1.88×) |"),
            "{md}"
        );
        // A margin inside the process-to-process spread is not called reproducible, a winner is
        // never slower than its runner-up, and a cycle has no winner at all.
        assert!(
            md.contains("| burst | `fast` (1.02× vs `slow`, not reproducible: "),
            "{md}"
        );
        assert!(md.contains("| seq | no single winner |"), "{md}");
        assert!(html.contains("not reproducible: the process-to-process spread leaves the margin"));
        assert!(md.contains("vs `<b>&\"odd\"`"), "{md}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_reproducible_winner_is_surely_at_least_five_percent_ahead() {
        let ranking = |lower: f64, upper: f64, p: f64| Ranking {
            order: vec![("a".into(), 1.0), ("b".into(), 1.1)],
            winner: Some("a".into()),
            runner_up: Some("b".into()),
            margin: Some((lower * upper).sqrt()),
            shared: 3,
            replication: Replication::Tested {
                processes: 5,
                lower,
                upper,
                p,
            },
        };
        assert!(ranking(1.06, 1.20, 0.001).reproducible());
        // Surely faster, but perhaps by less than 5%: run-to-run drift could reverse it.
        assert!(!ranking(1.01, 1.05, 0.01).reproducible());
        assert!(!ranking(0.95, 1.30, 0.2).reproducible());
        let mut single = ranking(1.5, 1.5, 0.0);
        single.replication = Replication::NotReplicated;
        assert!(!single.reproducible());
        assert!(View::verdict(&single).contains("not replicated"));
    }

    #[test]
    fn payload_sizes_are_read_from_labels() {
        assert_eq!(payload_bytes("zst"), Some(0.0));
        assert_eq!(payload_bytes("u64"), Some(8.0));
        assert_eq!(payload_bytes("inline-64B"), Some(64.0));
        assert_eq!(payload_bytes("vec-64KiB-cloned"), Some(65536.0));
        assert_eq!(payload_bytes("vec-1MiB-owned"), Some(1048576.0));
        assert_eq!(payload_bytes("instant"), None);
    }

    #[test]
    fn times_carry_units() {
        assert_eq!(time(12.345), "12.35 ns");
        assert_eq!(time(1234.0), "1.234 µs");
        assert_eq!(time(65_000_000.0), "65.000 ms");
        assert_eq!(rate(2.5e6), "2.50 M msg/s");
    }
}
