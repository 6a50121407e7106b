//! The async counterpart of [`Channel`](crate::Channel): [`AsyncChannel`], its capability
//! traits, and the wrappers generic code holds.
//!
//! The design rules are the sync trait's: an implementation is a zero-sized type, its
//! associated types name the library's own sender and receiver, every method is one forwarding
//! call plus error mapping (an `async` block around the library's future, where it returns
//! one), capabilities are traits, errors are the core's typed errors. Everything is static
//! dispatch: the futures are the library's, returned as `impl Future`, never boxed.
//!
//! Both halves are taken by `&mut`: tokio's and futures' receivers need it, and a sender held
//! by one task is that task's alone (clone it for another).
//!
//! | trait | what it gives | e.g. missing from |
//! |---|---|---|
//! | [`AsyncBounded`] | [`async_bounded`]`(cap)`, `cap >= 1` | futures' and tokio's unbounded channels |
//! | [`ZeroCapacity`] | `async_bounded(0)`, a rendezvous | tokio, async-channel, futures |
//! | [`AsyncUnbounded`] | [`async_unbounded`]`()` | tokio's and futures' bounded channels |
//! | [`AsyncMultiConsumer`] | `Clone` for [`AsyncReceiver`] | tokio, futures |
//! | [`Bridge`] | a plain thread's blocking `send` / `recv` on the same channel | futures |
//!
//! The report and the conformance macro read these facts back with
//! [`async_capabilities!`](crate::async_capabilities).

use std::future::Future;

use crate::{Library, RecvError, SendError, TryRecvError, TrySendError};

/// An async channel implementation: the required, always-present operations.
pub trait AsyncChannel: Sized + 'static {
    /// Short, stable identifier (lowercase, `-`-separated). A library with both halves uses the
    /// same id for its sync and async adapters, so the two are compared on the same job.
    const ID: &'static str;
    /// Human-readable name for reports.
    const NAME: &'static str;
    /// The wrapped library and its exact version.
    const LIBRARY: Library;
    /// The conformance checks the library fails by its own admission, by name: its conformance
    /// test lists the same ones as `known_failures` (a test holds the two equal), and
    /// `cargo xtask choose` states them as caveats.
    const KNOWN_FAILURES: &'static [&'static str] = &[];

    /// The library's sending half.
    type RawSender<T: Send + Unpin + 'static>: Clone + Send;
    /// The library's receiving half.
    type RawReceiver<T: Send + Unpin + 'static>: Send;

    /// Sends, waiting while the channel is full.
    fn send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> impl Future<Output = Result<(), SendError<T>>> + Send;
    /// Sends if that can be done without waiting.
    fn try_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>>;
    /// Receives, waiting while the channel is empty. Dropping the future before it completes
    /// must lose no message (the conformance suite checks it).
    fn recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> impl Future<Output = Result<T, RecvError>> + Send;
    /// Receives if a message is ready.
    fn try_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, TryRecvError>;
}

/// Async channels with a fixed capacity of at least 1.
pub trait AsyncBounded: AsyncChannel {
    /// Creates a channel holding at most `cap` messages. `cap` is at least 1 unless the type is
    /// also [`ZeroCapacity`].
    fn raw_bounded<T: Send + Unpin + 'static>(
        cap: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>);
}

/// Marker: `async_bounded(0)` is a rendezvous (a send completes when a receiver takes it).
pub trait ZeroCapacity: AsyncBounded {}

/// Async channels without a capacity limit.
pub trait AsyncUnbounded: AsyncChannel {
    /// Creates a channel that never makes a sender wait.
    fn raw_unbounded<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>);
}

/// Async channels whose receivers can be cloned (several consumers share one queue).
pub trait AsyncMultiConsumer: AsyncChannel {
    /// Clones a receiving half.
    fn clone_receiver<T: Send + Unpin + 'static>(rx: &Self::RawReceiver<T>)
    -> Self::RawReceiver<T>;
}

/// The same channel used from a plain thread on one side and a task on the other: the
/// library's own blocking calls (tokio's `blocking_send` / `blocking_recv`, flume's and kanal's
/// sync halves, async-channel's `send_blocking` / `recv_blocking`). Never call them on a
/// runtime's thread.
pub trait Bridge: AsyncChannel {
    /// Sends from a plain thread, blocking while the channel is full.
    fn blocking_send<T: Send + Unpin + 'static>(
        tx: &mut Self::RawSender<T>,
        msg: T,
    ) -> Result<(), SendError<T>>;
    /// Receives on a plain thread, blocking while the channel is empty.
    fn blocking_recv<T: Send + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> Result<T, RecvError>;
}

/// The sending half of an async channel of implementation `C`.
pub struct AsyncSender<C: AsyncChannel, T: Send + Unpin + 'static> {
    raw: C::RawSender<T>,
}

/// The receiving half of an async channel of implementation `C`; `Clone` only when `C` is
/// [`AsyncMultiConsumer`].
pub struct AsyncReceiver<C: AsyncChannel, T: Send + Unpin + 'static> {
    raw: C::RawReceiver<T>,
}

