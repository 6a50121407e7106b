//! The `Channel` abstraction every chanbench implementation plugs into.
//!
//! # Design
//!
//! Following ripgrep's `grep-matcher`, an implementation is a zero-sized type (`pub struct Flume;`)
//! implementing [`Channel`]. Its associated types name the library's own sender and receiver, and
//! its methods are one forwarding call each plus error mapping. Users never touch those raw
//! handles: they hold [`Sender<C, T>`] and [`Receiver<C, T>`], thin wrappers with the familiar
//! `send` / `recv` methods. Everything is static dispatch: the wrappers are generic over `C`, every
//! forwarding method is `#[inline]` (`#[inline(always)]` on the message path), and nothing is boxed or allocated on the send/recv path. A
//! benchmark written against the wrappers therefore compiles down to the library's own calls, which
//! the benchmark crate checks by measuring one library both directly and through the trait.
//!
//! We use our own wrapper types, rather than implementing a trait on the library's types, because
//! of the orphan rule: an adapter crate owns neither the trait nor `std::sync::mpsc::Receiver`.
//!
//! # Capabilities are types, not runtime flags
//!
//! Libraries differ in what they offer. A missing capability is a compile error here, never a
//! runtime panic (flume's own benchmarks implement `unbounded()` for `SyncSender` as
//! `unimplemented!()`; we don't). Each capability is a trait of its own:
//!
//! | trait | what it gives | e.g. missing from |
//! |---|---|---|
//! | [`Bounded`] | [`bounded`]`(cap)`, `cap >= 1` | `std::sync::mpsc::channel` |
//! | [`Rendezvous`] | `bounded(0)`: a send completes when a receiver takes it | crossfire (0 is 1 there) |
//! | [`Unbounded`] | [`unbounded`]`()` | `std::sync::mpsc::sync_channel` |
//! | [`MultiConsumer`] | `Clone` for [`Receiver`] | both std channels |
//! | [`Select`] | [`select`] over several receivers | std, kanal 0.1 |
//! | [`ReturnsUnsent`] | a failed `send` hands the message back | kanal 0.1 (it drops it) |
//!
//! The adapter crates prove these rules with `compile_fail` doctests: `chanbench-std-mpsc` shows
//! that `bounded`, `Clone` on the receiver and `select` do not compile for `std::sync::mpsc::channel`,
//! `chanbench-std-sync` that `unbounded` does not compile for `sync_channel`, and so on. Each sits
//! next to a doctest that compiles with that one call changed, so a `compile_fail` cannot pass
//! merely because its snippet is broken. The expected error codes are written on them; stable
//! rustdoc does not check codes, nightly does.
//!
//! The matrix and the reports read the same facts back with [`capabilities!`].
//!
//! # Shapes beyond the MPMC channel
//!
//! [`shapes`] holds the other queues a job may use instead of a channel, each a base trait of its
//! own with its conformance checks: [`shapes::ring::Ring`], the SPSC ring whose halves never
//! block (rtrb, ringbuf, crossbeam's `ArrayQueue`).
//!
//! # Async channels
//!
//! [`asynchronous::AsyncChannel`] is the async counterpart, with the same rules: its own
//! capability traits (bounded, zero capacity, unbounded, multi-consumer, and the bridge between a
//! plain thread and a task), its wrappers, and its conformance suite
//! ([`async_conformance`], feature `async-conformance`), which also checks that a dropped `recv`
//! future loses no message.

use std::time::Duration;

pub mod asynchronous;
mod error;
#[doc(hidden)]
pub mod probe;
pub mod shapes;

#[cfg(feature = "async-conformance")]
pub mod async_conformance;
#[cfg(feature = "conformance")]
pub mod conformance;

pub use error::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};

/// The version of the compiler that built this crate, which is the version of `std::sync::mpsc`.
pub const RUSTC_VERSION: &str = env!("CHANBENCH_RUSTC_VERSION");

