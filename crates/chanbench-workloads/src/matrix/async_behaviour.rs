//! The async behaviour families' cells, on both runtime flavours, as `behaviour.rs` registers
//! the sync ones: `async-offered-load` and `async-background-load` (1024 and unbounded),
//! `async-fairness` (consumers and producers, 1024; there is no async select here) and
//! `async-memory` (every flavor).

use std::sync::OnceLock;

use chanbench_core::asynchronous::{AsyncChannel, AsyncMultiConsumer, MakeAsync};
use chanbench_schema::{Capacity, Observation, Params, Payload as Described, Share, Workload};

use super::{AsyncNeed, Cell, Matrix, Mode, behaviour::fairness_runs};
use crate::{
    async_workload,
    behaviour::{fairness, memory, offered_load},
    runtime::Flavor,
};

/// Parameters of an async behaviour cell of flavor `m` on `flavor` carrying `payload`.
fn params<C: AsyncChannel, M: MakeAsync<C>>(
    x: &Matrix,
    m: M,
    flavor: Flavor,
    payload: &str,
) -> Params {
    let mut p = x.async_params::<C, M>(m, flavor, false);
    if payload != "u64" {
        p.payload = Described::opaque(payload);
    }
    p
}

/// Every flavor: its memory; the streaming ones: offered load and background load; capacity
/// 1024: the producers' shares. On both runtime flavours.
pub(super) fn flavor<C: AsyncChannel, M: MakeAsync<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [AsyncNeed],
) {
    let capacity = m.capacity();
    for flavor in Flavor::ALL {
        x.add(
            Cell::new_async(
                Workload::AsyncMemory,
                C::ID,
                params::<C, M>(x, m, flavor, "u64"),
                needs,
                Box::new(move |team, _, n| memory::async_lifecycle::<C, M>(team, flavor, m, n)),
            )
            .observed(Box::new(move |_, extent| {
                Observation::Memory(memory::async_footprint::<C, M>(m, extent))
            })),
        );
        if !matches!(capacity, Some(1024) | None) {
            continue;
        }
        for percent in x.sweep.loads.clone() {
            offered::<C, M>(x, m, needs, flavor, percent);
        }
        background::<C, M>(x, m, needs, flavor);
        if capacity == Some(1024) {
            let producers = x.shape.mpsc_producers;
            let mut p = params::<C, M>(x, m, flavor, "id");
            p.producers = Some(producers);
            p.share = Some(Share::Producers);
            let (run, observe) = fairness_runs(move |team, mode, n| match mode {
                Mode::Timed => {
                    fairness::task_producers::<C, M, false>(team, flavor, m, producers, n)
                }
                Mode::Cost => fairness::task_producers::<C, M, true>(team, flavor, m, producers, n),
            });
            let cell = Cell::new_async(Workload::AsyncFairness, C::ID, p, needs, run);
            x.add(cell.observed(observe));
        }
    }
}

/// An `async-offered-load` cell at `percent` of the channel's saturation rate on `flavor`.
fn offered<C: AsyncChannel, M: MakeAsync<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [AsyncNeed],
    flavor: Flavor,
    percent: u32,
) {
    let mut p = params::<C, M>(x, m, flavor, "stamp");
    p.load_percent = Some(percent);
    let extent = x.sweep.extent;
    let saturation = OnceLock::new();
    x.add(
        Cell::new_async(
            Workload::AsyncOfferedLoad,
            C::ID,
            p,
            needs,
            Box::new(move |team, mode, n| {
                let run = offered_load::tasks::<C, M>(team, flavor, m);
                let rate = *saturation.get_or_init(|| offered_load::saturation(&run, extent));
                offered_load::paced(run, rate, percent, n, mode == Mode::Cost)
            }),
        )
        .observed(Box::new(move |team, extent| {
            let run = offered_load::tasks::<C, M>(team, flavor, m);
            offered_load::observe(run, percent, extent)
        })),
    );
}

/// `async-spsc` and `async-mpsc` of `u64` on `flavor`, with one busy hog per allowed core and
/// without.
fn background<C: AsyncChannel, M: MakeAsync<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [AsyncNeed],
    flavor: Flavor,
) {
    let mpsc = x.shape.mpsc_producers;
    for hogs in [0, x.shape.cores] {
        for producers in [1, mpsc] {
            let mut p = params::<C, M>(x, m, flavor, "u64");
            p.producers = (producers > 1).then_some(producers);
            p.hogs = Some(hogs);
            x.add(Cell::new_async(
                Workload::AsyncBackgroundLoad,
                C::ID,
                p,
                needs,
                Box::new(move |team, _, n| {
                    let run = || async_workload::mpsc::<C, M, u64>(team, flavor, m, producers, n);
                    if hogs == 0 {
                        run()
                    } else {
                        team.hogs().busy(run)
                    }
                }),
            ));
        }
    }
}

/// The consumers' shares under capacity 1024 with the `mpmc` shape, on both runtime flavours.
pub(super) fn multi_consumer<C: AsyncMultiConsumer, M: MakeAsync<C>>(
    x: &mut Matrix,
    m: M,
    needs: &'static [AsyncNeed],
) {
    if m.capacity().map_or(Capacity::Unbounded, Capacity::Bounded) != Capacity::Bounded(1024) {
        return;
    }
    let (producers, consumers) = (x.shape.mpmc_producers, x.shape.mpmc_consumers);
    for flavor in Flavor::ALL {
        let mut p = params::<C, M>(x, m, flavor, "id");
        p.producers = Some(producers);
        p.consumers = Some(consumers);
        p.share = Some(Share::Consumers);
        let (run, observe) = fairness_runs(move |team, mode, n| match mode {
            Mode::Timed => {
                fairness::task_consumers::<C, M, false>(team, flavor, m, producers, consumers, n)
            }
            Mode::Cost => {
                fairness::task_consumers::<C, M, true>(team, flavor, m, producers, consumers, n)
            }
        });
        let cell = Cell::new_async(Workload::AsyncFairness, C::ID, p, needs, run);
        x.add(cell.observed(observe));
    }
}
