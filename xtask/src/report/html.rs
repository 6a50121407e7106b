//! The report's page: maud escapes every interpolated string; the charts are SVG strings built
//! by [`super::figures`] and the strategy sections by [`super::strategies`].

use anyhow::Result;
use chanbench_schema::{FloorRule, Kind, Pacing, Unit, Workload};
use maud::{Markup, PreEscaped, html};

use super::{
    asynchronous, behaviour, core_to_core, figures,
    model::View,
    scaling, scoreboard, strategies,
    widgets::{matrix_table, ranking_cell},
};
use crate::{
    ranking::{ALPHA, MIN_MARGIN},
    results::CellResult,
    stats,
    units::{document, time_per},
};

/// A part of the page: the anchor and label the nav links it by (none: it is not in the nav),
/// and its markup, which holds that anchor.
struct Section {
    nav: Option<(String, String)>,
    body: Markup,
}

impl Section {
    fn linked(id: impl Into<String>, label: impl Into<String>, body: Markup) -> Section {
        Section {
            nav: Some((id.into(), label.into())),
            body,
        }
    }

    fn unlinked(body: Markup) -> Section {
        Section { nav: None, body }
    }

    /// Linked when `shown`: a section that renders nothing for this run has no link.
    fn linked_if(shown: bool, id: &str, label: &str, body: Markup) -> Section {
        if shown {
            Section::linked(id, label, body)
        } else {
            Section::unlinked(body)
        }
    }
}

/// The page's sections, in order: the nav is generated from them.
fn sections(view: &View<'_>) -> Result<Vec<Section>> {
    let run = view.run;
    let mut payload_svgs = Vec::new();
    let mut cpu_svgs = Vec::new();
    for p in &run.placements {
        payload_svgs.extend(figures::payload_charts(view, p)?);
        cpu_svgs.push(figures::cpu_chart(view, p)?);
    }
    let mut out = vec![
        Section::linked("which", "Which channel", which_channel(view)),
        Section::linked_if(
            view.channel_workloads().any(|w| w.is_async()),
            "async",
            "async channels",
            asynchronous::section(view),
        ),
        Section::unlinked(html! {
            h2 { "Workloads" }
            p { "Per workload: time per unit per configuration (capacity / payload / threads) and implementation on each placement; one core versus cross-core; latency percentiles where the workload records them; then the full table, best per row highlighted." }
        }),
    ];
    for w in view.channel_workloads() {
        out.push(Section::linked(
            format!("w-{w}"),
            w.name(),
            workload_section(view, w)?,
        ));
    }
    out.extend([
        Section::linked_if(scaling::shown(view), "scaling", "scaling", scaling::section(view)?),
        Section::linked_if(
            strategies::FAMILIES.iter().any(|f| view.has(*f)),
            "strategies",
            "strategies",
            strategies::section(view)?,
        ),
        Section::linked_if(
            behaviour::shown(view),
            "behaviour",
            "behaviour",
            behaviour::section(view)?,
        ),
        Section::linked(
            "payload",
            "payload size",
            html! {
                h2 id="payload" { "Payload size" }
                div.charts { @for svg in &payload_svgs { div.chart { (PreEscaped(svg)) } } }
            },
        ),
        Section::linked(
            "cpu",
            "CPU versus wall",
            html! {
                h2 id="cpu" { "CPU time versus wall time" }
                p { "Each dot is one cell's cost run. On the diagonal, one thread is busy for the whole time; above it, more than one core is burning CPU (spinning); far below it, threads sleep (parking). Spinning buys speed with cores: when threads share a core it costs the other thread its turn." }
                div.charts { @for svg in &cpu_svgs { div.chart { (PreEscaped(svg)) } } }
            },
        ),
        Section::linked("floor", "floor", floors(view)),
        Section::linked_if(
            view.run.core_to_core.is_some(),
            "core-to-core",
            "core to core",
            core_to_core::section(view)?,
        ),
        Section::linked("zero-cost", "zero-cost", zero_cost(view)),
        Section::unlinked(problems(view)),
    ]);
    Ok(out)
}

