//! Broadcast channels: [`Broadcast`], where every subscriber receives every message sent after
//! it subscribed (tokio's `broadcast`, async-broadcast). Messages are `Clone`: each subscriber
//! gets its own.
//!
//! The libraries differ in what happens to a subscriber that falls behind by the capacity, and
//! each states its rule as [`Broadcast::LAGGING`], which the conformance suite checks: tokio's
//! sender never waits, and the subscriber loses the oldest messages and is told how many
//! ([`BroadcastRecvError::Lagged`]); async-broadcast's sender waits for the slowest subscriber
//! (and `try_send` reports the channel full).

use std::future::Future;

use crate::{Library, SendError, TrySendError};

/// What happens when a subscriber is `capacity` messages behind and another is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lagging {
    /// The send goes through; the slow subscriber loses its oldest message and its next receive
    /// reports how many it lost.
    DropsOldest,
    /// The sender waits until the slowest subscriber has received one (`try_send`: full).
    WaitsForSlowest,
}

/// Why a subscriber received nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BroadcastRecvError {
    /// It fell behind and lost this many messages; the next receive gives the oldest kept.
    Lagged(u64),
    /// The sender is gone and everything sent has been received.
    Closed,
}

/// A broadcast implementation: a zero-sized type, each method one forwarding call.
pub trait Broadcast: Sized + 'static {
    /// Short, stable identifier (lowercase, `-`-separated).
    const ID: &'static str;
    /// Human-readable name for reports.
    const NAME: &'static str;
    /// The wrapped library and its exact version.
    const LIBRARY: Library;
    /// What happens to a subscriber that falls behind.
    const LAGGING: Lagging;

    /// The library's sender.
    type RawSender<T: Clone + Send + Sync + Unpin + 'static>: Send + Sync;
    /// The library's subscriber.
    type RawReceiver<T: Clone + Send + Sync + Unpin + 'static>: Send;

    /// Creates a broadcast channel holding `capacity` (at least 1) messages, and its first
    /// subscriber.
    fn raw_broadcast<T: Clone + Send + Sync + Unpin + 'static>(
        capacity: usize,
    ) -> (Self::RawSender<T>, Self::RawReceiver<T>);
    /// A new subscriber, which receives the messages sent from now on.
    fn subscribe<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
    ) -> Self::RawReceiver<T>;
    /// Sends to every subscriber, waiting where the library waits ([`Lagging`]). Fails, with the
    /// message, when there is no subscriber.
    fn send<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
        msg: T,
    ) -> impl Future<Output = Result<(), SendError<T>>> + Send;
    /// Sends without waiting: `Full` where the library would wait.
    fn try_send<T: Clone + Send + Sync + Unpin + 'static>(
        tx: &Self::RawSender<T>,
        msg: T,
    ) -> Result<(), TrySendError<T>>;
    /// Receives this subscriber's next message.
    fn recv<T: Clone + Send + Sync + Unpin + 'static>(
        rx: &mut Self::RawReceiver<T>,
    ) -> impl Future<Output = Result<T, BroadcastRecvError>> + Send;
}
