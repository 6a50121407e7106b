//! transport: time and CPU per frame against the number of peers, per receiver strategy, and
//! where one strategy overtakes another.

use anyhow::Result;
use chanbench_schema::{PeersIn, Socket, Workload};

use super::{
    lead::{Fastest, Lead, fastest},
    reading::{Reading, cells_of, cpu, measured_by_placement, median, ratio},
};
use crate::{
    charts::{self, Curve},
    report::{
        model::View,
        names::{ordered, strategy},
    },
    results::CellResult,
    units::{bytes, time},
};

/// The payload of the peer sweep (the other sizes are measured at one peer count).
const SWEEP_PAYLOAD: &str = "frame-1KiB";
/// The peer count the other links (a Unix socket, peers in a process) are measured at.
const LINK_PEERS: usize = 4;

/// Whether a cell is over loopback TCP with its peers as threads (the sweep's link).
fn loopback(c: &CellResult) -> bool {
    c.params().socket.is_none() && c.params().peers_in.is_none()
}

/// A link other than the sweep's (loopback TCP, peers as threads).
#[derive(Clone, Copy)]
enum OtherLink {
    /// Another socket, the peers as threads.
    Socket(Socket),
    /// The peers elsewhere, over loopback TCP.
    PeersIn(PeersIn),
}

/// The other links, and how to say each.
const LINKS: [(OtherLink, &str); 2] = [
    (OtherLink::Socket(Socket::Unix), "over a Unix socket"),
    (
        OtherLink::PeersIn(PeersIn::Process),
        "with the peers in a process of their own",
    ),
];

fn on_link(c: &CellResult, link: OtherLink) -> bool {
    let p = c.params();
    match link {
        OtherLink::Socket(s) => p.socket == Some(s) && p.peers_in.is_none(),
        OtherLink::PeersIn(w) => p.peers_in == Some(w) && p.socket.is_none(),
    }
}

