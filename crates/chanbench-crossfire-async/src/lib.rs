//! crossfire's async API behind the chanbench [`AsyncChannel`] trait (`mpmc`). Forwarding only.
//!
//! The same library as the sync adapter `chanbench-crossfire`, with the same two ids:
//! [`CrossfireAsync`] (`mpmc::bounded_async`, capacity at least 1: crossfire takes 0 for 1, so
//! not [`ZeroCapacity`](chanbench_core::asynchronous::ZeroCapacity)) and
//! [`CrossfireAsyncUnbounded`] (`mpmc::unbounded_async`, whose sender is the blocking `MTx`: an
//! unbounded send never waits). Both are multi-consumer. crossfire turns an async half into a
//! blocking one by value (`into_blocking`), not by reference, so neither is a
//! [`Bridge`](chanbench_core::asynchronous::Bridge).
//!
//! ```
//! use chanbench_crossfire_async::CrossfireAsync;
//! let (mut tx, rx) = chanbench_core::asynchronous::async_bounded::<CrossfireAsync, u64>(1);
//! let mut rx2 = rx.clone();
//! tx.try_send(7).unwrap();
//! assert_eq!(rx2.try_recv(), Ok(7));
//! ```

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{AsyncBounded, AsyncChannel, AsyncMultiConsumer, AsyncUnbounded},
};
use crossfire::{MAsyncRx, MAsyncTx, MTx, mpmc};

/// The library, as both implementations report it.
const CROSSFIRE: Library = Library {
    name: "crossfire",
    version: "3.1.22",
};

/// crossfire's bounded channel, async on both sides.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrossfireAsync;

/// crossfire's unbounded channel: an async receiver, a sender that never waits.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrossfireAsyncUnbounded;

#[inline]
fn try_send_error<T>(e: crossfire::TrySendError<T>) -> TrySendError<T> {
    match e {
        crossfire::TrySendError::Full(m) => TrySendError::Full(m),
        crossfire::TrySendError::Disconnected(m) => TrySendError::Disconnected(m),
    }
}

#[inline]
fn try_recv_error(e: crossfire::TryRecvError) -> TryRecvError {
    match e {
        crossfire::TryRecvError::Empty => TryRecvError::Empty,
        crossfire::TryRecvError::Disconnected => TryRecvError::Disconnected,
    }
}

impl AsyncChannel for CrossfireAsync {
    const ID: &'static str = "crossfire";
    const NAME: &'static str = "crossfire (async)";
    const LIBRARY: Library = CROSSFIRE;

    type RawSender<T: Send + Unpin + 'static> = MAsyncTx<mpmc::Array<T>>;
    type RawReceiver<T: Send + Unpin + 'static> = MAsyncRx<mpmc::Array<T>>;

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
        tx.try_send(msg).map_err(try_send_error)
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv().await.map_err(|crossfire::RecvError| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(try_recv_error)
    }
}

impl AsyncBounded for CrossfireAsync {
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpmc::bounded_async(cap)
    }
}

impl AsyncMultiConsumer for CrossfireAsync {
    #[inline]
    fn clone_receiver<T: Send + Unpin + 'static>(
        rx: &Self::RawReceiver<T>,
    ) -> Self::RawReceiver<T> {
        rx.clone()
    }
}

impl AsyncChannel for CrossfireAsyncUnbounded {
    const ID: &'static str = "crossfire-unbounded";
    const NAME: &'static str = "crossfire (async, unbounded)";
    const LIBRARY: Library = CROSSFIRE;

    type RawSender<T: Send + Unpin + 'static> = MTx<mpmc::List<T>>;
    type RawReceiver<T: Send + Unpin + 'static> = MAsyncRx<mpmc::List<T>>;

    /// An unbounded send never waits: crossfire's is the blocking sender's.
    #[inline(always)]
    async fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send(msg).map_err(|e| SendError::returned(e.0))
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
        rx.recv().await.map_err(|crossfire::RecvError| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(try_recv_error)
    }
}

impl AsyncUnbounded for CrossfireAsyncUnbounded {
    #[inline]
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpmc::unbounded_async()
    }
}

impl AsyncMultiConsumer for CrossfireAsyncUnbounded {
    #[inline]
    fn clone_receiver<T: Send + Unpin + 'static>(
        rx: &Self::RawReceiver<T>,
    ) -> Self::RawReceiver<T> {
        rx.clone()
    }
}
