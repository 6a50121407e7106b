//! `futures_channel::mpsc` behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! Bounded and unbounded are different types, so two implementations: [`FuturesMpsc`] and
//! [`FuturesUnbounded`]. Single consumer, no bridge (the library has no blocking calls of its
//! own). Its bounded capacity is "buffer plus one slot per sender", so `async_bounded(cap)`
//! asks for a buffer of `cap - 1`: exactly `cap` with one sender, more with clones.
//! [`FuturesOneshot`] is its `oneshot`, behind the [`Oneshot`] shape.
//!
//! ```
//! use chanbench_futures::FuturesUnbounded;
//! let (mut tx, mut rx) = chanbench_core::asynchronous::async_unbounded::<FuturesUnbounded, u64>();
//! tx.try_send(7).unwrap();
//! assert_eq!(rx.try_recv(), Ok(7));
//! ```

use std::future::poll_fn;

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{AsyncBounded, AsyncChannel, AsyncUnbounded},
    shapes::oneshot::Oneshot,
};
use futures_channel::{mpsc, oneshot};

/// The version pinned in the workspace (a tidy test checks it against Cargo.lock).
const FUTURES: Library = Library {
    name: "futures-channel",
    version: "0.3.34",
};

/// `futures_channel::mpsc::channel`, bounded.
#[derive(Debug, Clone, Copy, Default)]
pub struct FuturesMpsc;

/// `futures_channel::mpsc::unbounded`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FuturesUnbounded;

#[inline]
fn try_send_error<T>(e: mpsc::TrySendError<T>) -> TrySendError<T> {
    if e.is_full() {
        TrySendError::Full(e.into_inner())
    } else {
        TrySendError::Disconnected(e.into_inner())
    }
}

#[inline]
fn try_recv_error(e: mpsc::TryRecvError) -> TryRecvError {
    match e {
        mpsc::TryRecvError::Empty => TryRecvError::Empty,
        mpsc::TryRecvError::Closed => TryRecvError::Disconnected,
    }
}

impl AsyncChannel for FuturesMpsc {
    const ID: &'static str = "futures-mpsc";
    const NAME: &'static str = "futures mpsc (bounded)";
    const LIBRARY: Library = FUTURES;

    type RawSender<T: Send + Unpin + 'static> = mpsc::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = mpsc::Receiver<T>;

    /// The library's sink protocol: wait for room, then start the send.
    #[inline(always)]
    async fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        if poll_fn(|cx| tx.poll_ready(cx)).await.is_err() {
            return Err(SendError::returned(msg));
        }
        tx.start_send(msg).map_err(|_| SendError::dropped())
    }

    #[inline(always)]
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(try_send_error)
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv().await.map_err(|_| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(try_recv_error)
    }
}

impl AsyncBounded for FuturesMpsc {
    /// A buffer of `cap - 1`: with one sender, `cap` messages fit.
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::channel(cap.saturating_sub(1))
    }
}

impl AsyncChannel for FuturesUnbounded {
    const ID: &'static str = "futures-unbounded";
    const NAME: &'static str = "futures mpsc (unbounded)";
    const LIBRARY: Library = FUTURES;

    type RawSender<T: Send + Unpin + 'static> = mpsc::UnboundedSender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = mpsc::UnboundedReceiver<T>;

    /// An unbounded send never waits: the future is ready at once.
    #[inline(always)]
    fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> impl Future<Output = Result<(), SendError<T>>> + Send {
        std::future::ready(
            tx.unbounded_send(msg)
                .map_err(|e| SendError::returned(e.into_inner())),
        )
    }

    #[inline(always)]
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.unbounded_send(msg).map_err(try_send_error)
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv().await.map_err(|_| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(try_recv_error)
    }
}

impl AsyncUnbounded for FuturesUnbounded {
    #[inline]
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::unbounded()
    }
}

/// `futures_channel::oneshot`, a channel for one message.
#[derive(Debug, Clone, Copy, Default)]
pub struct FuturesOneshot;

impl Oneshot for FuturesOneshot {
    const ID: &'static str = "futures-oneshot";
    const NAME: &'static str = "futures oneshot";
    const LIBRARY: Library = FUTURES;

    type RawSender<T: Send + Unpin + 'static> = oneshot::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = oneshot::Receiver<T>;

    #[inline]
    fn raw_oneshot<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        oneshot::channel()
    }

    #[inline(always)]
    fn send<T: Send + Unpin + 'static>(tx: Self::RawSender<T>, msg: T) -> Result<(), T> {
        tx.send(msg)
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(rx: Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.await.map_err(|oneshot::Canceled| RecvError)
    }

    /// futures' `try_recv` says "not yet" as `Ok(None)`.
    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        match rx.try_recv() {
            Ok(Some(msg)) => Ok(msg),
            Ok(None) => Err(TryRecvError::Empty),
            Err(oneshot::Canceled) => Err(TryRecvError::Disconnected),
        }
    }
}
