//! The cores this process may use (the affinity mask, read in one place, xtask included), and the
//! count of every thread this crate starts, so tests can prove none is created while measuring.

use std::sync::atomic::{AtomicUsize, Ordering};

use thiserror::Error;

static THREADS_SPAWNED: AtomicUsize = AtomicUsize::new(0);
static JOB_THREADS_SPAWNED: AtomicUsize = AtomicUsize::new(0);

/// How many threads this crate has started so far, in this process, outside any timed region:
/// the team's workers and its rayon pool.
pub fn threads_spawned() -> usize {
    THREADS_SPAWNED.load(Ordering::SeqCst)
}

/// How many threads strategies that spawn per job (`std::thread::scope`) have started inside
/// their timed region. Only cells marked [`spawns_threads`](crate::matrix::Cell::spawns_threads)
/// may raise it: spawning is the cost those strategies pay, and the report says so.
pub fn job_threads_spawned() -> usize {
    JOB_THREADS_SPAWNED.load(Ordering::SeqCst)
}

/// Counts one thread started outside any timed region by someone else's builder (a runtime's
/// worker).
pub(crate) fn count_thread() {
    THREADS_SPAWNED.fetch_add(1, Ordering::SeqCst);
}

/// Counts one thread spawned inside a timed job.
pub(crate) fn count_job_thread() {
    JOB_THREADS_SPAWNED.fetch_add(1, Ordering::SeqCst);
}

/// Placement failed.
#[derive(Debug, Error)]
pub enum PlacementError {
    /// The affinity mask could not be read.
    #[error("could not read the set of cores this process may run on (sched_getaffinity failed)")]
    NoAffinity,
    /// A worker could not be started.
    #[error("could not start worker thread {index}: {source}")]
    Spawn {
        /// Which worker.
        index: usize,
        /// Why.
        source: std::io::Error,
    },
    /// The rayon pool could not be built.
    #[error("could not start the rayon pool: {0}")]
    Rayon(#[from] rayon::ThreadPoolBuildError),
    /// A tokio runtime could not be built.
    #[error("could not build the tokio runtimes: {0}")]
    Runtime(std::io::Error),
    /// A worker could not be pinned.
    #[error("could not pin worker thread {index} to core {core}")]
    Pin {
        /// Which worker.
        index: usize,
        /// The core it should run on.
        core: usize,
    },
}

/// The cores this process may run on, in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cores {
    ids: Vec<usize>,
}

impl Cores {
    /// The cores in this process's affinity mask.
    pub fn allowed() -> Result<Self, PlacementError> {
        let ids: Vec<usize> = core_affinity::get_core_ids()
            .ok_or(PlacementError::NoAffinity)?
            .into_iter()
            .map(|core| core.id)
            .collect();
        if ids.is_empty() {
            return Err(PlacementError::NoAffinity);
        }
        Ok(Self { ids })
    }

    /// The core ids.
    pub fn ids(&self) -> &[usize] {
        &self.ids
    }

    /// How many cores.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Never true: [`Cores::allowed`] refuses an empty set.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The core for role `role`: roles go round-robin over the allowed cores.
    pub fn for_role(&self, role: usize) -> usize {
        self.ids[role % self.ids.len()]
    }

    /// Pins the calling thread to [`Cores::for_role`]`(role)`; whether that succeeded. Unpinned
    /// is still correct (the affinity mask holds), only less controlled.
    pub fn pin_current(&self, role: usize) -> bool {
        core_affinity::set_for_current(core_affinity::CoreId {
            id: self.for_role(role),
        })
    }
}
