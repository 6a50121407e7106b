//! How much each check sends, and how long a check may take before it is called hung.

use std::time::Duration;

/// Messages per stream in the ordering checks (scaled down under Miri, like crossbeam's tests).
pub const COUNT: usize = if cfg!(miri) { 50 } else { 25_000 };
/// Messages per producer in the MPMC stress check.
pub const MPMC_PER_PRODUCER: usize = if cfg!(miri) { 20 } else { 100_000 };
/// Producers in the MPSC and MPMC checks.
pub const PRODUCERS: usize = 4;
/// Consumers in the MPMC check.
pub const CONSUMERS: usize = 4;
/// Messages per payload kind in the payload check (large payloads are 4 KiB each).
pub const PAYLOAD_COUNT: usize = if cfg!(miri) { 10 } else { 2_000 };
/// How long a check may run before the watchdog calls it hung. Generous: it only ever turns a
/// hang into a failure, it never decides a pass.
pub const HANG_LIMIT: Duration = Duration::from_secs(120);

/// A message tagged with its producer (or source) and its sequence number there.
pub(super) type Tagged = (usize, usize);
