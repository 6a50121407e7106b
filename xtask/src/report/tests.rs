//! The report's tests: a synthetic run with every kind of cell, built from the schema's types
//! (so renaming a stored field breaks this fixture's compilation, not a rendered cell), must
//! render as well-formed HTML with every section, chart, reading and export; and every run
//! committed under `results/` must still render.

use std::{fs, path::Path};

use chanbench_schema::{
    Capacity, CellKey, Cost, Params, Payload, Percentiles, ProfileName, SCHEMA, Status, Workload,
    ZeroCostRecord,
};

use super::*;
use crate::{
    environment::{Environment, LibraryVersion, Request},
    results::{CellResult, Estimate, Estimates, PlacementResults, Samples},
};

/// The parameters of a channel cell.
fn channel(capacity: Capacity, payload: &str, bytes: Option<u64>) -> Params {
    let payload = Payload {
        label: payload.to_owned(),
        bytes,
    };
    Params::new(capacity, payload, 2)
}

fn u64_at(capacity: Capacity) -> Params {
    channel(capacity, "u64", Some(8))
}

/// The parameters of a strategy cell.
fn strategy(name: &str, set: impl FnOnce(&mut Params)) -> Params {
    let mut params = Params::new(Capacity::None, Payload::opaque("instant"), 2).strategy(name);
    set(&mut params);
    params
}

fn cell(workload: Workload, implementation: &str, params: Params, ns: Option<f64>) -> CellResult {
    let e = |v: f64| Estimate {
        ns_per_msg: v,
        lower: v * 0.95,
        upper: v * 1.05,
    };
    let status = if ns.is_some() {
        Status::Ok
    } else {
        Status::NotSupported
    };
    CellResult {
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
        cost: ns.map(|v| Cost {
            messages: 1000,
            wall_ns: (v * 1000.0) as u64,
            cpu_ns: (v * 1800.0) as u64,
            voluntary_switches: 100,
            involuntary_switches: 10,
            allocations: Some(500),
            allocated_bytes: Some(12_000),
            wall_ns_per_msg: v,
            cpu_ns_per_msg: v * 1.8,
            voluntary_switches_per_msg: 0.1,
            involuntary_switches_per_msg: 0.01,
            allocations_per_msg: Some(0.5),
            allocated_bytes_per_msg: Some(12.0),
            latency: Some(Percentiles {
                p50_ns: v as u64,
                p99_ns: (v * 3.0) as u64,
                p999_ns: (v * 9.0) as u64,
                max_ns: (v * 20.0) as u64,
                samples: 1000,
            }),
            peak_heap_bytes: Some((v as u64) * 512),
            rss_before_bytes: Some(40 << 20),
            peak_rss_bytes: Some((40 << 20) + (v as u64) * 1024),
        }),
        repeats: ns.map_or(vec![], |v| vec![v * 1.1, v * 1.12, v * 1.08]),
        repeats_fastest: ns.map_or(vec![], |v| vec![v, v * 1.01, v * 0.99]),
        ..CellResult::new(CellKey::new(workload, implementation, params), status)
    }
}

