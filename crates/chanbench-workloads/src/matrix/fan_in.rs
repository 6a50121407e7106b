//! The `fan-in` family: the shape's sources into one consumer, over one merged channel or native
//! select (the `sources` family's code).

use chanbench_core::Select;

use super::{
    Capability, Cell, Channel, Make, Matrix, Workload::FanIn, by_mode, is_large, sources, stamped,
};
use crate::strategy::sources::{Serve, serve, threads};

/// One merged channel shared by every source.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_large(m) {
        return;
    }
    let count = x.shape.fan_in_sources;
    let merged = Serve::Merged;
    let mut params = stamped(m, threads(count, merged)).strategy(merged);
    params.sources = Some(count);
    x.add(Cell::new(
        FanIn,
        C::ID,
        params,
        needs,
        Box::new(move |team, mode, n| {
            by_mode!(mode, |COST| serve::<C, M, COST>(team, m, merged, count, n))
        }),
    ));
}

/// Native select over one channel per source.
pub(super) fn select<C: Select, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if is_large(m) {
        let count = x.shape.fan_in_sources;
        x.add(sources::select_cell(FanIn, m, count, needs));
    }
}
