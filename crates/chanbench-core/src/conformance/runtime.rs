//! The tokio runtimes the async checks run on (feature `async-conformance`).

use std::future::Future;

/// Which tokio runtime a check runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// `current_thread`: every task on the thread that calls `block_on`.
    CurrentThread,
    /// `multi_thread` with two workers.
    MultiThread,
}

impl Runtime {
    /// Runs `fut` to completion on a new runtime of this flavour.
    pub fn block_on<F: Future>(self, fut: F) -> F::Output {
        let rt = match self {
            Runtime::CurrentThread => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
            Runtime::MultiThread => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build(),
        }
        .expect("building a tokio runtime");
        rt.block_on(fut)
    }
}
