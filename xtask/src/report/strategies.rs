//! The report's strategy sections: one per family (distribute, receive, sources, service), each
//! with its own chart per placement, a paragraph reading what was measured, and the full table.
//!
//! Parameters name the strategy first (`pool-batch-64/grain=fine`, `block/gap=1ms`,
//! `select/sources=16`, `two-threads/boxed`), then `key=value` parts; the readings are computed
//! from the run's numbers, never written in advance.

use anyhow::Result;
use maud::{Markup, PreEscaped, html};

use super::{View, cost, latency, ns_per_msg, ordered, time};
use crate::{
    charts::{self, Curve, Dot, Series},
    results::CellResult,
    stats,
};

/// The strategy families, in the order the report shows them.
pub const FAMILIES: [&str; 4] = ["distribute", "receive", "sources", "service"];

/// The value of `key=` in a cell's parameters.
fn part<'a>(params: &'a str, key: &str) -> Option<&'a str> {
    params
        .split('/')
        .find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
}

/// The strategy: the parameters' first part.
fn strategy(c: &CellResult) -> &str {
    c.params.split('/').next().unwrap_or("")
}

/// The strategy with the channel it runs over, if any: `pool-per-item (crossbeam)`, `rayon`.
fn label(c: &CellResult) -> String {
    match strategy(c) {
        s if s == c.implementation => s.to_owned(),
        s => format!("{s} ({})", c.implementation),
    }
}

/// The median of the present values; `None` when there are none.
fn median(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.into_iter().flatten().collect();
    (!v.is_empty()).then(|| stats::median(&v))
}

fn ratio(x: f64) -> String {
    format!("{x:.2}×")
}

