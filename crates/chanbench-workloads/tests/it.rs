//! Workloads, placement, matrix and cost metrics, run against every registered implementation.
//!
//! Nothing here asserts a timing. Tests that create teams or read process-wide counters hold
//! [`SERIAL`], because libtest runs tests on concurrent threads of one process.

use std::{
    collections::BTreeSet,
    fs,
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use chanbench_core::{Capability, Library, conformance::run_checks};
use chanbench_schema::{
    FloorRule, Job, JobSize, Latency, Params, Payload, Receiver, Runtime, Storage, Strategy,
    Workload,
};
use chanbench_workloads::{
    alloc::CountingAlloc,
    behaviour::offered_load,
    cost::measure_cost,
    job_matrix,
    matrix::{Capacity, Cell, Matrix, Mode, Shape, Sweep, thread_counts},
    placement::{Cores, Team},
    register_impl, registered_matrix,
    strategy::{
        distribute::{self, GRAINS, JOB_ITEMS, Outcome},
        transport,
    },
    variant::{Renamed, VariantName},
    workload::{Measured, split},
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The matrix of every registered implementation; the full one with the thread-count sweep.
fn full_matrix(reduced: bool) -> Matrix {
    // The transport cells' peers' processes: libtest's `main` cannot serve as one.
    transport::process::use_program(env!("CARGO_BIN_EXE_chanbench-peers"));
    let cores = Cores::allowed().expect("affinity mask");
    let sweep = match reduced {
        true => Sweep::new(true),
        false => Sweep::new(false).with_threads(cores.len()),
    };
    registered_matrix!(@sweep Shape::new(cores.len(), 1), sweep)
}

fn os_threads() -> usize {
    fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Whether a cell's cost run records a latency per message: its workload's table row says what
/// its latency measures, and a cell on one thread has no transfer to time.
fn records_latency(cell: &Cell) -> bool {
    cell.workload().facts().latency != Latency::None && cell.threads() > 1
}

/// Messages for a test run of a cell: small, within its cost limit.
fn small(limit: Option<u64>) -> u64 {
    limit.unwrap_or(u64::MAX).min(400)
}

/// Runs the test `name` alone in a child process of this test binary (one test thread), so that
/// process-wide counts (every `pthread_create`) see nothing but that test.
fn isolated(name: &str) -> bool {
    if std::env::var_os("CHANBENCH_ISOLATED").is_some() {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env("CHANBENCH_ISOLATED", "1")
        .output()
        .expect("running the test binary");
    assert!(
        out.status.success(),
        "{name} failed in its own process:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 passed"),
        "{name} did not run in its own process:\n{stdout}"
    );
    false
}

/// Runs every cell in both modes, checking that each workload delivered what it counts, and
/// returns the cells that created a thread while running (every `pthread_create` in the process
/// is counted, whoever calls it) without being marked `spawns_threads`, or that are marked and
/// created none.
fn thread_creation_violations(team: &Team, cells: &[Cell]) -> Vec<String> {
    let mut violations = Vec::new();
    for cell in cells {
        for mode in [Mode::Timed, Mode::Cost] {
            let n = small(cell.cost_limit);
            let before = threads::created();
            // Each workload asserts internally that every message arrived (every item was
            // processed once, every request answered).
            let measured = (cell.run)(team, mode, n);
            let created = threads::created() - before;
            // A timed run does what criterion asked; a cost run may do more to reach a steady
            // state (transport: 128 frames per peer), and its figures divide by what it did.
            match mode {
                Mode::Timed => assert_eq!(measured.messages, n, "{cell:?}"),
                Mode::Cost => assert!(measured.messages >= n, "{cell:?}"),
            }
            assert!(!measured.elapsed.is_zero(), "{cell:?} measured no time");
            if (created > 0) != cell.spawns_threads {
                violations.push(format!(
                    "{cell:?} ({mode:?}): spawns_threads is {} but it created {created} threads",
                    cell.spawns_threads
                ));
            }
        }
    }
    violations
}

#[test]
fn every_cell_runs_and_delivers_every_message_without_spawning_threads() {
    if !isolated("every_cell_runs_and_delivers_every_message_without_spawning_threads") {
        return;
    }
    let matrix = full_matrix(false);
    let cores = Cores::allowed().unwrap();
    let before_team = threads::created();
    let team = Team::new(&cores, matrix.team_size()).unwrap();
    // The counter sees what the team creates: its workers, its rayon pool, the multi-thread
    // runtime's workers (the current-thread runtime has none) and its hogs.
    assert_eq!(
        threads::created() - before_team,
        matrix.team_size() + 3 * cores.len(),
        "the pthread_create counter must see the team's threads"
    );
    let os = os_threads();
    let violations = thread_creation_violations(&team, &matrix.cells);
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(
        matrix.cells.iter().any(|c| c.spawns_threads),
        "the matrix has a spawning strategy, so the check above saw creations"
    );
    assert_eq!(os_threads(), os, "a measured run left a thread behind");
}

#[test]
fn a_role_that_spawns_a_thread_fails_the_every_cell_check() {
    if !isolated("a_role_that_spawns_a_thread_fails_the_every_cell_check") {
        return;
    }
    let cores = Cores::allowed().unwrap();
    let team = Team::new(&cores, 2).unwrap();
    // A consumer that hands each batch to a helper thread it starts inside its timed role: a
    // plain std::thread::spawn, counted by nothing of chanbench's own.
    let spawning = Cell::new(
        Workload::Spsc,
        "spawns-in-role",
        Params::new(Capacity::None, Payload::sized("u64", 8), 1),
        &[],
        Box::new(|team, _, n| {
            let timed = team.run(vec![Box::new(move || {
                std::thread::spawn(move || n).join().expect("helper thread")
            })]);
            Measured {
                elapsed: timed.elapsed.max(Duration::from_nanos(1)),
                messages: timed.results[0],
                latency: None,
            }
        }),
    );
    let violations = thread_creation_violations(&team, std::slice::from_ref(&spawning));
    assert_eq!(violations.len(), 2, "{violations:#?}");
    assert!(
        violations[0].contains("spawns-in-role") && violations[0].contains("created 1 threads"),
        "{violations:#?}"
    );
}

#[test]
fn latency_is_recorded_in_cost_runs_only() {
    let _serial = serial();
    let matrix = full_matrix(true);
    let team = Team::new(&Cores::allowed().unwrap(), matrix.team_size()).unwrap();
    for cell in matrix.cells.iter().filter(|c| records_latency(c)) {
        let n = small(cell.cost_limit);
        let measured = (cell.run)(&team, Mode::Cost, n);
        let cost = measured.latency.expect("cost runs record latency");
        // An open-loop run does not record its warm-up.
        let warm_up = match cell.workload() {
            Workload::OfferedLoad | Workload::AsyncOfferedLoad => {
                measured.messages / offered_load::WARM_UP_PART
            }
            _ => 0,
        };
        // A broadcast records every subscriber's receipt of every message.
        let deliveries = match cell.workload() {
            Workload::AsyncBroadcast => cell.key.params().consumers.unwrap_or(1) as u64,
            _ => 1,
        };
        assert_eq!(
            cost.len(),
            (measured.messages - warm_up) * deliveries,
            "{cell:?}: one latency sample per message (and subscriber)"
        );
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
    let team = Team::new(&Cores::allowed().unwrap(), matrix.team_size()).unwrap();
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
        let payload = &cell.key.params().payload.label;
        if payload.starts_with("vec-") || payload.starts_with("box-") {
            let per_msg = cost.allocations_per_msg.unwrap();
            assert!(
                per_msg >= 1.0,
                "{cell:?}: a heap payload allocates per message, got {per_msg}"
            );
        }
        if payload.starts_with("boxed-") {
            let per_msg = cost.allocations_per_msg.unwrap();
            assert!(
                per_msg >= 1.0,
                "{cell:?}: a boxed request allocates per request, got {per_msg}"
            );
        }
        if records_latency(cell) {
            assert!(
                cost.latency
                    .is_some_and(|l| l.p50_ns > 0 && l.p999_ns >= l.p50_ns),
                "{cell:?}"
            );
        }
        if cell.workload() == Workload::Transport {
            // Every receiver reads into 64 KiB buffers; io_uring's, one per connection, are all
            // allocated before the first recv (other receivers' readers may finish, and free
            // theirs, before the last one starts).
            let params = cell.key.params();
            let peers = params.peers.unwrap() as u64;
            let uring = params.strategy == Some(Strategy::Receiver(Receiver::IoUring));
            let least = (64 << 10) * if uring { peers } else { 1 };
            let peak = cost
                .peak_heap_bytes
                .expect("the counting allocator is installed");
            assert!(
                peak >= least,
                "{cell:?}: heap peak {peak} B, under {least} B"
            );
            assert!(
                cost.peak_rss_bytes.is_some(),
                "{cell:?}: /proc tells resident memory"
            );
        }
    }
    // CPU time is sampled at clock-tick granularity, so look at a run long enough to register.
    let spsc = matrix
        .cells
        .iter()
        .find(|c| c.workload() == Workload::Spsc)
        .unwrap();
    let cost = measure_cost(|| (spsc.run)(&team, Mode::Cost, 200_000));
    assert!(
        cost.cpu_ns > 0,
        "{spsc:?}: 200,000 messages took no CPU time: {cost:?}"
    );
}

fn find_missing(
    unsupported: &[chanbench_workloads::matrix::Unsupported],
    id: &str,
) -> Vec<&'static str> {
    unsupported
        .iter()
        .find(|u| u.key.id() == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
        .missing
        .clone()
}

#[test]
fn unsupported_cells_are_listed_with_the_missing_capability() {
    let matrix = full_matrix(false);
    let unsupported = matrix.unsupported();
    // Each once, though crossfire reaches the capacity-free distribute cells from its bounded
    // and its unbounded implementation (two flavors, two lists of needs).
    let mut ids: Vec<String> = unsupported.iter().map(|u| u.key.id()).collect();
    let listed = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), listed, "a cell is listed twice as not supported");
    // crossfire's capacity 0 is 1: its rendezvous cells are not supported, and say why.
    assert_eq!(
        find_missing(&unsupported, "spsc/crossfire/cap=0/u64"),
        ["rendezvous"]
    );
    let find = |id: &str| {
        unsupported
            .iter()
            .find(|u| u.key.id() == id)
            .unwrap_or_else(|| panic!("{id} not listed: {unsupported:#?}"))
    };
    assert_eq!(
        find("spsc/std-mpsc/cap=1024/u64").missing,
        [Capability::Bounded.name()]
    );
    assert_eq!(
        find("spsc/std-sync/cap=unbounded/u64").missing,
        [Capability::Unbounded.name()]
    );
    assert_eq!(
        find("fan-in/kanal/cap=1024/instant/select/sources=4").missing,
        [Capability::Select.name()]
    );
    let mpmc = matrix
        .cells
        .iter()
        .find(|c| c.workload() == Workload::Mpmc)
        .unwrap();
    assert!(
        find(&format!("mpmc/std-sync/{}", mpmc.label()))
            .missing
            .contains(&Capability::MultiConsumer.name())
    );
    // Every implementation either runs or is told it cannot run each channel cell of its
    // family (sync or async: flume and kanal are in both under one id).
    let families = [
        (
            false,
            chanbench_registry::implementations()
                .iter()
                .map(|i| i.id)
                .collect::<Vec<_>>(),
        ),
        (
            true,
            chanbench_registry::async_implementations()
                .iter()
                .map(|i| i.id)
                .collect(),
        ),
    ];
    for (is_async, ids) in &families {
        // Cells measured over one implementation by design are nobody's lack.
        let of_family = |c: &&Cell| c.workload().is_async() == *is_async && !c.one_implementation;
        let keys: BTreeSet<(Workload, &str)> = matrix
            .cells
            .iter()
            .filter(of_family)
            .filter(|c| ids.contains(&c.implementation()))
            .map(|c| (c.workload(), c.label()))
            .collect();
        assert!(!keys.is_empty(), "async: {is_async}");
        for id in ids {
            let runs = matrix
                .cells
                .iter()
                .filter(of_family)
                .filter(|c| c.implementation() == *id)
                .count();
            let cannot = unsupported
                .iter()
                .filter(|u| u.key.workload().is_async() == *is_async)
                .filter(|u| u.key.implementation() == *id)
                .count();
            assert_eq!(
                runs + cannot,
                keys.len(),
                "{id} (async: {is_async}): cells plus unsupported cover the matrix"
            );
        }
    }
    assert_eq!(
        find("thread-to-task/futures-mpsc/cap=1024/u64/rt=multi-thread").missing,
        ["bridge"]
    );
    assert!(
        find("async-mpmc/tokio-unbounded/cap=1024/u64/producers=2/consumers=2/rt=current-thread")
            .missing
            .contains(&"bounded")
    );
    // Full-capability implementations run every cell.
    assert!(
        unsupported
            .iter()
            .all(|u| !["crossbeam", "flume"].contains(&u.key.implementation()))
    );
    // The transport family's other links run thread-per-stream over the first registered
    // channel alone, and no other channel is said to lack them.
    let first = chanbench_registry::implementations()[0].id;
    let links: Vec<&Cell> = matrix
        .cells
        .iter()
        .filter(|c| c.workload() == Workload::Transport && c.one_implementation)
        .collect();
    assert_eq!(links.len(), 2, "a Unix socket and a peers' process");
    assert!(links.iter().all(|c| c.implementation() == first));
    assert!(
        unsupported
            .iter()
            .all(|u| u.key.workload() != Workload::Transport),
        "{unsupported:?}"
    );
}

#[test]
fn the_reduced_matrix_keeps_every_workload_and_implementation() {
    let (full, reduced) = (full_matrix(false), full_matrix(true));
    let families = |m: &Matrix| -> BTreeSet<(Workload, String)> {
        m.cells
            .iter()
            .map(|c| (c.workload(), c.implementation().to_owned()))
            .collect()
    };
    assert_eq!(families(&full), families(&reduced));
    assert!(reduced.cells.len() < full.cells.len());
    assert!(
        full.cells
            .iter()
            .any(|c| c.key.params().capacity == Capacity::Bounded(0))
    );
}

/// The workload table and the matrix agree: every row but the bench's own zero-cost pair has
/// cells, every cell's workload has a unit, and every floor a row names is registered.
#[test]
fn every_workload_in_the_table_has_cells_a_unit_and_its_floor() {
    let matrix = full_matrix(false);
    let registered: BTreeSet<Workload> = matrix.cells.iter().map(Cell::workload).collect();
    let expected: BTreeSet<Workload> = Workload::ALL
        .into_iter()
        .filter(|w| *w != Workload::ZeroCost)
        .collect();
    assert_eq!(registered, expected, "the table and the matrix disagree");
    for workload in registered {
        let facts = workload.facts();
        assert!(
            !facts.unit.name().is_empty() && !facts.summary.is_empty(),
            "{facts:?}"
        );
        match facts.floor {
            FloorRule::Against(floor) => assert!(
                matrix
                    .cells
                    .iter()
                    .any(|c| c.workload() == Workload::Floor && c.implementation() == floor.id()),
                "{workload}: its floor {} is not registered",
                floor.id()
            ),
            FloorRule::None(why) => assert!(!why.is_empty(), "{workload}: no floor, say why"),
        }
    }
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
    // The largest cell is sources: 64 sources, a forwarding thread each, and the handler.
    assert_eq!(many.team_size(), 129);
}

#[test]
fn placement_pins_roles_round_robin_over_allowed_cores() {
    let _serial = serial();
    let cores = Cores::allowed().unwrap();
    assert!(!cores.is_empty());
    let team = Team::new(&cores, 3).unwrap();
    let expected: Vec<usize> = (0..3).map(|i| cores.ids()[i % cores.len()]).collect();
    assert_eq!(team.worker_cores(), expected.as_slice());
}

#[test]
fn split_shares_differ_by_at_most_one() {
    assert_eq!(split(10, 3), [4, 3, 3]);
    assert_eq!(split(2, 4), [1, 1, 0, 0]);
    assert_eq!(split(7, 1), [7]);
}

#[test]
fn every_distribute_strategy_computes_the_sequential_result() {
    let _serial = serial();
    let matrix = full_matrix(false);
    let team = Team::new(&Cores::allowed().unwrap(), matrix.team_size()).unwrap();
    // A partial job, a whole job, and more than one core's share of either.
    for items in [1, 7, 100, JOB_ITEMS] {
        for (_, rounds) in GRAINS.into_iter().take(2) {
            let (_, expected) = distribute::sequential(&team, items, rounds);
            assert_eq!(expected.items, items);
            // The checksum is the sum of each item's result, computed here independently.
            let direct = (0..items).fold(0u64, |a, i| a.wrapping_add(distribute::work(i, rounds)));
            assert_eq!(expected.checksum, direct);
            let mut outcomes: Vec<(&str, Outcome)> = vec![
                ("rayon", distribute::rayon(&team, items, rounds).1),
                ("team-split", distribute::team_split(&team, items, rounds).1),
                (
                    "scope-split",
                    distribute::scope_split(&team, items, rounds).1,
                ),
                (
                    "mutex-queue",
                    distribute::mutex_queue(&team, items, rounds).1,
                ),
            ];
            macro_rules! pools {
                ($($ty:ty),*) => {$(
                    for batch in [1, distribute::BATCH] {
                        let m = chanbench_core::Cap(1024);
                        outcomes.push((
                            <$ty as chanbench_core::Channel>::ID,
                            distribute::pool::<$ty, _>(&team, m, batch, items, rounds).1,
                        ));
                    }
                )*};
            }
            pools!(
                chanbench_registry::Crossbeam,
                chanbench_registry::Flume,
                chanbench_registry::Kanal
            );
            for (name, outcome) in outcomes {
                assert_eq!(
                    outcome, expected,
                    "{name}: {items} items of {rounds} rounds"
                );
            }
        }
    }
}

#[test]
fn a_distribute_job_that_loses_or_repeats_an_item_is_rejected() {
    let _serial = serial();
    let team = Team::new(&Cores::allowed().unwrap(), 2).unwrap();
    let lossy = |team: &Team, items: u64, rounds: u32| {
        let (t, o) = distribute::sequential(team, items - 1, rounds);
        (t, o)
    };
    let repeating = |team: &Team, items: u64, rounds: u32| {
        let (t, mut o) = distribute::sequential(team, items, rounds);
        o.items += 1;
        (t, o)
    };
    for (name, job) in [
        ("lossy", &lossy as &distribute::Job<'_>),
        ("repeating", &repeating),
    ] {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            distribute::run_jobs(&team, name, 50, 4, job)
        }));
        assert!(result.is_err(), "{name}: a wrong job was accepted");
    }
    // And a correct one passes.
    let job = |team: &Team, items: u64, rounds: u32| distribute::sequential(team, items, rounds);
    assert_eq!(distribute::run_jobs(&team, "ok", 50, 4, &job).messages, 50);
}

