//! `std::sync::mpsc::channel` behind the chanbench [`Channel`] trait. Forwarding only.
//!
//! The standard unbounded channel: single consumer, no select. Those limits are compile errors.
//! What it offers compiles:
//!
//! ```
//! use chanbench_std_mpsc::StdMpsc;
//! let (tx, rx) = chanbench_core::unbounded::<StdMpsc, u64>();
//! tx.send(1).unwrap();
//! assert_eq!(rx.recv(), Ok(1));
//! ```
//!
//! It is not bounded:
//!
//! ```compile_fail,E0277
//! use chanbench_std_mpsc::StdMpsc;
//! let (tx, rx) = chanbench_core::bounded::<StdMpsc, u64>(1);
//! ```
//!
//! its receiver cannot be cloned:
//!
//! ```compile_fail,E0599
//! use chanbench_std_mpsc::StdMpsc;
//! let (tx, rx) = chanbench_core::unbounded::<StdMpsc, u64>();
//! let rx2 = rx.clone();
//! ```
//!
//! and there is no select over it:
//!
//! ```compile_fail,E0277
//! use chanbench_std_mpsc::StdMpsc;
//! let (tx, rx) = chanbench_core::unbounded::<StdMpsc, u64>();
//! let _ = chanbench_core::select(&[rx]);
//! ```

use std::{sync::mpsc, time::Duration};

use chanbench_core::{
    Channel, Library, RecvError, RecvTimeoutError, ReturnsUnsent, SendError, TryRecvError,
    TrySendError, Unbounded,
};

/// `std::sync::mpsc::channel`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdMpsc;

impl Channel for StdMpsc {
    const ID: &'static str = "std-mpsc";
    const NAME: &'static str = "std mpsc::channel";
    const LIBRARY: Library = Library {
        name: "std",
        version: chanbench_core::RUSTC_VERSION,
    };

    type RawSender<T: Send + 'static> = mpsc::Sender<T>;
    type RawReceiver<T: Send + 'static> = mpsc::Receiver<T>;

    #[inline(always)]
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        tx.send(msg).map_err(Into::into)
    }

    /// An unbounded channel is never full, so this is `send`.
    #[inline(always)]
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
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

impl Unbounded for StdMpsc {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::channel()
    }
}

impl ReturnsUnsent for StdMpsc {}
