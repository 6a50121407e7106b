//! The wake-up family: `burst`, bursts of [`BURST_LEN`] after a pause, under 1024 and unbounded.

use super::{
    COST_PAUSE_BUDGET, Capability, Cell, Channel, Make, Matrix, Workload::Burst, by_mode, is_large,
    stamped,
};
use crate::workload;

/// Messages per burst.
const BURST_LEN: u64 = 8;

/// A `burst` cell per pause of the sweep; the cost run's pauses fit [`COST_PAUSE_BUDGET`].
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_large(m) {
        return;
    }
    for pause in x.sweep.pauses.clone() {
        let bursts = COST_PAUSE_BUDGET.as_nanos() / pause.as_nanos().max(1);
        let mut params = stamped(m, 2);
        params.burst = Some(BURST_LEN);
        params.pause_ns = Some(pause.as_nanos() as u64);
        let cell = Cell::new(
            Burst,
            C::ID,
            params,
            needs,
            Box::new(move |team, mode, n| {
                by_mode!(mode, |COST| workload::burst::<C, M, COST>(
                    team, m, BURST_LEN, pause, n
                ))
            }),
        );
        let limit = (!pause.is_zero()).then(|| (bursts as u64).max(16) * BURST_LEN);
        x.add(cell.cost_limit(limit));
    }
}
