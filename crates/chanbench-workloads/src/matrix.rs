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
//! The `reduced` matrix (the smoke profile) keeps every family and workload but sweeps three
//! payloads, one pause, one grain, one message rate and two source counts (1 and 64).

use std::{fmt, time::Duration};

use chanbench_core::{
    Capabilities, Capability, Channel, Make, MultiConsumer, Select,
    asynchronous::{AsyncCapabilities, AsyncChannel, AsyncMultiConsumer, Bridge, MakeAsync},
};
pub use chanbench_schema::Capacity;
use chanbench_schema::{CellKey, Floor, Params, Workload};

use crate::{
    async_workload,
    calibrate::{self, Calibration},
    floor,
    payload::{Boxed, Inline, Payload, VecCloned, VecOwned},
    placement::Team,
    runtime::Flavor,
    strategy::{
        distribute::{self, BATCH, GRAINS},
        receive::{self, GAPS, WAITS},
        service::{self, Envelope, Message},
        sources::{self, SELECT, SERVES, SOURCE_COUNTS, Serve},
        transport::{self, CHANNEL_LESS, Link, PAYLOADS, PEER_COUNTS, PeersIn, Socket},
    },
    workload::{self, Measured},
};

use Workload::{
    AsyncMpmc, AsyncMpsc, AsyncPingPong, AsyncSpsc, Burst, Distribute, FanIn, Mpmc, PingPong,
    Receive, Seq, Service, Sources, Spsc, TaskToThread, ThreadToTask, Transport,
};

/// Timed runs (criterion) or the cost run (also records latencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For criterion: nothing recorded beyond the elapsed time.
    Timed,
    /// The fixed-size cost run: latency histograms where the workload has them.
    Cost,
}

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

/// Thread counts, derived from the cores the run may use and an explicit oversubscription factor.
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
        let most_sources = sources::SOURCE_COUNTS.into_iter().max().unwrap_or(1);
        [
            self.mpsc_producers + 1,
            self.mpmc_producers + self.mpmc_consumers,
            self.fan_in_sources + 1,
            // distribute: a dispatcher and a worker per core.
            self.cores + 1,
            sources::threads(most_sources, Serve::ThreadPerSource),
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
}

impl AsyncNeed {
    /// Its name, as [`Capability::name`] spells the sync ones.
    pub fn name(self) -> &'static str {
        match self {
            AsyncNeed::Bounded => "bounded",
            AsyncNeed::Unbounded => "unbounded",
            AsyncNeed::MultiConsumer => "multi_consumer",
            AsyncNeed::Bridge => "bridge",
        }
    }

    /// Whether an implementation with `caps` has it.
    pub fn met_by(self, caps: &AsyncCapabilities) -> bool {
        match self {
            AsyncNeed::Bounded => caps.bounded,
            AsyncNeed::Unbounded => caps.unbounded,
            AsyncNeed::MultiConsumer => caps.multi_consumer,
            AsyncNeed::Bridge => caps.bridge,
        }
    }
}

