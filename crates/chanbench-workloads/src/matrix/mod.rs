//! The benchmark matrix: a designed set of cells, not a blind cross product.
//!
//! | family | workload (group) | capacities | payloads | parameters |
//! |---|---|---|---|---|
//! | raw cost | `seq` | 1024, unbounded | u64 | |
//! | streaming | `spsc`, `mpsc` | 0, 1, 1024, unbounded | u64 | mpsc: `producers` from the cores |
//! | streaming, MPMC | `mpmc` | 0, 1, 1024, unbounded | u64 | `producers`, `consumers` from the cores |
//! | payload sweep | `spsc` | 1024, unbounded | zst, inline 64 B / 1 KiB, box 1 KiB, vec 1 B .. 1 MiB owned / cloned | |
//! | latency | `ping-pong` | 1, unbounded | u64, zst, inline 64 B / 1 KiB, box 1 KiB, vec 1 KiB owned | |
//! | fan-in | `fan-in` | 1024, unbounded | `Instant` | `merged` (one shared channel) or `select` (the `sources` family's code), 4 sources |
//! | wake-up | `burst` | 1024, unbounded | `Instant` | bursts of 8, pause 0, 100 us, 1 ms |
//! | floor | `floor` | | u64 | `atomic-ping-pong`, `spsc-ring` (1024 slots, spinning) |
//! | strategies | `distribute` | 1024 (pools) | items of 4 / 256 / 16384 hash rounds | sequential, rayon, team-split, scope-split, mutex-queue, pool per item / batch 64 over each multi-consumer channel |
//! | strategies | `receive` | 1024 or unbounded | `Instant` | block, spin, yield, sleep 50 us / 1 ms; a message every 100 us or 1 ms |
//! | strategies | `sources` | 1024 or unbounded | `Instant` | thread-per-source, select, round-robin, merged; 1, 4, 16, 64 sources |
//! | strategies | `service` | 1024 or unbounded | 272-byte message, owned or boxed | one-thread, two-threads, direct-call |
//! | strategies | `transport` | 1024 or unbounded (thread-per-stream) | frames of 1 KiB (16 B, 64 KiB at 4 peers) | thread-per-stream, polling, epoll, tokio-current-thread, tokio-multi-thread; 1, 4, 16, 64 peers over loopback TCP |
//! | async | `async-spsc`, `async-mpsc`, `async-mpmc` | 1024, unbounded | u64 | tasks; `runtime` current-thread or multi-thread |
//! | async | `async-ping-pong` | 1, unbounded | u64 | two tasks; both runtimes |
//! | async | `thread-to-task`, `task-to-thread` | 1024, unbounded | u64 | a plain thread and a task; both runtimes |
//!
//! Every cell is keyed by a [`CellKey`]: its [`Workload`] (the row of the workload table in
//! `chanbench-schema`), the implementation and typed [`Params`], from which the criterion
//! parameter string is derived.
//!
//! Which cells an implementation gets follows from the capability traits it implements (via
//! [`register_impl!`](crate::register_impl)); cells it cannot run are listed by
//! [`Matrix::unsupported`] as not supported, with the capability missing, never silently dropped.
//! Each family registers its own cells in its own file (`streaming.rs`, `ping_pong.rs`, ...);
//! `dispatch.rs` lists, per capability, which families register (one line each); `sweep.rs`
//! holds what they sweep, in full and in the smoke profile's reduced matrix; `mode.rs` turns a
//! run's mode into the jobs' const generic, once.

use std::{fmt, time::Duration};

use chanbench_core::{
    Capabilities, Capability, Channel, Make,
    asynchronous::{AsyncCapabilities, AsyncChannel, MakeAsync},
};
pub use chanbench_schema::Capacity;
use chanbench_schema::{CellKey, Floor, Job, Observation, Params, Workload};

use crate::{
    async_workload,
    calibrate::{self, Calibration},
    floor,
    payload::Payload,
    placement::Team,
    runtime::Flavor,
    strategy::{sources::Serve, transport::io_uring_available},
    workload::Measured,
};

mod async_behaviour;
mod asynchronous;
mod behaviour;
mod broadcast;
mod burst;
mod dispatch;
mod distribute;
mod fan_in;
#[doc(hidden)]
pub mod job;
mod lifecycle;
mod mode;
mod oneshot;
mod ping_pong;
mod receive;
#[doc(hidden)]
pub mod register;
mod ring;
mod service;
mod sources;
mod streaming;
mod sweep;
mod transport;