/// A run with every kind of cell and chart, and an implementation id that needs escaping.
pub(crate) fn fixture(dir: &Path) -> Run {
    use Workload::*;
    let impls = ["fast", "slow", "<b>&\"odd\""];
    let placements = [
        ("one-core", vec![0usize], 1.0),
        ("cross-core", vec![0, 1], 3.0),
    ];
    let placements = placements
        .iter()
        .map(|(name, cores, scale)| {
            let mut cells = vec![
                cell(
                    Floor,
                    "atomic-ping-pong",
                    u64_at(Capacity::None),
                    Some(50.0 * scale),
                ),
                cell(
                    Floor,
                    "spsc-ring",
                    u64_at(Capacity::Bounded(1024)),
                    Some(5.0),
                ),
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
                cells.push(cell(
                    PingPong,
                    i,
                    u64_at(Capacity::Bounded(1)),
                    Some(pp * scale),
                ));
                let spsc = Some(10.0 * (k + 1) as f64);
                cells.push(cell(Spsc, i, u64_at(Capacity::Bounded(1024)), spsc));
                for (payload, bytes) in [("vec-1B-owned", 1), ("vec-1KiB-owned", 1024)] {
                    let ns = 20.0 * (k + 1) as f64 + bytes as f64 / 100.0;
                    let params = channel(Capacity::Bounded(1024), payload, Some(bytes));
                    cells.push(cell(Spsc, i, params, Some(ns)));
                }
                let bounded = (k != 2).then_some(40.0 * (k + 1) as f64);
                let mut params = u64_at(Capacity::Bounded(0));
                params.producers = Some(2);
                cells.push(cell(Mpsc, i, params, bounded));
            }
            // burst: "fast" is 2% ahead on the medians, but its processes scatter across
            // "slow"'s: a winner, not a reproducible one.
            let instant = || channel(Capacity::Bounded(1024), "instant", None);
            let mut b = cell(Burst, "fast", instant(), Some(100.0));
            b.repeats_fastest = vec![100.0, 110.0, 90.0];
            cells.push(b);
            let mut b = cell(Burst, "slow", instant(), Some(102.0));
            b.repeats_fastest = vec![102.0, 92.0, 108.0];
            cells.push(b);
            // seq: every implementation is slower than another somewhere they both ran.
            for (i, cap, ns) in [
                ("fast", Capacity::Bounded(1024), 10.0),
                ("slow", Capacity::Bounded(1024), 20.0),
                ("<b>&\"odd\"", Capacity::Bounded(1024), 15.0),
                ("slow", Capacity::Unbounded, 10.0),
                ("fast", Capacity::Unbounded, 40.0),
            ] {
                cells.push(cell(Seq, i, u64_at(cap), Some(ns)));
            }
            // The strategy families: strategies without a channel under their own names.
            let fine = |p: &mut Params| p.grain = Some("fine".into());
            for (name, ns) in [("sequential", 100.0), ("rayon", 60.0)] {
                cells.push(cell(
                    Distribute,
                    name,
                    strategy(name, fine),
                    Some(ns * scale),
                ));
            }
            for (name, ns) in [("pool-per-item", 80.0), ("pool-batch-64", 50.0)] {
                cells.push(cell(
                    Distribute,
                    "fast",
                    strategy(name, fine),
                    Some(ns * scale),
                ));
            }
            for (wait, ns) in [("block", 5000.0), ("spin", 300.0)] {
                for i in ["fast", "slow"] {
                    let params = strategy(wait, |p| p.gap_ns = Some(1_000_000));
                    cells.push(cell(Receive, i, params, Some(ns * scale)));
                }
            }
            for (serve, ns) in [("merged", 40.0), ("round-robin", 90.0)] {
                for n in [1, 64] {
                    let params = strategy(serve, |p| p.sources = Some(n));
                    cells.push(cell(Sources, "fast", params, Some(ns * n as f64)));
                }
            }
            let service = |mode: &str, envelope: &str| {
                strategy(mode, |p| p.envelope = Some(envelope.to_owned()))
            };
            for (mode, envelope, ns) in [
                ("one-thread", "owned", 100.0),
                ("one-thread", "boxed", 50.0),
                ("two-threads", "owned", 1000.0),
                ("two-threads", "boxed", 1100.0),
            ] {
                cells.push(cell(
                    Service,
                    "fast",
                    service(mode, envelope),
                    Some(ns * scale),
                ));
            }
            cells.push(cell(
                Service,
                "direct-call",
                service("direct-call", "owned"),
                Some(10.0),
            ));
            let mut params = u64_at(Capacity::Bounded(1));
            params.producers = Some(2);
            let mut failed = cell(Mpsc, "slow", params, None);
            failed.status = Status::Timeout;
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
                zero_cost: vec![ZeroCostRecord {
                    schema: SCHEMA,
                    workload: Seq,
                    rounds: 5,
                    messages_per_run: 1000,
                    direct_median_ns_per_msg: 16.0,
                    trait_median_ns_per_msg: 16.0,
                    ratio_median: 1.001,
                    ratio_p25: 0.99,
                    ratio_p75: 1.01,
                }],
            }
        })
        .collect();
    Run {
        dir: dir.to_owned(),
        environment: Environment {
            schema: SCHEMA,
            run: "fixture".into(),
            profile: ProfileName::Quick,
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
                variants: vec![],
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
    // The nav is generated from the sections: every link lands on an id of the page, and every
    // channel workload and the units of the fixture's workloads are there.
    let links: Vec<&str> = doc
        .select(&scraper::Selector::parse("nav a").unwrap())
        .filter_map(|a| a.value().attr("href")?.strip_prefix('#'))
        .collect();
    for id in &links {
        let on_page = scraper::Selector::parse(&format!("[id=\"{id}\"]")).unwrap();
        assert!(
            doc.select(&on_page).next().is_some(),
            "nav #{id}: no such id"
        );
    }
    assert!(
        links.contains(&"which") && links.contains(&"zero-cost"),
        "{links:?}"
    );
    for w in View::new(&run).channel_workloads() {
        assert!(links.contains(&format!("w-{w}").as_str()), "{w}: {links:?}");
    }
    assert!(
        html.contains("/round trip one there and back (ping-pong"),
        "units note"
    );
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
        "ping-pong on one-core: time per round trip",
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
        "at fine grain (sequential 100 ns/item) the fastest was pool-batch-64 (fast), 2.00× sequential, 1.20× ahead of rayon, reproducible (95% interval over 3 processes 1.20–1.20×)",
        "a channel-fed pool reached 1.25× sequential with one message per item and 2.00× with batches",
        "On one-core, a message every 1ms: lowest latency spin, 16.67× ahead of block, reproducible (95% interval over 3 processes 16.67–16.67×); least CPU spin",
        "On one-core with 64 sources: fastest merged at 2.560 µs/msg, 2.25× ahead of round-robin, reproducible",
        "two threads took 10.00× the one-thread service loop",
        "one-thread: boxed 0.50× owned",
        "a direct call without queues took 10.00 ns",
    ] {
        assert!(html.contains(reading), "reading lacks {reading:?}");
    }
    // Strategies without a channel are not ranked as channels.
    let which = &html[html.find("id=\"which\"").unwrap()..html.find("id=\"w-ping-pong\"").unwrap()];
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
        html.contains("100 ns/round trip") && html.contains("ns per round trip"),
        "ping-pong's unit is the round trip"
    );
    assert!(
        html.contains("ns (round trip: send to answer)")
            && html.contains("ns (one way: send to receipt)"),
        "latency axes say what they measure"
    );
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
        serde_json::from_str(&fs::read_to_string(dir.join("report/bmf.json")).unwrap()).unwrap();
    let entry = &bmf["cross-core/spsc/fast/cap=1024/u64"];
    assert_eq!(
        csv::Reader::from_path(dir.join("report/cells.csv"))
            .unwrap()
            .headers()
            .unwrap()
            .iter()
            .filter(|h| h.contains("_per_msg"))
            .count(),
        0,
        "CSV columns name the unit column, not messages"
    );
    assert_eq!(entry["latency"]["value"], 10.0);
    assert_eq!(entry["throughput"]["value"], 1e8);
    let md = fs::read_to_string(dir.join("report/summary.md")).unwrap();
    // Ids are code spans in Markdown, so no id can inject HTML into a pull request.
    assert!(
        md.contains(
            "| spsc (per message) | **`fast`** (1.88× vs `slow`, reproducible: 1.88–1.88×) |"
        ),
        "{md}"
    );
    // A margin inside the process-to-process spread is not called reproducible, a winner is
    // never slower than its runner-up, and a cycle has no winner at all.
    assert!(
        md.contains("| burst (per message) | `fast` (1.02× vs `slow`, not reproducible: "),
        "{md}"
    );
    assert!(
        md.contains("| seq (per message) | no single winner |"),
        "{md}"
    );
    assert!(html.contains("not reproducible: the process-to-process spread leaves the margin"));
    assert!(md.contains("vs `<b>&\"odd\"`"), "{md}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn every_name_keeps_one_colour_and_series_of_one_chart_differ() {
    let run = fixture(Path::new("/nonexistent"));
    let view = View::new(&run);
    let names = [
        "fast",
        "slow",
        "sequential",
        "rayon",
        "pool-per-item (fast)",
        "pool-batch-64 (fast)",
        "one-core",
        "cross-core",
    ];
    let colours: Vec<usize> = names.iter().map(|n| view.colour_of(n)).collect();
    let mut distinct = colours.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), names.len(), "{names:?} {colours:?}");
    // Implementations come first, in registry order: the same colour in every section.
    assert_eq!((view.colour_of("fast"), view.colour_of("slow")), (0, 1));
}

