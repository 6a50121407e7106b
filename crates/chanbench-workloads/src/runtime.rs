//! tokio runtimes for the async workloads: the two flavours, built once per process before
//! anything is timed. `multi_thread` gets one worker per allowed core, worker `i` pinned to
//! [`Cores::for_role`]`(i)` as the team's threads are; `current_thread` runs every task on the
//! thread that calls `block_on`, which the caller places. The async cells measure on these (the
//! matrix does not have them yet: this is their first part).

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use crate::placement::Cores;

/// A tokio runtime flavour: a dimension of every async cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flavor {
    /// `current_thread`: one thread, the caller's.
    CurrentThread,
    /// `multi_thread`: one worker per allowed core, pinned.
    MultiThread,
}

impl Flavor {
    /// Both flavours.
    pub const ALL: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

    /// As cell parameters and reports name it.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "current-thread",
            Flavor::MultiThread => "multi-thread",
        }
    }

    /// Builds a runtime of this flavour over `cores`. Every thread the runtime starts (its
    /// workers, and any blocking-pool thread) is pinned round-robin over `cores`.
    pub fn build(self, cores: &Cores) -> std::io::Result<tokio::runtime::Runtime> {
        let mut builder = match self {
            Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
            Flavor::MultiThread => {
                let mut b = tokio::runtime::Builder::new_multi_thread();
                b.worker_threads(cores.len());
                b
            }
        };
        let next = Arc::new(AtomicUsize::new(0));
        let cores = cores.clone();
        builder
            .enable_time()
            .on_thread_start(move || {
                // Unpinned is still correct (the affinity mask holds), only less controlled.
                let _ = cores.pin_current(next.fetch_add(1, Ordering::Relaxed));
            })
            .build()
    }
}
