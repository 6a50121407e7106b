//! The channel workloads' cells: streaming, the payload sweep, ping-pong, bursts, fan-in, MPMC
//! and select, per flavor of a channel.

use chanbench_core::MultiConsumer;

use super::{strategy::job_items, *};

impl Matrix {
    /// Cells every channel implementation runs under flavor `m`: seq, spsc, mpsc, the payload
    /// sweep, ping-pong, merged fan-in, burst. `needs` names the flavor's capability.
    pub fn add_flavor<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        let capacity = capacity_of(m);
        let large = matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded);
        let small = matches!(capacity, Capacity::Bounded(1) | Capacity::Unbounded);
        let producers = self.shape.mpsc_producers;
        self.add_streaming::<C, M, u64>(Spsc, m, needs, 1);
        self.add_streaming::<C, M, u64>(Workload::Mpsc, m, needs, producers);
        if large {
            self.add(Cell::new(
                Seq,
                C::ID,
                params_of::<C, M, u64>(m, 1),
                needs,
                Box::new(move |team, _, n| workload::seq::<C, M, u64>(team, m, n)),
            ));
            self.add_streaming::<C, M, ()>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, Inline<64>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, Inline<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, Boxed<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1024>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<65536>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<65536>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecOwned<1048576>>(Spsc, m, needs, 1);
            self.add_streaming::<C, M, VecCloned<1048576>>(Spsc, m, needs, 1);
            let sources = self.shape.fan_in_sources;
            let merged = Serve::Merged;
            let mut params = stamped(m, sources::threads(sources, merged));
            params.strategy = Some(merged.to_string());
            params.sources = Some(sources);
            self.add(Cell::new(
                FanIn,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| match mode {
                    Mode::Timed => sources::serve::<C, M, false>(team, m, merged, sources, n),
                    Mode::Cost => sources::serve::<C, M, true>(team, m, merged, sources, n),
                }),
            ));
            self.add_strategy_cells::<C, M>(m, needs);
            for pause in BURST_PAUSES {
                if self.reduced && pause != Duration::from_micros(100) {
                    continue;
                }
                let bursts = COST_PAUSE_BUDGET.as_nanos() / pause.as_nanos().max(1);
                let mut params = stamped(m, 2);
                params.burst = Some(BURST_LEN);
                params.pause_ns = Some(pause.as_nanos() as u64);
                let cell = Cell::new(
                    Burst,
                    C::ID,
                    params,
                    needs,
                    Box::new(move |team, mode, n| match mode {
                        Mode::Timed => workload::burst::<C, M, false>(team, m, BURST_LEN, pause, n),
                        Mode::Cost => workload::burst::<C, M, true>(team, m, BURST_LEN, pause, n),
                    }),
                );
                self.add(
                    cell.cost_limit(
                        (!pause.is_zero()).then(|| (bursts as u64).max(16) * BURST_LEN),
                    ),
                );
            }
        }
        if small {
            self.add_ping_pong::<C, M, u64>(m, needs);
            self.add_ping_pong::<C, M, ()>(m, needs);
            self.add_ping_pong::<C, M, Inline<64>>(m, needs);
            self.add_ping_pong::<C, M, Inline<1024>>(m, needs);
            self.add_ping_pong::<C, M, Boxed<1024>>(m, needs);
            self.add_ping_pong::<C, M, VecOwned<1024>>(m, needs);
        }
    }

    pub(super) fn add_streaming<C: Channel, M: Make<C>, P: Payload>(
        &mut self,
        workload: Workload,
        m: M,
        needs: &'static [Capability],
        producers: usize,
    ) {
        if P::label() != "u64" && !self.keep_payload::<P>() {
            return;
        }
        let mut params = params_of::<C, M, P>(m, producers + 1);
        params.producers = (workload == Workload::Mpsc).then_some(producers);
        let cell = Cell::new(
            workload,
            C::ID,
            params,
            needs,
            Box::new(move |team, _, n| workload::mpsc::<C, M, P>(team, m, producers, n)),
        );
        let calibrated = matches!(
            cell.key.params().capacity,
            Capacity::Bounded(1024) | Capacity::Unbounded
        );
        if workload == Spsc && P::label() == "u64" && calibrated {
            self.calibrations.push(Calibration {
                key: cell.key.clone(),
                plain: Box::new(move |cores, n| calibrate::plain_spsc::<C, M>(cores, m, n)),
            });
        }
        self.add(cell.cost_limit(Self::cost_limit_for_bytes(P::bytes())));
    }

    pub(super) fn add_ping_pong<C: Channel, M: Make<C>, P: Payload>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        if P::label() != "u64" && !self.keep_payload::<P>() {
            return;
        }
        let cell = Cell::new(
            PingPong,
            C::ID,
            params_of::<C, M, P>(m, 2),
            needs,
            Box::new(move |team, mode, n| match mode {
                Mode::Timed => workload::ping_pong::<C, M, P, false>(team, m, n),
                Mode::Cost => workload::ping_pong::<C, M, P, true>(team, m, n),
            }),
        );
        if P::label() == "u64" {
            self.calibrations.push(Calibration {
                key: cell.key.clone(),
                plain: Box::new(move |cores, n| calibrate::plain_ping_pong::<C, M>(cores, m, n)),
            });
        }
        self.add(cell.cost_limit(Self::cost_limit_for_bytes(P::bytes())));
    }

    /// MPMC cells under flavor `m`.
    pub fn add_multi_consumer<C: MultiConsumer, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        let capacity = capacity_of(m);
        let (p, c) = (self.shape.mpmc_producers, self.shape.mpmc_consumers);
        let mut params = params_of::<C, M, u64>(m, p + c);
        params.producers = Some(p);
        params.consumers = Some(c);
        self.add(Cell::new(
            Mpmc,
            C::ID,
            params,
            needs,
            Box::new(move |team, _, n| workload::mpmc::<C, M, u64>(team, m, p, c, n)),
        ));
        if matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded) {
            for (grain, rounds) in self.grains() {
                for batch in [1, BATCH] {
                    let strategy = match batch {
                        1 => "pool-per-item".to_owned(),
                        b => format!("pool-batch-{b}"),
                    };
                    let mut params = Params::new(capacity, job_items(rounds), self.shape.cores + 1)
                        .strategy(strategy);
                    params.grain = Some(grain);
                    self.add(Cell::new(
                        Distribute,
                        C::ID,
                        params,
                        needs,
                        Box::new(move |team, _, n| {
                            let job = |team: &Team, items, rounds| {
                                distribute::pool::<C, M>(team, m, batch, items, rounds)
                            };
                            distribute::run_jobs(team, "pool", n, rounds, &job)
                        }),
                    ));
                }
            }
        }
    }

    /// Native-select cells under flavor `m`: fan-in and the sources family's select.
    pub fn add_select<C: Select, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        let capacity = capacity_of(m);
        if !matches!(capacity, Capacity::Bounded(1024) | Capacity::Unbounded) {
            return;
        }
        let fan_in = self.shape.fan_in_sources;
        let counts = self.source_counts();
        for (workload, sources) in std::iter::once((FanIn, fan_in))
            .chain(counts.into_iter().map(|sources| (Sources, sources)))
        {
            let mut params = stamped(m, sources + 1).strategy(SELECT);
            params.sources = Some(sources);
            self.add(Cell::new(
                workload,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| match mode {
                    Mode::Timed => sources::serve_select::<C, M, false>(team, m, sources, n),
                    Mode::Cost => sources::serve_select::<C, M, true>(team, m, sources, n),
                }),
            ));
        }
    }
}