pub use mode::Mode;
use mode::by_mode;
pub use sweep::{BURST_PAUSES, Extent, LOADS, Sweep, THREAD_SWEPT, names_swept, thread_counts};

use Workload::{AsyncMpmc, AsyncMpsc, AsyncPingPong, AsyncSpsc, TaskToThread, ThreadToTask};

/// Runs `run` with the heap shifted: a live allocation of a random 16 B to 4 KiB (from `rng`)
/// while the run builds its channels and works, so that no one heap layout's luck (two ends of a
/// queue sharing a cache line, or not) is fixed for a whole process. Used by every harness that
/// repeats a cell: the matrix's samples, the calibration, the paired runner.
pub fn heap_shifted<T>(rng: &mut fastrand::Rng, run: impl FnOnce() -> T) -> T {
    let shift: Vec<u8> = Vec::with_capacity(16 * rng.usize(1..=256));
    let out = run();
    drop(std::hint::black_box(shift));
    out
}

/// Runs a cell: `(team, mode, messages)`.
pub type Runner = Box<dyn Fn(&Team, Mode, u64) -> Measured>;

/// A behaviour family's observation of a cell, made in every process that runs it.
pub type Observer = Box<dyn Fn(&Team, Extent) -> Observation>;

/// The capacity of flavor `m`.
fn capacity_of<C: Channel, M: Make<C>>(m: M) -> Capacity {
    m.capacity().map_or(Capacity::Unbounded, Capacity::Bounded)
}

/// Parameters of a cell of flavor `m` carrying timestamps (`Instant`), on `threads` threads.
fn stamped<C: Channel, M: Make<C>>(m: M, threads: usize) -> Params {
    Params::new(
        capacity_of(m),
        chanbench_schema::Payload::opaque("instant"),
        threads,
    )
}

/// Parameters of a cell of flavor `m` carrying `P`, on `threads` threads.
fn params_of<C: Channel, M: Make<C>, P: Payload>(m: M, threads: usize) -> Params {
    Params::new(capacity_of(m), P::describe(), threads)
}

/// Whether flavor `m` is a streaming one (capacity 1024 or unbounded), which most families run.
fn is_large<C: Channel, M: Make<C>>(m: M) -> bool {
    matches!(
        capacity_of(m),
        Capacity::Bounded(1024) | Capacity::Unbounded
    )
}

/// Whether flavor `m` is a round-trip one (capacity 1 or unbounded), which `ping-pong` runs.
fn is_small<C: Channel, M: Make<C>>(m: M) -> bool {
    matches!(capacity_of(m), Capacity::Bounded(1) | Capacity::Unbounded)
}

/// Thread counts, derived from the cores the run may use (and, for tests, a factor of roles per
/// core; the bench uses 1 and measures oversubscription with the thread-count sweep).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Cores the process may use.
    pub cores: usize,
    /// Worker roles per core for the multi-producer workloads (1: one role per core).
    pub oversubscription: usize,
    /// Producers in `mpsc`: all roles but the consumer, at least 2.
    pub mpsc_producers: usize,
    /// Producers in `mpmc`.
    pub mpmc_producers: usize,
    /// Consumers in `mpmc`.
    pub mpmc_consumers: usize,
    /// Sources in `fan-in`.
    pub fan_in_sources: usize,
}

impl Shape {
    /// The shape for `cores` allowed cores and `oversubscription` roles per core.
    pub fn new(cores: usize, oversubscription: usize) -> Self {
        let roles = (cores * oversubscription.max(1)).max(2);
        let mpmc_consumers = (roles / 2).max(2);
        Self {
            cores,
            oversubscription: oversubscription.max(1),
            mpsc_producers: (roles - 1).max(2),
            mpmc_producers: (roles - mpmc_consumers).max(2),
            mpmc_consumers,
            fan_in_sources: 4,
        }
    }

