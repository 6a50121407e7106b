//! crossbeam-channel behind the chanbench [`Channel`] trait. Forwarding only.
//!
//! Bounded (capacity 0 is a rendezvous) and unbounded, multi-consumer, with a native select.
//!
//! ```
//! use chanbench_crossbeam::Crossbeam;
//! let (tx, rx) = chanbench_core::bounded::<Crossbeam, u64>(1);
//! let rx2 = rx.clone();
//! tx.send(1).unwrap();
//! assert_eq!(chanbench_core::select(&[rx, rx2]).1, Ok(1));
//! ```

use std::time::Duration;

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, Receiver, RecvError, RecvTimeoutError, Rendezvous,
    ReturnsUnsent, Select, SendError, TryRecvError, TrySendError, Unbounded,
};
use crossbeam_channel as cb;

/// crossbeam-channel.
#[derive(Debug, Clone, Copy, Default)]
pub struct Crossbeam;

impl Channel for Crossbeam {
    const ID: &'static str = "crossbeam";
    const NAME: &'static str = "crossbeam-channel";
    const LIBRARY: Library = Library {
        name: "crossbeam-channel",
        version: "0.5.17",
    };

    type RawSender<T: Send + 'static> = cb::Sender<T>;
    type RawReceiver<T: Send + 'static> = cb::Receiver<T>;

    #[inline(always)]
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        tx.send(msg)
            .map_err(|e| SendError::returned(e.into_inner()))
    }

    #[inline(always)]
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(|e| match e {
            cb::TrySendError::Full(msg) => TrySendError::Full(msg),
            cb::TrySendError::Disconnected(msg) => TrySendError::Disconnected(msg),
        })
    }

    #[inline(always)]
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.recv().map_err(|cb::RecvError| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            cb::TryRecvError::Empty => TryRecvError::Empty,
            cb::TryRecvError::Disconnected => TryRecvError::Disconnected,
        })
    }

    #[inline(always)]
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        rx.recv_timeout(timeout).map_err(|e| match e {
            cb::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
            cb::RecvTimeoutError::Disconnected => RecvTimeoutError::Disconnected,
        })
    }
}

impl Bounded for Crossbeam {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        cb::bounded(cap)
    }
}

/// Capacity 0 is a rendezvous.
impl Rendezvous for Crossbeam {}

impl Unbounded for Crossbeam {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        cb::unbounded()
    }
}

impl MultiConsumer for Crossbeam {
    #[inline]
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T> {
        rx.clone()
    }
}

impl Select for Crossbeam {
    type Selector<'a, T: Send + 'a> = cb::Select<'a>;

    #[inline]
    fn selector<'a, T: Send + 'a>() -> Self::Selector<'a, T> {
        cb::Select::new()
    }

    #[inline]
    fn add<'a, T: Send + 'a>(
        mut sel: Self::Selector<'a, T>,
        _index: usize, // crossbeam numbers operations in registration order, as `select` adds them.
        rx: &'a Receiver<Self, T>,
    ) -> Self::Selector<'a, T> {
        sel.recv(rx.raw());
        sel
    }

    #[inline]
    fn wait<'a, T: Send + 'a>(
        mut sel: Self::Selector<'a, T>,
        receivers: &'a [Receiver<Self, T>],
    ) -> (usize, Result<T, RecvError>) {
        let op = sel.select();
        let index = op.index();
        (
            index,
            op.recv(receivers[index].raw())
                .map_err(|cb::RecvError| RecvError),
        )
    }
}

impl ReturnsUnsent for Crossbeam {}
