//! Oneshots: [`Oneshot`], a channel for exactly one message, created per request (tokio's and
//! futures' `oneshot`, the `oneshot` crate), and [`OneSlot`], the baseline a program without one
//! writes: a bounded(1) async channel used once.
//!
//! The sender is consumed by its one send; the receiver is awaited once (or asked with
//! `try_recv`). What a request/response costs with a oneshot is its creation, the send, the
//! wait and the drop, which the `async-oneshot` workload measures per request.

use std::future::Future;

use crate::{Library, RecvError, TryRecvError, asynchronous::AsyncBounded};

/// A oneshot implementation: a zero-sized type, each method one forwarding call.
pub trait Oneshot: Sized + 'static {
    /// Short, stable identifier (lowercase, `-`-separated).
    const ID: &'static str;
    /// Human-readable name for reports.
    const NAME: &'static str;
    /// The wrapped library and its exact version.
    const LIBRARY: Library;

    /// The library's sending half, consumed by its one send.
    type RawSender<T: Send + Unpin + 'static>: Send;
    /// The library's receiving half.
    type RawReceiver<T: Send + Unpin + 'static>: Send;

    /// Creates a oneshot.
    fn raw_oneshot<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>);
    /// Sends the one message; hands it back when the receiver is gone.
    fn send<T: Send + Unpin + 'static>(tx: Self::RawSender<T>, msg: T) -> Result<(), T>;
    /// Waits for the message; [`RecvError`] when the sender was dropped without sending.
    fn recv<T: Send + Unpin + 'static>(
        rx: Self::RawReceiver<T>,
    ) -> impl Future<Output = Result<T, RecvError>> + Send;
    /// Takes the message if it is there. After it, the receiver has nothing more to give.
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError>;
}

/// The sending half of a oneshot of implementation `O`.
pub struct OneshotSender<O: Oneshot, T: Send + Unpin + 'static> {
    raw: O::RawSender<T>,
}

/// The receiving half of a oneshot of implementation `O`.
pub struct OneshotReceiver<O: Oneshot, T: Send + Unpin + 'static> {
    raw: O::RawReceiver<T>,
}

/// Creates a oneshot of implementation `O`.
#[inline]
pub fn oneshot<O: Oneshot, T: Send + Unpin + 'static>()
-> (OneshotSender<O, T>, OneshotReceiver<O, T>) {
    let (tx, rx) = O::raw_oneshot();
    (OneshotSender { raw: tx }, OneshotReceiver { raw: rx })
}

impl<O: Oneshot, T: Send + Unpin + 'static> OneshotSender<O, T> {
    /// Sends the one message; hands it back when the receiver is gone.
    #[inline(always)]
    pub fn send(self, msg: T) -> Result<(), T> {
        O::send(self.raw, msg)
    }
}

impl<O: Oneshot, T: Send + Unpin + 'static> OneshotReceiver<O, T> {
    /// Waits for the message; [`RecvError`] when the sender was dropped without sending.
    #[inline(always)]
    pub fn recv(self) -> impl Future<Output = Result<T, RecvError>> + Send {
        O::recv(self.raw)
    }

    /// Takes the message if it is there.
    #[inline(always)]
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        O::try_recv(&mut self.raw)
    }
}

impl<O: Oneshot, T: Send + Unpin + 'static> std::fmt::Debug for OneshotSender<O, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OneshotSender<{}>", O::NAME)
    }
}

impl<O: Oneshot, T: Send + Unpin + 'static> std::fmt::Debug for OneshotReceiver<O, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OneshotReceiver<{}>", O::NAME)
    }
}

/// The baseline: the async channel `C` at capacity 1, used for one message. Its id is `C`'s, so
/// in the `async-oneshot` tables `flume` is flume's bounded(1).
#[derive(Debug, Clone, Copy, Default)]
pub struct OneSlot<C>(std::marker::PhantomData<C>);

impl<C: AsyncBounded> Oneshot for OneSlot<C> {
    const ID: &'static str = C::ID;
    const NAME: &'static str = C::NAME;
    const LIBRARY: Library = C::LIBRARY;

    type RawSender<T: Send + Unpin + 'static> = C::RawSender<T>;
    type RawReceiver<T: Send + Unpin + 'static> = C::RawReceiver<T>;

    #[inline]
    fn raw_oneshot<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        C::raw_bounded(1)
    }

    /// The one slot is free: `try_send` never finds it full, only the receiver gone.
    #[inline(always)]
    fn send<T: Send + Unpin + 'static>(mut tx: Self::RawSender<T>, msg: T) -> Result<(), T> {
        C::try_send(&mut tx, msg).map_err(crate::TrySendError::into_inner)
    }

    #[inline(always)]
    async fn recv<T: Send + Unpin + 'static>(mut rx: Self::RawReceiver<T>) -> Result<T, RecvError> {
        C::recv(&mut rx).await
    }

    #[inline(always)]
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError> {
        C::try_recv(rx)
    }
}
