//! flume behind the chanbench [`Channel`] trait. Forwarding only.
//!
//! Bounded (capacity 0 is a rendezvous) and unbounded, multi-consumer, with a native select
//! (`flume::Selector`, the `select` feature; the async features are off).
//!
//! ```
//! use chanbench_flume::Flume;
//! let (tx, rx) = chanbench_core::unbounded::<Flume, u64>();
//! let rx2 = rx.clone();
//! tx.send(1).unwrap();
//! assert_eq!(chanbench_core::select(&[rx, rx2]).1, Ok(1));
//! ```

use std::time::Duration;

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, Receiver, RecvError, RecvTimeoutError, Rendezvous,
    ReturnsUnsent, Select, SendError, TryRecvError, TrySendError, Unbounded,
};

/// flume.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flume;

impl Channel for Flume {
    const ID: &'static str = "flume";
    const NAME: &'static str = "flume";
    const LIBRARY: Library = Library {
        name: "flume",
        version: "0.12.0",
    };

    type RawSender<T: Send + 'static> = flume::Sender<T>;
    type RawReceiver<T: Send + 'static> = flume::Receiver<T>;

    #[inline(always)]
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        tx.send(msg)
            .map_err(|e| SendError::returned(e.into_inner()))
    }

    #[inline(always)]
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(|e| match e {
            flume::TrySendError::Full(msg) => TrySendError::Full(msg),
            flume::TrySendError::Disconnected(msg) => TrySendError::Disconnected(msg),
        })
    }

    #[inline(always)]
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.recv()
            .map_err(|flume::RecvError::Disconnected| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            flume::TryRecvError::Empty => TryRecvError::Empty,
            flume::TryRecvError::Disconnected => TryRecvError::Disconnected,
        })
    }

    #[inline(always)]
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        rx.recv_timeout(timeout).map_err(|e| match e {
            flume::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
            flume::RecvTimeoutError::Disconnected => RecvTimeoutError::Disconnected,
        })
    }
}

impl Bounded for Flume {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        flume::bounded(cap)
    }
}

/// Capacity 0 is a rendezvous.
impl Rendezvous for Flume {}

impl Unbounded for Flume {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        flume::unbounded()
    }
}

impl MultiConsumer for Flume {
    #[inline]
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T> {
        rx.clone()
    }
}

impl Select for Flume {
    type Selector<'a, T: Send + 'a> = flume::Selector<'a, (usize, Result<T, RecvError>)>;

    #[inline]
    fn selector<'a, T: Send + 'a>() -> Self::Selector<'a, T> {
        flume::Selector::new()
    }

    #[inline]
    fn add<'a, T: Send + 'a>(
        sel: Self::Selector<'a, T>,
        index: usize,
        rx: &'a Receiver<Self, T>,
    ) -> Self::Selector<'a, T> {
        sel.recv(rx.raw(), move |got| {
            (
                index,
                got.map_err(|flume::RecvError::Disconnected| RecvError),
            )
        })
    }

    #[inline]
    fn wait<'a, T: Send + 'a>(
        sel: Self::Selector<'a, T>,
        _receivers: &'a [Receiver<Self, T>],
    ) -> (usize, Result<T, RecvError>) {
        sel.wait()
    }
}

impl ReturnsUnsent for Flume {}
