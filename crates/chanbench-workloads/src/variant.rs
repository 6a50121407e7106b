//! A variant of a registered implementation in the benchmark matrix: [`Renamed<C, N>`] is `C`
//! (a registered adapter compiled against another build of its library, by `cargo xtask bench
//! --variant`) under the id, name and library version `N` gives it, so its cells sit beside the
//! registered build's in the same processes and the same report (`crossbeam@0.5.6` beside
//! `crossbeam`).
//!
//! It forwards every method and capability of `C` but native select, whose API passes slices
//! of the wrapper's receivers that cannot be handed to `C` without `unsafe` (as for the work
//! knob's [`Heavier`](crate::knob::Heavier)): a variant has no native-select cells; its
//! select-free cells (the merged sources, a thread per source) run as usual.

use std::{marker::PhantomData, time::Duration};

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, RecvError, RecvTimeoutError, ReturnsUnsent,
    SendError, TryRecvError, TrySendError, Unbounded,
};

/// What a variant is called: its id in cells and on command lines, its name in reports, and
/// the library version it was built against. xtask generates one per variant.
pub trait VariantName: 'static {
    /// `crossbeam@0.5.6`.
    const ID: &'static str;
    /// `Crossbeam (crossbeam-channel 0.5.6)`.
    const NAME: &'static str;
    /// The library and the version this build compiled.
    const LIBRARY: Library;
}

/// `C` under the id, name and library of `N` (see the module).
#[derive(Debug, Clone, Copy, Default)]
pub struct Renamed<C, N>(PhantomData<(C, N)>);

impl<C: Channel, N: VariantName> Channel for Renamed<C, N> {
    const ID: &'static str = N::ID;
    const NAME: &'static str = N::NAME;
    const LIBRARY: Library = N::LIBRARY;
    type RawSender<T: Send + 'static> = C::RawSender<T>;
    type RawReceiver<T: Send + 'static> = C::RawReceiver<T>;

    #[inline]
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        C::send(tx, msg)
    }

    #[inline]
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        C::try_send(tx, msg)
    }

    #[inline]
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
        C::recv(rx)
    }

    #[inline]
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        C::try_recv(rx)
    }

    #[inline]
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        C::recv_timeout(rx, timeout)
    }
}

impl<C: Bounded, N: VariantName> Bounded for Renamed<C, N> {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        C::raw_bounded(cap)
    }
}

impl<C: chanbench_core::Rendezvous, N: VariantName> chanbench_core::Rendezvous for Renamed<C, N> {}

impl<C: Unbounded, N: VariantName> Unbounded for Renamed<C, N> {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        C::raw_unbounded()
    }
}

impl<C: MultiConsumer, N: VariantName> MultiConsumer for Renamed<C, N> {
    #[inline]
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T> {
        C::clone_receiver(rx)
    }
}

impl<C: ReturnsUnsent, N: VariantName> ReturnsUnsent for Renamed<C, N> {}
