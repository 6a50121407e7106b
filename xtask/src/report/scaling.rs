//! Scaling: throughput against the number of threads, from the thread-count sweep (`mpsc`,
//! `mpmc`, `async-mpsc`), per workload, placement and capacity: one line per implementation with
//! its interval over processes, and a table of throughput at each point over throughput at one,
//! where each implementation peaks and where it collapses. Points with more roles than the
//! placement's cores are marked oversubscribed.

use anyhow::Result;
use chanbench_schema::{Capacity, Workload};
use chanbench_workloads::matrix::THREAD_SWEPT;
use maud::{Markup, PreEscaped, html};

use super::{model::View, names::ordered};
use crate::{
    charts::{self, Curve},
    results::{CellResult, PlacementResults},
    units::rate,
};

/// A point of the sweep: producers (and consumers, for `mpmc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Point {
    producers: usize,
    consumers: Option<usize>,
}

impl Point {
    fn of(c: &CellResult) -> Option<Point> {
        let p = c.params();
        Some(Point {
            producers: p.producers?,
            consumers: p.consumers,
        })
    }

    /// Threads or tasks the point runs: the producers and the consumers (one for `mpsc`).
    fn roles(self) -> usize {
        self.producers + self.consumers.unwrap_or(1)
    }

    /// On the chart's line: every `mpsc` point, the n x n points of `mpmc`.
    fn on_line(self) -> bool {
        self.consumers.is_none_or(|c| c == self.producers)
    }

    fn label(self) -> String {
        match self.consumers {
            Some(c) => format!("{}×{c}", self.producers),
            None => self.producers.to_string(),
        }
    }
}

/// The cells of `w` on placement `p` under `capacity`, by implementation and point.
fn sweep(p: &PlacementResults, w: Workload, capacity: Capacity) -> Vec<(&str, Point, &CellResult)> {
    p.measured(w)
        .into_iter()
        .filter(|c| c.params().capacity == capacity)
        .filter(|c| c.params().runtime != Some(chanbench_schema::Runtime::CurrentThread))
        .filter_map(|c| Some((c.implementation(), Point::of(c)?, c)))
        .collect()
}

/// Whether the run swept threads: some workload has two points or more on a placement.
pub(super) fn shown(view: &View<'_>) -> bool {
    view.run.placements.iter().any(|p| {
        THREAD_SWEPT.iter().any(|&w| {
            [Capacity::Bounded(1024), Capacity::Unbounded]
                .into_iter()
                .any(|cap| ordered(sweep(p, w, cap).iter().map(|s| s.1)).len() >= 2)
        })
    })
}

/// Messages per second from a time per message in ns.
fn throughput(ns: f64) -> f64 {
    1e9 / ns
}

/// The section: nothing where the run did not sweep threads.
pub(super) fn section(view: &View<'_>) -> Result<Markup> {
    if !shown(view) {
        return Ok(html! {});
    }
    let mut parts = Vec::new();
    for w in THREAD_SWEPT {
        for p in &view.run.placements {
            for cap in [Capacity::Bounded(1024), Capacity::Unbounded] {
                let cells = sweep(p, w, cap);
                let points = {
                    let mut v = ordered(cells.iter().map(|s| s.1));
                    v.sort_unstable();
                    v
                };
                if points.len() < 2 {
                    continue;
                }
                parts.push(part(view, w, p, cap, &cells, &points)?);
            }
        }
    }
    Ok(html! {
        h2 id="scaling" { "Scaling with threads" }
        p {
            "Throughput (messages per second, higher is better) against the number of producers, from the thread-count sweep; for mpmc, producers = consumers on the line and the 1×N and N×1 ends in the table. The bars are each point's range over processes. "
            "A point marked * has more threads (async: tasks) than the placement has cores: oversubscribed, so the scheduler shares cores between roles. "
            "In the table, each point's throughput is over the throughput at one producer; the peak is the fastest point, and a channel collapses where, after its peak, throughput falls below half of it."
        }
        @for part in &parts { (part) }
    })
}

