//! The lifecycle family's cells, on request: `create-drop` and `sender-gone` under every flavor,
//! `receiver-gone` under the bounded flavors of capacity 0 and 1 (a full channel whose sender
//! blocks); their async twins on both runtime flavours.

use chanbench_core::{
    Bounded,
    asynchronous::{AsyncBounded, AsyncChannel, MakeAsync},
};
use chanbench_schema::{
    Capacity,
    Workload::{
        AsyncCreateDrop, AsyncReceiverGone, AsyncSenderGone, CreateDrop, ReceiverGone, SenderGone,
    },
};

use super::{AsyncNeed, Capability, Cell, Channel, Make, Matrix, by_mode, params_of};
use crate::{lifecycle, runtime::Flavor};

/// `create-drop` and `sender-gone` of `u64` channels under flavor `m`.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    x.add(Cell::new(
        CreateDrop,
        C::ID,
        params_of::<C, M, u64>(m, 1),
        needs,
        Box::new(move |team, _, n| lifecycle::create_drop::<C, M>(team, m, n)),
    ));
    x.add(Cell::new(
        SenderGone,
        C::ID,
        params_of::<C, M, u64>(m, 2),
        needs,
        Box::new(move |team, mode, n| {
            by_mode!(mode, |COST| lifecycle::sender_gone::<C, M, COST>(
                team, m, n
            ))
        }),
    ));
}

impl Matrix {
    /// `receiver-gone` under the bounded flavor `m`, at capacities 0 and 1.
    pub fn add_receiver_gone<C: Bounded, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        if !matches!(m.capacity(), Some(0 | 1)) {
            return;
        }
        self.add(Cell::new(
            ReceiverGone,
            C::ID,
            params_of::<C, M, u64>(m, 2),
            needs,
            Box::new(move |team, mode, n| {
                by_mode!(mode, |COST| lifecycle::receiver_gone::<C, M, COST>(
                    team, m, n
                ))
            }),
        ));
    }

    /// The async lifecycle cells under flavor `m`: `async-create-drop` and `async-sender-gone`.
    pub(super) fn add_async_lifecycle<C: AsyncChannel, M: MakeAsync<C>>(
        &mut self,
        m: M,
        needs: &'static [AsyncNeed],
    ) {
        for flavor in Flavor::ALL {
            let params = self.async_params::<C, M>(m, flavor, false);
            self.add(Cell::new_async(
                AsyncCreateDrop,
                C::ID,
                params.clone(),
                needs,
                Box::new(move |team, _, n| {
                    lifecycle::async_create_drop::<C, M>(team, flavor, m, n)
                }),
            ));
            self.add(Cell::new_async(
                AsyncSenderGone,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| {
                    by_mode!(mode, |COST| lifecycle::async_sender_gone::<C, M, COST>(
                        team, flavor, m, n
                    ))
                }),
            ));
        }
    }

    /// `async-receiver-gone` under the bounded async flavor `m` of capacity 1.
    pub fn add_async_receiver_gone<C: AsyncBounded, M: MakeAsync<C>>(
        &mut self,
        m: M,
        needs: &'static [AsyncNeed],
    ) {
        if m.capacity() != Some(1) {
            return;
        }
        for flavor in Flavor::ALL {
            let params = self.async_params::<C, M>(m, flavor, false);
            debug_assert_eq!(params.capacity, Capacity::Bounded(1));
            self.add(Cell::new_async(
                AsyncReceiverGone,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| {
                    by_mode!(mode, |COST| lifecycle::async_receiver_gone::<C, M, COST>(
                        team, flavor, m, n
                    ))
                }),
            ));
        }
    }
}