    /// Workers a team needs to run every cell.
    pub fn team_size(&self) -> usize {
        let most_sources = crate::strategy::sources::SOURCE_COUNTS
            .into_iter()
            .max()
            .unwrap_or(1);
        [
            self.mpsc_producers + 1,
            self.mpmc_producers + self.mpmc_consumers,
            self.fan_in_sources + 1,
            // distribute: a dispatcher and a worker per core.
            self.cores + 1,
            crate::strategy::sources::threads(most_sources, Serve::ThreadPerSource),
        ]
        .into_iter()
        .max()
        .unwrap_or(2)
    }
}

/// One cell of the matrix.
pub struct Cell {
    /// Which cell: workload, implementation (for baselines: their name), typed parameters.
    pub key: CellKey,
    /// The capabilities the cell needs beyond `Channel`.
    pub needs: &'static [Capability],
    /// The capabilities an async cell needs beyond `AsyncChannel`.
    pub async_needs: &'static [AsyncNeed],
    /// At most this many messages in the cost run (large payloads, pauses).
    pub cost_limit: Option<u64>,
    /// The strategy starts threads inside its timed region by design (`std::thread::scope`):
    /// the one exception to "no thread is created while measuring", and tested as such.
    pub spawns_threads: bool,
    /// Registered over one implementation of its family by design (thread-per-stream at the
    /// transport family's other links), so no other implementation is said to lack it.
    pub one_implementation: bool,
    /// Runs it.
    pub run: Runner,
    /// Its latency run, where it has one apart from its cost run (a described job's: stamped
    /// messages, so the cost run's CPU time holds no clock reads); its percentiles replace the
    /// cost run's.
    pub latency: Option<Runner>,
    /// Its behaviour family's observation (`offered-load`, `fairness`, `memory`), made in every
    /// process, not only the first that runs the cost run.
    pub observe: Option<Observer>,
}

impl Cell {
    /// A cell of `workload` for `implementation` with `params`, which must state its threads.
    pub fn new(
        workload: Workload,
        implementation: &'static str,
        params: Params,
        needs: &'static [Capability],
        run: Runner,
    ) -> Self {
        assert!(
            params.threads.is_some(),
            "{workload}/{implementation}: a matrix cell states its threads"
        );
        Self {
            key: CellKey::new(workload, implementation, params),
            needs,
            async_needs: &[],
            cost_limit: None,
            spawns_threads: false,
            one_implementation: false,
            run,
            latency: None,
            observe: None,
        }
    }

    /// An async cell of `workload` for `implementation` with `params`, which must name its
    /// runtime flavour.
    pub fn new_async(
        workload: Workload,
        implementation: &'static str,
        params: Params,
        needs: &'static [AsyncNeed],
        run: Runner,
    ) -> Self {
        assert!(
            workload.is_async() && params.runtime.is_some(),
            "{workload}/{implementation}: an async cell names its runtime"
        );
        Self {
            async_needs: needs,
            ..Self::new(workload, implementation, params, &[], run)
        }
    }

    /// Caps its cost run at `limit` messages.
    pub fn cost_limit(mut self, limit: Option<u64>) -> Self {
        self.cost_limit = limit;
        self
    }

    /// Gives it a latency run apart from its cost run.
    pub fn latency_run(mut self, latency: Runner) -> Self {
        self.latency = Some(latency);
        self
    }

    /// Gives it an observation, made in every process.
    pub fn observed(mut self, observe: Observer) -> Self {
        self.observe = Some(observe);
        self
    }

    /// Marks it as measured over one implementation of its family by design.
    pub fn one_implementation(mut self) -> Self {
        self.one_implementation = true;
        self
    }

    /// Marks it as starting threads inside its timed region.
    pub fn spawning_threads(mut self, spawns: bool) -> Self {
        self.spawns_threads = spawns;
        self
    }

    /// The workload.
    pub fn workload(&self) -> Workload {
        self.key.workload()
    }

    /// The implementation id.
    pub fn implementation(&self) -> &str {
        self.key.implementation()
    }

    /// The criterion parameter string.
    pub fn label(&self) -> &str {
        self.key.label()
    }

    /// Threads it runs on.
    pub fn threads(&self) -> usize {
        self.key.params().threads.unwrap_or(1)
    }
}

impl fmt::Debug for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.key)
    }
}

/// A cell an implementation cannot run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The cell it would be (its parameters as another implementation runs it).
    pub key: CellKey,
    /// The capabilities it lacks for this cell, by name (`bounded`, `bridge` ...).
    pub missing: Vec<&'static str>,
}