/// Payloads in the smoke profile's reduced sweep.
const REDUCED_PAYLOADS: [&str; 3] = ["zst", "inline-1KiB", "vec-64KiB-cloned"];
/// The burst workload's pauses.
pub const BURST_PAUSES: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_micros(100),
    Duration::from_millis(1),
];
/// Messages per burst.
pub const BURST_LEN: u64 = 8;
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
    /// Whether this is the reduced (smoke) matrix.
    pub reduced: bool,
    /// The cells.
    pub cells: Vec<Cell>,
    /// Plain twins of the `spsc` and `ping-pong` cells of `u64`s at capacity 1024, 1 and
    /// unbounded, for `cargo xtask validate`.
    pub calibrations: Vec<Calibration>,
    /// Whether this machine lets the bench set up an io_uring, and why not: the transport
    /// family's `io-uring` cells are registered only where it does.
    pub io_uring: Result<(), String>,
    implementations: Vec<(&'static str, Capabilities)>,
    async_implementations: Vec<(&'static str, AsyncCapabilities)>,
}

impl Matrix {
    /// An empty matrix; add implementations with [`register_impl!`](crate::register_impl) and the
    /// baselines with [`Matrix::add_floor`].
    pub fn new(shape: Shape, reduced: bool) -> Self {
        Self {
            shape,
            reduced,
            cells: Vec::new(),
            calibrations: Vec::new(),
            io_uring: transport::io_uring_available(),
            implementations: Vec::new(),
            async_implementations: Vec::new(),
        }
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
    /// workloads or not) run, sorted. Baselines (the floor, the zero-cost pair) are not channel
    /// cells an implementation could lack, nor are cells measured over one implementation by
    /// design.
    fn family_keys(&self, is_async: bool, ids: &[&str]) -> Vec<&Cell> {
        let mut keys: Vec<&Cell> = Vec::new();
        for c in self.cells.iter().filter(|c| {
            c.workload().is_async() == is_async
                && ids.contains(&c.implementation())
                && !c.one_implementation
        }) {
            let seen = keys.iter().any(|k| {
                k.workload() == c.workload()
                    && k.label() == c.label()
                    && k.needs == c.needs
                    && k.async_needs == c.async_needs
            });
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

    fn keep_payload<P: Payload>(&self) -> bool {
        !self.reduced || REDUCED_PAYLOADS.contains(&P::label().as_str())
    }

    fn cost_limit_for_bytes(bytes: usize) -> Option<u64> {
        (bytes > 0).then(|| (COST_BYTES_BUDGET / bytes as u64).max(64))
    }

    /// Cells every channel implementation runs under flavor `m`: seq, spsc, mpsc, the payload
    /// sweep, ping-pong, merged fan-in, burst. `needs` names the flavor's capability.
    pub fn add_flavor<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        let capacity = capacity_of(m);
        let large = matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded);
        let small = matches!(capacity, Capacity::Bounded(1) | Capacity::Unbounded);
        let producers = self.shape.mpsc_producers;
        self.add_streaming::<C, M, u64>(Spsc, m, needs, 1);
        self.add_streaming::<C, M, u64>(Workload::Mpsc, m, needs, producers);
        if large {
            self.add(Cell::new(
                Seq,
                C::ID,
                params_of::<C, M, u64>(m, 1),
                needs,
                Box::new(move |team, _, n| workload::seq::<C, M, u64>(team, m, n)),
            ));
            self.add_streaming::<C, M, ()>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, Inline<64>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, Inline<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, Boxed<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<65536>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<65536>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1048576>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1048576>>(Spsc, m, needs, 1);
            let sources = self.shape.fan_in_sources;
            let merged = Serve::Merged;
            let mut params = stamped(m, sources::threads(sources, merged));
            params.strategy = Some(merged.to_string());
            params.sources = Some(sources);
            self.add(Cell::new(
                FanIn,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| match mode {
                    Mode::Timed => sources::serve::<C, M, false>(team, m, merged, sources, n),
                    Mode::Cost => sources::serve::<C, M, true>(team, m, merged, sources, n),
                }),
            ));
            self.add_strategy_cells::<C, M>(m, needs);
            for pause in BURST_PAUSES {
                if self.reduced && pause != Duration::from_micros(100) {
                    continue;
                }
                let bursts = COST_PAUSE_BUDGET.as_nanos() / pause.as_nanos().max(1);
                let mut params = stamped(m, 2);
                params.burst = Some(BURST_LEN);
                params.pause_ns = Some(pause.as_nanos() as u64);
                let cell = Cell::new(
                    Burst,
                    C::ID,
                    params,
                    needs,
                    Box::new(move |team, mode, n| match mode {
                        Mode::Timed => workload::burst::<C, M, false>(team, m, BURST_LEN, pause, n),
                        Mode::Cost => workload::burst::<C, M, true>(team, m, BURST_LEN, pause, n),
                    }),
                );
                self.add(
                    cell.cost_limit(
                        (!pause.is_zero()).then(|| (bursts as u64).max(16) * BURST_LEN),
                    ),
                );
            }
        }
        if small {
            self.add_ping_pong::<C, M, u64>(m, needs);
            self.add_ping_pong::<C, M, ()>(m, needs);
            self.add_ping_pong::<C, M, Inline<64>>(m, needs);
            self.add_ping_pong::<C, M, Inline<1024>>(m, needs);
            self.add_ping_pong::<C, M, Boxed<1024>>(m, needs);
            self.add_ping_pong::<C, M, VecOwned<1024>>(m, needs);
        }
    }

    fn add_streaming<C: Channel, M: Make<C>, P: Payload>(
        &mut self,
        workload: Workload,
        m: M,
        needs: &'static [Capability],
        producers: usize,
    ) {
        if P::label() != "u64" && !self.keep_payload::<P>() {
            return;
        }
        let mut params = params_of::<C, M, P>(m, producers + 1);
        params.producers = (workload == Workload::Mpsc).then_some(producers);
        let cell = Cell::new(
            workload,
            C::ID,
            params,
            needs,
            Box::new(move |team, _, n| workload::mpsc::<C, M, P>(team, m, producers, n)),
        );
        let calibrated = matches!(
            cell.key.params().capacity,
            Capacity::Bounded(1024) | Capacity::Unbounded
        );
        if workload == Spsc && P::label() == "u64" && calibrated {
            self.calibrations.push(Calibration {
                key: cell.key.clone(),
                plain: Box::new(move |cores, n| calibrate::plain_spsc::<C, M>(cores, m, n)),
            });
        }
        self.add(cell.cost_limit(Self::cost_limit_for_bytes(P::bytes())));
    }

    fn add_ping_pong<C: Channel, M: Make<C>, P: Payload>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        if P::label() != "u64" && !self.keep_payload::<P>() {
            return;
        }
        let cell = Cell::new(
            PingPong,
            C::ID,
            params_of::<C, M, P>(m, 2),
            needs,
            Box::new(move |team, mode, n| match mode {
                Mode::Timed => workload::ping_pong::<C, M, P, false>(team, m, n),
                Mode::Cost => workload::ping_pong::<C, M, P, true>(team, m, n),
            }),
        );
        if P::label() == "u64" {
            self.calibrations.push(Calibration {
                key: cell.key.clone(),
                plain: Box::new(move |cores, n| calibrate::plain_ping_pong::<C, M>(cores, m, n)),
            });
        }
        self.add(cell.cost_limit(Self::cost_limit_for_bytes(P::bytes())));
    }

    /// MPMC cells under flavor `m`.
    pub fn add_multi_consumer<C: MultiConsumer, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        let capacity = capacity_of(m);
        let (p, c) = (self.shape.mpmc_producers, self.shape.mpmc_consumers);
        let mut params = params_of::<C, M, u64>(m, p + c);
        params.producers = Some(p);
        params.consumers = Some(c);
        self.add(Cell::new(
            Mpmc,
            C::ID,
            params,
            needs,
            Box::new(move |team, _, n| workload::mpmc::<C, M, u64>(team, m, p, c, n)),
        ));
        if matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded) {
            for (grain, rounds) in self.grains() {
                for batch in [1, BATCH] {
                    let strategy = match batch {
                        1 => "pool-per-item".to_owned(),
                        b => format!("pool-batch-{b}"),
                    };
                    let mut params = Params::new(capacity, job_items(rounds), self.shape.cores + 1)
                        .strategy(strategy);
                    params.grain = Some(grain.to_owned());
                    self.add(Cell::new(
                        Distribute,
                        C::ID,
                        params,
                        needs,
                        Box::new(move |team, _, n| {
                            let job = |team: &Team, items, rounds| {
                                distribute::pool::<C, M>(team, m, batch, items, rounds)
                            };
                            distribute::run_jobs(team, "pool", n, rounds, &job)
                        }),
                    ));
                }
            }
        }
    }

    /// Native-select cells under flavor `m`: fan-in and the sources family's select.
    pub fn add_select<C: Select, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        let capacity = capacity_of(m);
        if !matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded) {
            return;
        }
        let fan_in = self.shape.fan_in_sources;
        let counts = self.source_counts();
        for (workload, sources) in std::iter::once((FanIn, fan_in))
            .chain(counts.into_iter().map(|sources| (Sources, sources)))
        {
            let mut params = stamped(m, sources + 1).strategy(SELECT);
            params.sources = Some(sources);
            self.add(Cell::new(
                workload,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| match mode {
                    Mode::Timed => sources::serve_select::<C, M, false>(team, m, sources, n),
                    Mode::Cost => sources::serve_select::<C, M, true>(team, m, sources, n),
                }),
            ));
        }
    }

    fn grains(&self) -> Vec<(&'static str, u32)> {
        GRAINS
            .into_iter()
            .filter(|(g, _)| !self.reduced || *g == "medium")
            .collect()
    }

    fn gaps(&self) -> Vec<Duration> {
        GAPS.into_iter()
            .filter(|g| !self.reduced || *g == Duration::from_micros(100))
            .collect()
    }

    fn source_counts(&self) -> Vec<usize> {
        SOURCE_COUNTS
            .into_iter()
            .filter(|s| !self.reduced || [1, 64].contains(s))
            .collect()
    }

    /// The strategy families' cells over a channel, under flavor `m` (1024 or unbounded; the
    /// first registered wins, so bounded implementations run them at capacity 1024): receive,
    /// sources (all but select) and service. Their parameters leave out the capacity, so each
    /// implementation has one cell per configuration, comparable across implementations.
    fn add_strategy_cells<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        for gap in self.gaps() {
            let limit = (COST_PAUSE_BUDGET.as_nanos() / gap.as_nanos().max(1)) as u64;
            for wait in WAITS {
                let mut params = stamped(m, 2).strategy(wait.to_string());
                params.gap_ns = Some(gap.as_nanos() as u64);
                let cell = Cell::new(
                    Receive,
                    C::ID,
                    params,
                    needs,
                    Box::new(move |team, mode, n| match mode {
                        Mode::Timed => receive::receive::<C, M, false>(team, m, wait, gap, n),
                        Mode::Cost => receive::receive::<C, M, true>(team, m, wait, gap, n),
                    }),
                );
                self.add(cell.cost_limit(Some(limit.max(16))));
            }
        }
        for sources in self.source_counts() {
            for serve in SERVES {
                let mut params =
                    stamped(m, sources::threads(sources, serve)).strategy(serve.to_string());
                params.sources = Some(sources);
                self.add(Cell::new(
                    Sources,
                    C::ID,
                    params,
                    needs,
                    Box::new(move |team, mode, n| match mode {
                        Mode::Timed => sources::serve::<C, M, false>(team, m, serve, sources, n),
                        Mode::Cost => sources::serve::<C, M, true>(team, m, serve, sources, n),
                    }),
                ));
            }
        }
        self.add_service::<C, M, Message>(m, needs);
        self.add_service::<C, M, Box<Message>>(m, needs);
        let cores = self.shape.cores;
        // Over every channel: the peer sweep of 1 KiB frames; over the first registered channel,
        // the other links too (the frame sizes are the channel-less strategies' sweep, to keep
        // the default run in its budget).
        let strategy = transport::Strategy::ThreadPerStream;
        let receivers = if self.implementations.is_empty() {
            Receivers::FirstChannel
        } else {
            Receivers::OtherChannel
        };
        for (link, peers, payload) in self.transport_configurations(receivers) {
            let params = transport_params(capacity_of(m), strategy, link, peers, payload, cores);
            let cell = Cell::new(
                Transport,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| {
                    let run = match mode {
                        Mode::Timed => transport::thread_per_stream::<C, M, false>,
                        Mode::Cost => transport::thread_per_stream::<C, M, true>,
                    };
                    run(team, m, link, peers, payload, n)
                        .unwrap_or_else(|e| panic!("transport: {e}"))
                }),
            )
            .cost_limit(Self::cost_limit_for_bytes(transport::HEADER + payload));
            self.add(if link == Link::LOOPBACK {
                cell
            } else {
                cell.one_implementation()
            });
        }
        let mut params = transport_params(capacity_of(m), strategy, Link::LOOPBACK, 1, 1024, cores);
        params.burst = Some(transport::PUBLISH);
        self.add(Cell::new(
            Transport,
            C::ID,
            params,
            needs,
            Box::new(move |team, mode, n| {
                let link = Link::LOOPBACK;
                let result = match mode {
                    Mode::Timed => transport::publish::<false>(n, || {
                        transport::thread_per_stream::<C, M, false>(
                            team,
                            m,
                            link,
                            1,
                            1024,
                            transport::PUBLISH,
                        )
                    }),
                    Mode::Cost => transport::publish::<true>(n, || {
                        transport::thread_per_stream::<C, M, true>(
                            team,
                            m,
                            link,
                            1,
                            1024,
                            transport::PUBLISH,
                        )
                    }),
                };
                result.unwrap_or_else(|e| panic!("transport publish: {e}"))
            }),
        ));
    }

    /// The transport family's (link, peers, payload bytes) for `receivers`:
    /// - over loopback TCP with the peers as threads, 1 KiB frames from 1, 4, 16 and 64 peers
    ///   for every receiver, and 16 B and 64 KiB frames from 4 peers for the channel-less ones;
    /// - over a Unix socket, and with the peers in a process of their own, 4 peers of 1 KiB for
    ///   the channel-less receivers and thread-per-stream over the first registered channel
    ///   (over every channel, those 10 cells cost the default run its time budget).
    ///
    /// The reduced matrix: 1 and 64 peers over TCP, and the channel-less receivers' other links.
    fn transport_configurations(&self, receivers: Receivers) -> Vec<(Link, usize, usize)> {
        let mut out: Vec<(Link, usize, usize)> = PEER_COUNTS
            .into_iter()
            .filter(|n| !self.reduced || [1, 64].contains(n))
            .map(|n| (Link::LOOPBACK, n, 1024))
            .collect();
        let channel_less = receivers == Receivers::ChannelLess;
        if !self.reduced && channel_less {
            out.extend(
                PAYLOADS
                    .into_iter()
                    .filter(|&p| p != 1024)
                    .map(|p| (Link::LOOPBACK, 4, p)),
            );
        }
        if channel_less || (!self.reduced && receivers == Receivers::FirstChannel) {
            out.push((Link::new(Socket::Unix, PeersIn::Threads), 4, 1024));
            out.push((Link::new(Socket::Tcp, PeersIn::Process), 4, 1024));
        }
        out
    }

    fn add_service<C: Channel, M: Make<C>, E: Envelope>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        let params = |strategy: &str, threads| {
            let mut p =
                Params::new(capacity_of(m), service_message::<E>(), threads).strategy(strategy);
            p.envelope = Some(E::LABEL.to_owned());
            p
        };
        self.add(Cell::new(
            Service,
            C::ID,
            params("one-thread", 1),
            needs,
            Box::new(move |team, _, n| service::one_thread::<C, M, E>(team, m, n)),
        ));
        self.add(Cell::new(
            Service,
            C::ID,
            params("two-threads", 2),
            needs,
            Box::new(move |team, mode, n| match mode {
                Mode::Timed => service::two_threads::<C, M, E, false>(team, m, n),
                Mode::Cost => service::two_threads::<C, M, E, true>(team, m, n),
            }),
        ));
    }

    /// The strategies without a channel, registered once under their own names: sequential,
    /// rayon, the two static splits and the locked queue (distribute), and the direct call
    /// (service).
    pub fn add_strategies(&mut self) {
        type JobFn = fn(&Team, u64, u32) -> (Duration, distribute::Outcome);
        let cores = self.shape.cores;
        // (name, job, threads it runs on, whether it spawns them per job)
        let strategies: [(&'static str, JobFn, usize, bool); 5] = [
            ("sequential", distribute::sequential, 1, false),
            ("rayon", distribute::rayon, cores, false),
            ("team-split", distribute::team_split, cores, false),
            ("scope-split", distribute::scope_split, cores, true),
            // A dispatcher and a worker per core.
            ("mutex-queue", distribute::mutex_queue, cores + 1, false),
        ];
        for (grain, rounds) in self.grains() {
            for (name, job, threads, spawns_threads) in strategies {
                let mut params =
                    Params::new(Capacity::None, job_items(rounds), threads).strategy(name);
                params.grain = Some(grain.to_owned());
                let cell = Cell::new(
                    Distribute,
                    name,
                    params,
                    &[],
                    Box::new(move |team, _, n| distribute::run_jobs(team, name, n, rounds, &job)),
                );
                self.add(cell.spawning_threads(spawns_threads));
            }
        }
        fn direct<E: Envelope>() -> (Params, Runner) {
            let mut params =
                Params::new(Capacity::None, service_message::<E>(), 1).strategy("direct-call");
            params.envelope = Some(E::LABEL.to_owned());
            (
                params,
                Box::new(|team, _, n| service::direct_call::<E>(team, n)),
            )
        }
        for (params, run) in [direct::<Message>(), direct::<Box<Message>>()] {
            self.add(Cell::new(Service, "direct-call", params, &[], run));
        }
        for strategy in CHANNEL_LESS {
            if strategy == transport::Strategy::IoUring && self.io_uring.is_err() {
                continue;
            }
            for (link, peers, payload) in self.transport_configurations(Receivers::ChannelLess) {
                let params =
                    transport_params(Capacity::None, strategy, link, peers, payload, cores);
                let name = strategy.name();
                let cell = Cell::new(
                    Transport,
                    name,
                    params,
                    &[],
                    Box::new(move |team, mode, n| {
                        let run = match mode {
                            Mode::Timed => transport::receive::<false>,
                            Mode::Cost => transport::receive::<true>,
                        };
                        run(team, strategy, link, peers, payload, n)
                            .unwrap_or_else(|e| panic!("transport: {e}"))
                    }),
                );
                self.add(cell.cost_limit(Self::cost_limit_for_bytes(transport::HEADER + payload)));
            }
            // The publish shape: one client, 1,024 messages of 1 KiB per connection.
            let mut params =
                transport_params(Capacity::None, strategy, Link::LOOPBACK, 1, 1024, cores);
            params.burst = Some(transport::PUBLISH);
            self.add(Cell::new(
                Transport,
                strategy.name(),
                params,
                &[],
                Box::new(move |team, mode, n| {
                    let link = Link::LOOPBACK;
                    let result = match mode {
                        Mode::Timed => transport::publish::<false>(n, || {
                            transport::receive::<false>(
                                team,
                                strategy,
                                link,
                                1,
                                1024,
                                transport::PUBLISH,
                            )
                        }),
                        Mode::Cost => transport::publish::<true>(n, || {
                            transport::receive::<true>(
                                team,
                                strategy,
                                link,
                                1,
                                1024,
                                transport::PUBLISH,
                            )
                        }),
                    };
                    result.unwrap_or_else(|e| panic!("transport publish: {e}"))
                }),
            ));
        }
    }

    /// Parameters of an async cell of flavor `m` on `flavor`, with a plain thread for bridges.
    fn async_params<C: AsyncChannel, M: MakeAsync<C>>(
        &self,
        m: M,
        flavor: Flavor,
        bridge: bool,
    ) -> Params {
        let capacity = m.capacity().map_or(Capacity::Unbounded, Capacity::Bounded);
        let threads = match flavor {
            Flavor::CurrentThread => 1,
            Flavor::MultiThread => self.shape.cores,
        } + usize::from(bridge);
        let mut params = Params::new(capacity, u64::describe(), threads);
        params.runtime = Some(flavor.name().to_owned());
        params
    }

    /// The async cells every async implementation runs under flavor `m`, on both runtime
    /// flavours: `async-spsc` and `async-mpsc` (streaming flavors: 1024 and unbounded) and
    /// `async-ping-pong` (1 and unbounded), `u64`s. Streaming `async-spsc` and `async-ping-pong`
    /// cells get a calibration (a plain two-task loop on a runtime built by hand).
    pub fn add_async_flavor<C: AsyncChannel, M: MakeAsync<C>>(
        &mut self,
        m: M,
        needs: &'static [AsyncNeed],
    ) {
        let capacity = m.capacity();
        let streaming = matches!(capacity, Some(1024) | None);
        let round_trip = matches!(capacity, Some(1) | None);
        let producers = self.shape.mpsc_producers;
        for flavor in Flavor::ALL {
            if streaming {
                for (workload, producers) in [(AsyncSpsc, 1), (AsyncMpsc, producers)] {
                    let mut params = self.async_params::<C, M>(m, flavor, false);
                    params.producers = (workload == AsyncMpsc).then_some(producers);
                    let cell = Cell::new_async(
                        workload,
                        C::ID,
                        params,
                        needs,
                        Box::new(move |team, _, n| {
                            async_workload::mpsc::<C, M>(team, flavor, m, producers, n)
                        }),
                    );
                    if workload == AsyncSpsc {
                        self.calibrations.push(Calibration {
                            key: cell.key.clone(),
                            plain: Box::new(move |cores, n| {
                                calibrate::plain_async_spsc::<C, M>(cores, flavor, m, n)
                            }),
                        });
                    }
                    self.add(cell);
                }
            }
            if round_trip {
                let cell = Cell::new_async(
                    AsyncPingPong,
                    C::ID,
                    self.async_params::<C, M>(m, flavor, false),
                    needs,
                    Box::new(move |team, _, n| {
                        async_workload::ping_pong::<C, M>(team, flavor, m, n)
                    }),
                );
                self.calibrations.push(Calibration {
                    key: cell.key.clone(),
                    plain: Box::new(move |cores, n| {
                        calibrate::plain_async_ping_pong::<C, M>(cores, flavor, m, n)
                    }),
                });
                self.add(cell);
            }
        }
    }

    /// `async-mpmc` cells under flavor `m` (1024 and unbounded), on both runtime flavours.
    pub fn add_async_multi_consumer<C: AsyncMultiConsumer, M: MakeAsync<C>>(
        &mut self,
        m: M,
        needs: &'static [AsyncNeed],
    ) {
        if !matches!(m.capacity(), Some(1024) | None) {
            return;
        }
        let (p, c) = (self.shape.mpmc_producers, self.shape.mpmc_consumers);
        for flavor in Flavor::ALL {
            let mut params = self.async_params::<C, M>(m, flavor, false);
            params.producers = Some(p);
            params.consumers = Some(c);
            self.add(Cell::new_async(
                AsyncMpmc,
                C::ID,
                params,
                needs,
                Box::new(move |team, _, n| async_workload::mpmc::<C, M>(team, flavor, m, p, c, n)),
            ));
        }
    }

    /// The bridges under flavor `m` (1024 and unbounded), on both runtime flavours:
    /// `thread-to-task` and `task-to-thread`.
    pub fn add_bridges<C: Bridge, M: MakeAsync<C>>(&mut self, m: M, needs: &'static [AsyncNeed]) {
        if !matches!(m.capacity(), Some(1024) | None) {
            return;
        }
        for flavor in Flavor::ALL {
            let params = self.async_params::<C, M>(m, flavor, true);
            self.add(Cell::new_async(
                ThreadToTask,
                C::ID,
                params.clone(),
                needs,
                Box::new(move |team, _, n| {
                    async_workload::thread_to_task::<C, M>(team, flavor, m, n)
                }),
            ));
            self.add(Cell::new_async(
                TaskToThread,
                C::ID,
                params,
                needs,
                Box::new(move |team, _, n| {
                    async_workload::task_to_thread::<C, M>(team, flavor, m, n)
                }),
            ));
        }
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

/// Which transport receivers a list of configurations is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Receivers {
    /// polling, epoll, tokio, io-uring.
    ChannelLess,
    /// thread-per-stream over the first channel registered.
    FirstChannel,
    /// thread-per-stream over any other channel.
    OtherChannel,
}

/// Parameters of a transport cell.
fn transport_params(
    capacity: Capacity,
    strategy: transport::Strategy,
    link: Link,
    peers: usize,
    payload: usize,
    cores: usize,
) -> Params {
    let label = match payload {
        p if p >= 1024 && p % 1024 == 0 => format!("frame-{}KiB", p / 1024),
        p => format!("frame-{p}B"),
    };
    let payload_desc = chanbench_schema::Payload::sized(label, payload as u64);
    let mut params = Params::new(capacity, payload_desc, strategy.threads(link, peers, cores))
        .strategy(strategy.to_string());
    params.peers = Some(peers);
    params.socket = (link.socket != Socket::Tcp).then(|| link.socket.name().to_owned());
    params.peers_in = (link.peers_in == PeersIn::Process).then(|| "process".to_owned());
    params
}

/// A distribute job's item: `rounds` hash rounds of work, no payload size to speak of.
fn job_items(rounds: u32) -> chanbench_schema::Payload {
    chanbench_schema::Payload::opaque(format!("items-of-{rounds}-rounds"))
}

/// The service workload's message, in envelope `E`.
fn service_message<E: Envelope>() -> chanbench_schema::Payload {
    let bytes = std::mem::size_of::<Message>();
    chanbench_schema::Payload::sized(format!("{}-{bytes}B", E::LABEL), bytes as u64)
}

/// Registers a list of implementation types, as `chanbench_registry::for_each_impl!` passes
/// it: `for_each_impl!(register_impls, (&mut matrix))`.
#[macro_export]
macro_rules! register_impls {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( $crate::register_impl!(&mut *matrix, $ty); )*
    }};
}

