//! rtrb behind the chanbench [`Ring`] trait: a wait-free SPSC ring buffer. Forwarding only.
//!
//! ```
//! use chanbench_rtrb::Rtrb;
//! let (mut p, mut c) = chanbench_core::shapes::ring::ring::<Rtrb, u64>(1);
//! p.push(7).unwrap();
//! assert_eq!(p.push(8), Err(8));
//! assert_eq!(c.pop(), Some(7));
//! ```

use chanbench_core::{Library, shapes::ring::Ring};

/// rtrb's `RingBuffer`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rtrb;

impl Ring for Rtrb {
    const ID: &'static str = "rtrb";
    const NAME: &'static str = "rtrb";
    const LIBRARY: Library = Library {
        name: "rtrb",
        version: "0.4.1",
    };

    type RawProducer<T: Send + 'static> = rtrb::Producer<T>;
    type RawConsumer<T: Send + 'static> = rtrb::Consumer<T>;

    #[inline]
    fn raw_ring<T: Send + 'static>(
        capacity: usize,
    ) -> (Self::RawProducer<T>, Self::RawConsumer<T>) {
        rtrb::RingBuffer::new(capacity)
    }

    #[inline(always)]
    fn push<T: Send + 'static>(p: &mut Self::RawProducer<T>, msg: T) -> Result<(), T> {
        p.push(msg).map_err(|rtrb::PushError::Full(msg)| msg)
    }

    #[inline(always)]
    fn pop<T: Send + 'static>(c: &mut Self::RawConsumer<T>) -> Option<T> {
        c.pop().ok()
    }
}
