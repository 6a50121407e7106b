//! The pieces sections share: a ranking's table cell, and the matrix table of a workload on a
//! placement.

use chanbench_schema::Workload;
use maud::{Markup, html};

use super::{model::View, names::ordered};
use crate::{
    ranking::{Ranking, Replication},
    results::{CellResult, PlacementResults},
    stats,
    units::{bytes, rate, time, time_per},
};

/// A ranking in a "which channel" table cell: the winner and whether it reproduces, the
/// verdict in words, the order.
pub(super) fn ranking_cell(r: Option<&Ranking>) -> Markup {
    html! {
        @match r {
            None => { "not measured" }
            Some(r) => {
                @match &r.winner {
                    Some(w) if r.reproducible() => { strong { (w) } " (reproducible)" }
                    Some(w) => { (w) " (" @if matches!(r.replication, Replication::NotReplicated) { "not replicated" } @else { "not reproducible" } ")" }
                    None => { "no single winner" }
                }
                br;
                span.small { (r.verdict()) }
                br;
                span.small { "order: " (r.order.iter().map(|(i, s)| format!("{i} ({s:.2}×)")).collect::<Vec<_>>().join(" < ")) }
            }
        }
    }
}

/// Every configuration of `workload` on `placement` by implementation, best per row marked.
pub(super) fn matrix_table(
    view: &View<'_>,
    placement: &PlacementResults,
    workload: Workload,
) -> Markup {
    let configurations = view.configurations(workload);
    let cells = || placement.cells_of(workload);
    let registered = view
        .impls()
        .iter()
        .filter(|i| cells().any(|c| c.implementation() == i.as_str()))
        .cloned();
    let others = cells()
        .map(|c| c.implementation().to_owned())
        .filter(|i| !view.impls().contains(i));
    let columns: Vec<String> = ordered(registered.chain(others));
    let floor = placement.floor_ns(workload);
    html! {
        table.matrix {
            tr { th { "configuration" } @for i in &columns { th { (i) } } }
            @for label in &configurations {
                @let row: Vec<Option<&CellResult>> = columns.iter().map(|i| cells().find(|c| c.implementation() == i && c.label() == label)).collect();
                @let best = row.iter().flatten().filter_map(|c| c.time_ns()).fold(f64::INFINITY, f64::min);
                @if row.iter().any(Option::is_some) {
                    tr {
                        th.param { (label) }
                        @for c in &row {
                            @match c {
                                None => td.none { "—" },
                                Some(c) => (matrix_cell(c, best, floor)),
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn matrix_cell(c: &CellResult, best: f64, floor: Option<f64>) -> Markup {
    let Some(ns) = c.time_ns() else {
        return html! {
            td.unsupported title=(c.message.clone().unwrap_or_default()) {
                (c.status)
                @if !c.missing.is_empty() { br; span.small { "lacks " (c.missing.join(", ")) } }
            }
        };
    };
    let unit = c.workload().facts().unit;
    let cost = c.cost.as_ref();
    let class = if ns <= best { "best" } else { "" };
    html! {
        td class=(class) {
            span.ns { (time_per(ns, unit)) }
            @if c.process_times().len() >= 2 {
                span.small title="each process's fastest sample; spread: the largest over the smallest, minus 1" { " median of " (c.process_times().len()) " processes, spread " (format!("{:.1}%", stats::spread(c.process_times()).unwrap_or(0.0) * 100.0)) }
            } @else {
                span.small { " one process: spread not measured" }
            }
            @if let Some(t) = c.typical_ns() {
                br;
                span.small title="the median over processes of each process's median sample" { "typical " (time_per(t, unit)) }
            }
            br;
            span.small {
                (rate(1e9 / ns, unit))
                @if let Some(f) = floor { " · " (format!("{:.1}", ns / f)) "× floor" }
            }
            br;
            span.small {
                "CPU " (cost.map_or("?".into(), |k| time_per(k.cpu_ns_per_msg, unit))) " · "
                (cost.map_or("?".into(), |k| format!("{:.3}", k.switches_per_msg()))) " switches" (unit.per())
            }
            br;
            span.small {
                (cost.and_then(|k| k.allocations_per_msg).map_or("?".into(), |a| format!("{a:.2}"))) " allocs" (unit.per())
                @if let Some(l) = cost.and_then(|k| k.latency) { " · p99 " (time(l.p99_ns as f64)) }
            }
            @if cost.is_some_and(|k| k.peak_heap_bytes.is_some() || k.peak_rss_bytes.is_some()) {
                br;
                span.small title="threads in the bench process; the most heap the cost run held at once; resident memory the run added at its peak (the process's high-water mark, reset when the run started), and the process's size before it" {
                    @if let Some(t) = c.params().threads { (t) " threads · " }
                    @if let Some(h) = cost.and_then(|k| k.peak_heap_bytes) { "heap peak " (bytes(h)) " · " }
                    @if let Some(growth) = cost.and_then(|k| k.rss_growth_bytes()) {
                        "+" (bytes(growth)) " resident"
                        @if let Some(before) = cost.and_then(|k| k.rss_before_bytes) { " (of " (bytes(before)) ")" }
                    }
                }
            }
        }
    }
}