#[test]
fn strategy_cells_need_the_capabilities_they_use() {
    let matrix = full_matrix(false);
    let unsupported = matrix.unsupported();
    let missing = |id: &str| {
        unsupported
            .iter()
            .find(|u| u.key.id() == id)
            .map(|u| u.missing.clone())
    };
    // A worker pool shares one receiver: std's channels cannot.
    assert!(
        missing("distribute/std-sync/pool-per-item/grain=fine")
            .is_some_and(|m| m.contains(&Capability::MultiConsumer.name()))
    );
    assert!(
        missing("sources/kanal/select/sources=64")
            .is_some_and(|m| m.contains(&Capability::Select.name()))
    );
    // Every channel serves sources by the three strategies that need no select.
    for info in chanbench_registry::implementations() {
        for serve in ["thread-per-source", "round-robin", "merged"] {
            let params = format!("{serve}/sources=64");
            assert!(
                matrix
                    .cells
                    .iter()
                    .any(|c| c.workload() == Workload::Sources
                        && c.implementation() == info.id
                        && c.label() == params),
                "{}: {params}",
                info.id
            );
        }
    }
    // Exactly one strategy cell spawns threads in its jobs: the scope split.
    let spawning: BTreeSet<&str> = matrix
        .cells
        .iter()
        .filter(|c| c.spawns_threads)
        .map(Cell::implementation)
        .collect();
    assert_eq!(spawning, BTreeSet::from(["scope-split"]));
}