/// The library an implementation wraps, as reports should name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Library {
    /// The crate name, e.g. `crossbeam-channel`, or `std` for the standard library.
    pub name: &'static str,
    /// The exact version in use, e.g. `0.5.17`; for `std`, the rustc version.
    pub version: &'static str,
}

/// A channel implementation: the required, always-present operations.
///
/// Implement this on a zero-sized type in an adapter crate; every method must be a single
/// forwarding call to the library plus error mapping, marked `#[inline]`, and `#[inline(always)]`
/// for `send`, `try_send`, `recv`, `try_recv` and `recv_timeout` (left to the compiler, kanal's
/// `send` was compiled as a call of its own per message). Then implement whichever
/// capability traits the library really offers, and nothing else.
pub trait Channel: Sized + 'static {
    /// Short, stable identifier used on command lines and in benchmark ids: lowercase, `-`-separated.
    const ID: &'static str;
    /// Human-readable name for reports.
    const NAME: &'static str;
    /// The wrapped library and its exact version.
    const LIBRARY: Library;
    /// The conformance checks the library fails by its own admission, by name: its conformance
    /// test lists the same ones as `known_failures` (a test holds the two equal), and
    /// `cargo xtask choose` states them as caveats.
    const KNOWN_FAILURES: &'static [&'static str] = &[];

    /// The library's sending half. Every library here is multi-producer, so it is `Clone`.
    type RawSender<T: Send + 'static>: Clone + Send;
    /// The library's receiving half.
    type RawReceiver<T: Send + 'static>: Send;

    /// Sends, blocking while the channel is full.
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>>;
    /// Sends if that can be done without blocking.
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>>;
    /// Receives, blocking while the channel is empty.
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError>;
    /// Receives if a message is ready.
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError>;
    /// Receives, blocking for at most `timeout`.
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError>;
}

/// Channels with a fixed capacity of at least 1.
pub trait Bounded: Channel {
    /// Creates a channel holding at most `cap` messages. `cap` is at least 1 unless the type is
    /// also [`Rendezvous`].
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>);
}

/// Marker: `bounded(0)` is a rendezvous, a send completes only when a receiver takes the
/// message. Libraries that take 0 for 1 (crossfire) are [`Bounded`] without it.
pub trait Rendezvous: Bounded {}

/// Channels without a capacity limit.
pub trait Unbounded: Channel {
    /// Creates a channel that never blocks a sender.
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>);
}

/// Channels whose receivers can be cloned, so several consumers share one queue (MPMC).
pub trait MultiConsumer: Channel {
    /// Clones a receiving half.
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T>;
}

/// Channels offering a native select: block on several receivers until one of them is ready.
///
/// The libraries register receivers one at a time, so the trait is three forwarding steps and
/// [`select`] does the loop: start a selector, [`add`](Select::add) each receiver, then
/// [`wait`](Select::wait).
pub trait Select: Channel {
    /// The library's selector while receivers are being registered.
    type Selector<'a, T: Send + 'a>;

    /// Starts an empty selector.
    fn selector<'a, T: Send + 'a>() -> Self::Selector<'a, T>;

    /// Registers `rx`, which is `receivers[index]` in the later call to [`wait`](Select::wait).
    /// [`select`] adds the receivers in order, with indices 0, 1, 2, ...
    fn add<'a, T: Send + 'a>(
        sel: Self::Selector<'a, T>,
        index: usize,
        rx: &'a Receiver<Self, T>,
    ) -> Self::Selector<'a, T>;

    /// Blocks until a registered receiver has a message or is disconnected, and receives from
    /// it. Returns its index and what it gave.
    fn wait<'a, T: Send + 'a>(
        sel: Self::Selector<'a, T>,
        receivers: &'a [Receiver<Self, T>],
    ) -> (usize, Result<T, RecvError>);
}

