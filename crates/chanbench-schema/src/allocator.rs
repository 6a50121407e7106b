//! The memory allocator's settings a bench process runs with.

use serde::{Deserialize, Serialize};

/// glibc malloc's two thresholds, fixed for a whole bench process (`mallopt`), which also turns
/// off glibc's dynamic adjustment of them.
///
/// Left dynamic, they depend on what the process ran before: freeing a block that glibc had
/// mapped on its own raises both (to up to 32 MiB and 64 MiB), after which freed memory stays in
/// the process. An unbounded channel's queue, drained and refilled, then reuses pages instead of
/// faulting fresh ones in: kanal's unbounded `spsc` on one core read 4.9 ns/msg in the bench
/// process and 7.6 in a fresh program, and 8.0 in the bench process once the thresholds were
/// fixed (docs/findings/2026-12-06-standalone-calibration.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MallocThresholds {
    /// `M_MMAP_THRESHOLD`: requests of at least this many bytes get a mapping of their own.
    pub mmap_bytes: usize,
    /// `M_TRIM_THRESHOLD`: free memory at the top of the heap beyond this goes back to the kernel.
    pub trim_bytes: usize,
}