/// Registers a list of async implementation types, as
/// `chanbench_registry::for_each_async_impl!` passes it.
#[macro_export]
macro_rules! register_async_impls {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( $crate::register_async_impl!(&mut *matrix, $ty); )*
    }};
}

/// Registers every async cell a concrete async implementation type can run, chosen by the async
/// capability traits it implements: `register_async_impl!(&mut matrix, chanbench_tokio::TokioMpsc)`.
#[macro_export]
macro_rules! register_async_impl {
    ($matrix:expr, $chan:ty) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        let capabilities = chanbench_core::async_capabilities!($chan);
        {
            #[allow(unused_imports)]
            use $crate::matrix::async_probe::{
                Bounded as _, BoundedBridge as _, BoundedMulti as _, Lacks as _, Unbounded as _,
                UnboundedBridge as _, UnboundedMulti as _,
            };
            let probe = $crate::matrix::probe::Probe::<$chan>::new();
            (&probe).async_bounded(matrix);
            (&probe).async_unbounded(matrix);
            (&probe).async_bounded_multi(matrix);
            (&probe).async_unbounded_multi(matrix);
            (&probe).async_bounded_bridge(matrix);
            (&probe).async_unbounded_bridge(matrix);
        }
        matrix.note_async_impl::<$chan>(capabilities);
    }};
}