/// Counts every thread the process creates: this test binary defines `pthread_create`, which
/// the linker binds every call in the binary to (std's `thread::spawn` included), and forwards to
/// the C library's. Unlike a counter that chanbench's code bumps itself, it sees a role that calls
/// `std::thread::spawn` behind chanbench's back.
#[allow(unsafe_code)]
mod threads {
    use std::{
        ffi::{c_int, c_void},
        sync::{
            OnceLock,
            atomic::{AtomicUsize, Ordering},
        },
    };

    static CREATED: AtomicUsize = AtomicUsize::new(0);

    /// Threads created in this process so far.
    pub(crate) fn created() -> usize {
        CREATED.load(Ordering::SeqCst)
    }

    type Start = extern "C" fn(*mut c_void) -> *mut c_void;
    type Create = unsafe extern "C" fn(
        *mut libc::pthread_t,
        *const libc::pthread_attr_t,
        Start,
        *mut c_void,
    ) -> c_int;

    /// # Safety
    ///
    /// As `pthread_create(3)`: the arguments are passed on unchanged.
    #[unsafe(no_mangle)]
    pub(crate) unsafe extern "C" fn pthread_create(
        thread: *mut libc::pthread_t,
        attr: *const libc::pthread_attr_t,
        start: Start,
        arg: *mut c_void,
    ) -> c_int {
        static REAL: OnceLock<usize> = OnceLock::new();
        let real = *REAL.get_or_init(|| {
            // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds the C library's
            // definition, the one this one shadows.
            let f = unsafe { libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr()) };
            assert!(!f.is_null(), "the C library's pthread_create was not found");
            f as usize
        });
        CREATED.fetch_add(1, Ordering::SeqCst);
        // SAFETY: `real` is the C library's pthread_create, which has exactly this signature.
        let real: Create = unsafe { std::mem::transmute::<usize, Create>(real) };
        // SAFETY: the caller's arguments, passed on unchanged.
        unsafe { real(thread, attr, start, arg) }
    }
}