/// A capability an async cell needs: the async capability traits, by what they give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AsyncNeed {
    /// `AsyncBounded`.
    Bounded,
    /// `AsyncUnbounded`.
    Unbounded,
    /// `AsyncMultiConsumer`.
    MultiConsumer,
    /// `Bridge`.
    Bridge,
    /// `ZeroCapacity`: `async_bounded(0)`, a rendezvous.
    ZeroCapacity,
}

impl AsyncNeed {
    /// Its name, as [`Capability::name`] spells the sync ones.
    pub fn name(self) -> &'static str {
        match self {
            AsyncNeed::Bounded => "bounded",
            AsyncNeed::Unbounded => "unbounded",
            AsyncNeed::MultiConsumer => "multi_consumer",
            AsyncNeed::Bridge => "bridge",
            AsyncNeed::ZeroCapacity => "zero_capacity",
        }
    }

    /// Whether an implementation with `caps` has it.
    pub fn met_by(self, caps: &AsyncCapabilities) -> bool {
        match self {
            AsyncNeed::Bounded => caps.bounded,
            AsyncNeed::Unbounded => caps.unbounded,
            AsyncNeed::MultiConsumer => caps.multi_consumer,
            AsyncNeed::Bridge => caps.bridge,
            AsyncNeed::ZeroCapacity => caps.zero_capacity,
        }
    }
}

/// Bounded capacities of the streaming workloads.
pub const STREAMING_CAPACITIES: [usize; 3] = [0, 1, 1024];
/// Bytes of payload the cost run may move, which bounds it for large payloads.
const COST_BYTES_BUDGET: u64 = 256 << 20;
/// Wall time the cost run of a burst cell may spend pausing.
const COST_PAUSE_BUDGET: Duration = Duration::from_millis(250);

