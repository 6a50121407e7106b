//! tachyonix behind the chanbench [`AsyncChannel`] trait. Forwarding only.
//!
//! A bounded MPSC channel (capacity at least 1: tachyonix panics on 0), async only: no
//! unbounded flavor, a single consumer, no blocking calls, so no bridge to a plain thread.
//!
//! ```
//! use chanbench_tachyonix::Tachyonix;
//! let (mut tx, mut rx) = chanbench_core::asynchronous::async_bounded::<Tachyonix, u64>(1);
//! tx.try_send(7).unwrap();
//! assert_eq!(rx.try_recv(), Ok(7));
//! ```

use chanbench_core::{
    Library, RecvError, SendError, TryRecvError, TrySendError,
    asynchronous::{AsyncBounded, AsyncChannel},
};

/// tachyonix.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tachyonix;

impl AsyncChannel for Tachyonix {
    const ID: &'static str = "tachyonix";
    const NAME: &'static str = "tachyonix";
    const LIBRARY: Library = Library {
        name: "tachyonix",
        version: "0.3.1",
    };

    type RawSender<T: Send + Unpin + 'static> = tachyonix::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = tachyonix::Receiver<T>;

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
            tachyonix::TrySendError::Full(m) => TrySendError::Full(m),
            tachyonix::TrySendError::Closed(m) => TrySendError::Disconnected(m),
        })
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError> {
        rx.recv().await.map_err(|tachyonix::RecvError| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            tachyonix::TryRecvError::Empty => TryRecvError::Empty,
            tachyonix::TryRecvError::Closed => TryRecvError::Disconnected,
        })
    }
}

impl AsyncBounded for Tachyonix {
    #[inline]
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        tachyonix::channel(cap)
    }
}