/// Marker: a `send` that fails because every receiver is gone hands the message back in the
/// [`SendError`], as `std` does. Libraries without it drop the message instead.
pub trait ReturnsUnsent: Channel {}

/// The sending half of a channel of implementation `C`.
pub struct Sender<C: Channel, T: Send + 'static> {
    raw: C::RawSender<T>,
}

/// The receiving half of a channel of implementation `C`. It is `Clone` only when `C` is
/// [`MultiConsumer`].
pub struct Receiver<C: Channel, T: Send + 'static> {
    raw: C::RawReceiver<T>,
}

impl<C: Channel, T: Send + 'static> Sender<C, T> {
    /// Sends `msg`, blocking while the channel is full. Fails once every receiver is dropped.
    #[inline(always)]
    pub fn send(&self, msg: T) -> Result<(), SendError<T>> {
        C::send(&self.raw, msg)
    }

    /// Sends `msg` if that needs no waiting; otherwise returns it in the error.
    #[inline(always)]
    pub fn try_send(&self, msg: T) -> Result<(), TrySendError<T>> {
        C::try_send(&self.raw, msg)
    }

    /// The library's own sender, for adapters and direct-versus-trait comparisons.
    #[inline]
    pub fn raw(&self) -> &C::RawSender<T> {
        &self.raw
    }
}

impl<C: Channel, T: Send + 'static> Clone for Sender<C, T> {
    #[inline]
    fn clone(&self) -> Self {
        Self {
            raw: self.raw.clone(),
        }
    }
}

impl<C: Channel, T: Send + 'static> Receiver<C, T> {
    /// Receives a message, blocking while the channel is empty. Messages still queued when the
    /// last sender drops are delivered first; then this reports [`RecvError`].
    #[inline(always)]
    pub fn recv(&self) -> Result<T, RecvError> {
        C::recv(&self.raw)
    }

    /// Receives a message if one is ready.
    #[inline(always)]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        C::try_recv(&self.raw)
    }

    /// Receives a message, waiting at most `timeout`.
    #[inline(always)]
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        C::recv_timeout(&self.raw, timeout)
    }

    /// The library's own receiver, for adapters and direct-versus-trait comparisons.
    #[inline]
    pub fn raw(&self) -> &C::RawReceiver<T> {
        &self.raw
    }
}

impl<C: MultiConsumer, T: Send + 'static> Clone for Receiver<C, T> {
    #[inline]
    fn clone(&self) -> Self {
        Self {
            raw: C::clone_receiver(&self.raw),
        }
    }
}

impl<C: Channel, T: Send + 'static> std::fmt::Debug for Sender<C, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sender<{}>", C::NAME)
    }
}

impl<C: Channel, T: Send + 'static> std::fmt::Debug for Receiver<C, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Receiver<{}>", C::NAME)
    }
}

/// Creates a channel of implementation `C` holding at most `cap` messages (`cap >= 1`; 0, a
/// rendezvous, only for [`Rendezvous`] types).
#[inline]
pub fn bounded<C: Bounded, T: Send + 'static>(cap: usize) -> (Sender<C, T>, Receiver<C, T>) {
    let (raw_tx, raw_rx) = C::raw_bounded(cap);
    (Sender { raw: raw_tx }, Receiver { raw: raw_rx })
}

/// Creates an unbounded channel of implementation `C`.
#[inline]
pub fn unbounded<C: Unbounded, T: Send + 'static>() -> (Sender<C, T>, Receiver<C, T>) {
    let (raw_tx, raw_rx) = C::raw_unbounded();
    (Sender { raw: raw_tx }, Receiver { raw: raw_rx })
}

