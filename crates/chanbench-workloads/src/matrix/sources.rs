//! The `sources` family: N equally busy sources to one handler, reached by a forwarding thread
//! per source, round-robin, one merged channel, or native select where the channel has it.

use chanbench_core::Select;

use super::{Capability, Cell, Channel, Make, Matrix, Workload, by_mode, is_large, stamped};
use chanbench_schema::NativeSelect;

use crate::strategy::sources::{self, SERVES};

/// The ways over any channel, per source count of the sweep.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_large(m) {
        return;
    }
    for count in x.sweep.source_counts.clone() {
        for serve in SERVES {
            let mut params = stamped(m, sources::threads(count, serve)).strategy(serve);
            params.sources = Some(count);
            x.add(Cell::new(
                Workload::Sources,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| {
                    by_mode!(mode, |COST| sources::serve::<C, M, COST>(
                        team, m, serve, count, n
                    ))
                }),
            ));
        }
    }
}

/// Native select, per source count of the sweep.
pub(super) fn select<C: Select, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_large(m) {
        return;
    }
    for count in x.sweep.source_counts.clone() {
        x.add(select_cell(Workload::Sources, m, count, needs));
    }
}

/// A native-select cell of `workload` over `count` sources (`fan-in` uses it too).
pub(super) fn select_cell<C: Select, M: Make<C>>(
    workload: Workload,
    m: M,
    count: usize,
    needs: &'static [Capability],
) -> Cell {
    let mut params = stamped(m, count + 1).strategy(NativeSelect);
    params.sources = Some(count);
    Cell::new(
        workload,
        C::ID,
        params,
        needs,
        Box::new(move |team, mode, n| {
            by_mode!(mode, |COST| sources::serve_select::<C, M, COST>(
                team, m, count, n
            ))
        }),
    )
}
