//! The oneshots' cells: `async-oneshot` on both runtime flavours, for every registered
//! [`Oneshot`] and, as the baseline, the bounded(1) channel of every async MPMC library.

use chanbench_core::shapes::oneshot::Oneshot;
use chanbench_schema::{Capacity, Params, Workload::AsyncOneshot};

use super::{AsyncNeed, Cell, Matrix};
use crate::{oneshot, payload::Payload, runtime::Flavor};

impl Matrix {
    /// The `async-oneshot` cells of `O` (a oneshot, or a channel's [`OneSlot`] baseline, which
    /// `needs` what the channel must have).
    ///
    /// [`OneSlot`]: chanbench_core::shapes::oneshot::OneSlot
    pub fn add_oneshot<O: Oneshot>(&mut self, needs: &'static [AsyncNeed]) {
        for flavor in Flavor::ALL {
            let threads = match flavor {
                Flavor::CurrentThread => 1,
                Flavor::MultiThread => self.shape.cores,
            };
            let mut params = Params::new(Capacity::Bounded(1), u64::describe(), threads);
            params.runtime = Some(flavor.runtime());
            self.add(Cell::new_async(
                AsyncOneshot,
                O::ID,
                params,
                needs,
                Box::new(move |team, _, n| oneshot::request_reply::<O>(team, flavor, n)),
            ));
        }
    }
}
