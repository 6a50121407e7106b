//! Running checks: each in its own thread under a watchdog that turns a hang into a failure.

use std::{
    any::Any,
    fmt::Debug,
    panic::{self, AssertUnwindSafe},
    sync::mpsc,
    thread,
};

use super::limits::HANG_LIMIT;

/// Runs one check in its own thread under the [`HANG_LIMIT`] watchdog, re-raising its panic.
pub fn run(name: &str, check: impl FnOnce() + Send + 'static) {
    spawn_watched(name, check).join();
}

/// Runs one check under the watchdog. A check listed as a known failure of the library (a
/// defect or a documented limit its maintainers state, cited where it is listed) must fail: the
/// test then passes and says so, and when the library fixes it the test fails and asks for the
/// entry to be removed.
pub fn run_expecting(name: &str, known_failure: bool, check: impl FnOnce() + Send + 'static) {
    if !known_failure {
        return run(name, check);
    }
    let failures = run_checks(vec![(name.to_owned(), Box::new(check))]);
    match failures.first() {
        Some(f) => eprintln!("{name}: fails, as listed in known_failures: {}", f.message),
        None => panic!(
            "{name} is listed in known_failures but passed: remove it from the list (and from \
             the report's caveats)"
        ),
    }
}

/// A check that failed, with its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check's path, e.g. `unbounded::fifo_single_producer`.
    pub check: String,
    /// What it reported.
    pub message: String,
}

/// A named check, as listed by [`conformance_checks!`](crate::conformance_checks).
pub type NamedCheck = (String, Box<dyn FnOnce() + Send>);

/// Runs every check, each under the watchdog, and returns the ones that failed. This is how the
/// suite is shown to reject broken implementations without failing the test run itself.
pub fn run_checks(checks: Vec<NamedCheck>) -> Vec<Failure> {
    checks
        .into_iter()
        .filter_map(|(name, check)| {
            panic::catch_unwind(AssertUnwindSafe(|| run(&name, check)))
                .err()
                .map(|payload| Failure {
                    check: name,
                    message: panic_message(&*payload),
                })
        })
        .collect()
}

pub(super) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panicked with a non-string payload".to_owned()
    }
}

/// A thread whose end is awaited with a time limit, so a deadlock becomes a failure.
pub(super) struct Watched<T> {
    name: String,
    done: mpsc::Receiver<thread::Result<T>>,
}

pub(super) fn spawn_watched<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Watched<T> {
    let (tx, done) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(f));
            // The watcher may have given up already; then nobody needs the result.
            let _ = tx.send(result);
        })
        .expect("failed to spawn a conformance thread");
    Watched {
        name: name.to_owned(),
        done,
    }
}

impl<T> Watched<T> {
    pub(super) fn join(self) -> T {
        match self.done.recv_timeout(HANG_LIMIT) {
            Ok(Ok(value)) => value,
            Ok(Err(payload)) => panic::resume_unwind(payload),
            Err(_) => panic!(
                "`{}` did not finish within {HANG_LIMIT:?}: a blocked send or recv was never woken",
                self.name
            ),
        }
    }
}