/// The files a report consists of, each compared byte for byte with its golden copy.
const REPORT_FILES: [&str; 4] = ["index.html", "cells.csv", "summary.md", "bmf.json"];

/// Every run under `results/` still loads and renders, and every committed one to exactly its
/// committed report: those `report/` folders are the golden files, so a change to the report
/// shows as their diff. A run of the user's own, which git does not track, is only rendered.
/// `UPDATE_GOLDEN=1 cargo test -p xtask --bin xtask golden` rewrites the golden files in place.
#[test]
fn every_committed_run_renders_its_golden_report() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../results");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let tracked = std::process::Command::new("git")
        .args(["ls-files", "-z", "--", "."])
        .current_dir(&results)
        .output()
        .expect("git, to tell the committed runs from the user's own");
    assert!(tracked.status.success(), "git ls-files: {tracked:?}");
    let tracked = String::from_utf8(tracked.stdout).unwrap();
    let committed = |run: &Path, file: &str| {
        let name = run.file_name().unwrap().to_string_lossy();
        tracked
            .split('\0')
            .any(|p| p == format!("{name}/report/{file}"))
    };
    let mut compared = 0;
    let mut rendered = 0;
    let mut stale = Vec::new();
    for entry in fs::read_dir(&results).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_symlink() || !dir.join("environment.json").exists() {
            continue;
        }
        let mut run = Run::load(&results, &dir.to_string_lossy())
            .unwrap_or_else(|e| panic!("{}: {e:#}", dir.display()));
        let out = std::env::temp_dir().join(format!(
            "chanbench-committed-{}-{}",
            std::process::id(),
            rendered
        ));
        let _ = fs::remove_dir_all(&out);
        run.dir = out.clone();
        write(&run).unwrap_or_else(|e| panic!("{}: {e:#}", dir.display()));
        for file in REPORT_FILES {
            let (new, golden) = (out.join("report").join(file), dir.join("report").join(file));
            let new_text = fs::read_to_string(&new).unwrap();
            if !committed(&dir, file) {
                continue;
            }
            compared += 1;
            if update {
                fs::create_dir_all(golden.parent().unwrap()).unwrap();
                fs::write(&golden, &new_text).unwrap();
            } else if let Some(line) =
                first_difference(&fs::read_to_string(&golden).unwrap_or_default(), &new_text)
            {
                stale.push(format!("{}: {line}", golden.display()));
            }
        }
        let _ = fs::remove_dir_all(&out);
        rendered += 1;
    }
    assert!(rendered >= 4, "the runs: {rendered}");
    assert!(
        compared >= 4 * 4,
        "the committed reports' files: {compared}"
    );
    assert!(
        stale.is_empty(),
        "the report no longer renders as its golden files; if the change is intended, rewrite \
         them with `UPDATE_GOLDEN=1 cargo test -p xtask --bin xtask golden` and commit their \
         diff:\n{}",
        stale.join("\n")
    );
}

