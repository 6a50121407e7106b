//! The SPSC rings' cells: `spsc` (capacities 1024 and 1, and the payload sweep at 1024) and
//! `ping-pong` (capacity 1, its payload sweep), keyed as the channels' cells are, so a ring sits
//! beside the channels in the same tables.

use chanbench_core::shapes::ring::Ring;
use chanbench_schema::{Capacity, Params};

use super::{
    Cell, Matrix,
    Workload::{self, PingPong, Spsc},
    by_mode,
};
use crate::{
    payload::{Boxed, Inline, Payload, VecCloned, VecOwned},
    ring,
};

impl Matrix {
    /// Every cell of the SPSC ring `R`.
    pub fn add_ring<R: Ring>(&mut self) {
        add::<R, u64>(self, Spsc, 1);
        add::<R, u64>(self, Spsc, 1024);
        add::<R, ()>(self, Spsc, 1024);
        add::<R, Inline<64>>(self, Spsc, 1024);
        add::<R, Inline<1024>>(self, Spsc, 1024);
        add::<R, Boxed<1024>>(self, Spsc, 1024);
        add::<R, VecOwned<1>>(self, Spsc, 1024);
        add::<R, VecCloned<1>>(self, Spsc, 1024);
        add::<R, VecOwned<1024>>(self, Spsc, 1024);
        add::<R, VecCloned<1024>>(self, Spsc, 1024);
        add::<R, VecOwned<65536>>(self, Spsc, 1024);
        add::<R, VecCloned<65536>>(self, Spsc, 1024);
        add::<R, VecOwned<1048576>>(self, Spsc, 1024);
        add::<R, VecCloned<1048576>>(self, Spsc, 1024);
        add::<R, u64>(self, PingPong, 1);
        add::<R, ()>(self, PingPong, 1);
        add::<R, Inline<64>>(self, PingPong, 1);
        add::<R, Inline<1024>>(self, PingPong, 1);
        add::<R, Boxed<1024>>(self, PingPong, 1);
        add::<R, VecOwned<1024>>(self, PingPong, 1);
    }
}

/// One ring cell of `P` under `workload` at `capacity`.
fn add<R: Ring, P: Payload>(x: &mut Matrix, workload: Workload, capacity: usize) {
    if !x.sweep.keeps_payload(&P::label()) {
        return;
    }
    let params = Params::new(Capacity::Bounded(capacity), P::describe(), 2);
    let run: super::Runner = match workload {
        PingPong => Box::new(move |team, mode, n| {
            by_mode!(mode, |COST| ring::ping_pong::<R, P, COST>(
                team, capacity, n
            ))
        }),
        _ => Box::new(move |team, _, n| ring::spsc::<R, P>(team, capacity, n)),
    };
    x.add(
        Cell::new(workload, R::ID, params, &[], run)
            .cost_limit(Matrix::cost_limit_for_bytes(P::bytes())),
    );
}
