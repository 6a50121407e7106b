//! The benchmark matrix: a designed set of cells, not a blind cross product.
//!
//! | family | workload (group) | capacities | payloads | parameters |
//! |---|---|---|---|---|
//! | raw cost | `seq` | 1024, unbounded | u64 | |
//! | streaming | `spsc`, `mpsc` | 0, 1, 1024, unbounded | u64 | mpsc: `producers` from the cores |
//! | streaming, MPMC | `mpmc` | 0, 1, 1024, unbounded | u64 | `producers`, `consumers` from the cores |
//! | payload sweep | `spsc` | 1024, unbounded | zst, inline 64 B / 1 KiB, box 1 KiB, vec 1 B .. 1 MiB owned / cloned | |
//! | latency | `ping-pong` | 1, unbounded | u64, zst, inline 64 B / 1 KiB, box 1 KiB, vec 1 KiB owned | |
//! | fan-in | `fan-in` | 1024, unbounded | u64 | `merged` (one shared channel) or `select`; 4 sources |
//! | wake-up | `burst` | 1024, unbounded | `Instant` | bursts of 8, pause 0, 100 us, 1 ms |
//! | floor | `floor` | | u64 | `atomic-ping-pong`, `spsc-ring` (1024 slots, spinning) |
//! | strategies | `distribute` | 1024 (pools) | items of 4 / 256 / 16384 hash rounds | sequential, rayon, team-split, scope-split, mutex-queue, pool per item / batch 64 over each multi-consumer channel |
//! | strategies | `receive` | 1024 or unbounded | `Instant` | block, spin, yield, sleep 50 us / 1 ms; a message every 100 us or 1 ms |
//! | strategies | `sources` | 1024 or unbounded | `Instant` | thread-per-source, select, round-robin, merged; 1, 4, 16, 64 sources |
//! | strategies | `service` | 1024 or unbounded | 272-byte message, owned or boxed | one-thread, two-threads, direct-call |
//!
//! Which cells an implementation gets follows from the capability traits it implements (via
//! [`register_impl!`](crate::register_impl)); cells it cannot run are listed by
//! [`Matrix::unsupported`] as not supported, with the capability missing, never silently dropped.
//! The `reduced` matrix (the smoke profile) keeps every family and workload but sweeps three
//! payloads, one pause, one grain, one message rate and two source counts (1 and 64).

use std::{collections::BTreeSet, fmt, time::Duration};

use chanbench_core::{Capabilities, Channel, Make, MultiConsumer, Select};
use serde::Serialize;

use crate::{
    calibrate::{self, Calibration},
    floor,
    payload::{Boxed, Inline, Payload, VecCloned, VecOwned},
    placement::Team,
    strategy::{
        distribute::{self, BATCH, GRAINS},
        receive::{self, GAPS, WAITS},
        service::{self, Envelope, Message},
        sources::{self, SELECT, SERVES, SOURCE_COUNTS, Serve},
    },
    workload::{self, Measured},
};

/// Timed runs (criterion) or the cost run (also records latencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For criterion: nothing recorded beyond the elapsed time.
    Timed,
    /// The fixed-size cost run: latency histograms where the workload has them.
    Cost,
}

/// Runs a cell: `(team, mode, messages)`.
pub type Runner = Box<dyn Fn(&Team, Mode, u64) -> Measured>;

/// A channel's capacity, as a cell parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Capacity {
    /// `bounded(n)`.
    Bounded(usize),
    /// `unbounded()`.
    Unbounded,
    /// The cell has no channel (the floor baselines).
    None,
}

impl Capacity {
    fn of<C: Channel, M: Make<C>>(m: M) -> Self {
        m.capacity().map_or(Capacity::Unbounded, Capacity::Bounded)
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capacity::Bounded(n) => write!(f, "{n}"),
            Capacity::Unbounded => f.write_str("unbounded"),
            Capacity::None => f.write_str("none"),
        }
    }
}