#[test]
fn a_variant_runs_the_registered_cells_but_select_under_its_own_id_and_passes_conformance() {
    struct Old;
    impl VariantName for Old {
        const ID: &'static str = "crossbeam@old";
        const NAME: &'static str = "crossbeam-channel old";
        const LIBRARY: Library = Library {
            name: "crossbeam-channel",
            version: "0.0.0-test",
        };
    }
    type Variant = Renamed<chanbench_registry::Crossbeam, Old>;
    let shape = Shape::new(2, 1);
    let mut registered = Matrix::new(shape, true);
    register_impl!(&mut registered, chanbench_registry::Crossbeam);
    let mut variant = Matrix::new(shape, true);
    register_impl!(&mut variant, Variant);
    assert!(
        variant
            .cells
            .iter()
            .all(|c| c.implementation() == "crossbeam@old"),
        "every cell carries the variant's id"
    );
    let configurations = |m: &Matrix| -> BTreeSet<(Workload, String)> {
        m.cells
            .iter()
            .map(|c| (c.workload(), c.label().to_owned()))
            .collect()
    };
    let missing: Vec<(Workload, String)> = configurations(&registered)
        .difference(&configurations(&variant))
        .cloned()
        .collect();
    assert!(
        !missing.is_empty() && missing.iter().all(|(_, label)| label.contains("select")),
        "only the native-select cells are missing: {missing:?}"
    );
    assert!(configurations(&variant).is_subset(&configurations(&registered)));
    let failures = run_checks(chanbench_core::conformance_checks!(
        Variant,
        flavors: [bounded, unbounded],
        extras: [multi_consumer, returns_unsent]
    ));
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn runtimes_pin_every_worker_to_one_allowed_core_and_current_thread_stays_on_the_caller() {
    use chanbench_workloads::runtime::Flavor;

    // Runtimes start threads: not while another test counts thread creation.
    let _serial = serial();
    let cores = Cores::allowed().unwrap();
    let rt = Flavor::MultiThread.build(&cores).unwrap();
    let seen: Vec<(std::thread::ThreadId, Vec<usize>)> = rt.block_on(async {
        let tasks: Vec<_> = (0..8 * cores.len())
            .map(|_| {
                tokio::spawn(async {
                    let mask = Cores::allowed().unwrap().ids().to_vec();
                    (std::thread::current().id(), mask)
                })
            })
            .collect();
        let mut seen = Vec::new();
        for t in tasks {
            seen.push(t.await.unwrap());
        }
        seen
    });
    for (thread, mask) in &seen {
        assert!(
            mask.len() == 1 && cores.ids().contains(&mask[0]),
            "worker {thread:?} runs on {mask:?}, not one of {:?}",
            cores.ids()
        );
    }
    drop(rt);

    let caller = std::thread::current().id();
    let rt = Flavor::CurrentThread.build(&cores).unwrap();
    let on = rt.block_on(async { tokio::spawn(async { std::thread::current().id() }).await });
    assert_eq!(
        on.unwrap(),
        caller,
        "current_thread runs tasks on the caller"
    );
    assert_eq!(
        Flavor::ALL.map(Flavor::name),
        ["current-thread", "multi-thread"]
    );
}

#[test]
fn the_thread_sweep_registers_its_points_once_and_only_when_asked() {
    assert_eq!(thread_counts(1), [1, 2, 4, 8]);
    assert_eq!(thread_counts(2), [1, 2, 4, 8]);
    assert_eq!(thread_counts(64), [1, 2, 4, 8, 16, 32, 64, 128]);
    let shape = Shape::new(2, 1);
    let points = |m: &Matrix, w: Workload, id: &str, cap: Capacity| -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = m
            .cells
            .iter()
            .filter(|c| c.workload() == w && c.implementation() == id)
            .map(|c| c.key.params())
            .filter(|p| {
                p.capacity == cap && p.runtime != Some(chanbench_schema::Runtime::CurrentThread)
            })
            .map(|p| (p.producers.unwrap_or(0), p.consumers.unwrap_or(0)))
            .collect();
        v.sort_unstable();
        v
    };
    let plain = registered_matrix!(shape, false);
    let swept = registered_matrix!(@sweep shape, Sweep::new(false).with_threads(2));
    let cap = Capacity::Bounded(1024);
    // Without the sweep, the machine-shaped point alone.
    assert_eq!(points(&plain, Workload::Mpsc, "crossbeam", cap), [(2, 0)]);
    assert_eq!(points(&plain, Workload::Mpmc, "crossbeam", cap), [(2, 2)]);
    // With it, every count once: the shaped point is one of them, not a second cell.
    assert_eq!(
        points(&swept, Workload::Mpsc, "crossbeam", cap),
        [(1, 0), (2, 0), (4, 0), (8, 0)]
    );
    assert_eq!(
        points(&swept, Workload::Mpmc, "crossbeam", Capacity::Unbounded),
        [(1, 1), (1, 8), (2, 2), (4, 4), (8, 1), (8, 8)]
    );
    assert_eq!(
        points(&swept, Workload::AsyncMpsc, "tokio-mpsc", cap),
        [(1, 0), (2, 0), (4, 0), (8, 0)]
    );
    // Small capacities keep the shaped point only; the team grows to the largest point.
    assert_eq!(
        points(&swept, Workload::Mpsc, "crossbeam", Capacity::Bounded(0)),
        [(2, 0)]
    );
    let most = swept.cells.iter().map(Cell::threads).max().unwrap();
    assert!(most >= 16 && swept.team_size() >= most);
}

