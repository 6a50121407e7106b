//! Where threads run: the cores this process may use, and a team of persistent pinned workers.
//!
//! Threads are created once, before anything is timed, and pinned: role `i` of a workload runs on
//! `cores[i % cores.len()]`, where `cores` are the cores the process is allowed to use
//! (`sched_getaffinity`, so `taskset -c 0` puts every role on core 0 and `taskset -c 0,1` spreads
//! producer and consumer over two cores). Every thread this crate starts goes through
//! [`Team::new`], which counts it, so tests can prove no thread is created while measuring.

use std::{
    hint::spin_loop,
    sync::{
        Arc, Barrier,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::Instant,
};

use crate::{hogs::Hogs, runtime::Runtimes};

pub use crate::cores::{Cores, PlacementError, job_threads_spawned, threads_spawned};
pub(crate) use crate::cores::{count_job_thread, count_thread};

type Job = Box<dyn FnOnce() + Send>;

/// Persistent worker threads, worker `i` pinned to [`Cores::for_role`]`(i)`, a rayon pool with
/// one thread per allowed core, thread `i` pinned the same way, and one parked [`Hogs`] thread
/// per allowed core for the `background-load` cells. Jobs are handed to them per measurement;
/// the threads themselves live as long as the team.
pub struct Team {
    workers: Vec<mpsc::Sender<Job>>,
    worker_cores: Vec<usize>,
    affinity: Cores,
    pool: Arc<rayon::ThreadPool>,
    runtimes: Runtimes,
    hogs: Hogs,
}

impl Team {
    /// Starts `size` pinned workers, the rayon pool, the tokio runtimes of the async cells
    /// (both flavours, see [`Runtimes`]) and the parked hogs. This is the only place threads are created outside
    /// strategies that spawn per job by design.
    pub fn new(cores: &Cores, size: usize) -> Result<Self, PlacementError> {
        let pool_cores = cores.clone();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cores.len())
            .thread_name(|i| format!("chanbench-rayon-{i}"))
            .spawn_handler(|thread| {
                count_thread();
                let mut b = thread::Builder::new();
                if let Some(name) = thread.name() {
                    b = b.name(name.to_owned());
                }
                b.spawn(|| thread.run())?;
                Ok(())
            })
            .start_handler(move |i| {
                pool_cores.pin_current(i);
            })
            .build()?;
        let mut workers = Vec::with_capacity(size);
        let mut pinned_to = Vec::with_capacity(size);
        for index in 0..size {
            let core = cores.for_role(index);
            let (tx, rx) = mpsc::channel::<Job>();
            let (ready_tx, ready_rx) = mpsc::channel();
            count_thread();
            thread::Builder::new()
                .name(format!("chanbench-worker-{index}"))
                .spawn(move || {
                    let pinned = core_affinity::set_for_current(core_affinity::CoreId { id: core });
                    let _ = ready_tx.send(pinned);
                    for job in rx {
                        job();
                    }
                })
                .map_err(|source| PlacementError::Spawn { index, source })?;
            if ready_rx.recv() != Ok(true) {
                return Err(PlacementError::Pin { index, core });
            }
            workers.push(tx);
            pinned_to.push(core);
        }
        let runtimes = Runtimes::new(cores).map_err(PlacementError::Runtime)?;
        let hogs = Hogs::new(cores)?;
        Ok(Self {
            workers,
            worker_cores: pinned_to,
            affinity: cores.clone(),
            pool: Arc::new(pool),
            runtimes,
            hogs,
        })
    }

    /// The hogs of the `background-load` cells: one per allowed core, parked until asked.
    pub fn hogs(&self) -> &Hogs {
        &self.hogs
    }

    /// The tokio runtimes of the async cells, built with the team.
    pub fn runtimes(&self) -> &Runtimes {
        &self.runtimes
    }

    /// The core each worker is pinned to, by worker index (worker `i` runs role `i`).
    pub fn worker_cores(&self) -> &[usize] {
        &self.worker_cores
    }

    /// The cores the process may use (its affinity mask): data-parallel strategies run one worker
    /// per core.
    pub fn affinity(&self) -> &Cores {
        &self.affinity
    }

    /// The rayon pool, one thread per allowed core.
    pub fn pool(&self) -> &Arc<rayon::ThreadPool> {
        &self.pool
    }

    /// Runs role `i` of `roles` on worker `i`, all released together by a start gate, and returns
    /// the time from the first role starting to the last one finishing, plus each role's result.
    ///
    /// Each role's clock starts inside the role, after the gate, so dispatching jobs and waking
    /// parked workers is never timed. The gate is a [`StartGate`]: it spins while every role has
    /// a core of its own, so no role pays a kernel wake-up to start, and yields at once when roles
    /// share a core, where spinning would only hold back the role that has yet to arrive.
    ///
    /// # Panics
    ///
    /// If there are more roles than workers, or a role panics (the panic is re-raised here).
    pub fn run<R: Send + 'static>(&self, roles: Vec<Role<R>>) -> Timed<R> {
        self.run_from(0, roles)
    }

    /// [`Team::run`] with role `i` on worker `first + i`: the async bridges put their plain
    /// thread in the slot after the runtime's threads.
    ///
    /// # Panics
    ///
    /// As [`Team::run`], and if `first + roles.len()` exceeds the team.
    pub fn run_from<R: Send + 'static>(&self, first: usize, roles: Vec<Role<R>>) -> Timed<R> {
        assert!(
            first + roles.len() <= self.workers.len(),
            "{} roles from worker {first} for a team of {} workers",
            roles.len(),
            self.workers.len()
        );
        let gate = Arc::new(StartGate::new(
            roles.len(),
            roles.len() <= self.affinity.len(),
        ));
        let (done_tx, done_rx) = mpsc::channel();
        let count = roles.len();
        for (index, (role, worker)) in roles.into_iter().zip(&self.workers[first..]).enumerate() {
            let gate = Arc::clone(&gate);
            let done = done_tx.clone();
            let job: Job = Box::new(move || {
                gate.wait();
                let start = Instant::now();
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(role));
                let end = Instant::now();
                let _ = done.send((index, start, end, result));
            });
            worker.send(job).expect("a team worker exited early");
        }
        drop(done_tx);
        let mut results: Vec<Option<R>> = (0..count).map(|_| None).collect();
        let (mut first, mut last) = (None::<Instant>, None::<Instant>);
        for (index, start, end, result) in done_rx.iter().take(count) {
            match result {
                Ok(value) => results[index] = Some(value),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            first = Some(first.map_or(start, |f| f.min(start)));
            last = Some(last.map_or(end, |l| l.max(end)));
        }
        let elapsed = match (first, last) {
            (Some(first), Some(last)) => last - first,
            _ => panic!("no role reported back"),
        };
        Timed {
            elapsed,
            results: results
                .into_iter()
                .map(|r| r.expect("every role reports once"))
                .collect(),
        }
    }
}

