//! Workloads, placement, matrix and cost metrics, run against every registered implementation.
//!
//! Nothing here asserts a timing. Tests that create teams or read process-wide counters hold
//! [`SERIAL`], because libtest runs tests on concurrent threads of one process.

use std::{
    collections::BTreeSet,
    fs,
    sync::{Mutex, MutexGuard},
};

use chanbench_workloads::{
    alloc::CountingAlloc,
    cost::measure_cost,
    matrix::{Capacity, Matrix, Mode, Shape},
    placement::{Cores, Team, threads_spawned},
    register_impl,
    workload::split,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn full_matrix(reduced: bool) -> Matrix {
    let cores = Cores::allowed().expect("affinity mask");
    let mut matrix = Matrix::new(Shape::new(cores.len(), 1), reduced);
    macro_rules! register_all {
        ([$($ty:path),*]) => { $( register_impl!(&mut matrix, $ty); )* };
    }
    chanbench_registry::for_each_impl!(register_all);
    matrix.add_floor();
    matrix
}

fn os_threads() -> usize {
    fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Messages for a test run of a cell: small, within its cost limit.
fn small(limit: Option<u64>) -> u64 {
    limit.unwrap_or(u64::MAX).min(400)
}

#[test]
fn every_cell_runs_and_delivers_every_message_without_spawning_threads() {
    let _serial = serial();
    let matrix = full_matrix(false);
    let cores = Cores::allowed().unwrap();
    let team = Team::new(&cores, matrix.shape.team_size()).unwrap();
    let spawned = threads_spawned();
    let os = os_threads();
    for cell in &matrix.cells {
        for mode in [Mode::Timed, Mode::Cost] {
            let n = small(cell.cost_limit);
            // Each workload asserts internally that every message arrived.
            let measured = (cell.run)(&team, mode, n);
            assert_eq!(measured.messages, n, "{cell:?}");
            assert!(!measured.elapsed.is_zero(), "{cell:?} measured no time");
            assert_eq!(
                threads_spawned(),
                spawned,
                "{cell:?} ({mode:?}) created a thread while measuring"
            );
        }
    }
    assert_eq!(os_threads(), os, "a measured run left a thread behind");
}

#[test]
fn latency_is_recorded_in_cost_runs_only() {
    let _serial = serial();
    let matrix = full_matrix(true);
    let team = Team::new(&Cores::allowed().unwrap(), matrix.shape.team_size()).unwrap();
    for cell in matrix
        .cells
        .iter()
        .filter(|c| c.workload == "ping-pong" || c.workload == "burst")
    {
        let n = small(cell.cost_limit);
        let cost = (cell.run)(&team, Mode::Cost, n)
            .latency
            .expect("cost runs record latency");
        assert_eq!(cost.len(), n, "{cell:?}: one latency sample per message");
        assert!(
            (cell.run)(&team, Mode::Timed, n).latency.is_none(),
            "{cell:?}"
        );
    }
}

#[test]
fn cost_metrics_are_non_zero_where_they_must_be() {
    let _serial = serial();
    let matrix = full_matrix(true);
    let team = Team::new(&Cores::allowed().unwrap(), matrix.shape.team_size()).unwrap();
    for cell in &matrix.cells {
        let cost = measure_cost(|| (cell.run)(&team, Mode::Cost, small(cell.cost_limit)));
        assert!(
            cost.wall_ns > 0 && cost.wall_ns_per_msg > 0.0,
            "{cell:?}: {cost:?}"
        );
        assert!(
            cost.allocations.is_some(),
            "{cell:?}: the counting allocator is installed"
        );
        if cell.payload.starts_with("vec-") || cell.payload.starts_with("box-") {
            let per_msg = cost.allocations_per_msg.unwrap();
            assert!(
                per_msg >= 1.0,
                "{cell:?}: a heap payload allocates per message, got {per_msg}"
            );
        }
        if matches!(cell.workload, "ping-pong" | "burst") {
            assert!(
                cost.latency
                    .is_some_and(|l| l.p50_ns > 0 && l.p999_ns >= l.p50_ns),
                "{cell:?}"
            );
        }
    }
    // CPU time is sampled at clock-tick granularity, so look at a run long enough to register.
    let spsc = matrix.cells.iter().find(|c| c.workload == "spsc").unwrap();
    let cost = measure_cost(|| (spsc.run)(&team, Mode::Cost, 200_000));
    assert!(
        cost.cpu_ns > 0,
        "{spsc:?}: 200,000 messages took no CPU time: {cost:?}"
    );
}

#[test]
fn unsupported_cells_are_listed_with_the_missing_capability() {
    let matrix = full_matrix(false);
    let unsupported = matrix.unsupported();
    let find = |workload: &str, implementation: &str, params: &str| {
        unsupported
            .iter()
            .find(|u| {
                u.workload == workload && u.implementation == implementation && u.params == params
            })
            .unwrap_or_else(|| {
                panic!("{workload}/{implementation}/{params} not listed: {unsupported:#?}")
            })
    };
    assert_eq!(
        find("spsc", "std-mpsc", "cap=1024/u64").missing,
        ["bounded"]
    );
    assert_eq!(
        find("spsc", "std-sync", "cap=unbounded/u64").missing,
        ["unbounded"]
    );
    assert_eq!(
        find("fan-in", "kanal", "cap=1024/u64/select/sources=4").missing,
        ["select"]
    );
    let mpmc = matrix.cells.iter().find(|c| c.workload == "mpmc").unwrap();
    assert!(
        find("mpmc", "std-sync", &mpmc.params)
            .missing
            .contains(&"multi_consumer")
    );
    // Every implementation either runs or is told it cannot run each channel cell.
    let keys: BTreeSet<(&str, &str)> = matrix
        .cells
        .iter()
        .filter(|c| c.workload != "floor")
        .map(|c| (c.workload, c.params.as_str()))
        .collect();
    for info in chanbench_registry::implementations() {
        let runs = matrix
            .cells
            .iter()
            .filter(|c| c.implementation == info.id)
            .count();
        let cannot = unsupported
            .iter()
            .filter(|u| u.implementation == info.id)
            .count();
        assert_eq!(
            runs + cannot,
            keys.len(),
            "{}: cells plus unsupported cover the matrix",
            info.id
        );
    }
    // Full-capability implementations run every cell.
    assert!(
        unsupported
            .iter()
            .all(|u| u.implementation != "crossbeam" && u.implementation != "flume")
    );
}

#[test]
fn the_reduced_matrix_keeps_every_workload_and_implementation() {
    let (full, reduced) = (full_matrix(false), full_matrix(true));
    let families = |m: &Matrix| -> BTreeSet<(&'static str, &'static str)> {
        m.cells
            .iter()
            .map(|c| (c.workload, c.implementation))
            .collect()
    };
    assert_eq!(families(&full), families(&reduced));
    assert!(reduced.cells.len() < full.cells.len());
    let workloads: BTreeSet<&str> = full.cells.iter().map(|c| c.workload).collect();
    assert_eq!(
        workloads,
        BTreeSet::from([
            "burst",
            "fan-in",
            "floor",
            "mpmc",
            "mpsc",
            "ping-pong",
            "seq",
            "spsc"
        ])
    );
    assert!(
        full.cells
            .iter()
            .any(|c| c.capacity == Capacity::Bounded(0))
    );
}

#[test]
fn thread_counts_scale_with_cores() {
    let one = Shape::new(1, 1);
    assert_eq!(
        (one.mpsc_producers, one.mpmc_producers, one.mpmc_consumers),
        (2, 2, 2)
    );
    let two = Shape::new(2, 1);
    assert_eq!(
        (two.mpsc_producers, two.mpmc_producers, two.mpmc_consumers),
        (2, 2, 2)
    );
    let many = Shape::new(16, 1);
    assert_eq!(
        (
            many.mpsc_producers,
            many.mpmc_producers,
            many.mpmc_consumers
        ),
        (15, 8, 8)
    );
    let oversubscribed = Shape::new(2, 4);
    assert_eq!(oversubscribed.mpsc_producers, 7);
    assert_eq!(many.team_size(), 16);
}

#[test]
fn placement_pins_roles_round_robin_over_allowed_cores() {
    let _serial = serial();
    let cores = Cores::allowed().unwrap();
    assert!(!cores.is_empty());
    let team = Team::new(&cores, 3).unwrap();
    let expected: Vec<usize> = (0..3).map(|i| cores.ids()[i % cores.len()]).collect();
    assert_eq!(team.cores(), expected.as_slice());
}

#[test]
fn split_shares_differ_by_at_most_one() {
    assert_eq!(split(10, 3), [4, 3, 3]);
    assert_eq!(split(2, 4), [1, 1, 0, 0]);
    assert_eq!(split(7, 1), [7]);
}