/// A job of `producers` x `consumers` 256-byte inline messages bounded at 100, on `runtime`.
fn job(producers: usize, consumers: usize, runtime: Option<Runtime>) -> Job {
    Job {
        producers,
        consumers,
        size: JobSize::B256,
        storage: Storage::Inline,
        capacity: Capacity::Bounded(100),
        runtime,
    }
}

#[test]
fn a_job_gets_one_cell_per_implementation_that_can_run_it_and_the_rest_are_listed() {
    let shape = Shape::new(2, 1);
    let matrix = job_matrix!(shape, job(4, 2, None));
    let ids: BTreeSet<&str> = matrix.cells.iter().map(Cell::implementation).collect();
    let sync: Vec<_> = chanbench_registry::implementations();
    for info in &sync {
        let multi = info.capabilities.multi_consumer && info.capabilities.bounded;
        assert_eq!(ids.contains(info.id), multi, "{}", info.id);
    }
    for cell in &matrix.cells {
        assert_eq!(cell.workload(), Workload::Mpmc);
        let p = cell.key.params();
        assert_eq!((p.producers, p.consumers), (Some(4), Some(2)));
        assert_eq!(p.payload.label, "inline-256B");
        assert_eq!(p.capacity, Capacity::Bounded(100));
        assert!(
            cell.latency.is_some(),
            "{cell:?}: a job cell has a latency run"
        );
    }
    let unsupported = matrix.unsupported();
    let std_sync = unsupported
        .iter()
        .find(|u| u.key.implementation() == "std-sync")
        .expect("std-sync has no multi-consumer receiver");
    assert_eq!(std_sync.missing, ["multi_consumer"]);
    assert!(matrix.job_refusal(|_| true).is_none());
    let refusal = matrix
        .job_refusal(|id| id == "std-mpsc" || id == "std-sync")
        .expect("neither std channel has a multi-consumer receiver");
    assert!(
        refusal.contains("std-mpsc lacks bounded and multi_consumer")
            && refusal.contains("std-sync lacks multi_consumer"),
        "{refusal}"
    );
}

