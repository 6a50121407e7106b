//! A global allocator that counts allocations, but only while counting is switched on.
//!
//! Install it in a benchmark binary with
//! `#[global_allocator] static ALLOC: CountingAlloc = CountingAlloc;`. It forwards to the system
//! allocator. While counting is off (all timed runs) each allocation costs one relaxed load of a
//! flag that is never written during them; counting (cost runs only) adds a few shared atomic
//! operations: the count, the bytes, and the live bytes with their peak (frees are counted too). We write it ourselves rather than use `stats_alloc` because that crate counts
//! unconditionally on shared atomics, which would add cross-core cache traffic to every
//! allocating message in the timed runs.

#![allow(unsafe_code)]

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
};

use chanbench_schema::MallocThresholds;

/// The thresholds every bench process fixes at its start ([`fix_malloc_thresholds`]): glibc's
/// own defaults (128 KiB each), the ones a fresh program starts with, whatever the cells before
/// it freed. `None` where the C library is not glibc.
pub const MALLOC_THRESHOLDS: Option<MallocThresholds> =
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        Some(MallocThresholds {
            mmap_bytes: 128 * 1024,
            trim_bytes: 128 * 1024,
        })
    } else {
        None
    };

/// Fixes glibc malloc's thresholds at [`MALLOC_THRESHOLDS`] for this process (see
/// [`MallocThresholds`] for why); does nothing where the C library is not glibc. Call it first
/// thing in a bench process's `main`.
///
/// # Panics
///
/// If glibc refuses a value (it accepts both: they are its defaults).
pub fn fix_malloc_thresholds() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Some(t) = MALLOC_THRESHOLDS {
        for (option, name, bytes) in [
            (libc::M_MMAP_THRESHOLD, "M_MMAP_THRESHOLD", t.mmap_bytes),
            (libc::M_TRIM_THRESHOLD, "M_TRIM_THRESHOLD", t.trim_bytes),
        ] {
            let value = libc::c_int::try_from(bytes).expect("a threshold fits a C int");
            // SAFETY: `mallopt` takes any option and value and reports a refusal by returning 0;
            // no allocation is in progress on this thread, and glibc locks its own state.
            let accepted = unsafe { libc::mallopt(option, value) };
            assert_eq!(accepted, 1, "glibc refused {name} = {bytes}");
        }
    }
}

/// Gives the heap's free pages back to the kernel (glibc's `malloc_trim(0)`, every arena), so
/// that resident memory measured next grows with what is allocated, not with what the heap had
/// already touched and freed; does nothing where the C library is not glibc.
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory; glibc locks its own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
/// Bytes allocated minus bytes freed since counting started, never below zero, and its highest
/// value. A free of a block allocated before counting started would otherwise take it below
/// zero and hide as much of what the run allocates after it from the peak: a transport cost run
/// that freed a previous run's leftovers before allocating its four 64 KiB buffers read a peak
/// of 234,736 B.
static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);
/// Bytes allocated minus bytes freed since counting started, below zero when the counted code
/// freed more than it allocated: what it left held (the `memory` family's figure).
static NET: AtomicI64 = AtomicI64::new(0);

/// The counting allocator; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

impl CountingAlloc {
    #[inline]
    fn count(size: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(size as u64, Ordering::Relaxed);
            let live = LIVE.fetch_add(size as i64, Ordering::Relaxed) + size as i64;
            PEAK.fetch_max(live, Ordering::Relaxed);
            NET.fetch_add(size as i64, Ordering::Relaxed);
        }
    }

    #[inline]
    fn count_free(size: usize) {
        if COUNTING.load(Ordering::Relaxed) {
            let size = size as i64;
            NET.fetch_sub(size, Ordering::Relaxed);
            // Infallible: the closure always returns `Some`.
            let _ = LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| {
                Some((live - size).max(0))
            });
        }
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so it upholds
// exactly the contract `System` does; the counting touches only atomics.
unsafe impl GlobalAlloc for CountingAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::count(layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::count(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::count_free(layout.size());
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::count_free(layout.size());
        Self::count(new_size);
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations and bytes requested (reallocations count as one allocation of the new size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Allocations {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc`.
    pub count: u64,
    /// Bytes those calls asked for.
    pub bytes: u64,
    /// The most bytes the counted code held at once: allocated minus freed since it started, at
    /// its highest (a free of a block from before it started counts against it).
    pub peak_live_bytes: u64,
    /// Bytes allocated minus bytes freed: what the counted code still held when it returned
    /// (negative when it freed blocks from before it started).
    pub net_bytes: i64,
}

/// Counts the allocations `f` makes, on any thread. `None` when [`CountingAlloc`] is not this
/// process's global allocator (detected by a probe allocation), so absence is never reported as
/// zero.
pub fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, Option<Allocations>) {
    let read = || Allocations {
        count: ALLOCATIONS.load(Ordering::SeqCst),
        bytes: BYTES.load(Ordering::SeqCst),
        peak_live_bytes: 0,
        net_bytes: 0,
    };
    COUNTING.store(true, Ordering::SeqCst);
    let before = read();
    std::hint::black_box(Box::new(0u8));
    let installed = read().count > before.count;
    let before = read();
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    NET.store(0, Ordering::SeqCst);
    let result = f();
    let after = read();
    COUNTING.store(false, Ordering::SeqCst);
    let counted = Allocations {
        count: after.count - before.count,
        bytes: after.bytes - before.bytes,
        peak_live_bytes: u64::try_from(PEAK.load(Ordering::SeqCst)).unwrap_or(0),
        net_bytes: NET.load(Ordering::SeqCst),
    };
    (result, installed.then_some(counted))
}
