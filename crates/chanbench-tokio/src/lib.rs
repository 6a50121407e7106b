//! `tokio::sync::mpsc` behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! tokio's bounded and unbounded channels are different types, so they are two
//! implementations, as std's are: [`TokioMpsc`] (`channel(cap)`, capacity at least 1: tokio
//! panics on 0) and [`TokioUnbounded`] (`unbounded_channel()`). Single consumer; both bridge a
//! plain thread and a task (`blocking_send`, `blocking_recv`). [`TokioOneshot`] is its
//! `oneshot`, behind the [`Oneshot`] shape, and [`TokioBroadcast`] its `broadcast`, behind the
//! [`Broadcast`] shape.
//!
//! ```
//! use chanbench_tokio::TokioMpsc;
//! let (mut tx, mut rx) = chanbench_core::asynchronous::async_bounded::<TokioMpsc, u64>(1);
//! tx.blocking_send(7).unwrap();
//! assert_eq!(rx.blocking_recv(), Ok(7));
//! ```

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{AsyncBounded, AsyncChannel, AsyncUnbounded, Bridge},
    shapes::{
        broadcast::{Broadcast, BroadcastRecvError, Lagging},
        oneshot::Oneshot,
    },
};
use tokio::sync::{broadcast, mpsc, oneshot};

/// The version pinned in the workspace (a tidy test checks it against Cargo.lock).
const TOKIO: Library = Library {
    name: "tokio",
    version: "1.54.1",
};

/// `tokio::sync::mpsc::channel`, bounded.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioMpsc;

/// `tokio::sync::mpsc::unbounded_channel`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioUnbounded;

#[inline]
fn try_recv_error(e: mpsc::error::TryRecvError) -> TryRecvError {
    match e {
        mpsc::error::TryRecvError::Empty => TryRecvError::Empty,
        mpsc::error::TryRecvError::Disconnected => TryRecvError::Disconnected,
    }
}

impl AsyncChannel for TokioMpsc {
    const ID: &'static str = "tokio-mpsc";
    const NAME: &'static str = "tokio mpsc (bounded)";
    const LIBRARY: Library = TOKIO;

    type RawSender<T: Send + Unpin + 'static> = mpsc::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = mpsc::Receiver<T>;

    #[inline(always)]
    async fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send(msg).await.map_err(|e| SendError::returned(e.0))
    }

    #[inline(always)]
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(|e| match e {
            mpsc::error::TrySendError::Full(m) => TrySendError::Full(m),
            mpsc::error::TrySendError::Closed(m) => TrySendError::Disconnected(m),
        })
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv().await.ok_or(RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(try_recv_error)
    }
}

impl AsyncBounded for TokioMpsc {
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::channel(cap)
    }
}

impl Bridge for TokioMpsc {
    #[inline(always)]
    fn blocking_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.blocking_send(msg).map_err(|e| SendError::returned(e.0))
    }

    #[inline(always)]
    fn blocking_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.blocking_recv().ok_or(RecvError)
    }
}

impl AsyncChannel for TokioUnbounded {
    const ID: &'static str = "tokio-unbounded";
    const NAME: &'static str = "tokio mpsc (unbounded)";
    const LIBRARY: Library = TOKIO;

    type RawSender<T: Send + Unpin + 'static> = mpsc::UnboundedSender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = mpsc::UnboundedReceiver<T>;

    /// An unbounded send never waits: the future is ready at once.
    #[inline(always)]
    fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> impl Future<Output = Result<(), SendError<T>>> + Send {
        std::future::ready(tx.send(msg).map_err(|e| SendError::returned(e.0)))
    }

    #[inline(always)]
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv().await.ok_or(RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(try_recv_error)
    }
}

impl AsyncUnbounded for TokioUnbounded {
    #[inline]
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::unbounded_channel()
    }
}

impl Bridge for TokioUnbounded {
    #[inline(always)]
    fn blocking_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send(msg).map_err(|e| SendError::returned(e.0))
    }

    #[inline(always)]
    fn blocking_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.blocking_recv().ok_or(RecvError)
    }
}

/// `tokio::sync::oneshot`, a channel for one message.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioOneshot;

impl Oneshot for TokioOneshot {
    const ID: &'static str = "tokio-oneshot";
    const NAME: &'static str = "tokio oneshot";
    const LIBRARY: Library = TOKIO;

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
        rx.await
            .map_err(|oneshot::error::RecvError { .. }| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            oneshot::error::TryRecvError::Empty => TryRecvError::Empty,
            oneshot::error::TryRecvError::Closed => TryRecvError::Disconnected,
        })
    }
}

/// `tokio::sync::broadcast`: every subscriber receives every message; the sender never waits,
/// and a subscriber that falls behind loses the oldest messages and is told how many.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioBroadcast;

impl Broadcast for TokioBroadcast {
    const ID: &'static str = "tokio-broadcast";
    const NAME: &'static str = "tokio broadcast";
    const LIBRARY: Library = TOKIO;
    const LAGGING: Lagging = Lagging::DropsOldest;

    type RawSender<T: Clone + Send + Sync + Unpin + 'static> = broadcast::Sender<T>;
    type RawReceiver<T: Clone + Send + Sync + Unpin + 'static> = broadcast::Receiver<T>;

    #[inline]
    fn raw_broadcast<T: Clone + Send + Sync + Unpin + 'static>(
        capacity: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        broadcast::channel(capacity)
    }

    #[inline]
    fn subscribe<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
    ) -> Self::RawReceiver<T> {
        tx.subscribe()
    }

    /// tokio's send never waits: it is the same call as `try_send`'s.
    #[inline(always)]
    async fn send<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send(msg).map(drop).map_err(|e| SendError::returned(e.0))
    }

    #[inline(always)]
    fn try_send<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.send(msg)
            .map(drop)
            .map_err(|e| TrySendError::Disconnected(e.0))
    }

    #[inline(always)]
    async fn recv<T: Clone + Send + Sync + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, BroadcastRecvError> {
        rx.recv().await.map_err(|e| match e {
            broadcast::error::RecvError::Closed => BroadcastRecvError::Closed,
            broadcast::error::RecvError::Lagged(n) => BroadcastRecvError::Lagged(n),
        })
    }
}
