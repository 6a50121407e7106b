//! The `oneshot` crate behind the chanbench [`Oneshot`] trait. Forwarding only.
//!
//! ```
//! use chanbench_oneshot::OneshotCrate;
//! let (tx, mut rx) = chanbench_core::shapes::oneshot::oneshot::<OneshotCrate, u64>();
//! tx.send(7).unwrap();
//! assert_eq!(rx.try_recv(), Ok(7));
//! ```

use chanbench_core::{Library, RecvError, TryRecvError, shapes::oneshot::Oneshot};

/// The `oneshot` crate's channel.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneshotCrate;

impl Oneshot for OneshotCrate {
    const ID: &'static str = "oneshot";
    const NAME: &'static str = "oneshot";
    const LIBRARY: Library = Library {
        name: "oneshot",
        version: "0.2.1",
    };

    type RawSender<T: Send + Unpin + 'static> = oneshot::Sender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = oneshot::Receiver<T>;

    #[inline]
    fn raw_oneshot<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        oneshot::channel()
    }

    #[inline(always)]
    fn send<T: Send + Unpin + 'static>(tx: Self::RawSender<T>, msg: T) -> Result<(), T> {
        tx.send(msg).map_err(oneshot::SendError::into_inner)
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(rx: Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.await.map_err(|oneshot::RecvError| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        rx.try_recv().map_err(|e| match e {
            oneshot::TryRecvError::Empty => TryRecvError::Empty,
            oneshot::TryRecvError::Disconnected => TryRecvError::Disconnected,
        })
    }
}
