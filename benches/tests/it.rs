//! Profiles, input validation, cost-run sizing and the assembled matrix. No timing is asserted.

use std::time::Duration;

use benches::profile::{Asked, Profile, Slowdown, parse_list, refuse_oversubscribe};
use chanbench_schema::{Pacing, ProfileName, Workload};
use chanbench_workloads::matrix::Shape;

#[test]
fn profiles_are_named_and_ordered() {
    let names: Vec<_> = Profile::ALL.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        ProfileName::ALL,
        "every profile name has timings, in order"
    );
    for pair in Profile::ALL.windows(2) {
        assert!(pair[0].measurement < pair[1].measurement, "{pair:?}");
        assert!(pair[0].cost_target < pair[1].cost_target, "{pair:?}");
    }
    assert!(
        Profile::ALL.iter().all(|p| p.samples >= 10),
        "criterion needs 10 samples"
    );
    assert!(Profile::named("smoke").unwrap().reduced);
    assert!(!Profile::named("default").unwrap().reduced);
    // Replication by default: whole processes are the unit, and only smoke runs one.
    assert_eq!(Profile::named("smoke").unwrap().processes(), 1);
    assert!(Profile::ALL[1..].iter().all(|p| p.processes() >= 3));
    // Measurement follows the workload table's pacing.
    let p = Profile::named("default").unwrap();
    for w in Workload::ALL {
        let expected = match w.facts().pacing {
            Pacing::Saturated => p.measurement,
            Pacing::Bursts => p.measurement / 10,
            Pacing::Paced => benches::profile::PACED_MEASUREMENT,
            Pacing::Shared => p
                .measurement
                .max(benches::profile::SHARED_SAMPLE * p.samples as u32),
        };
        assert_eq!(p.measurement_for(w), expected, "{w}");
    }
    assert!(p.measurement_for(Workload::Receive) < p.measurement_for(Workload::Spsc));
    // Busy hogs: the default profile's samples each span many scheduler slices (600 ms in all);
    // the full profile's 3 s over 50 samples already do, and it gets no more.
    assert_eq!(
        p.measurement_for(Workload::BackgroundLoad),
        Duration::from_millis(600)
    );
    let full = Profile::named("full").unwrap();
    assert_eq!(
        full.measurement_for(Workload::AsyncBackgroundLoad),
        full.measurement
    );
}

#[test]
fn the_default_run_leaves_out_the_implementations_on_request_and_all_brings_them() {
    let valid = ["crossbeam", "crossfire", "tachyonix", "floor"];
    let default = Asked::parse(None, &valid).unwrap();
    assert_eq!(default, Asked::Default);
    for profile in [ProfileName::Smoke, ProfileName::Default] {
        assert!(default.includes("crossbeam", profile));
        assert!(
            default.includes("floor", profile),
            "baselines are no implementation"
        );
        assert!(!default.includes("crossfire", profile));
        assert!(!default.includes("tachyonix", profile));
    }
    assert!(default.includes("crossfire", ProfileName::Full));
    let all = Asked::parse(Some("all"), &valid).unwrap();
    assert!(
        all.includes("crossfire", ProfileName::Default)
            && all.includes("kanal", ProfileName::Smoke)
    );
    // `all` beside names (a variant's, say) is still all.
    assert_eq!(
        Asked::parse(Some("crossbeam, all"), &valid).unwrap(),
        Asked::All
    );
    let named = Asked::parse(Some("crossfire"), &valid).unwrap();
    assert!(named.includes("crossfire", ProfileName::Default));
    assert!(!named.includes("crossbeam", ProfileName::Default));
    assert!(Asked::parse(Some("crossfyre"), &valid).is_err());
    // A build without the `catalog` feature does not have them: it says so, and how to get them.
    let err = Asked::parse(Some("crossbeam,crossfire"), &["crossbeam", "floor"])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("crossfire") && err.contains("catalog") && err.contains("--impl crossfire"),
        "{err}"
    );
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let err = Profile::named("fast").unwrap_err().to_string();
    assert!(
        err.contains("\"fast\"") && err.contains("smoke, quick, default, full"),
        "{err}"
    );
    let valid = ["flume", "kanal"];
    let err = parse_list("CHANBENCH_IMPL", Some("flume,tokio"), &valid)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("CHANBENCH_IMPL") && err.contains("\"tokio\"") && err.contains("flume, kanal"),
        "{err}"
    );
    assert_eq!(
        parse_list("X", Some(" kanal , flume"), &valid).unwrap(),
        Some(vec!["kanal".into(), "flume".into()])
    );
    assert_eq!(parse_list("X", Some(" , "), &valid).unwrap(), None);
    assert_eq!(parse_list("X", None, &valid).unwrap(), None);
    assert!(refuse_oversubscribe(None).is_ok());
    let err = refuse_oversubscribe(Some("3")).unwrap_err().to_string();
    assert!(
        err.contains("thread-count sweep") && err.contains("=3"),
        "{err}"
    );
}

