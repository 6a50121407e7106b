//! async-broadcast behind the chanbench [`Broadcast`] trait. Forwarding only.
//!
//! Every subscriber receives every message; the sender waits for the slowest subscriber (the
//! library's default, without overflow mode). Through `broadcast_direct` and `recv_direct`,
//! whose futures are not boxed (`broadcast` and `recv` box theirs).
//!
//! ```
//! use chanbench_async_broadcast::AsyncBroadcast;
//! use chanbench_core::shapes::broadcast::Broadcast;
//! let (tx, _rx) = AsyncBroadcast::raw_broadcast::<u64>(1);
//! AsyncBroadcast::try_send(&tx, 7).unwrap();
//! assert!(AsyncBroadcast::try_send(&tx, 8).is_err());
//! ```

use chanbench_core::{
    Library, SendError, TrySendError,
    shapes::broadcast::{Broadcast, BroadcastRecvError, Lagging},
};

/// async-broadcast's channel.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncBroadcast;

impl Broadcast for AsyncBroadcast {
    const ID: &'static str = "async-broadcast";
    const NAME: &'static str = "async-broadcast";
    const LIBRARY: Library = Library {
        name: "async-broadcast",
        version: "0.7.2",
    };
    const LAGGING: Lagging = Lagging::WaitsForSlowest;

    type RawSender<T: Clone + Send + Sync + Unpin + 'static> = async_broadcast::Sender<T>;
    type RawReceiver<T: Clone + Send + Sync + Unpin + 'static> = async_broadcast::Receiver<T>;

    #[inline]
    fn raw_broadcast<T: Clone + Send + Sync + Unpin + 'static>(
        capacity: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        async_broadcast::broadcast(capacity)
    }

    #[inline]
    fn subscribe<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
    ) -> Self::RawReceiver<T> {
        tx.new_receiver()
    }

    #[inline(always)]
    async fn send<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>> {
        tx.broadcast_direct(msg)
            .await
            .map(drop)
            .map_err(|e| SendError::returned(e.0))
    }

    #[inline(always)]
    fn try_send<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>> {
        tx.try_broadcast(msg).map(drop).map_err(|e| match e {
            async_broadcast::TrySendError::Full(m) => TrySendError::Full(m),
            async_broadcast::TrySendError::Closed(m)
            | async_broadcast::TrySendError::Inactive(m) => TrySendError::Disconnected(m),
        })
    }

    #[inline(always)]
    async fn recv<T: Clone + Send + Sync + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, BroadcastRecvError> {
        rx.recv_direct().await.map_err(|e| match e {
            async_broadcast::RecvError::Overflowed(n) => BroadcastRecvError::Lagged(n),
            async_broadcast::RecvError::Closed => BroadcastRecvError::Closed,
        })
    }
}
