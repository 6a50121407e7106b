//! background-load: each implementation's `spsc` and `mpsc` with busy hogs on the roles' cores,
//! over the same cells without, per placement.

use anyhow::Result;
use chanbench_schema::{Capacity, Runtime, Workload};
use maud::{Markup, html};

use super::lowest::{Candidate, lowest, setting};
use crate::{
    report::{model::View, names::ordered, strategies::reading::Reading},
    results::{CellResult, PlacementResults},
    stats,
    units::time,
};

/// One configuration (producers, capacity) of one implementation: without hogs and with them.
struct Pair<'a> {
    implementation: String,
    quiet: &'a CellResult,
    loaded: &'a CellResult,
}

impl Pair<'_> {
    /// Loaded over quiet time, per process (the k-th process measured both).
    fn slowdowns(&self) -> Vec<f64> {
        let (q, l) = (self.quiet.process_times(), self.loaded.process_times());
        if q.len() != l.len() {
            return Vec::new();
        }
        l.iter().zip(q).map(|(l, q)| l / q).collect()
    }
}

/// A configuration: the runtime flavour (async), the producers (`None`: one) and the capacity.
type Configuration = (Option<Runtime>, Option<usize>, Capacity);

/// The pairs of one configuration on a placement, in implementation order.
fn pairs<'a>(
    view: &View<'_>,
    p: &'a PlacementResults,
    w: Workload,
    (runtime, producers, capacity): Configuration,
) -> Vec<Pair<'a>> {
    let of = |i: &str, loaded: bool| {
        p.measured(w).into_iter().find(|c| {
            let x = c.params();
            c.implementation() == i
                && x.producers == producers
                && x.capacity == capacity
                && x.runtime == runtime
                && x.hogs.is_some_and(|h| (h > 0) == loaded)
        })
    };
    view.impls()
        .iter()
        .filter_map(|i| {
            Some(Pair {
                implementation: i.clone(),
                quiet: of(i, false)?,
                loaded: of(i, true)?,
            })
        })
        .collect()
}

pub fn reading(view: &View<'_>, w: Workload) -> Result<(Reading, Markup)> {
    let mut points = Vec::new();
    let mut tables = Vec::new();
    let mut hog_counts = Vec::new();
    for p in &view.run.placements {
        let cells = p.measured(w);
        if cells.is_empty() {
            continue;
        }
        hog_counts.extend(
            cells
                .iter()
                .filter_map(|c| c.params().hogs)
                .filter(|h| *h > 0),
        );
        let mut configurations = ordered(cells.iter().map(|c| {
            (
                c.params().runtime,
                c.params().producers,
                c.params().capacity,
            )
        }));
        configurations.sort();
        let mut rows = Vec::new();
        for configuration in configurations {
            let (runtime, producers, capacity) = configuration;
            let pairs = pairs(view, p, w, configuration);
            let name = format!(
                "{} ({})",
                producers.map_or("spsc".to_owned(), |n| format!("mpsc, {n} producers")),
                setting(capacity, runtime)
            );
            let hurt: Vec<Candidate> = pairs
                .iter()
                .map(|x| Candidate {
                    name: x.implementation.clone(),
                    per_process: x.slowdowns(),
                })
                .collect();
            let loaded: Vec<Candidate> = pairs
                .iter()
                .map(|x| Candidate {
                    name: x.implementation.clone(),
                    per_process: x.loaded.process_times().to_vec(),
                })
                .collect();
            let worst = hurt
                .iter()
                .filter_map(|c| Some((c, c.median()?)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let (Some(least), Some(fastest), Some((worst, w))) = (
                lowest(&hurt, &|r| format!("{r:.2}× its quiet time"), "below"),
                lowest(&loaded, &|t| format!("{}/msg", time(t)), "faster than"),
                worst,
            ) {
                points.push(format!(
                    "On {}, {name}: least slowed {least}; most slowed {} ({w:.2}×); fastest under load {fastest}.",
                    p.placement, worst.name
                ));
            }
            rows.push((name, pairs));
        }
        tables.push(html! {
            h4 { (p.placement) }
            table.matrix {
                tr { th { "configuration" } th { "implementation" } th { "quiet" } th { "with hogs" } th { "with hogs / quiet" } th { "per process" } th { "CPU/msg with hogs" } }
                @for (name, pairs) in &rows {
                    @for x in pairs {
                        @let s = x.slowdowns();
                        tr {
                            td { (name) } td { (x.implementation) }
                            td { (x.quiet.time_ns().map_or("–".to_owned(), time)) "/msg" }
                            td { (x.loaded.time_ns().map_or("–".to_owned(), time)) "/msg" }
                            td { @if s.is_empty() { "–" } @else { (format!("{:.2}×", stats::median(&s))) } }
                            td.small { (s.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(" ")) }
                            td { (x.loaded.cost.as_ref().map_or("–".to_owned(), |c| time(c.cpu_ns_per_msg))) }
                        }
                    }
                }
            }
        });
    }
    let hogs = ordered(hog_counts);
    let reading = Reading {
        text: format!("What was measured: the streaming cells (async-background-load: async-spsc and async-mpsc), once on a quiet machine and once with a busy hog thread pinned to each allowed core ({} in all, as many as the placement's cores), at the bench's own priority (nice 0), doing arithmetic and never sleeping; the roles share their cores with them. Times are the median over processes of each process's fastest sample; the slowdown is each process's loaded time over its own quiet time. The hogs' own CPU is in the CPU column, which counts the whole process:", hogs.iter().map(ToString::to_string).collect::<Vec<_>>().join(" or ")),
        points,
        charts: Vec::new(),
        note: "A channel that spins while it waits competes with the hog for the core and loses its turn for a whole scheduler slice; one that parks gives the core up. The figures are the cost of sharing a core with busy work, not of the channel alone.".to_owned(),
    };
    Ok((reading, html! { @for t in &tables { (t) } }))
}
