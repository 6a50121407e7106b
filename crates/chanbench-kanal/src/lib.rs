//! kanal behind the chanbench [`Channel`] trait. Forwarding only.
//!
//! Bounded (capacity 0 is a rendezvous) and unbounded, multi-consumer; kanal 0.1 has no select,
//! and its blocking `send` drops the message when the receivers are gone instead of returning
//! it, so it is not [`ReturnsUnsent`](chanbench_core::ReturnsUnsent). Both are compile errors:
//!
//! ```
//! use chanbench_kanal::Kanal;
//! let (tx, rx) = chanbench_core::bounded::<Kanal, u64>(1);
//! let rx2 = rx.clone();
//! tx.send(1).unwrap();
//! assert_eq!(rx2.recv(), Ok(1));
//! ```
//!
//! ```compile_fail,E0277
//! use chanbench_kanal::Kanal;
//! let (tx, rx) = chanbench_core::bounded::<Kanal, u64>(1);
//! let _ = chanbench_core::select(&[rx]);
//! ```
//!
//! ```compile_fail,E0277
//! fn needs_unsent<C: chanbench_core::ReturnsUnsent>() {}
//! needs_unsent::<chanbench_kanal::Kanal>();
//! ```

use std::time::Duration;

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, RecvError, RecvTimeoutError, Rendezvous, SendError,
    TryRecvError, TrySendError, Unbounded,
};

/// kanal (its synchronous API).
#[derive(Debug, Clone, Copy, Default)]
pub struct Kanal;

impl Channel for Kanal {
    const ID: &'static str = "kanal";
    const NAME: &'static str = "kanal";
    const LIBRARY: Library = Library {
        name: "kanal",
        version: "0.1.1",
    };

    type RawSender<T: Send + 'static> = kanal::Sender<T>;
    type RawReceiver<T: Send + 'static> = kanal::Receiver<T>;

    /// On disconnection kanal has already dropped the message; there is nothing to return.
    #[inline(always)]
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        tx.send(msg).map_err(|_| SendError::dropped())
    }

    /// Through `try_send_option`, which leaves the message in place when it cannot be sent
    /// (`kanal::Sender::try_send` would drop it).
    #[inline(always)]
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        let mut slot = Some(msg);
        let sent = tx.try_send_option(&mut slot);
        match slot {
            None => Ok(()),
            Some(msg) if sent.is_ok() => Err(TrySendError::Full(msg)),
            Some(msg) => Err(TrySendError::Disconnected(msg)),
        }
    }

    #[inline(always)]
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.recv().map_err(|_| RecvError)
    }

    #[inline(always)]
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        match rx.try_recv() {
            Ok(Some(msg)) => Ok(msg),
            Ok(None) => Err(TryRecvError::Empty),
            Err(_) => Err(TryRecvError::Disconnected),
        }
    }

    #[inline(always)]
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        rx.recv_timeout(timeout).map_err(|e| match e {
            kanal::ReceiveErrorTimeout::Timeout => RecvTimeoutError::Timeout,
            kanal::ReceiveErrorTimeout::Closed | kanal::ReceiveErrorTimeout::SendClosed => {
                RecvTimeoutError::Disconnected
            }
        })
    }
}

impl Bounded for Kanal {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        kanal::bounded(cap)
    }
}

/// Capacity 0 is a rendezvous.
impl Rendezvous for Kanal {}

impl Unbounded for Kanal {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        kanal::unbounded()
    }
}

impl MultiConsumer for Kanal {
    #[inline]
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T> {
        rx.clone()
    }
}