pub fn reading(view: &View<'_>) -> Result<Reading> {
    let mut charts_svg = Vec::new();
    let mut sentences = Vec::new();
    // The family's strategies in the report's colour order, each coloured by its place here: the
    // report's palette is shared by every name of the run and wraps, so two strategies of one
    // chart could draw in one colour.
    let mut names: Vec<String> = ordered(
        view.run
            .placements
            .iter()
            .flat_map(|p| p.measured(Workload::Transport))
            .map(strategy),
    );
    names.sort_by_key(|s| view.colour_of(s));
    let colour_of = |s: &str| names.iter().position(|n| *n == s).unwrap_or(names.len());
    for (p, cells) in measured_by_placement(view, Workload::Transport) {
        let sweep: Vec<&CellResult> = cells
            .iter()
            .copied()
            .filter(|c| {
                c.params().payload.label == SWEEP_PAYLOAD
                    && c.params().burst.is_none()
                    && loopback(c)
            })
            .collect();
        // The publish shape: one client, 1,024 messages per connection.
        let publish: Vec<&CellResult> = cells
            .iter()
            .copied()
            .filter(|c| c.params().burst.is_some())
            .collect();
        let strategies: Vec<String> = ordered(sweep.iter().map(|c| strategy(c)));
        let mut counts: Vec<usize> = ordered(sweep.iter().filter_map(|c| c.params().peers));
        counts.sort_unstable();
        let cells_at = |s: &str, n: usize| cells_of(&sweep, s, |p| p.peers == Some(n));
        let at = |s: &str, n: usize, f: &dyn Fn(&CellResult) -> Option<f64>| {
            median(cells_at(s, n).into_iter().map(f))
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
                    colour: colour_of(s),
                    points: counts
                        .iter()
                        .filter_map(|&n| Some((n as f64, at(s, n, f)?)))
                        .collect(),
                    ranges: Vec::new(),
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
        sentences.extend(publish_sentence(&p.placement, &publish));
        // The fastest strategy at each peer count, and where that changes.
        let mut leaders: Vec<(usize, String)> = Vec::new();
        for &n in &counts {
            let Some(Fastest {
                name: s,
                time: t,
                lead,
            }) = fastest(&strategies, &|s| cells_at(s, n))
            else {
                continue;
            };
            let others: Vec<String> = strategies
                .iter()
                .filter(|o| **o != s)
                .filter_map(|o| {
                    let ot = at(o, n, &|c| c.time_ns())?;
                    Some(format!(
                        "{o} {}/frame (CPU {})",
                        time(ot),
                        at(o, n, &cpu).map_or("?".into(), time)
                    ))
                })
                .collect();
            sentences.push(format!(
                "On {} with {n} peer{}: fastest {s} at {}/frame (CPU {}/frame){}; {}.",
                p.placement,
                if n == 1 { "" } else { "s" },
                time(t),
                at(&s, n, &cpu).map_or("?".into(), time),
                lead,
                others.join(", ")
            ));
            leaders.push((n, s));
        }
        // An overtaking is claimed only where each leader is surely ahead of the other at its
        // end, tested over processes: a swap within 5% or within the process spread is no
        // crossover.
        for pair in leaders.windows(2) {
            let ((a, sa), (b, sb)) = (&pair[0], &pair[1]);
            let sure = |leader: &str, other: &str, n: usize| {
                Lead::of(&cells_at(leader, n), &cells_at(other, n)).is_some_and(|l| l.sure())
            };
            if sa != sb && sure(sa, sb, *a) && sure(sb, sa, *b) {
                sentences.push(format!(
                    "On {}, {sb} overtakes {sa} between {a} and {b} peers.",
                    p.placement
                ));
            }
        }
        sentences.extend(links(p.placement.as_str(), &sweep, &cells));
        sentences.extend(memory(p.placement.as_str(), &sweep, &counts));
    }
    Ok(Reading {
        text: "What was measured: one node receiving length-prefixed frames from 1 to 64 peers over loopback TCP (a connection each), every frame handed to one handler that checks each peer's sequence; the receiver is a blocking thread per connection forwarding into a channel, one thread polling non-blocking connections round-robin, a mio (epoll) event loop, tokio with a task per connection on either runtime, or one thread keeping a recv in flight per connection on an io_uring. At 4 peers the same is measured over a Unix socket, and with the peers in a process of their own. Time per frame is wall time over frames, from the first peer's start to the last frame handled; CPU per frame counts the node and its peers, as threads or in a process of their own (that process reports its CPU from the moment it is told to go; its start-up is not counted). What this run found, per placement:".to_owned(),
        points: sentences,
        charts: charts_svg,
        note: "Lines are 1 KiB frames over loopback TCP with the peers as threads; thread-per-stream is the median over the channels it forwards through (the table has each). 16 B and 64 KiB frames are measured at 4 peers for the channel-less strategies; the Unix socket and the peers' process at 4 peers of 1 KiB for every strategy (thread-per-stream over the first registered channel), each read against the same receiver over loopback TCP. Every run sends at least 128 frames per peer, its time scaled to the frames asked for. Resident memory is the bench process's, what a cost run added at its peak.".to_owned(),
    })
}

/// The publish shape (one client, 1,024 messages per connection) on `placement`: the fastest,
/// its lead, and every strategy's time and CPU per message.
fn publish_sentence(placement: &str, publish: &[&CellResult]) -> Option<String> {
    let strategies: Vec<String> = ordered(publish.iter().map(|c| strategy(c)));
    let of_strategy = |s: &str| cells_of(publish, s, |_| true);
    let best = fastest(&strategies, &of_strategy)?;
    let all: Vec<String> = strategies
        .iter()
        .filter_map(|s| {
            let of =
                |f: &dyn Fn(&CellResult) -> Option<f64>| median(of_strategy(s).into_iter().map(f));
            Some(format!(
                "{s} {}/msg (CPU {})",
                time(of(&|c| c.time_ns())?),
                of(&cpu).map_or("?".into(), time)
            ))
        })
        .collect();
    Some(format!(
        "On {placement}, a client publishing 1,024 messages of 1 KiB over one connection: fastest {} at {}/msg{}; {}.",
        best.name,
        time(best.time),
        best.lead,
        all.join(", ")
    ))
}

/// Each strategy at [`LINK_PEERS`] peers over each other link against loopback TCP with the
/// peers as threads: time and CPU per frame as ratios of each cell to the loopback cell of the
/// same implementation (thread-per-stream: the same channel), and the fastest on that link.
fn links(placement: &str, sweep: &[&CellResult], cells: &[&CellResult]) -> Vec<String> {
    let mut out = Vec::new();
    let loopback_of = |c: &CellResult| {
        sweep.iter().copied().find(|b| {
            b.implementation() == c.implementation()
                && strategy(b) == strategy(c)
                && b.params().peers == Some(LINK_PEERS)
        })
    };
    let time_of = |c: &CellResult| c.time_ns();
    for (link, said) in LINKS {
        let on: Vec<&CellResult> = cells
            .iter()
            .copied()
            .filter(|c| on_link(c, link) && c.params().peers == Some(LINK_PEERS))
            .collect();
        let strategies: Vec<String> = ordered(on.iter().map(|c| strategy(c)));
        let of = |s: &str| cells_of(&on, s, |_| true);
        let at = |s: &str, f: &dyn Fn(&CellResult) -> Option<f64>| median(of(s).into_iter().map(f));
        let against = |s: &str, f: &dyn Fn(&CellResult) -> Option<f64>| {
            median(of(s).into_iter().map(|c| Some(f(c)? / f(loopback_of(c)?)?)))
        };
        let mut parts = Vec::new();
        for s in &strategies {
            let (Some(t), Some(r)) = (at(s, &time_of), against(s, &time_of)) else {
                continue;
            };
            let cpu_ratio = against(s, &cpu).map_or("?".into(), ratio);
            parts.push(format!(
                "{s} {}/frame, {} the time (CPU {cpu_ratio})",
                time(t),
                ratio(r)
            ));
        }
        if let Some(best) = fastest(&strategies, &of) {
            out.push(format!(
                "On {placement} with {LINK_PEERS} peers {said}, against loopback TCP with the peers as threads: {}; fastest {} at {}/frame{}.",
                parts.join(", "),
                best.name,
                time(best.time),
                best.lead
            ));
        }
    }
    out
}

/// Threads and resident memory per strategy at the largest peer count of the sweep.
fn memory(placement: &str, sweep: &[&CellResult], counts: &[usize]) -> Option<String> {
    let &n = counts.last()?;
    let at_n: Vec<&CellResult> = sweep
        .iter()
        .copied()
        .filter(|c| c.params().peers == Some(n))
        .collect();
    let parts: Vec<String> = ordered(at_n.iter().map(|c| strategy(c)))
        .into_iter()
        .filter_map(|s| {
            let of = at_n.iter().filter(|c| strategy(c) == s);
            let threads = of.clone().find_map(|c| c.params().threads)?;
            let of_cost = |f: fn(&chanbench_schema::Cost) -> Option<u64>| {
                median(
                    of.clone()
                        .map(|c| c.cost.as_ref().and_then(f).map(|b| b as f64)),
                )
            };
            let heap = of_cost(|k| k.peak_heap_bytes)?;
            let growth = of_cost(|k| k.rss_growth_bytes())?;
            Some(format!(
                "{s} {threads} threads, heap peak {}, +{} resident",
                bytes(heap as u64),
                bytes(growth as u64)
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "On {placement} with {n} peers (threads here include the {n} peers; the heap a run held at its peak, and the resident memory it added): {}.",
            parts.join(", ")
        )
    })
}