impl<C: AsyncChannel, T: Send + Unpin + 'static> AsyncSender<C, T> {
    /// Sends `msg`, waiting while the channel is full. Fails once every receiver is dropped.
    #[inline(always)]
    pub fn send(&mut self, msg: T) -> impl Future<Output = Result<(), SendError<T>>> + Send {
        C::send(&mut self.raw, msg)
    }

    /// Sends `msg` if that needs no waiting; otherwise returns it in the error.
    #[inline(always)]
    pub fn try_send(&mut self, msg: T) -> Result<(), TrySendError<T>> {
        C::try_send(&mut self.raw, msg)
    }

    /// The library's own sender.
    #[inline]
    pub fn raw(&mut self) -> &mut C::RawSender<T> {
        &mut self.raw
    }
}

impl<C: Bridge, T: Send + Unpin + 'static> AsyncSender<C, T> {
    /// Sends from a plain thread (never a runtime's), blocking while the channel is full.
    #[inline(always)]
    pub fn blocking_send(&mut self, msg: T) -> Result<(), SendError<T>> {
        C::blocking_send(&mut self.raw, msg)
    }
}

impl<C: AsyncChannel, T: Send + Unpin + 'static> Clone for AsyncSender<C, T> {
    #[inline]
    fn clone(&self) -> Self {
        Self {
            raw: self.raw.clone(),
        }
    }
}

impl<C: AsyncChannel, T: Send + Unpin + 'static> AsyncReceiver<C, T> {
    /// Receives a message, waiting while the channel is empty. Messages still queued when the
    /// last sender drops are delivered first; then this reports [`RecvError`].
    #[inline(always)]
    pub fn recv(&mut self) -> impl Future<Output = Result<T, RecvError>> + Send {
        C::recv(&mut self.raw)
    }

    /// Receives a message if one is ready.
    #[inline(always)]
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        C::try_recv(&mut self.raw)
    }

    /// The library's own receiver.
    #[inline]
    pub fn raw(&mut self) -> &mut C::RawReceiver<T> {
        &mut self.raw
    }
}

impl<C: Bridge, T: Send + Unpin + 'static> AsyncReceiver<C, T> {
    /// Receives on a plain thread (never a runtime's), blocking while the channel is empty.
    #[inline(always)]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        C::blocking_recv(&mut self.raw)
    }
}

impl<C: AsyncMultiConsumer, T: Send + Unpin + 'static> Clone for AsyncReceiver<C, T> {
    #[inline]
    fn clone(&self) -> Self {
        Self {
            raw: C::clone_receiver(&self.raw),
        }
    }
}

impl<C: AsyncChannel, T: Send + Unpin + 'static> std::fmt::Debug for AsyncSender<C, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AsyncSender<{}>", C::NAME)
    }
}

impl<C: AsyncChannel, T: Send + Unpin + 'static> std::fmt::Debug for AsyncReceiver<C, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AsyncReceiver<{}>", C::NAME)
    }
}

/// Creates an async channel of implementation `C` holding at most `cap` messages (`cap >= 1`;
/// 0, a rendezvous, only for [`ZeroCapacity`] types).
#[inline]
pub fn async_bounded<C: AsyncBounded, T: Send + Unpin + 'static>(
    cap: usize,
) -> (AsyncSender<C, T>, AsyncReceiver<C, T>) {
    let (raw_tx, raw_rx) = C::raw_bounded(cap);
    (AsyncSender { raw: raw_tx }, AsyncReceiver { raw: raw_rx })
}

/// Creates an unbounded async channel of implementation `C`.
#[inline]
pub fn async_unbounded<C: AsyncUnbounded, T: Send + Unpin + 'static>()
-> (AsyncSender<C, T>, AsyncReceiver<C, T>) {
    let (raw_tx, raw_rx) = C::raw_unbounded();
    (AsyncSender { raw: raw_tx }, AsyncReceiver { raw: raw_rx })
}

/// How generic async code creates its channels: the flavor (bounded with a capacity, or
/// unbounded), as [`Make`](crate::Make) is for the sync trait.
pub trait MakeAsync<C: AsyncChannel>: Copy + Send + 'static {
    /// Creates a channel of this flavor.
    fn make<T: Send + Unpin + 'static>(self) -> (AsyncSender<C, T>, AsyncReceiver<C, T>);
    /// The capacity, or `None` for unbounded.
    fn capacity(self) -> Option<usize>;
}

impl<C: AsyncUnbounded> MakeAsync<C> for crate::Unbound {
    fn make<T: Send + Unpin + 'static>(self) -> (AsyncSender<C, T>, AsyncReceiver<C, T>) {
        async_unbounded()
    }
    fn capacity(self) -> Option<usize> {
        None
    }
}

impl<C: AsyncBounded> MakeAsync<C> for crate::Cap {
    fn make<T: Send + Unpin + 'static>(self) -> (AsyncSender<C, T>, AsyncReceiver<C, T>) {
        async_bounded(self.0)
    }
    fn capacity(self) -> Option<usize> {
        Some(self.0)
    }
}

/// The capability set of an async implementation, as the type system states it: read it with
/// [`async_capabilities!`](crate::async_capabilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AsyncCapabilities {
    /// Implements [`AsyncBounded`].
    pub bounded: bool,
    /// Implements [`ZeroCapacity`].
    pub zero_capacity: bool,
    /// Implements [`AsyncUnbounded`].
    pub unbounded: bool,
    /// Implements [`AsyncMultiConsumer`].
    pub multi_consumer: bool,
    /// Implements [`Bridge`].
    pub bridge: bool,
}
