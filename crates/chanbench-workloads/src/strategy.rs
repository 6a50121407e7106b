//! Concurrency strategies beyond a single channel, each family measured side by side on the same
//! job and through the same placements as the channel workloads.
//!
//! - [`distribute`]: one computation split over the cores by sequential code, rayon, a worker
//!   pool fed by a channel (per item and batched), a `Mutex<VecDeque>` queue, a static split on
//!   the team, and a static split with `std::thread::scope`.
//! - [`receive`]: blocking `recv` versus `try_recv` polling (spin, yield, sleep) at paced rates.
//! - [`sources`]: serving 1 .. 64 sources: a thread per source, native select, round-robin
//!   polling, one merged channel.
//! - [`transport`]: one node receiving from 1 .. 64 peers over loopback TCP: a thread per
//!   stream into a channel, polling, an epoll (mio) event loop, tokio on either runtime.
//! - [`service`]: a client and a server service on one thread versus two threads, exchanging
//!   owned or boxed requests with a large header.
//!
//! Strategies that use a channel are generic over `C: Channel` like every workload; the others
//! (sequential, rayon, locks, splits, direct calls) are registered once under their own names.

pub mod distribute;
pub mod receive;
pub mod service;
pub mod sources;
pub mod transport;
