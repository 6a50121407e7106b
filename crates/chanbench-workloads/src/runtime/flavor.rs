//! The two runtime flavours and the runtimes built, with the team, before anything is timed.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
};

use tokio::runtime::Runtime;

use crate::cores::{Cores, count_thread};

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
        self.runtime().name()
    }

    /// The flavour as the schema stores it.
    pub fn runtime(self) -> chanbench_schema::Runtime {
        match self {
            Flavor::CurrentThread => chanbench_schema::Runtime::CurrentThread,
            Flavor::MultiThread => chanbench_schema::Runtime::MultiThread,
        }
    }

    /// The threads a runtime of this flavour runs tasks on, over `cores`: 1, or one per core.
    /// A bridge's plain thread is the team's worker of this index.
    pub fn threads(self, cores: &Cores) -> usize {
        match self {
            Flavor::CurrentThread => 1,
            Flavor::MultiThread => cores.len(),
        }
    }

    /// The flavour the schema's `runtime` names.
    pub fn of(runtime: chanbench_schema::Runtime) -> Self {
        match runtime {
            chanbench_schema::Runtime::CurrentThread => Flavor::CurrentThread,
            chanbench_schema::Runtime::MultiThread => Flavor::MultiThread,
        }
    }

    /// Builds a runtime of this flavour over `cores`. Every thread the runtime starts (its
    /// workers, and any blocking-pool thread) is pinned round-robin over `cores`, and counted
    /// with the team's threads.
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
        // The drivers `#[tokio::main]` enables: time, and IO (the transport family's sockets).
        builder
            .enable_time()
            .enable_io()
            .on_thread_start(move || {
                count_thread();
                // Unpinned is still correct (the affinity mask holds), only less controlled.
                let _ = cores.pin_current(next.fetch_add(1, Ordering::Relaxed));
            })
            .build()
    }
}

/// Both runtimes, built before anything is timed and warmed by one task each.
pub struct Runtimes {
    pub(super) current: Arc<Runtime>,
    pub(super) multi: Runtime,
    pub(super) cores: Cores,
}

impl Runtimes {
    /// Builds both flavours over `cores` and runs one task on each.
    pub fn new(cores: &Cores) -> std::io::Result<Self> {
        let current = Flavor::CurrentThread.build(cores)?;
        let multi = Flavor::MultiThread.build(cores)?;
        current.block_on(async {});
        let (tx, rx) = mpsc::channel();
        multi.spawn(async move {
            let _ = tx.send(());
        });
        let _ = rx.recv();
        Ok(Self {
            current: Arc::new(current),
            multi,
            cores: cores.clone(),
        })
    }

    /// The cores the runtimes were built over.
    pub fn cores(&self) -> &Cores {
        &self.cores
    }

    /// The `current_thread` runtime (drive it with `block_on` from a pinned thread).
    pub fn current(&self) -> &Arc<Runtime> {
        &self.current
    }

    /// The `multi_thread` runtime's handle.
    pub fn multi_handle(&self) -> &tokio::runtime::Handle {
        self.multi.handle()
    }

    /// Spawns `task` on the `multi_thread` runtime.
    pub fn spawn<F>(&self, task: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.multi.spawn(task)
    }
}