/// The matrix of every registered implementation (`chanbench-registry`, which the caller
/// depends on), the strategies without a channel and the floor: what the bench measures, less
/// its own additions (the zero-cost pair, the fault fixtures).
#[macro_export]
macro_rules! registered_matrix {
    ($shape:expr, $reduced:expr) => {{
        use $crate::{register_async_impls, register_impls};
        let mut matrix = $crate::matrix::Matrix::new($shape, $reduced);
        chanbench_registry::for_each_impl!(register_impls, (&mut matrix));
        chanbench_registry::for_each_async_impl!(register_async_impls, (&mut matrix));
        matrix.add_strategies();
        matrix.add_floor();
        matrix
    }};
}

/// Registers every cell a concrete implementation type can run, chosen by the capability traits
/// it implements: `register_impl!(&mut matrix, chanbench_flume::Flume)`.
#[macro_export]
macro_rules! register_impl {
    ($matrix:expr, $chan:ty) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        let capabilities = chanbench_core::capabilities!($chan);
        {
            #[allow(unused_imports)]
            use $crate::matrix::probe::{
                Bounded as _, BoundedMulti as _, BoundedSelect as _, Lacks as _, Unbounded as _,
                UnboundedMulti as _, UnboundedSelect as _,
            };
            let probe = $crate::matrix::probe::Probe::<$chan>::new();
            (&probe).cells_bounded(matrix);
            (&probe).cells_unbounded(matrix);
            (&probe).cells_bounded_multi(matrix);
            (&probe).cells_unbounded_multi(matrix);
            (&probe).cells_bounded_select(matrix);
            (&probe).cells_unbounded_select(matrix);
        }
        matrix.note_impl::<$chan>(capabilities);
    }};
}