#[test]
fn cost_runs_are_sized_from_the_pilot() {
    let p = Profile::named("default").unwrap(); // 40 ms target, at most 50,000 messages
    // 0.5 us per message: 80,000 wanted, capped at the profile's limit.
    assert_eq!(
        p.cost_run_size(1_000, Duration::from_micros(500), None),
        50_000
    );
    // 1 us per message: 40,000, under the limit.
    assert_eq!(
        p.cost_run_size(1_000, Duration::from_millis(1), None),
        40_000
    );
    // 10 us per message (a blocking ping-pong): 4,000 messages, about 40 ms.
    assert_eq!(
        p.cost_run_size(1_000, Duration::from_millis(10), None),
        4_000
    );
    // 1 ms per message: never fewer than the pilot.
    assert_eq!(p.cost_run_size(1_000, Duration::from_secs(1), None), 1_000);
    // A cell's own limit (large payloads) wins, even over the pilot size.
    assert_eq!(
        p.cost_run_size(1_000, Duration::from_millis(1), Some(256)),
        256
    );
}

#[test]
fn the_matrix_has_the_baselines_and_the_zero_cost_pair() {
    let matrix = benches::matrix!(Shape::new(2, 1), true);
    let ids = |workload: &str| -> Vec<String> {
        matrix
            .cells
            .iter()
            .filter(|c| c.workload().name() == workload)
            .map(|c| format!("{}/{}", c.implementation(), c.label()))
            .collect()
    };
    assert_eq!(
        ids("floor"),
        ["atomic-ping-pong/u64", "spsc-ring/cap=1024/u64"]
    );
    assert_eq!(
        ids("zero-cost"),
        [
            "crossbeam-direct/seq/cap=1024/u64",
            "crossbeam-trait/seq/cap=1024/u64",
            "crossbeam-direct/spsc/cap=1024/u64",
            "crossbeam-trait/spsc/cap=1024/u64",
        ]
    );
    for info in chanbench_registry::implementations() {
        assert!(
            matrix.cells.iter().any(|c| c.implementation() == info.id),
            "{} has no cell",
            info.id
        );
    }
}

#[test]
fn every_cell_key_survives_the_line_protocol_and_every_workload_has_cells() {
    use chanbench_schema::protocol::Line;
    let matrix = benches::matrix!(Shape::new(2, 1), false);
    for cell in &matrix.cells {
        let line = Line::Start(Box::new(cell.key.clone())).to_string();
        assert_eq!(
            Line::parse(&line),
            Line::Start(Box::new(cell.key.clone())),
            "{line}"
        );
        assert!(
            !cell.key.id().contains(' '),
            "{}: ids have no spaces",
            cell.key
        );
    }
    let workloads: std::collections::BTreeSet<Workload> =
        matrix.cells.iter().map(|c| c.workload()).collect();
    assert_eq!(workloads.len(), Workload::ALL.len(), "{workloads:?}");
}

#[test]
fn the_paired_zero_cost_comparison_runs_both_sides_every_round() {
    use chanbench_workloads::placement::{Cores, Team};
    let cores = Cores::allowed().unwrap();
    let team = Team::new(&cores, 2).unwrap();
    for workload in [Workload::Seq, Workload::Spsc] {
        let paired = benches::zero_cost::paired(&team, workload, 4, 2_000);
        assert_eq!((paired.rounds, paired.messages_per_run), (4, 2_000));
        assert!(paired.direct_median_ns_per_msg > 0.0 && paired.trait_median_ns_per_msg > 0.0);
        assert!(paired.ratio_p25 <= paired.ratio_median && paired.ratio_median <= paired.ratio_p75);
    }
}

#[test]
fn the_slowdown_knob_is_parsed_and_stretches_the_time() {
    let valid = ["crossbeam", "flume"];
    assert_eq!(Slowdown::parse(None, &valid).unwrap(), []);
    assert_eq!(Slowdown::parse(Some(" "), &valid).unwrap(), []);
    let knobs = Slowdown::parse(Some("crossbeam:10"), &valid).unwrap();
    let [knob] = knobs.as_slice() else {
        panic!("{knobs:?}")
    };
    assert_eq!(knob.implementation, "crossbeam");
    assert_eq!(knob.percent, 10.0);
    let two = Slowdown::parse(Some("crossbeam:10, flume:400"), &valid).unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(
        (two[1].implementation.as_str(), two[1].percent),
        ("flume", 400.0)
    );
    for bad in [
        "crossbeam",
        "crossbeam:x",
        "crossbeam:-5",
        "crossbeam:0",
        "kanal:10",
        "crossbeam:10,crossbeam:20",
        "crossbeam:10,",
    ] {
        let err = format!("{:#}", Slowdown::parse(Some(bad), &valid).unwrap_err());
        assert!(err.contains("CHANBENCH_SLOWDOWN"), "{bad}: {err}");
    }
    // The returned time includes the spin, which lasts at least the asked share of the work.
    let work = Duration::from_millis(20);
    let stretched = knob.stretch(work);
    assert!(
        stretched >= work + Duration::from_millis(2),
        "{stretched:?}"
    );
}
