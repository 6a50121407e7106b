//! The streaming family: `seq`, `spsc` and `mpsc` of `u64`s, the `spsc` payload sweep, and `mpmc`.

use chanbench_core::MultiConsumer;

use super::{
    Capability, Cell, Channel, Make, Matrix,
    Workload::{Mpmc, Mpsc, Seq, Spsc},
    is_large, params_of,
};
use crate::{
    calibrate::{self, Calibration},
    payload::{Boxed, Inline, Payload, VecCloned, VecOwned},
    workload,
};

/// `spsc` and `mpsc` of `u64`s under every flavor; `seq` and the payload sweep under 1024 and
/// unbounded.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    let producers = x.shape.mpsc_producers;
    add::<C, M, u64>(x, Spsc, m, needs, 1);
    add::<C, M, u64>(x, Mpsc, m, needs, producers);
    if !is_large(m) {
        return;
    }
    // The thread-count sweep, where asked for: the machine-shaped point above is one of its
    // points, measured once.
    for p in x.sweep.producers.clone() {
        add::<C, M, u64>(x, Mpsc, m, needs, p);
    }
    x.add(Cell::new(
        Seq,
        C::ID,
        params_of::<C, M, u64>(m, 1),
        needs,
        Box::new(move |team, _, n| workload::seq::<C, M, u64>(team, m, n)),
    ));
    add::<C, M, ()>(x, Spsc, m, needs, 1);
    add::<C, M, Inline<64>>(x, Spsc, m, needs, 1);
    add::<C, M, Inline<1024>>(x, Spsc, m, needs, 1);
    add::<C, M, Boxed<1024>>(x, Spsc, m, needs, 1);
    add::<C, M, VecOwned<1>>(x, Spsc, m, needs, 1);
    add::<C, M, VecCloned<1>>(x, Spsc, m, needs, 1);
    add::<C, M, VecOwned<1024>>(x, Spsc, m, needs, 1);
    add::<C, M, VecCloned<1024>>(x, Spsc, m, needs, 1);
    add::<C, M, VecOwned<65536>>(x, Spsc, m, needs, 1);
    add::<C, M, VecCloned<65536>>(x, Spsc, m, needs, 1);
    add::<C, M, VecOwned<1048576>>(x, Spsc, m, needs, 1);
    add::<C, M, VecCloned<1048576>>(x, Spsc, m, needs, 1);
}

/// A streaming cell of `P` with `producers` producers; `spsc` of `u64`s under 1024 and unbounded
/// gets a calibration.
fn add<C: Channel, M: Make<C>, P: Payload>(
    x: &mut Matrix,
    workload: super::Workload,
    m: M,
    needs: &'static [Capability],
    producers: usize,
) {
    if !x.sweep.keeps_payload(&P::label()) {
        return;
    }
    let mut params = params_of::<C, M, P>(m, producers + 1);
    params.producers = (workload == Mpsc).then_some(producers);
    let cell = Cell::new(
        workload,
        C::ID,
        params,
        needs,
        Box::new(move |team, _, n| workload::mpsc::<C, M, P>(team, m, producers, n)),
    );
    if workload == Spsc && P::label() == "u64" && is_large(m) {
        x.calibrations.push(Calibration {
            key: cell.key.clone(),
            plain: Box::new(move |cores, n| calibrate::plain_spsc::<C, M>(cores, m, n)),
        });
    }
    x.add(cell.cost_limit(Matrix::cost_limit_for_bytes(P::bytes())));
}

/// `mpmc` of `u64`s under every flavor, with the shape's producers and consumers.
pub(super) fn multi_consumer<C: MultiConsumer, M: Make<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [Capability],
) {
    let shaped = (x.shape.mpmc_producers, x.shape.mpmc_consumers);
    let swept = if is_large(m) {
        x.sweep.mpmc.clone()
    } else {
        Vec::new()
    };
    for (p, c) in std::iter::once(shaped).chain(swept) {
        let mut params = params_of::<C, M, u64>(m, p + c);
        params.producers = Some(p);
        params.consumers = Some(c);
        x.add(Cell::new(
            Mpmc,
            C::ID,
            params,
            needs,
            Box::new(move |team, _, n| workload::mpmc::<C, M, u64>(team, m, p, c, n)),
        ));
    }
}