impl View<'_> {
    /// The "Strategies" part of the page: nothing when the run has none of the families.
    pub(super) fn strategies(&self) -> Result<Markup> {
        let mut sections = Vec::new();
        for family in FAMILIES {
            if !self.workloads.iter().any(|w| w == family) {
                continue;
            }
            let (reading, charts, note) = match family {
                "distribute" => self.distribute()?,
                "receive" => self.receive()?,
                "sources" => self.sources()?,
                _ => self.service()?,
            };
            sections.push(html! {
                section {
                    h3 id=(format!("w-{family}")) { (family) }
                    p.reading { (reading) }
                    div.charts { @for svg in charts.iter().filter(|s| !s.is_empty()) { div.chart { (PreEscaped(svg)) } } }
                    p.small { (note) }
                    details {
                        summary { "Every " (family) " cell" }
                        @for p in &self.run.placements {
                            h4 { (p.placement) " (cores " (format!("{:?}", p.cores)) ")" }
                            (self.matrix_table(p, family))
                        }
                    }
                }
            });
        }
        if sections.is_empty() {
            return Ok(html! {});
        }
        Ok(html! {
            h2 id="strategies" { "Strategies" }
            p { "Beyond one channel: the same job done by different concurrency strategies, through the same placements. Each family has a chart per placement, a reading of this run's numbers, and every cell in a table (times per message or per item, as each family says)." }
            @for s in &sections { (s) }
        })
    }

    /// distribute: speedup over sequential per grain and strategy.
    fn distribute(&self) -> Result<(String, Vec<String>, String)> {
        let mut charts_svg = Vec::new();
        let mut sentences = Vec::new();
        for p in &self.run.placements {
            let cells = Self::measured(p, "distribute");
            if cells.is_empty() {
                continue;
            }
            let grains: Vec<&str> = ordered(cells.iter().filter_map(|c| part(&c.params, "grain")));
            let labels: Vec<String> = ordered(cells.iter().map(|c| label(c)));
            let time_of = |l: &str, g: &str| {
                cells
                    .iter()
                    .find(|c| label(c) == l && part(&c.params, "grain") == Some(g))
                    .and_then(|c| ns_per_msg(c))
            };
            let speedup = |l: &str, g: &str| Some(time_of("sequential", g)? / time_of(l, g)?);
            let series: Vec<Series> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| Series {
                    name: l.clone(),
                    colour: i,
                    values: grains.iter().map(|g| speedup(l, g)).collect(),
                })
                .collect();
            let groups: Vec<String> = grains.iter().map(|g| format!("grain={g}")).collect();
            charts_svg.push(charts::grouped_bars(
                &format!(
                    "distribute on {}: speedup over sequential (log scale, higher is faster)",
                    p.placement
                ),
                "× sequential",
                &groups,
                &series,
            )?);
            let mut parts = Vec::new();
            for g in &grains {
                let best = labels
                    .iter()
                    .filter_map(|l| Some((l, speedup(l, g)?)))
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                if let (Some((l, s)), Some(seq)) = (best, time_of("sequential", g)) {
                    parts.push(format!(
                        "at {g} grain (sequential {}/item) the fastest was {l}, {} sequential",
                        time(seq),
                        ratio(s)
                    ));
                }
            }
            let finest = grains.first().copied().unwrap_or_default();
            let per_item = median(
                cells
                    .iter()
                    .filter(|c| strategy(c) == "pool-per-item")
                    .filter(|c| part(&c.params, "grain") == Some(finest))
                    .map(|c| speedup(&label(c), finest)),
            );
            let batched = median(
                cells
                    .iter()
                    .filter(|c| strategy(c).starts_with("pool-batch"))
                    .filter(|c| part(&c.params, "grain") == Some(finest))
                    .map(|c| speedup(&label(c), finest)),
            );
            if let (Some(i), Some(b)) = (per_item, batched) {
                parts.push(format!(
                    "at {finest} grain a channel-fed pool reached {} sequential with one message per item and {} with batches (median over channels)",
                    ratio(i),
                    ratio(b)
                ));
            }
            if let (Some(scope), Some(team)) = (
                speedup("scope-split", finest),
                speedup("team-split", finest),
            ) {
                parts.push(format!(
                    "spawning scoped threads per job gave {} against {} for the same split on existing threads",
                    ratio(scope),
                    ratio(team)
                ));
            }
            sentences.push(format!(
                "On {} ({} core{}): {}.",
                p.placement,
                p.cores.len(),
                if p.cores.len() == 1 { "" } else { "s" },
                parts.join("; ")
            ));
        }
        let reading = format!(
            "What was measured: one job of 1,024 items, each a chain of hash rounds (the grain: fine, medium or coarse), done sequentially, with rayon, by a static split over existing threads (team-split) or over threads spawned per job (scope-split, spawning inside the timed region, since that is its cost), by workers popping a Mutex<VecDeque>, and by a worker pool fed through each multi-consumer channel, one message per item or 64 items per message. Times are per item; speedup is the sequential time over the strategy's on the same placement, at most the number of cores. {}",
            sentences.join(" ")
        );
        let note = "Every result is checked: each job must process each item exactly once, and the tests require every strategy's checksum to equal the sequential one.".to_owned();
        Ok((reading, charts_svg, note))
    }

    /// receive: latency against CPU per message, one dot per implementation and rate.
    fn receive(&self) -> Result<(String, Vec<String>, String)> {
        let mut charts_svg = Vec::new();
        let mut sentences = Vec::new();
        for p in &self.run.placements {
            let cells = Self::measured(p, "receive");
            if cells.is_empty() {
                continue;
            }
            let waits: Vec<&str> = ordered(cells.iter().map(|c| strategy(c)));
            let names: Vec<(String, usize)> = waits
                .iter()
                .enumerate()
                .map(|(i, w)| (w.to_string(), i))
                .collect();
            let dots: Vec<Dot> = cells
                .iter()
                .filter_map(|c| {
                    Some(Dot {
                        series: waits.iter().position(|w| *w == strategy(c))?,
                        x: cost(c, "cpu_ns_per_msg")?,
                        y: ns_per_msg(c)?,
                    })
                })
                .collect();
            charts_svg.push(charts::scatter_with_diagonals(
                &format!(
                    "receive on {}: mean latency versus CPU per message",
                    p.placement
                ),
                "CPU ns per message, all threads (log)",
                "mean latency, ns (log)",
                &names,
                &dots,
                &[],
            )?);
            let gaps: Vec<&str> = ordered(cells.iter().filter_map(|c| part(&c.params, "gap")));
            for gap in gaps {
                let at = |w: &str, f: &dyn Fn(&CellResult) -> Option<f64>| {
                    median(
                        cells
                            .iter()
                            .filter(|c| strategy(c) == w && part(&c.params, "gap") == Some(gap))
                            .map(|c| f(c)),
                    )
                };
                let described: Vec<String> = waits
                    .iter()
                    .filter_map(|w| {
                        let lat = at(w, &|c| ns_per_msg(c))?;
                        let cpu = at(w, &|c| cost(c, "cpu_ns_per_msg"))?;
                        Some(format!("{w} {} latency, {} CPU", time(lat), time(cpu)))
                    })
                    .collect();
                let fastest = waits
                    .iter()
                    .filter_map(|w| Some((w, at(w, &|c| ns_per_msg(c))?)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                let cheapest = waits
                    .iter()
                    .filter_map(|w| Some((w, at(w, &|c| cost(c, "cpu_ns_per_msg"))?)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let (Some((f, _)), Some((c, _))) = (fastest, cheapest) {
                    sentences.push(format!(
                        "On {}, a message every {gap}: lowest latency {f}, least CPU {c} ({}).",
                        p.placement,
                        described.join("; ")
                    ));
                }
            }
        }
        let reading = format!(
            "What was measured: a sender paces stamped messages (one every 100 µs or 1 ms) and the receiver blocks in recv, or polls try_recv and spins, yields or sleeps between polls. The time per message is the mean latency from send to receipt (the gaps are not in it); CPU per message is the whole process's, the sleeping sender's small share included, from the cost run. Medians over implementations: {}",
            sentences.join(" ")
        );
        let note = "Each dot is one implementation at one message rate. Lower is faster, further left is cheaper: spinning buys latency with a core, sleeping polls save CPU and add up to their interval to every message (a sleep is at least the timer slack, about 50 µs on Linux).".to_owned();
        Ok((reading, charts_svg, note))
    }

    /// sources: time per message against the number of sources, per strategy.
    fn sources(&self) -> Result<(String, Vec<String>, String)> {
        let mut charts_svg = Vec::new();
        let mut sentences = Vec::new();
        for p in &self.run.placements {
            let cells = Self::measured(p, "sources");
            if cells.is_empty() {
                continue;
            }
            let serves: Vec<&str> = ordered(cells.iter().map(|c| strategy(c)));
            let counts: Vec<f64> = {
                let mut v: Vec<f64> = ordered(
                    cells
                        .iter()
                        .filter_map(|c| part(&c.params, "sources")?.parse::<f64>().ok()),
                );
                v.sort_by(f64::total_cmp);
                v
            };
            let at = |s: &str, n: f64, f: &dyn Fn(&CellResult) -> Option<f64>| {
                median(
                    cells
                        .iter()
                        .filter(|c| strategy(c) == s)
                        .filter(|c| {
                            part(&c.params, "sources").and_then(|x| x.parse::<f64>().ok())
                                == Some(n)
                        })
                        .map(|c| f(c)),
                )
            };
            let curves: Vec<Curve> = serves
                .iter()
                .enumerate()
                .map(|(i, s)| Curve {
                    name: s.to_string(),
                    colour: i,
                    points: counts
                        .iter()
                        .filter_map(|&n| Some((n, at(s, n, &|c| ns_per_msg(c))?)))
                        .collect(),
                })
                .collect();
            charts_svg.push(charts::log_log_lines(
                &format!(
                    "sources on {}: time per message by number of sources (median over implementations)",
                    p.placement
                ),
                "sources (log)",
                "ns per message (log)",
                &curves,
            )?);
            for n in [counts.first(), counts.last()].into_iter().flatten() {
                let described: Vec<String> = serves
                    .iter()
                    .filter_map(|s| {
                        let t = at(s, *n, &|c| ns_per_msg(c))?;
                        let p99 = at(s, *n, &|c| latency(c, "p99_ns"));
                        let cpu = at(s, *n, &|c| cost(c, "cpu_ns_per_msg"));
                        Some(format!(
                            "{s} {}/msg (p99 {}, CPU {}/msg)",
                            time(t),
                            p99.map_or("?".into(), time),
                            cpu.map_or("?".into(), time)
                        ))
                    })
                    .collect();
                let best = serves
                    .iter()
                    .filter_map(|s| Some((s, at(s, *n, &|c| ns_per_msg(c))?)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((b, _)) = best {
                    sentences.push(format!(
                        "On {} with {n} source{}: fastest {b}; {}.",
                        p.placement,
                        if *n == 1.0 { "" } else { "s" },
                        described.join(", ")
                    ));
                }
            }
        }
        let reading = format!(
            "What was measured: 1 to 64 sources, each a thread streaming stamped messages, served by one handler reached through a forwarding thread per source, the channel's native select (where it has one), round-robin try_recv polling that yields after an empty sweep, or one channel every source shares. Time per message is wall time over messages (the inverse of throughput); p99 is the latency from send to handler. Medians over implementations: {}",
            sentences.join(" ")
        );
        let note = "Lines join the median over implementations; the table below has every implementation. Select lines cover only the implementations that have select.".to_owned();
        Ok((reading, charts_svg, note))
    }

    /// service: time per request, one-thread against two threads, owned against boxed.
    fn service(&self) -> Result<(String, Vec<String>, String)> {
        let mut charts_svg = Vec::new();
        let mut sentences = Vec::new();
        for p in &self.run.placements {
            let cells = Self::measured(p, "service");
            if cells.is_empty() {
                continue;
            }
            let groups: Vec<String> = ordered(cells.iter().map(|c| c.params.clone()));
            let impls: Vec<&str> = ordered(cells.iter().map(|c| c.implementation.as_str()));
            let series: Vec<Series> = impls
                .iter()
                .map(|i| Series {
                    name: i.to_string(),
                    colour: self.colour_of(i),
                    values: groups
                        .iter()
                        .map(|g| {
                            cells
                                .iter()
                                .find(|c| c.implementation == *i && &c.params == g)
                                .and_then(|c| ns_per_msg(c))
                        })
                        .collect(),
                })
                .collect();
            charts_svg.push(charts::grouped_bars(
                &format!("service on {}: time per request (log scale)", p.placement),
                "ns per request",
                &groups,
                &series,
            )?);
            let at = |params: &str| {
                median(
                    cells
                        .iter()
                        .filter(|c| c.params == params)
                        .map(|c| ns_per_msg(c)),
                )
            };
            let mut parts = Vec::new();
            if let (Some(one), Some(two)) = (at("one-thread/owned"), at("two-threads/owned")) {
                parts.push(format!(
                    "two threads took {} the one-thread service loop ({} against {} per request, owned)",
                    ratio(two / one),
                    time(two),
                    time(one)
                ));
            }
            for mode in ["one-thread", "two-threads"] {
                if let (Some(owned), Some(boxed)) =
                    (at(&format!("{mode}/owned")), at(&format!("{mode}/boxed")))
                {
                    parts.push(format!(
                        "{mode}: boxed {} owned ({} against {})",
                        ratio(boxed / owned),
                        time(boxed),
                        time(owned)
                    ));
                }
            }
            if let Some(direct) = at("direct-call/owned") {
                parts.push(format!(
                    "a direct call without queues took {}",
                    time(direct)
                ));
            }
            if !parts.is_empty() {
                sentences.push(format!(
                    "On {} (medians over implementations): {}.",
                    p.placement,
                    parts.join("; ")
                ));
            }
        }
        let reading = format!(
            "What was measured: a client sends a request and waits for the response, request after request. The request is a 272-byte message (a 256-byte header of scalar fields), moved by value (owned) or as a Box (boxed: one allocation per request, a pointer through the queues). One-thread runs both services in one loop passing the messages through two channels; two-threads puts the server on its own thread (the echo pattern). Time is per request, one round trip. {}",
            sentences.join(" ")
        );
        let note = "Every response is checked against its request. direct-call is the handler called in place: the cost of the work without any queue.".to_owned();
        Ok((reading, charts_svg, note))
    }
}
