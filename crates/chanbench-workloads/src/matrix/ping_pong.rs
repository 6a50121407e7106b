//! The latency family: `ping-pong` round trips under capacity 1 and unbounded, over a payload
//! sweep of its own.

use super::{
    Capability, Cell, Channel, Make, Matrix, Workload::PingPong, by_mode, is_small, params_of,
};
use crate::{
    calibrate::{self, Calibration},
    payload::{Boxed, Inline, Payload, VecOwned},
    workload,
};

/// `ping-pong` of `u64`, zst, inline 64 B and 1 KiB, a box of 1 KiB and a 1 KiB vector.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_small(m) {
        return;
    }
    add::<C, M, u64>(x, m, needs);
    add::<C, M, ()>(x, m, needs);
    add::<C, M, Inline<64>>(x, m, needs);
    add::<C, M, Inline<1024>>(x, m, needs);
    add::<C, M, Boxed<1024>>(x, m, needs);
    add::<C, M, VecOwned<1024>>(x, m, needs);
}

/// A `ping-pong` cell of `P`; of `u64`s, with a calibration.
fn add<C: Channel, M: Make<C>, P: Payload>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !x.sweep.keeps_payload(&P::label()) {
        return;
    }
    let cell = Cell::new(
        PingPong,
        C::ID,
        params_of::<C, M, P>(m, 2),
        needs,
        Box::new(move |team, mode, n| {
            by_mode!(mode, |COST| workload::ping_pong::<C, M, P, COST>(
                team, m, n
            ))
        }),
    );
    if P::label() == "u64" {
        x.calibrations.push(Calibration {
            key: cell.key.clone(),
            plain: Box::new(move |cores, n| calibrate::plain_ping_pong::<C, M>(cores, m, n)),
        });
    }
    x.add(cell.cost_limit(Matrix::cost_limit_for_bytes(P::bytes())));
}
