//! tokio runtimes for the async workloads, and how an async cell runs on them.
//!
//! The two flavours are built once per process, with the [`Team`](crate::placement::Team),
//! before anything is timed. `multi_thread` gets one worker per allowed core, worker `i` pinned
//! to [`Cores::for_role`](crate::cores::Cores::for_role)`(i)` as the team's threads are; `current_thread` runs every task on the thread that calls
//! `block_on`, which is team worker 0. A bridge's plain thread takes the next slot
//! ([`Flavor::threads`]): on one core everything shares it; across cores a `current_thread`
//! bridge has the runtime on one core and the plain thread on the other, and a `multi_thread`
//! one shares a core with a runtime worker (the runtime has them all).
//!
//! [`run`] is the one way an async cell runs. Its tasks are spawned before the clock starts and
//! meet at an [`AsyncGate`]: each counts itself in and yields (`yield_now`, so tasks sharing a
//! worker all get there) until the last arrival opens it. Each task or plain thread starts its
//! clock after the gate and stops it when done; the interval is the first start to the last end,
//! so spawning, scheduling the tasks and the join are not timed. On `multi_thread` nothing runs
//! inside `block_on`: the tasks are spawned from outside and report through a std channel (the
//! mistake of a receiver inside `block_on`, on a thread that is not a worker, is not made). On
//! `current_thread` the tasks are spawned inside one `block_on` per run, which is what that
//! flavour is.

mod flavor;
mod run;

pub use flavor::{Flavor, Runtimes};
pub use run::{AsyncGate, AsyncTimed, Stamp, Task, ThreadRole, run};