/// The matrix for one run: every cell, in registration order.
pub struct Matrix {
    /// The thread counts.
    pub shape: Shape,
    /// What it sweeps: in full, or the smoke profile's reduced picks.
    pub sweep: Sweep,
    /// The cells.
    pub cells: Vec<Cell>,
    /// Plain twins of the `spsc` and `ping-pong` cells of `u64`s at capacity 1024, 1 and
    /// unbounded, for `cargo xtask validate`.
    pub calibrations: Vec<Calibration>,
    /// Whether this machine lets the bench set up an io_uring, and why not: the transport
    /// family's `io-uring` cells are registered only where it does.
    pub io_uring: Result<(), String>,
    /// The one described job whose cells it holds (`cargo xtask choose`), if any.
    pub job: Option<Job>,
    implementations: Vec<(&'static str, Capabilities)>,
    async_implementations: Vec<(&'static str, AsyncCapabilities)>,
}

impl Matrix {
    /// An empty matrix; add implementations with [`register_impl!`](crate::register_impl) and the
    /// baselines with [`Matrix::add_floor`].
    pub fn new(shape: Shape, reduced: bool) -> Self {
        Self::sweeping(shape, Sweep::new(reduced))
    }

    /// An empty matrix that sweeps `sweep`.
    pub fn sweeping(shape: Shape, sweep: Sweep) -> Self {
        Self {
            shape,
            sweep,
            cells: Vec::new(),
            calibrations: Vec::new(),
            io_uring: io_uring_available(),
            job: None,
            implementations: Vec::new(),
            async_implementations: Vec::new(),
        }
    }

    /// Every implementation id a run may ask for: the registered implementations (whether or
    /// not they have cells here) and the names of the cells' other implementations (baselines,
    /// strategies, variants), in order of first appearance.
    pub fn implementation_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        let registered = self.implementations.iter().map(|(id, _)| *id);
        let asynchronous = self.async_implementations.iter().map(|(id, _)| *id);
        let cells = self.cells.iter().map(Cell::implementation);
        for id in registered.chain(asynchronous).chain(cells) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Workers a team needs to run every cell: the shape's, or more for the thread-count sweep.
    pub fn team_size(&self) -> usize {
        let most = self.cells.iter().map(Cell::threads).max().unwrap_or(1);
        self.shape.team_size().max(most)
    }

    /// Records that the async implementation `C`, with these capabilities, was registered.
    /// Called by `register_async_impl!`.
    pub fn note_async_impl<C: AsyncChannel>(&mut self, capabilities: AsyncCapabilities) {
        self.async_implementations.push((C::ID, capabilities));
    }

    /// Records that `C`, with these capabilities, was registered. Called by `register_impl!`.
    pub fn note_impl<C: Channel>(&mut self, capabilities: Capabilities) {
        self.implementations.push((C::ID, capabilities));
    }

    /// Adds a cell. Cells are keyed by workload, implementation and parameters; adding a key twice
    /// keeps the first (the payload sweep includes the streaming cell's `u64`).
    pub fn add(&mut self, cell: Cell) {
        let exists = self.cells.iter().any(|c| c.key.same_cell(&cell.key));
        if !exists {
            self.cells.push(cell);
        }
    }

    /// The cells some registered implementation runs and another cannot, for each implementation
    /// that cannot, with the capabilities it lacks. Sync and async implementations are two
    /// families (flume and kanal are in both, under one id): each is held to its own family's
    /// cells.
    pub fn unsupported(&self) -> Vec<Unsupported> {
        let mut out = Vec::new();
        let sync_ids: Vec<&str> = self.implementations.iter().map(|(i, _)| *i).collect();
        for cell in self.family_keys(false, &sync_ids) {
            for &(id, caps) in &self.implementations {
                if !self.runs(id, cell) {
                    let missing = cell.needs.iter().filter(|n| !caps.has(**n));
                    out.push(Unsupported {
                        key: CellKey::new(cell.workload(), id, cell.key.params().clone()),
                        missing: missing.map(|n| n.name()).collect(),
                    });
                }
            }
        }
        let async_ids: Vec<&str> = self.async_implementations.iter().map(|(i, _)| *i).collect();
        for cell in self.family_keys(true, &async_ids) {
            for (id, caps) in &self.async_implementations {
                if !self.runs(id, cell) {
                    let missing = cell.async_needs.iter().filter(|n| !n.met_by(caps));
                    out.push(Unsupported {
                        key: CellKey::new(cell.workload(), *id, cell.key.params().clone()),
                        missing: missing.map(|n| n.name()).collect(),
                    });
                }
            }
        }
        out
    }

    /// One cell per configuration the registered implementations `ids` of one family (async
    /// workloads or not) run, sorted, each once. Baselines (the floor, the zero-cost pair) are not channel
    /// cells an implementation could lack, nor are cells measured over one implementation by
    /// design.
    fn family_keys(&self, is_async: bool, ids: &[&str]) -> Vec<&Cell> {
        let mut keys: Vec<&Cell> = Vec::new();
        for c in self.cells.iter().filter(|c| {
            c.workload().is_async() == is_async
                && ids.contains(&c.implementation())
                && !c.one_implementation
        }) {
            // One key per cell: two implementations may reach the same cell through different
            // flavors (a capacity-free strategy cell from a bounded and from an unbounded
            // channel); the first registered names what a lacking implementation misses.
            let seen = keys
                .iter()
                .any(|k| k.workload() == c.workload() && k.label() == c.label());
            if !seen {
                keys.push(c);
            }
        }
        keys.sort_by_key(|c| (c.workload(), c.label().to_owned(), c.needs, c.async_needs));
        keys
    }

    /// Whether implementation `id` has a cell of `cell`'s workload and parameters.
    fn runs(&self, id: &str, cell: &Cell) -> bool {
        self.cells.iter().any(|c| {
            c.implementation() == id && c.workload() == cell.workload() && c.label() == cell.label()
        })
    }

    fn cost_limit_for_bytes(bytes: usize) -> Option<u64> {
        (bytes > 0).then(|| (COST_BYTES_BUDGET / bytes as u64).max(64))
    }

    /// The hardware-floor baselines, one per [`Floor`].
    pub fn add_floor(&mut self) {
        for floor in Floor::ALL {
            let (capacity, run): (Capacity, Runner) = match floor {
                Floor::AtomicPingPong => (
                    Capacity::None,
                    Box::new(|team, _, n| floor::atomic_ping_pong(team, n)),
                ),
                Floor::SpscRing => (
                    Capacity::Bounded(floor::RING_CAPACITY),
                    Box::new(|team, _, n| floor::spsc_ring(team, n)),
                ),
            };
            let params = Params::new(capacity, u64::describe(), 2);
            self.add(Cell::new(Workload::Floor, floor.id(), params, &[], run));
        }
    }
}
