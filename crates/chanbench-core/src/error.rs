//! The error types every adapter maps its library's errors into.

use thiserror::Error;

/// A blocking send failed because every receiver is gone.
///
/// Implementations that are [`ReturnsUnsent`](crate::ReturnsUnsent) hand the message back, as
/// `std` does; the others (kanal 0.1) have already dropped it, and [`SendError::into_inner`]
/// gives `None`.
#[derive(Clone, Copy, PartialEq, Eq, Error)]
#[error("sending on a disconnected channel")]
pub struct SendError<T> {
    unsent: Option<T>,
}

impl<T> SendError<T> {
    /// The error for a library that gave the message back.
    #[inline]
    pub fn returned(msg: T) -> Self {
        Self { unsent: Some(msg) }
    }

    /// The error for a library that dropped the message.
    #[inline]
    pub fn dropped() -> Self {
        Self { unsent: None }
    }

    /// The message that could not be sent, if the library gave it back.
    #[inline]
    pub fn into_inner(self) -> Option<T> {
        self.unsent
    }
}

// By hand rather than derived: a derive would require `T: Debug`, and std's errors don't.
impl<T> std::fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.unsent.is_some() {
            "message returned"
        } else {
            "message dropped"
        };
        write!(f, "SendError({what})")
    }
}

/// A non-blocking send failed; the message always comes back.
#[derive(Clone, Copy, PartialEq, Eq, Error)]
pub enum TrySendError<T> {
    /// The channel is at capacity (for capacity 0: no receiver is waiting).
    #[error("sending on a full channel")]
    Full(T),
    /// Every receiver is gone.
    #[error("sending on a disconnected channel")]
    Disconnected(T),
}

impl<T> TrySendError<T> {
    /// The message that could not be sent.
    #[inline]
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(msg) | Self::Disconnected(msg) => msg,
        }
    }

    /// Whether the channel was full, as opposed to disconnected.
    #[inline]
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }
}

impl<T> std::fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "Full(..)",
            Self::Disconnected(_) => "Disconnected(..)",
        })
    }
}

/// A blocking receive failed: the channel is empty and every sender is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("receiving on an empty and disconnected channel")]
pub struct RecvError;

/// A non-blocking receive found nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TryRecvError {
    /// The channel is empty but senders remain.
    #[error("receiving on an empty channel")]
    Empty,
    /// The channel is empty and every sender is gone.
    #[error("receiving on an empty and disconnected channel")]
    Disconnected,
}

/// A receive with a timeout failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RecvTimeoutError {
    /// Nothing arrived within the timeout.
    #[error("timed out waiting on a channel")]
    Timeout,
    /// The channel is empty and every sender is gone.
    #[error("receiving on an empty and disconnected channel")]
    Disconnected,
}

// `std::sync::mpsc` is part of the standard library, not a channel library this crate would
// depend on, so its error mappings live here and both std adapters stay one call per method.

impl<T> From<std::sync::mpsc::SendError<T>> for SendError<T> {
    #[inline]
    fn from(e: std::sync::mpsc::SendError<T>) -> Self {
        Self::returned(e.0)
    }
}

impl<T> From<std::sync::mpsc::TrySendError<T>> for TrySendError<T> {
    #[inline]
    fn from(e: std::sync::mpsc::TrySendError<T>) -> Self {
        match e {
            std::sync::mpsc::TrySendError::Full(msg) => Self::Full(msg),
            std::sync::mpsc::TrySendError::Disconnected(msg) => Self::Disconnected(msg),
        }
    }
}

impl From<std::sync::mpsc::RecvError> for RecvError {
    #[inline]
    fn from(_: std::sync::mpsc::RecvError) -> Self {
        Self
    }
}

impl From<std::sync::mpsc::TryRecvError> for TryRecvError {
    #[inline]
    fn from(e: std::sync::mpsc::TryRecvError) -> Self {
        match e {
            std::sync::mpsc::TryRecvError::Empty => Self::Empty,
            std::sync::mpsc::TryRecvError::Disconnected => Self::Disconnected,
        }
    }
}

impl From<std::sync::mpsc::RecvTimeoutError> for RecvTimeoutError {
    #[inline]
    fn from(e: std::sync::mpsc::RecvTimeoutError) -> Self {
        match e {
            std::sync::mpsc::RecvTimeoutError::Timeout => Self::Timeout,
            std::sync::mpsc::RecvTimeoutError::Disconnected => Self::Disconnected,
        }
    }
}