/// One workload, placement and capacity: its chart and table.
fn part(
    view: &View<'_>,
    w: Workload,
    p: &PlacementResults,
    cap: Capacity,
    cells: &[(&str, Point, &CellResult)],
    points: &[Point],
) -> Result<Markup> {
    let cores = p.cores.len();
    let impls: Vec<&str> = ordered(cells.iter().map(|s| s.0));
    let at = |i: &str, pt: Point| cells.iter().find(|s| s.0 == i && s.1 == pt).map(|s| s.2);
    let curves: Vec<Curve> = impls
        .iter()
        .map(|&i| {
            let line: Vec<(Point, &CellResult)> = points
                .iter()
                .filter(|pt| pt.on_line())
                .filter_map(|&pt| Some((pt, at(i, pt)?)))
                .collect();
            let range = |c: &CellResult| {
                let t = c.process_times();
                let lo = t.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = t.iter().copied().fold(0.0, f64::max);
                (throughput(hi), throughput(lo))
            };
            Curve {
                name: i.to_owned(),
                colour: view.colour_of(i),
                points: line
                    .iter()
                    .filter_map(|(pt, c)| Some((pt.producers as f64, throughput(c.time_ns()?))))
                    .collect(),
                ranges: line
                    .iter()
                    .filter(|(_, c)| c.time_ns().is_some() && !c.process_times().is_empty())
                    .map(|(_, c)| range(c))
                    .collect(),
            }
        })
        .filter(|c| c.points.len() >= 2)
        .collect();
    let x_desc = match w {
        Workload::Mpmc => "producers = consumers",
        Workload::AsyncMpsc => "producer tasks",
        _ => "producers",
    };
    let svg = charts::log_log_lines(
        &format!(
            "{w} on {} ({cores} cores), capacity {cap}: throughput",
            p.placement
        ),
        x_desc,
        "messages per second",
        &curves,
    )?;
    let unit = w.facts().unit;
    let base = points
        .iter()
        .copied()
        .find(|pt| pt.producers == 1 && pt.consumers.is_none_or(|c| c == 1))
        .unwrap_or(points[0]);
    let mark = |pt: Point| {
        let star = if pt.roles() > cores { "*" } else { "" };
        format!("{}{star}", pt.label())
    };
    Ok(html! {
        h3 { (w) " on " (p.placement) ", capacity " (cap) }
        div.chart { (PreEscaped(svg)) }
        table {
            tr {
                th { "implementation" }
                th { "at " (mark(base)) }
                @for &pt in points.iter().filter(|&&pt| pt != base) { th { (mark(pt)) } }
                th { "peak" }
                th { "collapse" }
            }
            @for &i in &impls {
                @let speed = |pt: Point| at(i, pt).and_then(CellResult::time_ns).map(throughput);
                tr {
                    td { (i) }
                    td { (speed(base).map_or("—".to_owned(), |t| rate(t, unit))) }
                    @for &pt in points.iter().filter(|&&pt| pt != base) {
                        td { (match (speed(pt), speed(base)) {
                            (Some(t), Some(b)) => times(t / b),
                            _ => "—".to_owned(),
                        }) }
                    }
                    @let line: Vec<(Point, f64)> = points.iter().filter_map(|&pt| Some((pt, speed(pt)?))).collect();
                    @let peak = line.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
                    td { (peak.map_or("—".to_owned(), |(pt, t)| format!("{} ({})", mark(pt), rate(t, unit)))) }
                    td { (collapse(&line, peak, &mark)) }
                }
            }
        }
    })
}

/// A ratio with two significant digits (`0.48×`, `0.0008×`, `20×`).
fn times(x: f64) -> String {
    let digits = if x >= 0.1 {
        2
    } else {
        (1.0 - x.log10().floor()) as usize
    };
    format!("{x:.digits$}×")
}

/// Where throughput falls below half the peak after it, in sweep order, or that it holds.
fn collapse(
    line: &[(Point, f64)],
    peak: Option<(Point, f64)>,
    mark: &dyn Fn(Point) -> String,
) -> String {
    let Some((at, top)) = peak else {
        return "—".to_owned();
    };
    let after = line.iter().filter(|(pt, _)| pt.roles() > at.roles());
    match after.clone().find(|(_, t)| *t < top / 2.0) {
        Some((pt, t)) => format!("at {} ({} peak)", mark(*pt), times(t / top)),
        None if after.count() == 0 => "peaks at the last point".to_owned(),
        None => "holds (≥ 0.5× peak)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(producers: usize, consumers: Option<usize>) -> Point {
        Point {
            producers,
            consumers,
        }
    }

    #[test]
    fn a_collapse_is_the_first_point_after_the_peak_below_half_of_it() {
        let mark = |p: Point| p.label();
        let line = [
            (pt(1, None), 10.0),
            (pt(2, None), 16.0),
            (pt(4, None), 12.0),
            (pt(8, None), 5.0),
        ];
        let peak = Some(line[1]);
        assert_eq!(collapse(&line, peak, &mark), "at 8 (0.31× peak)");
        assert_eq!(collapse(&line[..3], peak, &mark), "holds (≥ 0.5× peak)");
        assert_eq!(collapse(&line[..2], peak, &mark), "peaks at the last point");
        assert_eq!(pt(8, Some(1)).roles(), 9);
        assert_eq!(times(0.4812), "0.48×");
        assert_eq!(times(0.000_776), "0.00078×");
        assert_eq!(times(19.98), "19.98×");
        assert!(!pt(1, Some(8)).on_line() && pt(4, Some(4)).on_line());
    }
}
