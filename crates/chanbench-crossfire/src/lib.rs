//! crossfire behind the chanbench [`Channel`] trait (its blocking API, `mpmc`). Forwarding only.
//!
//! crossfire's bounded and unbounded channels are different types (`Array` and `List` flavors),
//! so they are two implementations: [`Crossfire`] (bounded, id `crossfire`) and
//! [`CrossfireUnbounded`] (id `crossfire-unbounded`). Both are multi-consumer and hand an unsent
//! message back. crossfire takes capacity 0 for 1 ("a channel size of 0 is not supported and
//! will be treated as a channel of size 1", its `bounded_blocking`), so [`Crossfire`] is not a
//! [`Rendezvous`](chanbench_core::Rendezvous); its select (`crossfire::select::Select`) names
//! the receiver that is ready by address, not by index, so it is not wired as
//! [`Select`](chanbench_core::Select) here. Both are compile errors:
//!
//! ```
//! use chanbench_crossfire::Crossfire;
//! let (tx, rx) = chanbench_core::bounded::<Crossfire, u64>(1);
//! let rx2 = rx.clone();
//! tx.send(1).unwrap();
//! assert_eq!(rx2.recv(), Ok(1));
//! ```
//!
//! ```compile_fail,E0277
//! fn needs_rendezvous<C: chanbench_core::Rendezvous>() {}
//! needs_rendezvous::<chanbench_crossfire::Crossfire>();
//! ```
//!
//! ```compile_fail,E0277
//! use chanbench_crossfire::Crossfire;
//! let (tx, rx) = chanbench_core::bounded::<Crossfire, u64>(1);
//! let _ = chanbench_core::select(&[rx]);
//! ```

use std::time::Duration;

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, RecvError, RecvTimeoutError, ReturnsUnsent,
    SendError, TryRecvError, TrySendError, Unbounded,
};
use crossfire::{MRx, MTx, mpmc};

/// The library, as both implementations report it.
const CROSSFIRE: Library = Library {
    name: "crossfire",
    version: "3.1.22",
};

/// crossfire's bounded channel (`mpmc::bounded_blocking`, the `Array` flavor).
#[derive(Debug, Clone, Copy, Default)]
pub struct Crossfire;

/// crossfire's unbounded channel (`mpmc::unbounded_blocking`, the `List` flavor).
#[derive(Debug, Clone, Copy, Default)]
pub struct CrossfireUnbounded;

/// The same forwarding for both flavors: one `impl Channel` per type.
macro_rules! forward {
    ($ty:ty, $id:literal, $name:literal, $flavor:ident) => {
        impl Channel for $ty {
            const ID: &'static str = $id;
            const NAME: &'static str = $name;
            const LIBRARY: Library = CROSSFIRE;

            type RawSender<T: Send + 'static> = MTx<mpmc::$flavor<T>>;
            type RawReceiver<T: Send + 'static> = MRx<mpmc::$flavor<T>>;

            #[inline(always)]
            fn send<T: Send + 'static>(
                tx: &Self::RawSender<T>,
                msg: T,
            ) -> Result<(), SendError<T>> {
                tx.send(msg).map_err(|e| SendError::returned(e.0))
            }

            #[inline(always)]
            fn try_send<T: Send + 'static>(
                tx: &Self::RawSender<T>,
                msg: T,
            ) -> Result<(), TrySendError<T>> {
                tx.try_send(msg).map_err(|e| match e {
                    crossfire::TrySendError::Full(msg) => TrySendError::Full(msg),
                    crossfire::TrySendError::Disconnected(msg) => TrySendError::Disconnected(msg),
                })
            }

            #[inline(always)]
            fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
                rx.recv().map_err(|crossfire::RecvError| RecvError)
            }

            #[inline(always)]
            fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
                rx.try_recv().map_err(|e| match e {
                    crossfire::TryRecvError::Empty => TryRecvError::Empty,
                    crossfire::TryRecvError::Disconnected => TryRecvError::Disconnected,
                })
            }

            #[inline(always)]
            fn recv_timeout<T: Send + 'static>(
                rx: &Self::RawReceiver<T>,
                timeout: Duration,
            ) -> Result<T, RecvTimeoutError> {
                rx.recv_timeout(timeout).map_err(|e| match e {
                    crossfire::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
                    crossfire::RecvTimeoutError::Disconnected => RecvTimeoutError::Disconnected,
                })
            }
        }

        impl MultiConsumer for $ty {
            #[inline]
            fn clone_receiver<T: Send + 'static>(
                rx: &Self::RawReceiver<T>,
            ) -> Self::RawReceiver<T> {
                rx.clone()
            }
        }

        impl ReturnsUnsent for $ty {}
    };
}

forward!(Crossfire, "crossfire", "crossfire", Array);
forward!(
    CrossfireUnbounded,
    "crossfire-unbounded",
    "crossfire (unbounded)",
    List
);

impl Bounded for Crossfire {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpmc::bounded_blocking(cap)
    }
}

impl Unbounded for CrossfireUnbounded {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpmc::unbounded_blocking()
    }
}
