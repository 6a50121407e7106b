//! `std::sync::mpsc::sync_channel` behind the chanbench [`Channel`] trait. Forwarding only.
//!
//! The standard bounded channel (capacity 0 is a rendezvous): single consumer, no select, and
//! no unbounded form. Those limits are compile errors. What it offers compiles:
//!
//! ```
//! use chanbench_std_sync::StdSync;
//! let (tx, rx) = chanbench_core::bounded::<StdSync, u64>(1);
//! tx.send(1).unwrap();
//! assert!(tx.try_send(2).is_err_and(|e| e.is_full()));
//! assert_eq!(rx.recv(), Ok(1));
//! ```
//!
//! It is not unbounded:
//!
//! ```compile_fail,E0277
//! use chanbench_std_sync::StdSync;
//! let (tx, rx) = chanbench_core::unbounded::<StdSync, u64>();
//! ```
//!
//! and its receiver cannot be cloned:
//!
//! ```compile_fail,E0599
//! use chanbench_std_sync::StdSync;
//! let (tx, rx) = chanbench_core::bounded::<StdSync, u64>(1);
//! let rx2 = rx.clone();
//! ```

use std::{sync::mpsc, time::Duration};

use chanbench_core::{
    Bounded, Channel, Library, RecvError, RecvTimeoutError, Rendezvous, ReturnsUnsent, SendError,
    TryRecvError, TrySendError,
};

/// `std::sync::mpsc::sync_channel`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdSync;

impl Channel for StdSync {
    const ID: &'static str = "std-sync";
    const NAME: &'static str = "std mpsc::sync_channel";
    const LIBRARY: Library = Library {
        name: "std",
        version: chanbench_core::RUSTC_VERSION,
    };

    type RawSender<T: Send + 'static> = mpsc::SyncSender<T>;
    type RawReceiver<T: Send + 'static> = mpsc::Receiver<T>;

    #[inline(always)]
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        tx.send(msg).map_err(Into::into)
    }

    #[inline(always)]
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(Into::into)
    }

    #[inline(always)]
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.recv().map_err(Into::into)
    }

    #[inline(always)]
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(Into::into)
    }

    #[inline(always)]
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        rx.recv_timeout(timeout).map_err(Into::into)
    }
}

impl Bounded for StdSync {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::sync_channel(cap)
    }
}

/// Capacity 0 is a rendezvous.
impl Rendezvous for StdSync {}

impl ReturnsUnsent for StdSync {}
