//! crossbeam-queue's `ArrayQueue` behind the chanbench [`Ring`] trait, used as an SPSC ring: one
//! queue shared by the two halves (`Arc`). It is an MPMC queue, so each push and pop pays for
//! the atomics several producers and consumers need; beside rtrb and ringbuf it shows what that
//! costs. Forwarding only.
//!
//! ```
//! use chanbench_crossbeam_queue::ArrayQueue;
//! let (mut p, mut c) = chanbench_core::shapes::ring::ring::<ArrayQueue, u64>(1);
//! p.push(7).unwrap();
//! assert_eq!(p.push(8), Err(8));
//! assert_eq!(c.pop(), Some(7));
//! ```

use std::sync::Arc;

use chanbench_core::{Library, shapes::ring::Ring};

/// crossbeam-queue's `ArrayQueue`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArrayQueue;

impl Ring for ArrayQueue {
    const ID: &'static str = "crossbeam-arrayqueue";
    const NAME: &'static str = "crossbeam ArrayQueue";
    const LIBRARY: Library = Library {
        name: "crossbeam-queue",
        version: "0.3.14",
    };

    type RawProducer<T: Send + 'static> = Arc<crossbeam_queue::ArrayQueue<T>>;
    type RawConsumer<T: Send + 'static> = Arc<crossbeam_queue::ArrayQueue<T>>;

    #[inline]
    fn raw_ring<T: Send + 'static>(
        capacity: usize,
    ) -> (Self::RawProducer<T>, Self::RawConsumer<T>) {
        let queue = Arc::new(crossbeam_queue::ArrayQueue::new(capacity));
        (queue.clone(), queue)
    }

    #[inline(always)]
    fn push<T: Send + 'static>(p: &mut Self::RawProducer<T>, msg: T) -> Result<(), T> {
        p.push(msg)
    }

    #[inline(always)]
    fn pop<T: Send + 'static>(c: &mut Self::RawConsumer<T>) -> Option<T> {
        c.pop()
    }
}