/// One role of a workload: the code one thread runs.
pub type Role<R> = Box<dyn FnOnce() -> R + Send>;

/// What [`Team::run`] measured.
#[derive(Debug)]
pub struct Timed<R> {
    /// From the first role starting to the last one finishing.
    pub elapsed: std::time::Duration,
    /// Each role's result, in role order.
    pub results: Vec<R>,
}

/// Releases a fixed number of threads together. When every thread has a core of its own, each
/// arrival counts itself in and spins until the last one arrives: the threads start within a
/// cache-line transfer of each other. `std::sync::Barrier` would park the early arrivals, and the
/// last one would wake them through the kernel, microseconds (tens of them on a VM whose idle
/// vCPUs halt) after it started its own clock.
///
/// When threads share a core they block in a `std::sync::Barrier` instead: spinning would hold
/// the core the last arrival needs, and yielding is worse than it looks. Measured with
/// `cargo xtask validate` on one core, a gate of `sched_yield` loops made std-sync's and flume's
/// bounded `spsc` 3-4x slower than the same loop on fresh threads (the scheduler charges the
/// yielder, which then preempts its peer on every message); with the barrier the two agree
/// within 2%.
#[derive(Debug)]
pub struct StartGate {
    arrived: AtomicUsize,
    count: usize,
    /// `None`: every thread has a core of its own, spin.
    barrier: Option<Barrier>,
}

/// Spins at the gate before falling back to yielding: a peer that was descheduled (another
/// tenant) would otherwise hold a spinning thread for as long as it is away.
const GATE_SPINS: u32 = 1 << 20;

impl StartGate {
    /// A gate for `count` threads; `own_cores` when each of them runs on a core of its own.
    pub fn new(count: usize, own_cores: bool) -> Self {
        Self {
            arrived: AtomicUsize::new(0),
            count,
            barrier: (!own_cores).then(|| Barrier::new(count)),
        }
    }

    /// Arrives and returns once all `count` threads have arrived.
    pub fn wait(&self) {
        if let Some(barrier) = &self.barrier {
            barrier.wait();
            return;
        }
        self.arrived.fetch_add(1, Ordering::AcqRel);
        let mut spins = 0u32;
        while self.arrived.load(Ordering::Acquire) < self.count {
            if spins < GATE_SPINS {
                spins += 1;
                spin_loop();
            } else {
                thread::yield_now();
            }
        }
    }
}