/// The units note: each unit the run's workloads use, from the workload table, and how the
/// headline figure is made.
fn units_note(view: &View<'_>) -> String {
    let present = |unit: Unit| -> Vec<Workload> {
        Workload::ALL
            .into_iter()
            .filter(|w| w.facts().unit == unit && view.has(*w))
            .collect()
    };
    let units: Vec<String> = Unit::ALL
        .into_iter()
        .filter_map(|unit| {
            let workloads = present(unit);
            match unit {
                Unit::Message => Some(format!("{} is {}", unit.per(), unit.meaning())),
                _ if workloads.is_empty() => None,
                _ => Some(format!(
                    "{} {} ({})",
                    unit.per(),
                    unit.meaning(),
                    names(&workloads)
                )),
            }
        })
        .collect();
    let latency: Vec<Workload> = Workload::ALL
        .into_iter()
        .filter(|w| matches!(w.facts().pacing, Pacing::Bursts | Pacing::Paced))
        .filter(|w| w.facts().kind != Kind::Behaviour && view.has(*w))
        .collect();
    let latency = if latency.is_empty() {
        String::new()
    } else {
        format!(
            "; {} time a message from its send to its receipt",
            names(&latency)
        )
    };
    format!(
        "Every time is per unit of its workload, and says which: {}{latency}. Rates are the inverse. CPU time and context switches are per unit too, from a separate cost run of each cell (user + system time of the whole process, all threads, divided by its units). \"× floor\" is the time over the hardware floor's on the same placement. p99 is the 99th percentile of the cost run's latency: one way (send to receipt) or a round trip, as each chart's axis says. A cell's time is the median over its processes of each process's fastest sample (the batch least disturbed by the machine); \"typical\" is the median over processes of each process's median sample. The CSV and BMF ranges are the range over processes (with one process: criterion's 95% interval of its median).",
        units.join(", ")
    )
}

