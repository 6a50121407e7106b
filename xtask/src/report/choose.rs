//! The answer to one described job (`cargo xtask choose`), written beside a job run's report:
//! `choose.html`, a short page that opens with the verdict and the scoreboard, and `choose.md`,
//! the same in Markdown to paste into an issue. A winner is named only where its margin
//! reproduces over processes ([`crate::ranking`]); otherwise the leader is said to be no claim.

use chanbench_schema::{Job, Status, Unit, Workload};
use maud::{Markup, html};

use super::scoreboard::{self, Row};
use crate::{
    ranking::{self, MIN_MARGIN, Ranking, Replication},
    results::{CellResult, PlacementResults, Run},
    stats,
    units::{document, time, time_per},
};

/// The answer page's file name, in the run's `report/`.
pub const PAGE: &str = "choose.html";
/// The Markdown answer's file name.
pub const SUMMARY: &str = "choose.md";

/// The answer on one placement.
pub struct OnPlacement<'a> {
    /// The placement's results.
    pub placement: &'a PlacementResults,
    /// The ranking of the implementations that ran the job there.
    pub ranking: Option<Ranking>,
    /// The measured cells, fastest first.
    pub rows: Vec<&'a CellResult>,
    /// Cells that timed out or failed.
    pub faults: Vec<&'a CellResult>,
}

/// The answer to a job run.
pub struct Answer<'a> {
    /// The run.
    pub run: &'a Run,
    /// The job.
    pub job: Job,
    /// Per placement, in the run's order.
    pub placements: Vec<OnPlacement<'a>>,
    /// The implementations that cannot run the job, each with the capabilities it lacks.
    pub cannot: Vec<(String, Vec<String>)>,
    /// What a user of each measured implementation should know for this job.
    pub caveats: Vec<(String, Vec<&'static str>)>,
}

impl<'a> Answer<'a> {
    /// The answer of `run`; `None` when it measured no job.
    pub fn of(run: &'a Run) -> Option<Self> {
        let job = run.environment.request.job?;
        let workload = job.workload();
        let impls = ranking::implementations(run);
        let placements: Vec<OnPlacement<'a>> = run
            .placements
            .iter()
            .map(|p| {
                let mut rows = p.measured(workload);
                rows.sort_by(|a, b| {
                    a.time_ns()
                        .unwrap_or(f64::INFINITY)
                        .total_cmp(&b.time_ns().unwrap_or(f64::INFINITY))
                });
                OnPlacement {
                    placement: p,
                    ranking: ranking::rank(&impls, p, workload),
                    rows,
                    faults: p
                        .cells_of(workload)
                        .filter(|c| c.status.is_fault())
                        .collect(),
                }
            })
            .collect();
        let mut cannot: Vec<(String, Vec<String>)> = Vec::new();
        for c in run.placements.iter().flat_map(|p| p.cells_of(workload)) {
            let id = c.implementation();
            if c.status == Status::NotSupported && !cannot.iter().any(|(i, _)| i == id) {
                cannot.push((id.to_owned(), c.missing.clone()));
            }
        }
        let mut measured: Vec<&str> = Vec::new();
        for c in placements.iter().flat_map(|p| &p.rows) {
            if !measured.contains(&c.implementation()) {
                measured.push(c.implementation());
            }
        }
        let caveats = measured
            .iter()
            .map(|id| (id.to_string(), caveats_of(id, job.runtime.is_some())))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        Some(Answer {
            run,
            job,
            placements,
            cannot,
            caveats,
        })
    }

    fn workload(&self) -> Workload {
        self.job.workload()
    }

