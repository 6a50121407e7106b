//! SPSC rings: [`Ring`], a bounded single-producer single-consumer queue whose halves never
//! block and are not `Clone` (rtrb, ringbuf, crossbeam's `ArrayQueue` used as one).
//!
//! A ring has no wait of its own: when it is full or empty a side tries again. How it waits is
//! part of what is measured, so it is one policy for every ring, [`RingProducer::push_waiting`]
//! and [`RingConsumer::pop_waiting`]: spin [`SPINS`] times (`spin_loop`), then yield the thread
//! (`thread::yield_now`) between tries. With a core each, a side spins and sees the other's
//! progress within the spins; on one core, spinning only delays the other side, which the yield
//! lets run: a ring on one core costs a yield (a trip through the scheduler) per full or empty
//! ring, where a channel parks.

use std::{hint::spin_loop, thread};

use crate::Library;

/// Tries before a waiting side yields its thread instead of spinning.
pub const SPINS: u32 = 64;

/// An SPSC ring implementation: a zero-sized type, each method one forwarding call.
pub trait Ring: Sized + 'static {
    /// Short, stable identifier (lowercase, `-`-separated).
    const ID: &'static str;
    /// Human-readable name for reports.
    const NAME: &'static str;
    /// The wrapped library and its exact version.
    const LIBRARY: Library;

    /// The library's producing half.
    type RawProducer<T: Send + 'static>: Send;
    /// The library's consuming half.
    type RawConsumer<T: Send + 'static>: Send;

    /// Creates a ring holding at most `capacity` (at least 1) messages.
    fn raw_ring<T: Send + 'static>(capacity: usize)
    -> (Self::RawProducer<T>, Self::RawConsumer<T>);
    /// Pushes `msg` if there is room; hands it back when the ring is full.
    fn push<T: Send + 'static>(p: &mut Self::RawProducer<T>, msg: T) -> Result<(), T>;
    /// Pops the oldest message, if any.
    fn pop<T: Send + 'static>(c: &mut Self::RawConsumer<T>) -> Option<T>;
}

/// The producing half of a ring of implementation `R`.
pub struct RingProducer<R: Ring, T: Send + 'static> {
    raw: R::RawProducer<T>,
}

/// The consuming half of a ring of implementation `R`.
pub struct RingConsumer<R: Ring, T: Send + 'static> {
    raw: R::RawConsumer<T>,
}

/// Creates a ring of implementation `R` holding at most `capacity` (at least 1) messages.
#[inline]
pub fn ring<R: Ring, T: Send + 'static>(
    capacity: usize,
) -> (RingProducer<R, T>, RingConsumer<R, T>) {
    let (p, c) = R::raw_ring(capacity);
    (RingProducer { raw: p }, RingConsumer { raw: c })
}

/// Waits one try: spins while `tries` is below [`SPINS`], then yields the thread.
#[inline(always)]
fn back_off(tries: &mut u32) {
    if *tries < SPINS {
        *tries += 1;
        spin_loop();
    } else {
        thread::yield_now();
    }
}

impl<R: Ring, T: Send + 'static> RingProducer<R, T> {
    /// Pushes `msg` if there is room; hands it back when the ring is full.
    #[inline(always)]
    pub fn push(&mut self, msg: T) -> Result<(), T> {
        R::push(&mut self.raw, msg)
    }

    /// Pushes `msg`, waiting while the ring is full: spins, then yields (see the module docs).
    #[inline(always)]
    pub fn push_waiting(&mut self, mut msg: T) {
        let mut tries = 0;
        loop {
            match R::push(&mut self.raw, msg) {
                Ok(()) => return,
                Err(back) => msg = back,
            }
            back_off(&mut tries);
        }
    }
}

impl<R: Ring, T: Send + 'static> RingConsumer<R, T> {
    /// Pops the oldest message, if any.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<T> {
        R::pop(&mut self.raw)
    }

    /// Pops the oldest message, waiting while the ring is empty: spins, then yields (see the
    /// module docs). A ring has no disconnection: the caller knows how many to pop.
    #[inline(always)]
    pub fn pop_waiting(&mut self) -> T {
        let mut tries = 0;
        loop {
            if let Some(msg) = R::pop(&mut self.raw) {
                return msg;
            }
            back_off(&mut tries);
        }
    }
}

impl<R: Ring, T: Send + 'static> std::fmt::Debug for RingProducer<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RingProducer<{}>", R::NAME)
    }
}

impl<R: Ring, T: Send + 'static> std::fmt::Debug for RingConsumer<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RingConsumer<{}>", R::NAME)
    }
}
