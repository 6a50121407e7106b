//! Benchmark scenarios generic over the [`Channel`](chanbench_core::Channel) trait.
//!
//! - [`placement`]: the cores a run may use and a [`Team`](placement::Team) of persistent
//!   threads pinned to them, created before anything is timed.
//! - [`workload`]: seq, spsc, mpsc, mpmc, ping-pong, burst (fan-in runs the sources family's
//!   merged and select strategies at a fixed source count).
//! - [`payload`]: message types from zero-sized to 1 MiB, inline, boxed, moved or cloned.
//! - [`calibrate`]: plain two-thread loops beside the matrix's cells, for `cargo xtask validate`.
//! - [`floor`]: the hardware floor, an atomic ping-pong and a spinning ring.
//! - [`cost`] and [`alloc`]: CPU time, context switches, allocations and latency percentiles of a
//!   fixed-size run.
//! - [`strategy`]: concurrency strategies beyond one channel: distributing a computation,
//!   receiving (block or poll), serving many sources, one-thread versus two-thread services.
//! - [`matrix`]: the designed set of cells, registered per implementation from the capability
//!   traits it implements.
//! - [`runtime`] and [`async_workload`]: the tokio runtimes (both flavours, built with the team)
//!   and the async scenarios on them: spsc, mpsc, mpmc and ping-pong between tasks, and the
//!   bridges between a plain thread and a task.
//! - [`behaviour`]: what a channel does beyond its speed: latency at an offered load, fairness,
//!   memory (the background-load cells run the streaming jobs beside the team's [`hogs`]).
//! - [`paired`]: the paired runner of `cargo xtask ab` (several builds of an implementation
//!   interleaved in one process), and [`knob`], its test knob of extra work per message.
//!
//! Workloads reach channel libraries only through the trait; this crate depends on none.

pub mod alloc;
pub mod async_workload;
pub mod behaviour;
pub mod broadcast;
pub mod calibrate;
pub mod cores;
pub mod cost;
pub mod floor;
pub mod hogs;
pub mod job;
pub mod knob;
pub mod lifecycle;
pub mod matrix;
pub mod oneshot;
pub mod paired;
pub mod payload;
pub mod placement;
pub mod ring;
pub mod runtime;
pub mod strategy;
pub mod variant;
pub mod workload;