/// Blocks until one of `receivers` has a message or is disconnected, and receives from it.
/// Returns the index of that receiver and what it gave. The selector is built anew on each call,
/// as both libraries' APIs require for a receive that completes the operation.
///
/// # Panics
///
/// If `receivers` is empty (there would be nothing to wait for).
#[inline]
pub fn select<C: Select, T: Send + 'static>(
    receivers: &[Receiver<C, T>],
) -> (usize, Result<T, RecvError>) {
    assert!(
        !receivers.is_empty(),
        "select over no receivers would block forever"
    );
    let mut sel = C::selector();
    for (index, rx) in receivers.iter().enumerate() {
        sel = C::add(sel, index, rx);
    }
    C::wait(sel, receivers)
}

/// How generic code creates its channels: the flavor (bounded with a capacity, or unbounded).
///
/// Workloads and conformance checks take a `M: Make<C>` value, so one generic body serves every
/// flavor, and a flavor an implementation lacks does not compile.
pub trait Make<C: Channel>: Copy + Send + 'static {
    /// Creates a channel of this flavor.
    fn make<T: Send + 'static>(self) -> (Sender<C, T>, Receiver<C, T>);
    /// The capacity, or `None` for unbounded.
    fn capacity(self) -> Option<usize>;
}

/// The unbounded flavor.
#[derive(Debug, Clone, Copy)]
pub struct Unbound;

/// The bounded flavor with the given capacity (0: rendezvous, for [`Rendezvous`] types).
#[derive(Debug, Clone, Copy)]
pub struct Cap(pub usize);

impl<C: Unbounded> Make<C> for Unbound {
    fn make<T: Send + 'static>(self) -> (Sender<C, T>, Receiver<C, T>) {
        unbounded()
    }
    fn capacity(self) -> Option<usize> {
        None
    }
}

impl<C: Bounded> Make<C> for Cap {
    fn make<T: Send + 'static>(self) -> (Sender<C, T>, Receiver<C, T>) {
        bounded(self.0)
    }
    fn capacity(self) -> Option<usize> {
        Some(self.0)
    }
}

/// The capability set of an implementation, as the type system states it. Obtain it with
/// [`capabilities!`]; reports and tidy tests use it, code paths use the traits themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Capabilities {
    /// Implements [`Bounded`].
    pub bounded: bool,
    /// Implements [`Rendezvous`].
    pub rendezvous: bool,
    /// Implements [`Unbounded`].
    pub unbounded: bool,
    /// Implements [`MultiConsumer`].
    pub multi_consumer: bool,
    /// Implements [`Select`].
    pub select: bool,
    /// Implements [`ReturnsUnsent`].
    pub returns_unsent: bool,
}

impl Capabilities {
    /// Each capability with whether it is present.
    pub fn iter(&self) -> impl Iterator<Item = (Capability, bool)> {
        [
            (Capability::Bounded, self.bounded),
            (Capability::Rendezvous, self.rendezvous),
            (Capability::Unbounded, self.unbounded),
            (Capability::MultiConsumer, self.multi_consumer),
            (Capability::Select, self.select),
            (Capability::ReturnsUnsent, self.returns_unsent),
        ]
        .into_iter()
    }

    /// Whether `capability` is present.
    pub fn has(&self, capability: Capability) -> bool {
        self.iter().any(|(c, present)| c == capability && present)
    }
}

/// One capability trait, as a value: what a benchmark cell needs beyond [`Channel`], and what a
/// report says an implementation lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// [`Bounded`].
    Bounded,
    /// [`Rendezvous`].
    Rendezvous,
    /// [`Unbounded`].
    Unbounded,
    /// [`MultiConsumer`].
    MultiConsumer,
    /// [`Select`].
    Select,
    /// [`ReturnsUnsent`].
    ReturnsUnsent,
}

impl Capability {
    /// Its name, as the conformance macro spells it: `bounded`, `multi_consumer` ...
    pub fn name(self) -> &'static str {
        match self {
            Capability::Bounded => "bounded",
            Capability::Rendezvous => "rendezvous",
            Capability::Unbounded => "unbounded",
            Capability::MultiConsumer => "multi_consumer",
            Capability::Select => "select",
            Capability::ReturnsUnsent => "returns_unsent",
        }
    }
}
