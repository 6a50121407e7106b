//! async-channel behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! Bounded (capacity at least 1: async-channel panics on 0) and unbounded, multi-consumer (its
//! receivers clone), and a bridge to plain threads (`send_blocking`, `recv_blocking`).
//!
//! ```
//! use chanbench_async_channel::AsyncChan;
//! let (mut tx, mut rx) = chanbench_core::asynchronous::async_unbounded::<AsyncChan, u64>();
//! let mut rx2 = rx.clone();
//! tx.blocking_send(7).unwrap();
//! assert_eq!(rx2.blocking_recv(), Ok(7));
//! ```

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{AsyncBounded, AsyncChannel, AsyncMultiConsumer, AsyncUnbounded, Bridge},
};

/// async-channel (smol-rs).
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncChan;

impl AsyncChannel for AsyncChan {
    const ID: &'static str = "async-channel";
    const NAME: &'static str = "async-channel";
    const LIBRARY: Library = Library {
        name: "async-channel",
        version: "2.5.0",
    };

    type RawSender<T: Send + Unpin + 'static> = async_channel::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = async_channel::Receiver<T>;

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
            async_channel::TrySendError::Full(m) => TrySendError::Full(m),
            async_channel::TrySendError::Closed(m) => TrySendError::Disconnected(m),
        })
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv()
            .await
            .map_err(|async_channel::RecvError| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            async_channel::TryRecvError::Empty => TryRecvError::Empty,
            async_channel::TryRecvError::Closed => TryRecvError::Disconnected,
        })
    }
}

impl AsyncBounded for AsyncChan {
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        async_channel::bounded(cap)
    }
}

impl AsyncUnbounded for AsyncChan {
    #[inline]
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        async_channel::unbounded()
    }
}

impl AsyncMultiConsumer for AsyncChan {
    #[inline]
    fn clone_receiver<T: Send + Unpin + 'static>(
        rx: &Self::RawReceiver<T>,
    ) -> Self::RawReceiver<T> {
        rx.clone()
    }
}

impl Bridge for AsyncChan {
    #[inline(always)]
    fn blocking_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send_blocking(msg).map_err(|e| SendError::returned(e.0))
    }

    #[inline(always)]
    fn blocking_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv_blocking()
            .map_err(|async_channel::RecvError| RecvError)
    }
}