/// Autoref specialization over capability combinations, for [`register_impl!`], on the core's
/// `Probe`: each method resolves to the `Probe<C>` impl when `C` has the capabilities, else to
/// the no-op on `&Probe<C>`.
#[doc(hidden)]
pub mod probe {
    #![allow(missing_docs, unreachable_pub)]

    pub use chanbench_core::probe::Probe;
    use chanbench_core::{Cap, Unbound};

    use super::{Matrix, STREAMING_CAPACITIES};

    /// The fallback: every method does nothing.
    pub trait Lacks {
        fn cells_bounded(&self, _: &mut Matrix) {}
        fn cells_unbounded(&self, _: &mut Matrix) {}
        fn cells_bounded_multi(&self, _: &mut Matrix) {}
        fn cells_unbounded_multi(&self, _: &mut Matrix) {}
        fn cells_bounded_select(&self, _: &mut Matrix) {}
        fn cells_unbounded_select(&self, _: &mut Matrix) {}
    }
    impl<C> Lacks for &Probe<C> {}

    macro_rules! combo {
        ($name:ident: $($bound:path),+ => $method:ident |$m:ident| $body:expr) => {
            pub trait $name {
                fn $method(&self, $m: &mut Matrix);
            }
            impl<C: $($bound +)+ 'static> $name for Probe<C> {
                fn $method(&self, $m: &mut Matrix) {
                    $body
                }
            }
        };
    }

    use chanbench_core::Capability::{
        Bounded as B, MultiConsumer as Mc, Select as S, Unbounded as U,
    };

    combo!(Bounded: chanbench_core::Bounded => cells_bounded |m| {
        for cap in STREAMING_CAPACITIES {
            m.add_flavor::<C, Cap>(Cap(cap), &[B]);
        }
    });
    combo!(Unbounded: chanbench_core::Unbounded => cells_unbounded |m| {
        m.add_flavor::<C, Unbound>(Unbound, &[U]);
    });
    combo!(BoundedMulti: chanbench_core::Bounded, chanbench_core::MultiConsumer => cells_bounded_multi |m| {
        for cap in STREAMING_CAPACITIES {
            m.add_multi_consumer::<C, Cap>(Cap(cap), &[B, Mc]);
        }
    });
    combo!(UnboundedMulti: chanbench_core::Unbounded, chanbench_core::MultiConsumer => cells_unbounded_multi |m| {
        m.add_multi_consumer::<C, Unbound>(Unbound, &[U, Mc]);
    });
    combo!(BoundedSelect: chanbench_core::Bounded, chanbench_core::Select => cells_bounded_select |m| {
        m.add_select::<C, Cap>(Cap(1024), &[B, S]);
    });
    combo!(UnboundedSelect: chanbench_core::Unbounded, chanbench_core::Select => cells_unbounded_select |m| {
        m.add_select::<C, Unbound>(Unbound, &[U, S]);
    });
}