#[test]
fn an_async_job_registers_async_implementations_on_its_runtime_only() {
    let mut rendezvous = job(2, 1, Some(Runtime::CurrentThread));
    rendezvous.capacity = Capacity::Bounded(0);
    let matrix = job_matrix!(Shape::new(2, 1), rendezvous);
    let asynchronous = chanbench_registry::async_implementations();
    assert!(!matrix.cells.is_empty());
    for cell in &matrix.cells {
        assert_eq!(cell.workload(), Workload::AsyncMpsc);
        assert_eq!(cell.key.params().runtime, Some(Runtime::CurrentThread));
        let info = asynchronous
            .iter()
            .find(|i| i.id == cell.implementation())
            .expect("only async implementations");
        assert!(info.capabilities.zero_capacity, "{cell:?}");
    }
    for u in matrix.unsupported() {
        assert!(
            u.missing.contains(&"zero_capacity") || u.missing.contains(&"bounded"),
            "{u:?}"
        );
    }
}

#[test]
fn a_job_cell_delivers_every_message_and_its_latency_run_records_each() {
    let _serial = serial();
    let cores = Cores::allowed().unwrap();
    for job in [job(3, 1, None), job(2, 2, Some(Runtime::MultiThread))] {
        let matrix = job_matrix!(Shape::new(cores.len(), 1), job);
        let team = Team::new(&cores, matrix.team_size()).unwrap();
        for cell in &matrix.cells {
            assert_eq!((cell.run)(&team, Mode::Timed, 500).messages, 500);
            let latency = cell.latency.as_ref().unwrap();
            let measured = latency(&team, Mode::Cost, 500);
            let h = measured.latency.expect("the latency run records");
            assert_eq!(h.len(), 500, "{cell:?}: one sample per message");
        }
    }
}