/// Workload names joined for prose: `a`, `a and b`, `a, b and c`.
fn names(workloads: &[Workload]) -> String {
    match workloads {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!(
            "{} and {last}",
            rest.iter().map(|w| w.name()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// The page.
pub fn page(view: &View<'_>) -> Result<Markup> {
    let run = view.run;
    let env = &run.environment;
    let sections = sections(view)?;
    let title = format!("chanbench report: {}", env.run);
    Ok(document(
        &title,
        html! {
            @if !run.complete() {
                p.warning { "Partial run: it was interrupted before every placement finished; missing cells are missing, not slow. Finish it with cargo xtask bench --resume " (env.run) "." }
            }
            @for knob in &env.test_knobs {
                p.warning { "Test knob " code { (knob) } " was set: this run was slowed on purpose, to test the comparison. Do not use its numbers." }
            }
            p.small { (headline(view)) }
            (scoreboard::section(view))
            details {
                summary { "About this run: machine, build, libraries, placements" }
                (metadata(view))
            }
            details {
                summary { "Units, and how each figure is made" }
                p.units { (units_note(view)) }
            }
            nav {
                @if scoreboard::shown(view) { a href="#scoreboard" { "scoreboard" } " · " }
                @for (id, label) in sections.iter().filter_map(|s| s.nav.as_ref()) {
                    a href=(format!("#{id}")) { (label) } " · "
                }
                a href="cells.csv" { "cells.csv" } " · "
                @if behaviour::export::any(view) { a href=(behaviour::export::FILE) { (behaviour::export::FILE) } " · " }
                a href="summary.md" { "summary.md" } " · "
                a href="bmf.json" { "bmf.json" }
            }
            @for s in &sections { (s.body) }
            p.small { "Criterion's own per-benchmark HTML pages are not built: chanbench builds criterion without its html_reports feature to keep runs short; its raw estimates and samples are in target/chanbench/runs/" (env.run) "/ and in this run's JSON files." }
        },
    ))
}

/// A channel workload's section: its charts per placement, the placement chart, the latency
/// charts and the full table per placement.
fn workload_section(view: &View<'_>, w: Workload) -> Result<Markup> {
    let run = view.run;
    let mut charts_html = Vec::new();
    for p in &run.placements {
        charts_html.push(figures::workload_chart(view, p, w)?);
    }
    let (param, placement_svg) = if run.placements.len() > 1 {
        figures::placement_chart(view, w)?
    } else {
        (String::new(), String::new())
    };
    let mut latency_svgs = Vec::new();
    for p in &run.placements {
        latency_svgs.push(figures::latency_chart(view, p, w)?);
    }
    let facts = w.facts();
    Ok(html! {
        section {
            h3 id=(format!("w-{w}")) { (w) }
            p.small { (facts.summary) "; times per " (facts.unit.name()) "." }
            div.charts { @for svg in &charts_html { div.chart { (PreEscaped(svg)) } } }
            @if !placement_svg.is_empty() {
                div.charts { div.chart { (PreEscaped(&placement_svg)) } }
                p.small { "Placement chart: configuration " (param) ", the one most implementations ran on every placement." }
            }
            @if latency_svgs.iter().any(|s| !s.is_empty()) {
                div.charts { @for svg in latency_svgs.iter().filter(|s| !s.is_empty()) { div.chart { (PreEscaped(svg)) } } }
            }
            @for p in &run.placements {
                h4 { (p.placement) " (cores " (format!("{:?}", p.cores)) ")"
                    @if let FloorRule::Against(f) = facts.floor { @if let Some(ns) = p.floor_ns(w) { span.small { " · floor " (f.id()) " " (time_per(ns, f.unit())) } } } }
                (matrix_table(view, p, w))
            }
        }
    })
}

/// The run in one line, above the scoreboard: machine, profile, processes, when.
fn headline(view: &View<'_>) -> String {
    let env = &view.run.environment;
    format!(
        "{} · {} logical cores{} · {}, kernel {} · profile {}, {} process(es) per cell and \
         placement · {}",
        env.cpu_model,
        env.logical_cores,
        if env.hypervisor {
            ", under a hypervisor"
        } else {
            ""
        },
        env.os,
        env.kernel,
        env.profile,
        env.request.repeat,
        env.started
    )
}

fn metadata(view: &View<'_>) -> Markup {
    let env = &view.run.environment;
    let libraries: Vec<String> = env
        .libraries
        .iter()
        .map(|l| format!("{} = {} {}", l.implementation, l.library, l.version))
        .collect();
    let mut rows: Vec<(&str, String)> = vec![
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
            view.run
                .placements
                .iter()
                .map(|p| format!("{} (cores {:?})", p.placement, p.cores))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let notes = &env.request.placement_notes;
    if !notes.is_empty() {
        rows.push(("placements not run", notes.join("; ")));
    }
    // Runs from before the topology was recorded have no row (unknown), so their page is as it was.
    if let Some(t) = env.host.as_ref().and_then(|h| h.topology.as_ref()) {
        rows.insert(4, ("topology", t.summary()));
    }
    html! {
        table.meta {
            @for (k, v) in rows { tr { th { (k) } td { (v) } } }
        }
    }
}

fn which_channel(view: &View<'_>) -> Markup {
    let winners = view.winners();
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
            " only when the 95% interval of the margin over processes lies above " (MIN_MARGIN) "× (one-sample \
             t-test on the logs, p < " (ALPHA) "). Samples within one process share its luck and \
             are never used for this; a run with one process per cell is "
            em { "not replicated" } "."
        }
        table.which {
            tr { th { "workload" } @for p in &view.run.placements { th { (p.placement) " (cores " (format!("{:?}", p.cores)) ")" } } }
            @for (w, per_placement) in &winners {
                tr {
                    td { a href=(format!("#w-{w}")) { (w) } br; span.small { "per " (w.facts().unit.name()) } }
                    @for (_, r) in per_placement {
                        td { (ranking_cell(r.as_ref())) }
                    }
                }
            }
        }
        @let flips: Vec<String> = winners.iter().filter_map(|(w, pp)| Some(format!("{w}: {}", View::flips(pp)?))).collect();
        @if flips.is_empty() {
            p { "No reproducible winner changes between the placements of this run (a flip is only reported between winners both called reproducible)." }
        } @else {
            p.flip { strong { "Placement changes the answer. " } "Where the threads share one core, spinning and parking cost differently than across cores:" }
            ul { @for f in &flips { li { (f) } } }
        }
    }
}

fn zero_cost(view: &View<'_>) -> Markup {
    html! {
        h2 id="zero-cost" { "Zero-cost check" }
        p {
            "crossbeam through chanbench's trait over crossbeam called directly, in interleaved \
             rounds within each process (order alternating): 1.000 means the trait costs \
             nothing. Each process gives the median over its rounds; the run's figure is the \
             median over processes, with their range."
        }
        table {
            tr { th { "placement" } th { "workload" } th { "trait / direct" } th { "range over processes" } th { "processes" } th { "direct" } }
            @for (placement, workload, ratios, direct) in view.zero_cost_rows() {
                tr {
                    td { (placement) }
                    td { (workload) }
                    td { (format!("{:.3}", stats::median(&ratios))) }
                    td { (format!("{:.3} .. {:.3}", ratios.iter().copied().fold(f64::INFINITY, f64::min), ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max))) }
                    td { (ratios.len()) }
                    td { (time_per(direct, workload.facts().unit)) }
                }
            }
        }
    }
}

fn floors(view: &View<'_>) -> Markup {
    html! {
        h2 id="floor" { "Hardware floor" }
        p { "What the machine does without any channel: an atomic flag bounced between two threads (a round trip, the floor of ping-pong) and a lock-free single-producer ring of 1024 slots (the floor of the streaming workloads). The matrix's \"× floor\" divides by these, as the workload table assigns them." }
        table {
            tr { th { "placement" } th { "floor" } th { "time" } }
            @for p in &view.run.placements {
                @for c in p.cells_of(Workload::Floor) {
                    @let unit = chanbench_schema::Floor::with_id(c.implementation()).map_or(chanbench_schema::Unit::Message, |f| f.unit());
                    tr { td { (p.placement) } td { (c.implementation()) " " (c.label()) } td { (c.time_ns().map_or("not measured".into(), |ns| time_per(ns, unit))) } }
                }
            }
        }
    }
}

fn problems(view: &View<'_>) -> Markup {
    let bad: Vec<(&str, &CellResult)> = view
        .run
        .placements
        .iter()
        .flat_map(|p| {
            p.cells
                .iter()
                .filter(|c| c.status.is_fault())
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