/// The first line at which `new` departs from `golden`, both quoted around the first character
/// that differs (lines of a page can be long), or `None`.
fn first_difference(golden: &str, new: &str) -> Option<String> {
    if golden == new {
        return None;
    }
    let around = |line: Option<&str>, at: usize| -> String {
        let Some(line) = line else {
            return "(end of file)".to_owned();
        };
        let chars: Vec<char> = line.chars().collect();
        let from = at.saturating_sub(60);
        chars[from.min(chars.len())..(at + 100).min(chars.len())]
            .iter()
            .collect()
    };
    let (mut g, mut n) = (golden.lines(), new.lines());
    for number in 1.. {
        let (a, b) = (g.next(), n.next());
        if a != b {
            let at = a
                .unwrap_or_default()
                .chars()
                .zip(b.unwrap_or_default().chars())
                .take_while(|(x, y)| x == y)
                .count();
            return Some(format!(
                "line {number}, character {}: golden {:?}, now {:?}",
                at + 1,
                around(a, at),
                around(b, at)
            ));
        }
        if a.is_none() {
            break;
        }
    }
    Some("the same lines, other line endings".to_owned())
}

#[test]
fn a_report_that_changed_is_named_at_its_first_differing_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    assert_eq!(
        first_difference("a\nb\nc", "a\nB\nc").as_deref(),
        Some("line 2, character 1: golden \"b\", now \"B\"")
    );
    assert_eq!(
        first_difference("a\n", "a\nmore\n").as_deref(),
        Some("line 2, character 1: golden \"(end of file)\", now \"more\"")
    );
}

