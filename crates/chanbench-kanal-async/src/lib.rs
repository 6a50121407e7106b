//! kanal's async API behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! The same library as the sync adapter `chanbench-kanal` (same id, `kanal`), through
//! `bounded_async` / `unbounded_async`. Bounded (capacity 0 is a rendezvous) and unbounded,
//! multi-consumer, and a bridge to plain threads (`as_sync()`, the same channel's blocking
//! halves). On disconnection kanal has already dropped an unsent message.
//!
//! ```
//! use chanbench_kanal_async::KanalAsync;
//! let (mut tx, mut rx) = chanbench_core::asynchronous::async_bounded::<KanalAsync, u64>(1);
//! tx.blocking_send(7).unwrap();
//! assert_eq!(rx.blocking_recv(), Ok(7));
//! ```

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{
        AsyncBounded, AsyncChannel, AsyncMultiConsumer, AsyncUnbounded, Bridge, ZeroCapacity,
    },
};

/// kanal, async.
#[derive(Debug, Clone, Copy, Default)]
pub struct KanalAsync;

impl AsyncChannel for KanalAsync {
    const ID: &'static str = "kanal";
    const NAME: &'static str = "kanal (async)";
    const LIBRARY: Library = Library {
        name: "kanal",
        version: "0.1.1",
    };
    // kanal #24 and #50: its `recv` is not cancellation-safe.
    const KNOWN_FAILURES: &'static [&'static str] = &["recv_cancellation_loses_nothing"];

    type RawSender<T: Send + Unpin + 'static> = kanal::AsyncSender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = kanal::AsyncReceiver<T>;

    #[inline(always)]
    async fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.send(msg).await.map_err(|_| SendError::dropped())
    }

    /// Through `try_send_option`, which leaves the message in place when it cannot be sent.
    #[inline(always)]
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        let mut slot = Some(msg);
        let sent = tx.try_send_option(&mut slot);
        match slot {
            None => Ok(()),
            Some(msg) if sent.is_ok() => Err(TrySendError::Full(msg)),
            Some(msg) => Err(TrySendError::Disconnected(msg)),
        }
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
        match rx.try_recv() {
            Ok(Some(msg)) => Ok(msg),
            Ok(None) => Err(TryRecvError::Empty),
            Err(_) => Err(TryRecvError::Disconnected),
        }
    }
}

impl AsyncBounded for KanalAsync {
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        kanal::bounded_async(cap)
    }
}

impl ZeroCapacity for KanalAsync {}

impl AsyncUnbounded for KanalAsync {
    #[inline]
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        kanal::unbounded_async()
    }
}

impl AsyncMultiConsumer for KanalAsync {
    #[inline]
    fn clone_receiver<T: Send + Unpin + 'static>(
        rx: &Self::RawReceiver<T>,
    ) -> Self::RawReceiver<T> {
        rx.clone()
    }
}

impl Bridge for KanalAsync {
    #[inline(always)]
    fn blocking_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.as_sync().send(msg).map_err(|_| SendError::dropped())
    }

    #[inline(always)]
    fn blocking_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.as_sync().recv().map_err(|_| RecvError)
    }
}
