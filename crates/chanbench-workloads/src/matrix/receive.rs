//! The `receive` family: how a consumer waits (block, spin, yield, sleep) for messages a given
//! gap apart.

use super::{
    COST_PAUSE_BUDGET, Capability, Cell, Channel, Make, Matrix, Workload::Receive, by_mode,
    is_large, stamped,
};
use crate::strategy::receive::{self, WAITS};

/// A cell per way of waiting and gap of the sweep; the cost run's gaps fit
/// [`COST_PAUSE_BUDGET`].
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_large(m) {
        return;
    }
    for gap in x.sweep.gaps.clone() {
        let limit = (COST_PAUSE_BUDGET.as_nanos() / gap.as_nanos().max(1)) as u64;
        for wait in WAITS {
            let mut params = stamped(m, 2).strategy(wait);
            params.gap_ns = Some(gap.as_nanos() as u64);
            let cell = Cell::new(
                Receive,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| {
                    by_mode!(mode, |COST| receive::receive::<C, M, COST>(
                        team, m, wait, gap, n
                    ))
                }),
            );
            x.add(cell.cost_limit(Some(limit.max(16))));
        }
    }
}
