//! The work knob, for testing `cargo xtask ab` only: [`Heavier<C>`] is `C` doing a set amount of
//! extra *work* (hash rounds, not a timed spin) after every receive, so its cells are slower by a
//! share the paired runner calibrates per cell, and a comparison's power to see a change of that
//! size can be measured.
//!
//! Only the receiving side works more. Measured on the development VM with work on both sides,
//! slowing the sender across cores sometimes made streaming *faster* (less contention on the
//! queue: one cell read 0.73x at a "+10%" calibrated elsewhere), so the knob's effect was not a
//! slowdown at all; extra work after the receive can only hold the consumer back.
//!
//! It forwards every method and capability of `C` but native select, whose API passes slices
//! of the wrapper's receivers that cannot be handed to `C` without `unsafe`: a knob arm has no
//! select cells.

use std::{
    cell::Cell,
    hint::black_box,
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, RecvError, RecvTimeoutError, ReturnsUnsent,
    SendError, TryRecvError, TrySendError, Unbounded,
};

use crate::strategy::distribute::work;

/// Extra work after every receive of a [`Heavier`] channel, in sixteenths of a hash round: a
/// round takes about a nanosecond, a message on one core tens of them, so whole rounds would
/// make the knob's steps 5-20% of a message.
static UNITS: AtomicU32 = AtomicU32::new(0);

thread_local! {
    /// Sixteenths owed but not yet worked, per receiving thread.
    static OWED: Cell<u32> = const { Cell::new(0) };
}

/// Sets the extra work of every [`Heavier`] channel, in sixteenths of a hash round per receive.
pub fn set_units(sixteenths: u32) {
    UNITS.store(sixteenths, Ordering::Relaxed);
}

/// The extra work now set, in sixteenths of a hash round per receive.
pub fn units() -> u32 {
    UNITS.load(Ordering::Relaxed)
}

/// The extra work itself: the whole hash rounds owed, their result kept from the optimizer.
#[inline]
pub fn extra_work() {
    let units = UNITS.load(Ordering::Relaxed);
    if units > 0 {
        let rounds = OWED.with(|owed| {
            let total = owed.get() + units;
            owed.set(total & 15);
            total >> 4
        });
        if rounds > 0 {
            black_box(work(black_box(1), rounds));
        }
    }
}

/// `C` with extra work after every receive (see the module).
#[derive(Debug, Clone, Copy, Default)]
pub struct Heavier<C>(std::marker::PhantomData<C>);

impl<C: Channel> Channel for Heavier<C> {
    const ID: &'static str = C::ID;
    const NAME: &'static str = C::NAME;
    const LIBRARY: Library = C::LIBRARY;
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
        let got = C::recv(rx);
        extra_work();
        got
    }

    #[inline]
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        let got = C::try_recv(rx);
        if got.is_ok() {
            extra_work();
        }
        got
    }

    #[inline]
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        let got = C::recv_timeout(rx, timeout);
        if got.is_ok() {
            extra_work();
        }
        got
    }
}

impl<C: Bounded> Bounded for Heavier<C> {
    #[inline]
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        C::raw_bounded(cap)
    }
}

impl<C: chanbench_core::Rendezvous> chanbench_core::Rendezvous for Heavier<C> {}

impl<C: Unbounded> Unbounded for Heavier<C> {
    #[inline]
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        C::raw_unbounded()
    }
}

impl<C: MultiConsumer> MultiConsumer for Heavier<C> {
    #[inline]
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T> {
        C::clone_receiver(rx)
    }
}

impl<C: ReturnsUnsent> ReturnsUnsent for Heavier<C> {}