    /// The verdict on every placement, in one sentence: a winner only where it reproduces.
    pub fn verdict(&self) -> String {
        let mut sure: Vec<(&str, &str)> = Vec::new();
        let mut unsure: Vec<&str> = Vec::new();
        for p in self.placements.iter().filter(|p| p.ranking.is_some()) {
            let name = p.placement.placement.as_str();
            match p
                .ranking
                .as_ref()
                .filter(|r| r.reproducible())
                .and_then(|r| r.winner.as_deref())
            {
                Some(w) => sure.push((name, w)),
                None => unsure.push(name),
            }
        }
        let on = |list: &[(&str, &str)]| -> String {
            list.iter()
                .map(|(p, w)| format!("{w} on {p}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (sure.as_slice(), unsure.is_empty()) {
            ([], _) => "No winner this run can back: no lead reproduces over its processes (see each placement).".to_owned(),
            ([(_, first), ..], true) if sure.iter().all(|(_, w)| w == first) => {
                format!("{first}, on every placement measured.")
            }
            (_, true) => format!("It depends on the placement: {}.", on(&sure)),
            (_, false) => format!(
                "{}; no winner this run can back on {}.",
                on(&sure),
                unsure.join(", ")
            ),
        }
    }

    /// The answer in Markdown.
    pub fn markdown(&self) -> String {
        let env = &self.run.environment;
        let unit = self.workload().facts().unit;
        let mut out = format!(
            "## chanbench choose: {}\n\n{} ({} logical cores), {} {}; run `{}` at {}, profile {}, {} process(es) per placement.\n\n**Verdict: {}**\n",
            self.job,
            env.cpu_model,
            env.logical_cores,
            env.os,
            env.kernel,
            env.run,
            env.git_revision.as_deref().unwrap_or("an unknown revision"),
            env.profile,
            env.request.repeat,
            self.verdict()
        );
        for p in &self.placements {
            out.push_str(&format!(
                "\n### {} (cores {:?})\n\n{}\n\n| | implementation | time{} | interval over processes | CPU{} | switches{} | latency p50 | p99 |\n|---|---|---|---|---|---|---|---|\n",
                p.placement.placement,
                p.placement.cores,
                placement_verdict(p),
                unit.per(),
                unit.per(),
                unit.per()
            ));
            for (i, c) in p.rows.iter().enumerate() {
                let f = Figures::of(c, unit);
                out.push_str(&format!(
                    "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
                    i + 1,
                    c.implementation(),
                    f.time,
                    f.interval,
                    f.cpu,
                    f.switches,
                    f.p50,
                    f.p99
                ));
            }
            for c in &p.faults {
                out.push_str(&format!(
                    "\n`{}` {}: {}\n",
                    c.implementation(),
                    c.status,
                    c.message.as_deref().unwrap_or("")
                ));
            }
        }
        if !self.cannot.is_empty() {
            let list: Vec<String> = self
                .cannot
                .iter()
                .map(|(i, m)| format!("`{i}` (lacks {})", m.join(", ")))
                .collect();
            out.push_str(&format!(
                "\n**Cannot run this job:** {}.\n",
                list.join(", ")
            ));
        }
        if !self.caveats.is_empty() {
            out.push_str("\n**Caveats for this job:**\n");
            for (i, c) in &self.caveats {
                out.push_str(&format!("- `{i}`: {}.\n", c.join("; ")));
            }
        }
        out.push_str(&format!("\n{}\n", method_note()));
        out
    }

    /// The answer page.
    pub fn page(&self) -> Markup {
        let env = &self.run.environment;
        let unit = self.workload().facts().unit;
        let title = format!("chanbench choose: {}", self.job);
        let rows = [Row {
            workload: self.workload(),
            runtime: self.job.runtime,
            rankings: self.placements.iter().map(|p| p.ranking.clone()).collect(),
        }];
        document(
            &title,
            html! {
                @for knob in &env.test_knobs {
                    p.warning { "Test knob " code { (knob) } " was set: this run was slowed on purpose. Do not use its numbers." }
                }
                p.small { (env.cpu_model) " · " (env.logical_cores) " logical cores · " (env.os) ", kernel " (env.kernel) " · run " (env.run) " · profile " (env.profile) ", " (env.request.repeat) " process(es) per placement · " (env.started) }
                p.verdict { strong { "Verdict: " } (self.verdict()) }
                (scoreboard::table(&self.run.placements, &rows, false))
                @for p in &self.placements {
                    h2 { (p.placement.placement) " " span.small { "cores " (format!("{:?}", p.placement.cores)) } }
                    p { (placement_verdict(p)) }
                    table {
                        tr { th { "" } th { "implementation" } th { "time" (unit.per()) } th { "interval over processes" } th { "CPU" (unit.per()) } th { "switches" (unit.per()) } th { "allocations" (unit.per()) } th { "latency p50" } th { "p99" } }
                        @for (i, c) in p.rows.iter().enumerate() {
                            @let f = Figures::of(c, unit);
                            tr {
                                td { (i + 1) } th { (c.implementation()) } td.ns { (f.time) } td { (f.interval) } td { (f.cpu) } td { (f.switches) } td { (f.allocations) } td { (f.p50) } td { (f.p99) }
                            }
                        }
                    }
                    @for c in &p.faults {
                        p.warning { (c.implementation()) " " (c.status) ": " (c.message.as_deref().unwrap_or("")) }
                    }
                }
                @if !self.cannot.is_empty() {
                    h2 { "Cannot run this job" }
                    ul { @for (i, m) in &self.cannot { li { strong { (i) } " lacks " (m.join(", ")) } } }
                }
                @if !self.caveats.is_empty() {
                    h2 { "Caveats for this job" }
                    ul { @for (i, c) in &self.caveats { li { strong { (i) } ": " (c.join("; ")) "." } } }
                }
                details {
                    summary { "How the figures are made" }
                    p.units { (method_note()) }
                }
                p { a href="index.html" { "The run's full report" } " · " a href=(SUMMARY) { "this answer in Markdown" } }
            },
        )
    }
}

/// How the page's figures are made, in one paragraph.
fn method_note() -> String {
    format!(
        "Time per message: the median over the run's processes of each process's fastest criterion sample, with the distribution-free 95% interval of that median over processes (with 5 or fewer processes: their range, the most they allow). A winner is named only when the 95% interval of its margin over processes lies above {MIN_MARGIN}×. CPU time, context switches and allocations per message come from a separate cost run in the first process (user + system time of all threads). Latency p50 / p99: send to receipt, from a separate run of the same job whose messages carry their send time (16 bytes more per message), in the first process; senders go as fast as the channel lets them, so a bounded channel's latency includes waiting in a full queue."
    )
}

/// One placement's verdict in words.
fn placement_verdict(p: &OnPlacement<'_>) -> String {
    let Some(r) = &p.ranking else {
        return "Nothing was measured here.".to_owned();
    };
    let (Some(winner), Some(second), Some(m)) = (&r.winner, &r.runner_up, r.margin) else {
        return r.verdict();
    };
    match r.replication {
        _ if r.reproducible() => format!(
            "{winner} wins: {second} takes {m:.2}× its time per message, and that reproduces ({}).",
            interval(r)
        ),
        Replication::NotReplicated => format!(
            "{winner} leads {second} by {m:.2}×, measured by one process: no claim (run with --repeat 3 or more)."
        ),
        Replication::Tested { .. } => format!(
            "No winner this run can back: {winner} leads {second} by {m:.2}×, but the spread over processes leaves the margin possibly below {MIN_MARGIN}× ({}).",
            interval(r)
        ),
    }
}

fn interval(r: &Ranking) -> String {
    match r.replication {
        Replication::Tested {
            processes,
            lower,
            upper,
            ..
        } => {
            format!("95% interval over {processes} processes {lower:.2}×–{upper:.2}×")
        }
        Replication::NotReplicated => "one process".to_owned(),
    }
}

/// One row's figures, each with its unit.
struct Figures {
    time: String,
    interval: String,
    cpu: String,
    switches: String,
    allocations: String,
    p50: String,
    p99: String,
}

impl Figures {
    fn of(c: &CellResult, unit: Unit) -> Self {
        let cost = c.cost.as_ref();
        let missing = || "not measured".to_owned();
        Figures {
            time: c.time_ns().map_or_else(missing, |ns| time_per(ns, unit)),
            interval: match stats::median_interval(c.process_times()) {
                Some((lo, hi)) => format!(
                    "{} – {} ({} processes)",
                    time(lo),
                    time(hi),
                    c.process_times().len()
                ),
                None => "one process".to_owned(),
            },
            cpu: cost.map_or_else(missing, |k| time_per(k.cpu_ns_per_msg, unit)),
            switches: cost.map_or_else(missing, |k| format!("{:.3}", k.switches_per_msg())),
            allocations: cost
                .and_then(|k| k.allocations_per_msg)
                .map_or_else(missing, |a| format!("{a:.2}")),
            p50: cost
                .and_then(|k| k.latency)
                .map_or_else(missing, |l| time(l.p50_ns as f64)),
            p99: cost
                .and_then(|k| k.latency)
                .map_or_else(missing, |l| time(l.p99_ns as f64)),
        }
    }
}

/// What a user of implementation `id` should know for a job: the capabilities it lacks that
/// change how a program is written, and the conformance checks its library admits failing.
pub(crate) fn caveats_of(id: &str, asynchronous: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if asynchronous {
        let Some(info) = chanbench_registry::async_implementations()
            .into_iter()
            .find(|i| i.id == id)
        else {
            return out;
        };
        for failure in info.known_failures {
            out.push(match *failure {
                "recv_cancellation_loses_nothing" => "its recv is not cancellation-safe: a recv future dropped before it completes (a select! branch not taken, a timeout) can lose a message",
                _ => "it fails a conformance check by its library's own admission",
            });
        }
        if !info.capabilities.bridge {
            out.push("no blocking send or receive for plain threads (no bridge between threads and tasks)");
        }
    } else {
        let Some(info) = chanbench_registry::find(id) else {
            return out;
        };
        if !info.capabilities.select {
            out.push("no native select: waiting on several channels takes a thread per source or polling");
        }
        if !info.capabilities.returns_unsent {
            out.push("a failed send does not return the message: it is dropped");
        }
    }
    out
}
