//! transport: time and CPU per frame against the number of peers, per receiver strategy, and
//! where one strategy overtakes another.

use anyhow::Result;
use chanbench_schema::Workload;

use super::{Reading, cpu, measured_by_placement, median, strategy};
use crate::{
    charts::{self, Curve},
    ranking::MIN_MARGIN,
    report::{model::View, ordered},
    results::CellResult,
    units::time,
};

/// The payload of the peer sweep (the other sizes are measured at one peer count).
const SWEEP_PAYLOAD: &str = "frame-1KiB";

pub fn reading(view: &View<'_>) -> Result<Reading> {
    let mut charts_svg = Vec::new();
    let mut sentences = Vec::new();
    for (p, cells) in measured_by_placement(view, Workload::Transport) {
        let sweep: Vec<&CellResult> = cells
            .iter()
            .copied()
            .filter(|c| c.params().payload.label == SWEEP_PAYLOAD && c.params().burst.is_none())
            .collect();
        // The publish shape: one client, 1,024 messages per connection.
        let publish: Vec<&CellResult> = cells
            .iter()
            .copied()
            .filter(|c| c.params().burst.is_some())
            .collect();
        let strategies: Vec<&str> = ordered(sweep.iter().map(|c| strategy(c)));
        let mut counts: Vec<usize> = ordered(sweep.iter().filter_map(|c| c.params().peers));
        counts.sort_unstable();
        let at = |s: &str, n: usize, f: &dyn Fn(&CellResult) -> Option<f64>| {
            median(
                sweep
                    .iter()
                    .filter(|c| strategy(c) == s && c.params().peers == Some(n))
                    .map(|c| f(c)),
            )
        };
        for (what, f, axis) in [
            (
                "time",
                &(|c: &CellResult| c.time_ns()) as &dyn Fn(&CellResult) -> Option<f64>,
                "ns per frame (log)",
            ),
            (
                "CPU",
                &cpu as &dyn Fn(&CellResult) -> Option<f64>,
                "CPU ns per frame (log)",
            ),
        ] {
            let curves: Vec<Curve> = strategies
                .iter()
                .map(|s| Curve {
                    name: s.to_string(),
                    colour: view.colour_of(s),
                    points: counts
                        .iter()
                        .filter_map(|&n| Some((n as f64, at(s, n, f)?)))
                        .collect(),
                })
                .collect();
            charts_svg.push(charts::log_log_lines(
                &format!(
                    "transport on {}: {what} per frame by number of peers ({SWEEP_PAYLOAD}; thread-per-stream: median over channels)",
                    p.placement
                ),
                "peers (log)",
                axis,
                &curves,
            )?);
        }
        let publish_strategies: Vec<&str> = ordered(publish.iter().map(|c| strategy(c)));
        let published: Vec<(&str, f64, Option<f64>)> = publish_strategies
            .iter()
            .filter_map(|s| {
                let of = |f: &dyn Fn(&CellResult) -> Option<f64>| {
                    median(publish.iter().filter(|c| strategy(c) == *s).map(|c| f(c)))
                };
                Some((*s, of(&|c| c.time_ns())?, of(&cpu)))
            })
            .collect();
        if let Some(best) = published.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
            let all: Vec<String> = published
                .iter()
                .map(|(s, t, c)| {
                    format!("{s} {}/msg (CPU {})", time(*t), c.map_or("?".into(), time))
                })
                .collect();
            sentences.push(format!(
                "On {}, a client publishing 1,024 messages of 1 KiB over one connection: fastest {}; {}.",
                p.placement,
                best.0,
                all.join(", ")
            ));
        }
        // The fastest strategy at each peer count, and where that changes.
        let mut fastest: Vec<(usize, &str, f64)> = Vec::new();
        for &n in &counts {
            let best = strategies
                .iter()
                .filter_map(|s| Some((*s, at(s, n, &|c| c.time_ns())?)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((s, t)) = best {
                fastest.push((n, s, t));
            }
        }
        for (n, s, t) in &fastest {
            let others: Vec<String> = strategies
                .iter()
                .filter(|o| *o != s)
                .filter_map(|o| {
                    let ot = at(o, *n, &|c| c.time_ns())?;
                    Some(format!(
                        "{o} {}/frame (CPU {})",
                        time(ot),
                        at(o, *n, &cpu).map_or("?".into(), time)
                    ))
                })
                .collect();
            sentences.push(format!(
                "On {} with {n} peer{}: fastest {s} at {}/frame (CPU {}/frame); {}.",
                p.placement,
                if *n == 1 { "" } else { "s" },
                time(*t),
                at(s, *n, &cpu).map_or("?".into(), time),
                others.join(", ")
            ));
        }
        // An overtaking is claimed only where each leader is more than 5% ahead of the other
        // (compare's threshold) at its end: a swap within noise is no crossover.
        let time_at = |s: &str, n: usize| at(s, n, &|c| c.time_ns());
        for pair in fastest.windows(2) {
            let ((a, sa, ta), (b, sb, tb)) = (pair[0], pair[1]);
            let ahead = |other: Option<f64>, t: f64| other.is_some_and(|o| o / t > MIN_MARGIN);
            if sa != sb && ahead(time_at(sb, a), ta) && ahead(time_at(sa, b), tb) {
                sentences.push(format!(
                    "On {}, {sb} overtakes {sa} between {a} and {b} peers.",
                    p.placement
                ));
            }
        }
    }
    Ok(Reading {
        text: format!(
            "What was measured: one node receiving length-prefixed frames from 1 to 64 peers over loopback TCP (a connection each), every frame handed to one handler that checks each peer's sequence; the receiver is a blocking thread per connection forwarding into a channel, one thread polling non-blocking connections round-robin, a mio (epoll) event loop, or tokio with a task per connection on either runtime. Time per frame is wall time over frames, from the first peer's start to the last frame handled; CPU is the whole process's (peers included) per frame. {}",
            sentences.join(" ")
        ),
        charts: charts_svg,
        note: "Lines are 1 KiB frames; thread-per-stream is the median over the channels it forwards through (the table has each). 16 B and 64 KiB frames are measured at 4 peers for the channel-less strategies. Every run sends at least 128 frames per peer, its time scaled to the frames asked for.".to_owned(),
    })
}
