//! memory: bytes of an empty channel, per queued message and after a drained burst, per
//! implementation and capacity.

use anyhow::Result;
use chanbench_schema::{Capacity, Footprint, Observation, Workload};
use maud::{Markup, html};

use super::lowest::{Candidate, lowest};
use crate::{
    report::{model::View, names::ordered, strategies::reading::Reading},
    results::CellResult,
    stats,
    units::time,
};

/// Each process's footprint of a cell.
fn footprints(c: &CellResult) -> Vec<&Footprint> {
    c.observations
        .iter()
        .filter_map(|o| match o {
            Observation::Memory(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// The median over processes of a figure the footprint may lack.
fn median(c: &CellResult, f: impl Fn(&Footprint) -> Option<f64>) -> Option<f64> {
    let v: Vec<f64> = footprints(c).into_iter().filter_map(f).collect();
    (!v.is_empty()).then(|| stats::median(&v))
}

/// Bytes with one decimal below 100, whole above, with binary units beyond a KiB.
fn b(v: Option<f64>) -> String {
    match v {
        None => "–".to_owned(),
        Some(x) if x.abs() >= 1024.0 * 1024.0 => format!("{:.1} MiB", x / (1024.0 * 1024.0)),
        Some(x) if x.abs() >= 1024.0 => format!("{:.1} KiB", x / 1024.0),
        Some(x) if x.abs() >= 100.0 => format!("{x:.0} B"),
        Some(x) => format!("{x:.1} B"),
    }
}

fn queued(f: &Footprint, messages: u64, rss: bool) -> Option<f64> {
    let q = f.queued.iter().find(|q| q.messages == messages)?;
    if rss {
        q.rss_bytes_per_msg
    } else {
        Some(q.heap_bytes_per_msg)
    }
}

/// Heap a drained burst left held beyond which it is called a leftover, bytes: a block or two.
const LEFTOVER_ABOVE: f64 = 4096.0;

pub fn reading(view: &View<'_>, w: Workload) -> Result<(Reading, Markup)> {
    let mut points = Vec::new();
    let mut tables = Vec::new();
    for p in &view.run.placements {
        let mut observed: Vec<&CellResult> = p
            .cells_of(w)
            .filter(|c| !footprints(c).is_empty())
            .collect();
        observed.sort_by_key(|c| {
            let x = c.params();
            (view.impl_rank(c.implementation()), x.capacity, x.runtime)
        });
        // An async channel's footprint does not depend on the runtime (no runtime is used to
        // measure it): the findings read the first flavour's cells, the table has both.
        let first_runtime = observed.iter().filter_map(|c| c.params().runtime).min();
        let findings: Vec<&CellResult> = observed
            .iter()
            .copied()
            .filter(|c| c.params().runtime == first_runtime)
            .collect();
        if observed.is_empty() {
            continue;
        }
        let capacities: Vec<Capacity> = ordered(findings.iter().map(|c| c.params().capacity));
        for capacity in &capacities {
            let of: Vec<&CellResult> = findings
                .iter()
                .copied()
                .filter(|c| c.params().capacity == *capacity)
                .collect();
            let empty: Vec<Candidate> = of
                .iter()
                .map(|c| Candidate {
                    name: c.implementation().to_owned(),
                    per_process: footprints(c).iter().map(|f| f.empty_heap_bytes).collect(),
                })
                .collect();
            if let Some(least) = lowest(&empty, &|v| format!("{} of heap", b(Some(v))), "below") {
                points.push(format!(
                    "On {}, an empty channel of capacity {capacity}: smallest {least}.",
                    p.placement
                ));
            }
        }
        let leftovers: Vec<String> = findings
            .iter()
            .filter_map(|c| {
                let held = median(c, |f| Some(f.retained.as_ref()?.heap_bytes))?;
                (held > LEFTOVER_ABOVE).then(|| {
                    format!(
                        "{} ({} after {} messages)",
                        c.implementation(),
                        b(Some(held)),
                        footprints(c)[0].retained.as_ref().map_or(0, |r| r.burst)
                    )
                })
            })
            .collect();
        if findings
            .iter()
            .any(|c| median(c, |f| f.retained.as_ref().map(|r| r.heap_bytes)).is_some())
        {
            points.push(if leftovers.is_empty() {
                format!("On {}, every unbounded channel gave back its drained burst's heap (within {}).", p.placement, b(Some(LEFTOVER_ABOVE)))
            } else {
                format!("On {}, heap still held after a drained burst: {}.", p.placement, leftovers.join(", "))
            });
        }
        tables.push(html! {
            h4 { (p.placement) }
            table.matrix {
                tr {
                    th { "implementation" } th { "capacity" } th { "runtime" } th { "empty: heap" } th { "empty: resident" } th { "handles" }
                    th { "create + drop" } th { "1,000 queued: heap/msg" } th { "100,000 queued: heap/msg" } th { "100,000 queued: resident/msg" }
                    th { "after burst: heap" } th { "after burst: resident" } th { "processes" }
                }
                @for c in &observed {
                    tr {
                        td { (c.implementation()) } td { (c.params().capacity) }
                        td { (c.params().runtime.map_or("–", |r| r.name())) }
                        td { (b(median(c, |f| Some(f.empty_heap_bytes)))) }
                        td { (b(median(c, |f| f.empty_rss_bytes))) }
                        td { (b(median(c, |f| Some(f.handle_bytes as f64)))) }
                        td { (c.time_ns().map_or("–".to_owned(), time)) }
                        td { (b(median(c, |f| queued(f, 1_000, false)))) }
                        td { (b(median(c, |f| queued(f, 100_000, false)))) }
                        td { (b(median(c, |f| queued(f, 100_000, true)))) }
                        td { (b(median(c, |f| Some(f.retained.as_ref()?.heap_bytes)))) }
                        td { (b(median(c, |f| f.retained.as_ref()?.rss_bytes))) }
                        td { (footprints(c).len()) }
                    }
                }
            }
        });
    }
    let reading = Reading {
        text: "What was measured, on one thread with 8-byte messages (an async channel through its try_send and try_recv, no runtime needed; its create-and-drop time is taken in a task): the heap (the counting allocator: bytes requested, allocated minus freed) and the resident memory (VmRSS) of 4,096 empty channels held together, per channel; of one channel with 1,000 and 100,000 messages queued where its capacity holds them, per message, the message's own 8 bytes included; and what one unbounded channel still holds after a burst of 1,000,000 messages was sent and all received. The handles are the sender's and receiver's own size. Medians over processes (the heap is the same in every process; resident memory is page-grained and shown only where many pages are at stake):".to_owned(),
        points,
        charts: Vec::new(),
        note: "A bounded channel that allocates its slots up front holds them empty (its queued messages cost no more heap); a linked or growable queue pays per message and may keep what it grew to after draining (the heap after the burst). Resident memory is read after the heap gave its free pages back (glibc's malloc_trim) before each measure, and not after: resident memory after the burst includes what the allocator kept of the blocks the channel freed, which it reuses but does not return unasked; read it beside the heap. The time is one empty channel created and dropped.".to_owned(),
    };
    Ok((reading, html! { @for t in &tables { (t) } }))
}