/// Thread counts, derived from the cores the run may use and an explicit oversubscription factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    /// The workload: the criterion group.
    pub workload: &'static str,
    /// The implementation id (for the floor: the baseline's name).
    pub implementation: &'static str,
    /// The cell's parameters, as a criterion `BenchmarkId` parameter: `cap=1024/u64`.
    pub params: String,
    /// The capacity.
    pub capacity: Capacity,
    /// The payload label.
    pub payload: String,
    /// Threads the cell runs on.
    pub threads: usize,
    /// The capabilities the cell needs beyond `Channel`.
    pub needs: &'static [&'static str],
    /// At most this many messages in the cost run (large payloads, pauses).
    pub cost_limit: Option<u64>,
    /// The strategy starts threads inside its timed region by design (`std::thread::scope`):
    /// the one exception to "no thread is created while measuring", and tested as such.
    pub spawns_threads: bool,
    /// Runs it.
    pub run: Runner,
}

impl fmt::Debug for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.workload, self.implementation, self.params
        )
    }
}

/// A cell an implementation cannot run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    /// The workload.
    pub workload: &'static str,
    /// The implementation id.
    pub implementation: &'static str,
    /// The cell's parameters.
    pub params: String,
    /// The capabilities it lacks for this cell.
    pub missing: Vec<&'static str>,
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
    implementations: Vec<(&'static str, Capabilities)>,
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
            implementations: Vec::new(),
        }
    }

    /// Records that `C`, with these capabilities, was registered. Called by `register_impl!`.
    pub fn note_impl<C: Channel>(&mut self, capabilities: Capabilities) {
        self.implementations.push((C::ID, capabilities));
    }

    /// Adds a cell. Cells are keyed by workload, implementation and parameters; adding a key twice
    /// keeps the first (the payload sweep includes the streaming cell's `u64`).
    pub fn add(&mut self, cell: Cell) {
        let exists = self.cells.iter().any(|c| {
            c.workload == cell.workload
                && c.implementation == cell.implementation
                && c.params == cell.params
        });
        if !exists {
            self.cells.push(cell);
        }
    }

    /// The cells some registered implementation runs and another cannot, for each implementation
    /// that cannot, with the capabilities it lacks.
    pub fn unsupported(&self) -> Vec<Unsupported> {
        // Only cells of registered implementations: baselines (the floor, the zero-cost pair) are
        // not channel cells an implementation could lack.
        let registered = |id: &str| self.implementations.iter().any(|(i, _)| *i == id);
        let keys: BTreeSet<(&'static str, &str, &'static [&'static str])> = self
            .cells
            .iter()
            .filter(|c| registered(c.implementation))
            .map(|c| (c.workload, c.params.as_str(), c.needs))
            .collect();
        let mut out = Vec::new();
        for &(id, caps) in &self.implementations {
            for &(workload, params, needs) in &keys {
                let runs = self.cells.iter().any(|c| {
                    c.implementation == id && c.workload == workload && c.params == params
                });
                if !runs {
                    let have: Vec<&str> = caps
                        .iter()
                        .filter(|(_, present)| *present)
                        .map(|(name, _)| name)
                        .collect();
                    let missing = needs
                        .iter()
                        .copied()
                        .filter(|n| !have.contains(n))
                        .collect();
                    out.push(Unsupported {
                        workload,
                        implementation: id,
                        params: params.to_owned(),
                        missing,
                    });
                }
            }
        }
        out
    }

    fn keep_payload<P: Payload>(&self) -> bool {
        !self.reduced || REDUCED_PAYLOADS.contains(&P::label().as_str())
    }

    fn cost_limit_for_bytes(bytes: usize) -> Option<u64> {
        (bytes > 0).then(|| (COST_BYTES_BUDGET / bytes as u64).max(64))
    }

    /// Cells every channel implementation runs under flavor `m`: seq, spsc, mpsc, the payload
    /// sweep, ping-pong, merged fan-in, burst. `needs` names the flavor's capability.
    pub fn add_flavor<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [&'static str]) {
        let capacity = Capacity::of(m);
        let large = matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded);
        let small = matches!(capacity, Capacity::Bounded(1) | Capacity::Unbounded);
        let producers = self.shape.mpsc_producers;
        self.add_streaming::<C, M, u64>("spsc", m, needs, 1);
        self.add_streaming::<C, M, u64>("mpsc", m, needs, producers);
        if large {
            self.add(Cell {
                workload: "seq",
                implementation: C::ID,
                params: format!("cap={capacity}/u64"),
                capacity,
                payload: u64::label(),
                threads: 1,
                needs,
                cost_limit: None,
                spawns_threads: false,
                run: Box::new(move |team, _, n| workload::seq::<C, M, u64>(team, m, n)),
            });
            self.add_streaming::<C, M, ()>("spsc", m, needs, 1);
            self.add_streaming::<C, M, Inline<64>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, Inline<1024>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, Boxed<1024>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1024>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1024>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecOwned<65536>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecCloned<65536>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1048576>>("spsc", m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1048576>>("spsc", m, needs, 1);
            let sources = self.shape.fan_in_sources;
            self.add(Cell {
                workload: "fan-in",
                implementation: C::ID,
                params: format!("cap={capacity}/u64/merged/sources={sources}"),
                capacity,
                payload: u64::label(),
                threads: sources + 1,
                needs,
                cost_limit: None,
                spawns_threads: false,
                run: Box::new(move |team, _, n| workload::mpsc::<C, M, u64>(team, m, sources, n)),
            });
            self.add_strategy_cells::<C, M>(m, needs);
            for pause in BURST_PAUSES {
                if self.reduced && pause != Duration::from_micros(100) {
                    continue;
                }
                let bursts = COST_PAUSE_BUDGET.as_nanos() / pause.as_nanos().max(1);
                self.add(Cell {
                    workload: "burst",
                    implementation: C::ID,
                    params: format!("cap={capacity}/instant/burst={BURST_LEN}/pause={pause:?}"),
                    capacity,
                    payload: "instant".to_owned(),
                    threads: 2,
                    needs,
                    cost_limit: (!pause.is_zero()).then(|| (bursts as u64).max(16) * BURST_LEN),
                    spawns_threads: false,
                    run: Box::new(move |team, mode, n| match mode {
                        Mode::Timed => workload::burst::<C, M, false>(team, m, BURST_LEN, pause, n),
                        Mode::Cost => workload::burst::<C, M, true>(team, m, BURST_LEN, pause, n),
                    }),
                });
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
        workload: &'static str,
        m: M,
        needs: &'static [&'static str],
        producers: usize,
    ) {
        if P::label() != "u64" && !self.keep_payload::<P>() {
            return;
        }
        let capacity = Capacity::of(m);
        let params = match producers {
            1 => format!("cap={capacity}/{}", P::label()),
            p => format!("cap={capacity}/{}/producers={p}", P::label()),
        };
        let calibrated = matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded);
        if workload == "spsc" && producers == 1 && P::label() == "u64" && calibrated {
            self.calibrations.push(Calibration {
                workload,
                implementation: C::ID,
                params: params.clone(),
                plain: Box::new(move |cores, n| calibrate::plain_spsc::<C, M>(cores, m, n)),
            });
        }
        self.add(Cell {
            workload,
            implementation: C::ID,
            params,
            capacity,
            payload: P::label(),
            threads: producers + 1,
            needs,
            cost_limit: Self::cost_limit_for_bytes(P::bytes()),
            spawns_threads: false,
            run: Box::new(move |team, _, n| workload::mpsc::<C, M, P>(team, m, producers, n)),
        });
    }

    fn add_ping_pong<C: Channel, M: Make<C>, P: Payload>(
        &mut self,
        m: M,
        needs: &'static [&'static str],
    ) {
        if P::label() != "u64" && !self.keep_payload::<P>() {
            return;
        }
        let capacity = Capacity::of(m);
        let params = format!("cap={capacity}/{}", P::label());
        if P::label() == "u64" {
            self.calibrations.push(Calibration {
                workload: "ping-pong",
                implementation: C::ID,
                params: params.clone(),
                plain: Box::new(move |cores, n| calibrate::plain_ping_pong::<C, M>(cores, m, n)),
            });
        }
        self.add(Cell {
            workload: "ping-pong",
            implementation: C::ID,
            params,
            capacity,
            payload: P::label(),
            threads: 2,
            needs,
            cost_limit: Self::cost_limit_for_bytes(P::bytes()),
            spawns_threads: false,
            run: Box::new(move |team, mode, n| match mode {
                Mode::Timed => workload::ping_pong::<C, M, P, false>(team, m, n),
                Mode::Cost => workload::ping_pong::<C, M, P, true>(team, m, n),
            }),
        });
    }

    /// MPMC cells under flavor `m`.
    pub fn add_multi_consumer<C: MultiConsumer, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [&'static str],
    ) {
        let capacity = Capacity::of(m);
        let (p, c) = (self.shape.mpmc_producers, self.shape.mpmc_consumers);
        self.add(Cell {
            workload: "mpmc",
            implementation: C::ID,
            params: format!("cap={capacity}/u64/producers={p}/consumers={c}"),
            capacity,
            payload: u64::label(),
            threads: p + c,
            needs,
            cost_limit: None,
            spawns_threads: false,
            run: Box::new(move |team, _, n| workload::mpmc::<C, M, u64>(team, m, p, c, n)),
        });
        if matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded) {
            for (grain, rounds) in self.grains() {
                for batch in [1, BATCH] {
                    let strategy = match batch {
                        1 => "pool-per-item".to_owned(),
                        b => format!("pool-batch-{b}"),
                    };
                    self.add(Cell {
                        workload: "distribute",
                        implementation: C::ID,
                        params: format!("{strategy}/grain={grain}"),
                        capacity,
                        payload: format!("items-of-{rounds}-rounds"),
                        threads: self.shape.cores + 1,
                        needs,
                        cost_limit: None,
                        spawns_threads: false,
                        run: Box::new(move |team, _, n| {
                            let job = |team: &Team, items, rounds| {
                                distribute::pool::<C, M>(team, m, batch, items, rounds)
                            };
                            distribute::run_jobs(team, "pool", n, rounds, &job)
                        }),
                    });
                }
            }
        }
    }

    /// Native-select fan-in cells under flavor `m`.
    pub fn add_select<C: Select, M: Make<C>>(&mut self, m: M, needs: &'static [&'static str]) {
        let capacity = Capacity::of(m);
        if !matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded) {
            return;
        }
        let sources = self.shape.fan_in_sources;
        self.add(Cell {
            workload: "fan-in",
            implementation: C::ID,
            params: format!("cap={capacity}/u64/select/sources={sources}"),
            capacity,
            payload: u64::label(),
            threads: sources + 1,
            needs,
            cost_limit: None,
            spawns_threads: false,
            run: Box::new(move |team, _, n| {
                workload::fan_in_select::<C, M, u64>(team, m, sources, n)
            }),
        });
        for sources in self.source_counts() {
            self.add(Cell {
                workload: "sources",
                implementation: C::ID,
                params: format!("{SELECT}/sources={sources}"),
                capacity,
                payload: "instant".to_owned(),
                threads: sources + 1,
                needs,
                cost_limit: None,
                spawns_threads: false,
                run: Box::new(move |team, mode, n| match mode {
                    Mode::Timed => sources::serve_select::<C, M, false>(team, m, sources, n),
                    Mode::Cost => sources::serve_select::<C, M, true>(team, m, sources, n),
                }),
            });
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
    fn add_strategy_cells<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [&'static str]) {
        let capacity = Capacity::of(m);
        for gap in self.gaps() {
            let limit = (COST_PAUSE_BUDGET.as_nanos() / gap.as_nanos().max(1)) as u64;
            for wait in WAITS {
                self.add(Cell {
                    workload: "receive",
                    implementation: C::ID,
                    params: format!("{wait}/gap={gap:?}"),
                    capacity,
                    payload: "instant".to_owned(),
                    threads: 2,
                    needs,
                    cost_limit: Some(limit.max(16)),
                    spawns_threads: false,
                    run: Box::new(move |team, mode, n| match mode {
                        Mode::Timed => receive::receive::<C, M, false>(team, m, wait, gap, n),
                        Mode::Cost => receive::receive::<C, M, true>(team, m, wait, gap, n),
                    }),
                });
            }
        }
        for sources in self.source_counts() {
            for serve in SERVES {
                self.add(Cell {
                    workload: "sources",
                    implementation: C::ID,
                    params: format!("{serve}/sources={sources}"),
                    capacity,
                    payload: "instant".to_owned(),
                    threads: sources::threads(sources, serve),
                    needs,
                    cost_limit: None,
                    spawns_threads: false,
                    run: Box::new(move |team, mode, n| match mode {
                        Mode::Timed => sources::serve::<C, M, false>(team, m, serve, sources, n),
                        Mode::Cost => sources::serve::<C, M, true>(team, m, serve, sources, n),
                    }),
                });
            }
        }
        self.add_service::<C, M, Message>(m, needs);
        self.add_service::<C, M, Box<Message>>(m, needs);
    }

    fn add_service<C: Channel, M: Make<C>, E: Envelope>(
        &mut self,
        m: M,
        needs: &'static [&'static str],
    ) {
        let capacity = Capacity::of(m);
        let payload = format!("{}-{}B", E::LABEL, std::mem::size_of::<Message>());
        self.add(Cell {
            workload: "service",
            implementation: C::ID,
            params: format!("one-thread/{}", E::LABEL),
            capacity,
            payload: payload.clone(),
            threads: 1,
            needs,
            cost_limit: None,
            spawns_threads: false,
            run: Box::new(move |team, _, n| service::one_thread::<C, M, E>(team, m, n)),
        });
        self.add(Cell {
            workload: "service",
            implementation: C::ID,
            params: format!("two-threads/{}", E::LABEL),
            capacity,
            payload,
            threads: 2,
            needs,
            cost_limit: None,
            spawns_threads: false,
            run: Box::new(move |team, mode, n| match mode {
                Mode::Timed => service::two_threads::<C, M, E, false>(team, m, n),
                Mode::Cost => service::two_threads::<C, M, E, true>(team, m, n),
            }),
        });
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
                self.add(Cell {
                    workload: "distribute",
                    implementation: name,
                    params: format!("{name}/grain={grain}"),
                    capacity: Capacity::None,
                    payload: format!("items-of-{rounds}-rounds"),
                    threads,
                    needs: &[],
                    cost_limit: None,
                    spawns_threads,
                    run: Box::new(move |team, _, n| {
                        distribute::run_jobs(team, name, n, rounds, &job)
                    }),
                });
            }
        }
        for (label, run) in [
            (
                "owned",
                service::direct_call::<Message> as fn(&Team, u64) -> Measured,
            ),
            ("boxed", service::direct_call::<Box<Message>>),
        ] {
            self.add(Cell {
                workload: "service",
                implementation: "direct-call",
                params: format!("direct-call/{label}"),
                capacity: Capacity::None,
                payload: format!("{label}-{}B", std::mem::size_of::<Message>()),
                threads: 1,
                needs: &[],
                cost_limit: None,
                spawns_threads: false,
                run: Box::new(move |team, _, n| run(team, n)),
            });
        }
    }

    /// The hardware-floor baselines.
    pub fn add_floor(&mut self) {
        self.add(Cell {
            workload: "floor",
            implementation: "atomic-ping-pong",
            params: "u64".to_owned(),
            capacity: Capacity::None,
            payload: u64::label(),
            threads: 2,
            needs: &[],
            cost_limit: None,
            spawns_threads: false,
            run: Box::new(|team, _, n| floor::atomic_ping_pong(team, n)),
        });
        self.add(Cell {
            workload: "floor",
            implementation: "spsc-ring",
            params: format!("cap={}/u64", floor::RING_CAPACITY),
            capacity: Capacity::Bounded(floor::RING_CAPACITY),
            payload: u64::label(),
            threads: 2,
            needs: &[],
            cost_limit: None,
            spawns_threads: false,
            run: Box::new(|team, _, n| floor::spsc_ring(team, n)),
        });
    }
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

    combo!(Bounded: chanbench_core::Bounded => cells_bounded |m| {
        for cap in STREAMING_CAPACITIES {
            m.add_flavor::<C, Cap>(Cap(cap), &["bounded"]);
        }
    });
    combo!(Unbounded: chanbench_core::Unbounded => cells_unbounded |m| {
        m.add_flavor::<C, Unbound>(Unbound, &["unbounded"]);
    });
    combo!(BoundedMulti: chanbench_core::Bounded, chanbench_core::MultiConsumer => cells_bounded_multi |m| {
        for cap in STREAMING_CAPACITIES {
            m.add_multi_consumer::<C, Cap>(Cap(cap), &["bounded", "multi_consumer"]);
        }
    });
    combo!(UnboundedMulti: chanbench_core::Unbounded, chanbench_core::MultiConsumer => cells_unbounded_multi |m| {
        m.add_multi_consumer::<C, Unbound>(Unbound, &["unbounded", "multi_consumer"]);
    });
    combo!(BoundedSelect: chanbench_core::Bounded, chanbench_core::Select => cells_bounded_select |m| {
        m.add_select::<C, Cap>(Cap(1024), &["bounded", "select"]);
    });
    combo!(UnboundedSelect: chanbench_core::Unbounded, chanbench_core::Select => cells_unbounded_select |m| {
        m.add_select::<C, Unbound>(Unbound, &["unbounded", "select"]);
    });
}