/// [`probe`]'s autoref specialization for the async capability traits, for
/// [`register_async_impl!`](crate::register_async_impl).
#[doc(hidden)]
pub mod async_probe {
    #![allow(missing_docs, unreachable_pub)]

    use chanbench_core::{Cap, Unbound, probe::Probe};

    use super::{AsyncNeed, Matrix};

    /// The fallback: every method does nothing.
    pub trait Lacks {
        fn async_bounded(&self, _: &mut Matrix) {}
        fn async_unbounded(&self, _: &mut Matrix) {}
        fn async_bounded_multi(&self, _: &mut Matrix) {}
        fn async_unbounded_multi(&self, _: &mut Matrix) {}
        fn async_bounded_bridge(&self, _: &mut Matrix) {}
        fn async_unbounded_bridge(&self, _: &mut Matrix) {}
    }
    impl<C> Lacks for &Probe<C> {}

    macro_rules! combo {
        ($name:ident: $($bound:path),+ => $method:ident |$m:ident| $body:expr) => {
            pub trait $name {
                fn $method(&self, $m: &mut Matrix);
            }
            impl<C: $($bound +)+ 'static> $name for Probe<C> {
                fn $method(&self, $m: &mut Matrix) {
                    $body
                }
            }
        };
    }

    use AsyncNeed::{Bounded as B, Bridge as Br, MultiConsumer as Mc, Unbounded as U};
    use chanbench_core::asynchronous::{AsyncBounded, AsyncMultiConsumer, AsyncUnbounded, Bridge};

    combo!(Bounded: AsyncBounded => async_bounded |m| {
        m.add_async_flavor::<C, Cap>(Cap(1024), &[B]);
        m.add_async_flavor::<C, Cap>(Cap(1), &[B]);
    });
    combo!(Unbounded: AsyncUnbounded => async_unbounded |m| {
        m.add_async_flavor::<C, Unbound>(Unbound, &[U]);
    });
    combo!(BoundedMulti: AsyncBounded, AsyncMultiConsumer => async_bounded_multi |m| {
        m.add_async_multi_consumer::<C, Cap>(Cap(1024), &[B, Mc]);
    });
    combo!(UnboundedMulti: AsyncUnbounded, AsyncMultiConsumer => async_unbounded_multi |m| {
        m.add_async_multi_consumer::<C, Unbound>(Unbound, &[U, Mc]);
    });
    combo!(BoundedBridge: AsyncBounded, Bridge => async_bounded_bridge |m| {
        m.add_bridges::<C, Cap>(Cap(1024), &[B, Br]);
    });
    combo!(UnboundedBridge: AsyncUnbounded, Bridge => async_unbounded_bridge |m| {
        m.add_bridges::<C, Unbound>(Unbound, &[U, Br]);
    });
}
