//! flume's async API behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! The same channel as the sync adapter `chanbench-flume` (same id, `flume`, so the two are
//! compared on the same job), through `send_async` / `recv_async`. Bounded (capacity 0 is a
//! rendezvous) and unbounded, multi-consumer, and a bridge to plain threads (the same sender's
//! and receiver's blocking `send` / `recv`). Enabling flume's `async` feature here enables it
//! for the sync adapter's build too (cargo unifies features); the sync paths do not use it.
//!
//! ```
//! use chanbench_flume_async::FlumeAsync;
//! let (mut tx, mut rx) = chanbench_core::asynchronous::async_bounded::<FlumeAsync, u64>(1);
//! tx.blocking_send(7).unwrap();
//! assert_eq!(rx.blocking_recv(), Ok(7));
//! ```

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{
        AsyncBounded, AsyncChannel, AsyncMultiConsumer, AsyncUnbounded, Bridge, ZeroCapacity,
    },
};

/// flume, async.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlumeAsync;

impl AsyncChannel for FlumeAsync {
    const ID: &'static str = "flume";
    const NAME: &'static str = "flume (async)";
    const LIBRARY: Library = Library {
        name: "flume",
        version: "0.12.0",
    };

    type RawSender<T: Send + Unpin + 'static> = flume::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = flume::Receiver<T>;

    #[inline(always)]
    async fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send_async(msg)
            .await
            .map_err(|e| SendError::returned(e.into_inner()))
    }

    #[inline(always)]
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(|e| match e {
            flume::TrySendError::Full(m) => TrySendError::Full(m),
            flume::TrySendError::Disconnected(m) => TrySendError::Disconnected(m),
        })
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv_async()
            .await
            .map_err(|flume::RecvError::Disconnected| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            flume::TryRecvError::Empty => TryRecvError::Empty,
            flume::TryRecvError::Disconnected => TryRecvError::Disconnected,
        })
    }
}

impl AsyncBounded for FlumeAsync {
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        flume::bounded(cap)
    }
}

impl ZeroCapacity for FlumeAsync {}

impl AsyncUnbounded for FlumeAsync {
    #[inline]
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        flume::unbounded()
    }
}

impl AsyncMultiConsumer for FlumeAsync {
    #[inline]
    fn clone_receiver<T: Send + Unpin + 'static>(
        rx: &Self::RawReceiver<T>,
    ) -> Self::RawReceiver<T> {
        rx.clone()
    }
}

impl Bridge for FlumeAsync {
    #[inline(always)]
    fn blocking_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send(msg)
            .map_err(|e| SendError::returned(e.into_inner()))
    }

    #[inline(always)]
    fn blocking_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv()
            .map_err(|flume::RecvError::Disconnected| RecvError)
    }
}