#[test]
fn async_cells_are_ranked_per_runtime_flavour_and_set_beside_their_sync_twin() {
    let dir = std::env::temp_dir().join(format!("chanbench-report-async-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let mut run = fixture(&dir);
    // "slow" wins on current-thread, "fast" on multi-thread, by 2x in every process.
    for placement in &mut run.placements {
        for (flavour, fast_ns, slow_ns) in
            [("current-thread", 80.0, 40.0), ("multi-thread", 30.0, 60.0)]
        {
            for (i, ns) in [("fast", fast_ns), ("slow", slow_ns)] {
                let mut params = u64_at(Capacity::Bounded(1024));
                params.runtime = Some(flavour.to_owned());
                placement
                    .cells
                    .push(cell(Workload::AsyncSpsc, i, params, Some(ns)));
            }
        }
    }
    let view = View::new(&run);
    let winners = asynchronous::winners(&view);
    let winner = |flavour: &str| {
        let w = winners
            .iter()
            .find(|w| w.flavour == flavour && w.workload == Workload::AsyncSpsc)
            .unwrap();
        w.per_placement[0].1.as_ref().unwrap().winner.clone()
    };
    assert_eq!(winner("current-thread").as_deref(), Some("slow"));
    assert_eq!(winner("multi-thread").as_deref(), Some("fast"));
    // The sync ranking leaves the async workloads to their section.
    assert!(view.winners().iter().all(|(w, _)| !w.is_async()));
    // "fast": sync spsc cap=1024/u64 at 10 ns against 80 ns (current-thread) and 30 ns.
    let pairs = asynchronous::sync_versus_async(&view);
    let row = |i: &str| {
        pairs
            .iter()
            .find(|p| p.placement == "one-core" && p.sync_cell.implementation() == i)
            .unwrap()
    };
    assert!((row("fast").ratio(0).unwrap() - 8.0).abs() < 1e-9);
    assert!((row("slow").ratio(1).unwrap() - 3.0).abs() < 1e-9);
    // Only the u64 cell at 1024 has twins; the payload sweep's spsc cells have none.
    assert_eq!(pairs.len(), 2 * 2, "two libraries, two placements");
    assert_eq!(asynchronous::ratio_text(0.00345), "0.00345×");
    assert_eq!(asynchronous::ratio_text(0.183), "0.183×");
    assert_eq!(asynchronous::ratio_text(8.0), "8.00×");
    let index = write(&run).unwrap();
    let html = fs::read_to_string(&index).unwrap();
    let doc = scraper::Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    for text in [
        "Which async channel for which job",
        "Sync versus async, per library",
        "8.00×",
    ] {
        assert!(html.contains(text), "no {text:?} in the page");
    }
    let md = fs::read_to_string(dir.join("report/summary.md")).unwrap();
    assert!(
        md.contains("| async-spsc (per message) | multi-thread |"),
        "{md}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_transport_reading_keeps_the_other_links_apart_from_the_peer_sweep() {
    let dir =
        std::env::temp_dir().join(format!("chanbench-report-transport-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let mut run = fixture(&dir);
    let frame = |name: &str, peers: usize, threads: usize, set: fn(&mut Params)| {
        let mut params =
            Params::new(Capacity::None, Payload::sized("frame-1KiB", 1024), threads).strategy(name);
        params.peers = Some(peers);
        set(&mut params);
        params
    };
    for (at, placement) in run.placements.iter_mut().enumerate() {
        // Over loopback TCP, epoll leads up to 4 peers; over the Unix socket polling is faster
        // than anything on TCP. The sweep's winner must stay epoll.
        for peers in [1, 4, 64] {
            for (name, ns) in [("epoll", 500.0), ("polling", 600.0)] {
                let mut ns = ns;
                let mut spread = None;
                if name == "polling" && peers == 1 {
                    // 2% behind epoll in the median, but the processes disagree: no sure lead.
                    ns = 510.0;
                    spread = Some(vec![510.0, 460.0, 560.0]);
                }
                let params = frame(name, peers, peers + 1, |_| {});
                let mut c = cell(Workload::Transport, name, params, Some(ns));
                if let Some(spread) = spread {
                    c.repeats_fastest = spread;
                }
                placement.cells.push(c);
            }
            if peers != 4 {
                let params = frame("thread-per-stream", peers, peers + 1, |_| {});
                placement
                    .cells
                    .push(cell(Workload::Transport, "chan-a", params, Some(700.0)));
            }
            // tokio takes the lead at 64 peers: surely (11%) on one core, by 2% across cores,
            // which is no crossover.
            let ns = match (peers, at) {
                (64, 0) => 450.0,
                (64, _) => 490.0,
                _ => 900.0,
            };
            let params = frame("tokio-current-thread", peers, peers + 1, |_| {});
            placement.cells.push(cell(
                Workload::Transport,
                "tokio-current-thread",
                params,
                Some(ns),
            ));
        }
        // thread-per-stream over two channels on TCP, over one of them on the Unix socket: its
        // ratio is against that channel's TCP cell (0.50x), not the median over channels.
        for (channel, ns) in [("chan-a", 800.0), ("chan-b", 400.0)] {
            let params = frame("thread-per-stream", 4, 9, |_| {});
            placement
                .cells
                .push(cell(Workload::Transport, channel, params, Some(ns)));
        }
        let params = frame("thread-per-stream", 4, 9, |p| {
            p.socket = Some("unix".into())
        });
        placement
            .cells
            .push(cell(Workload::Transport, "chan-a", params, Some(400.0)));
        for (name, unix, process) in [("epoll", 400.0, 1200.0), ("polling", 120.0, 180.0)] {
            let params = frame(name, 4, 5, |p| p.socket = Some("unix".into()));
            placement
                .cells
                .push(cell(Workload::Transport, name, params, Some(unix)));
            let params = frame(name, 4, 1, |p| p.peers_in = Some("process".into()));
            placement
                .cells
                .push(cell(Workload::Transport, name, params, Some(process)));
        }
    }
    // Pad the report's shared palette (14 colours, then it wraps) with strategy names until two
    // transport strategies' places in it are 14 apart, so they would share a colour.
    let pad = |run: &mut Run, pads: usize| {
        for placement in &mut run.placements {
            for k in 0..pads {
                let params = strategy(&format!("pad-{k}"), |_| {});
                // Before the transport cells: names enter the palette in the order of the cells.
                placement
                    .cells
                    .insert(0, cell(Workload::Distribute, "fast", params, Some(10.0)));
            }
        }
    };
    let transport = ["epoll", "polling", "thread-per-stream"];
    let pads = (0..14)
        .find(|&pads| {
            let mut padded = run.clone();
            pad(&mut padded, pads);
            let view = View::new(&padded);
            let places: Vec<usize> = transport.iter().map(|s| view.colour_of(s) % 14).collect();
            places
                .iter()
                .enumerate()
                .any(|(i, p)| places[..i].contains(p))
        })
        .expect("some padding makes two transport strategies share a palette colour");
    pad(&mut run, pads);
    let index = write(&run).unwrap();
    let html = fs::read_to_string(&index).unwrap();
    // Each transport chart draws its series (lines of more than two points) in distinct colours.
    let section = &html[html.find("id=\"w-transport\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let doc = scraper::Html::parse_fragment(section);
    let svgs = scraper::Selector::parse("svg").unwrap();
    let lines = scraper::Selector::parse("polyline").unwrap();
    let mut charts = 0;
    for svg in doc.select(&svgs) {
        let strokes: Vec<&str> = svg
            .select(&lines)
            .filter(|l| l.value().attr("points").unwrap().split_whitespace().count() > 2)
            .map(|l| l.value().attr("stroke").unwrap())
            .collect();
        if strokes.len() < 2 {
            continue;
        }
        charts += 1;
        let mut distinct = strokes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            strokes.len(),
            "series share a colour: {strokes:?}"
        );
    }
    assert!(charts >= 2, "the transport section has its charts");
    for text in [
        "On one-core with 4 peers: fastest epoll at 500 ns/frame (CPU 900 ns/frame), 1.20× ahead of polling, reproducible (95% interval over 3 processes 1.20–1.20×);",
        // Every process of the fixture but polling's at 1 peer has the same spread, so every
        // other lead is exact.
        "On one-core with 1 peer: fastest epoll at 500 ns/frame (CPU 900 ns/frame), not surely ahead of polling (per process, polling's time over the leader's: 1.02×, 95% interval over 3 processes 0.78–1.33×; a lead must be surely above 1.05×);",
        "On one-core with 64 peers: fastest tokio-current-thread at 450 ns/frame (CPU 810 ns/frame), 1.11× ahead of epoll, reproducible",
        "On cross-core with 64 peers: fastest tokio-current-thread at 490 ns/frame (CPU 882 ns/frame), not surely ahead of epoll (per process, epoll's time over the leader's: 1.02×",
        "On one-core, tokio-current-thread overtakes epoll between 4 and 64 peers.",
        "On one-core with 4 peers over a Unix socket, against loopback TCP with the peers as threads: thread-per-stream 400 ns/frame, 0.50× the time (CPU 0.50×), epoll 400 ns/frame, 0.80× the time (CPU 0.80×), polling 120 ns/frame, 0.20× the time (CPU 0.20×); fastest polling at 120 ns/frame, 3.33× ahead of thread-per-stream, reproducible",
        "with the peers in a process of their own, against loopback TCP with the peers as threads: epoll 1.200 µs/frame, 2.40× the time",
        // The fixture's cost runs hold 512 B of heap and add 1 KiB resident per ns of the
        // cell's time.
        "On one-core with 64 peers (threads here include the 64 peers; the heap a run held at its peak, and the resident memory it added): epoll 65 threads, heap peak 250.0 KiB, +500.0 KiB resident, polling 65 threads, heap peak 300.0 KiB, +600.0 KiB resident, thread-per-stream 65 threads, heap peak 350.0 KiB, +700.0 KiB resident, tokio-current-thread 65 threads, heap peak 225.0 KiB, +450.0 KiB resident.",
    ] {
        assert!(html.contains(text), "no {text:?} in the page");
    }
    // A lead within 5% at one end is no crossover.
    assert!(
        !html.contains("On cross-core, tokio-current-thread overtakes"),
        "a crossover claimed on a 2% lead"
    );
    assert!(
        !html.contains("fastest polling at 300 ns/frame (CPU"),
        "a Unix cell entered the sweep"
    );
    let _ = fs::remove_dir_all(&dir);
}
