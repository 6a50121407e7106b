//! ringbuf behind the chanbench [`Ring`] trait: its heap-allocated SPSC ring (`HeapRb`, split
//! into its caching producer and consumer). Forwarding only.
//!
//! ```
//! use chanbench_ringbuf::Ringbuf;
//! let (mut p, mut c) = chanbench_core::shapes::ring::ring::<Ringbuf, u64>(1);
//! p.push(7).unwrap();
//! assert_eq!(p.push(8), Err(8));
//! assert_eq!(c.pop(), Some(7));
//! ```

use chanbench_core::{Library, shapes::ring::Ring};
use ringbuf::{
    HeapCons, HeapProd, HeapRb,
    traits::{Consumer, Producer, Split},
};

/// ringbuf's `HeapRb`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ringbuf;

impl Ring for Ringbuf {
    const ID: &'static str = "ringbuf";
    const NAME: &'static str = "ringbuf";
    const LIBRARY: Library = Library {
        name: "ringbuf",
        version: "0.6.0",
    };

    type RawProducer<T: Send + 'static> = HeapProd<T>;
    type RawConsumer<T: Send + 'static> = HeapCons<T>;

    #[inline]
    fn raw_ring<T: Send + 'static>(
        capacity: usize,
    ) -> (Self::RawProducer<T>, Self::RawConsumer<T>) {
        HeapRb::new(capacity).split()
    }

    #[inline(always)]
    fn push<T: Send + 'static>(p: &mut Self::RawProducer<T>, msg: T) -> Result<(), T> {
        p.try_push(msg)
    }

    #[inline(always)]
    fn pop<T: Send + 'static>(c: &mut Self::RawConsumer<T>) -> Option<T> {
        c.try_pop()
    }
}
