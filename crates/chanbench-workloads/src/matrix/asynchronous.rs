//! The async workloads' cells, on both runtime flavours.

use chanbench_schema::Params;

use chanbench_core::asynchronous::{AsyncMultiConsumer, Bridge};

use super::*;

impl Matrix {
    /// Parameters of an async cell of flavor `m` on `flavor`, with a plain thread for bridges.
    pub(super) fn async_params<C: AsyncChannel, M: MakeAsync<C>>(
        &self,
        m: M,
        flavor: Flavor,
        bridge: bool,
    ) -> Params {
        let capacity = m.capacity().map_or(Capacity::Unbounded, Capacity::Bounded);
        let threads = match flavor {
            Flavor::CurrentThread => 1,
            Flavor::MultiThread => self.shape.cores,
        } + usize::from(bridge);
        let mut params = Params::new(capacity, u64::describe(), threads);
        params.runtime = Some(flavor.runtime());
        params
    }

    /// The async cells every async implementation runs under flavor `m`, on both runtime
    /// flavours: `async-spsc` and `async-mpsc` (streaming flavors: 1024 and unbounded) and
    /// `async-ping-pong` (1 and unbounded), `u64`s. Streaming `async-spsc` and `async-ping-pong`
    /// cells get a calibration (a plain two-task loop on a runtime built by hand).
    pub fn add_async_flavor<C: AsyncChannel, M: MakeAsync<C>>(
        &mut self,
        m: M,
        needs: &'static [AsyncNeed],
    ) {
        self.add_async_lifecycle::<C, M>(m, needs);
        let capacity = m.capacity();
        let streaming = matches!(capacity, Some(1024) | None);
        let round_trip = matches!(capacity, Some(1) | None);
        let producers = self.shape.mpsc_producers;
        for flavor in Flavor::ALL {
            if streaming {
                // The thread-count sweep's producer tasks, on the multi-thread runtime.
                let swept = match flavor {
                    Flavor::MultiThread => self.sweep.producers.clone(),
                    Flavor::CurrentThread => Vec::new(),
                };
                let points = [(AsyncSpsc, 1), (AsyncMpsc, producers)]
                    .into_iter()
                    .chain(swept.into_iter().map(|p| (AsyncMpsc, p)));
                for (workload, producers) in points {
                    let mut params = self.async_params::<C, M>(m, flavor, false);
                    params.producers = (workload == AsyncMpsc).then_some(producers);
                    let cell = Cell::new_async(
                        workload,
                        C::ID,
                        params,
                        needs,
                        Box::new(move |team, _, n| {
                            async_workload::mpsc::<C, M, u64>(team, flavor, m, producers, n)
                        }),
                    );
                    if workload == AsyncSpsc {
                        self.calibrations.push(Calibration {
                            key: cell.key.clone(),
                            plain: Box::new(move |cores, n| {
                                calibrate::plain_async_spsc::<C, M>(cores, flavor, m, n)
                            }),
                        });
                    }
                    self.add(cell);
                }
            }
            if round_trip {
                let cell = Cell::new_async(
                    AsyncPingPong,
                    C::ID,
                    self.async_params::<C, M>(m, flavor, false),
                    needs,
                    Box::new(move |team, _, n| {
                        async_workload::ping_pong::<C, M>(team, flavor, m, n)
                    }),
                );
                self.calibrations.push(Calibration {
                    key: cell.key.clone(),
                    plain: Box::new(move |cores, n| {
                        calibrate::plain_async_ping_pong::<C, M>(cores, flavor, m, n)
                    }),
                });
                self.add(cell);
            }
        }
        super::async_behaviour::flavor(self, m, needs);
    }

    /// `async-mpmc` cells under flavor `m` (1024 and unbounded), on both runtime flavours.
    pub fn add_async_multi_consumer<C: AsyncMultiConsumer, M: MakeAsync<C>>(
        &mut self,
        m: M,
        needs: &'static [AsyncNeed],
    ) {
        if !matches!(m.capacity(), Some(1024) | None) {
            return;
        }
        let (p, c) = (self.shape.mpmc_producers, self.shape.mpmc_consumers);
        for flavor in Flavor::ALL {
            let mut params = self.async_params::<C, M>(m, flavor, false);
            params.producers = Some(p);
            params.consumers = Some(c);
            self.add(Cell::new_async(
                AsyncMpmc,
                C::ID,
                params,
                needs,
                Box::new(move |team, _, n| {
                    async_workload::mpmc::<C, M, u64>(team, flavor, m, p, c, n)
                }),
            ));
        }
        super::async_behaviour::multi_consumer(self, m, needs);
    }

    /// The bridges under flavor `m` (1024 and unbounded), on both runtime flavours:
    /// `thread-to-task` and `task-to-thread`.
    pub fn add_bridges<C: Bridge, M: MakeAsync<C>>(&mut self, m: M, needs: &'static [AsyncNeed]) {
        if !matches!(m.capacity(), Some(1024) | None) {
            return;
        }
        for flavor in Flavor::ALL {
            let params = self.async_params::<C, M>(m, flavor, true);
            self.add(Cell::new_async(
                ThreadToTask,
                C::ID,
                params.clone(),
                needs,
                Box::new(move |team, _, n| {
                    async_workload::thread_to_task::<C, M>(team, flavor, m, n)
                }),
            ));
            self.add(Cell::new_async(
                TaskToThread,
                C::ID,
                params,
                needs,
                Box::new(move |team, _, n| {
                    async_workload::task_to_thread::<C, M>(team, flavor, m, n)
                }),
            ));
        }
    }
}
