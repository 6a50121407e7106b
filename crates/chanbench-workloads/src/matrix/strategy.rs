//! The strategy families' cells: distribute, receive, sources, service and transport, over the
//! channels that can run them and under their own names where no channel is used.

use chanbench_schema::Params;

use chanbench_schema::Grain;

use super::*;

impl Matrix {
    pub(super) fn grains(&self) -> Vec<(Grain, u32)> {
        GRAINS
            .into_iter()
            .filter(|(g, _)| !self.reduced || *g == Grain::Medium)
            .collect()
    }

    pub(super) fn gaps(&self) -> Vec<Duration> {
        GAPS.into_iter()
            .filter(|g| !self.reduced || *g == Duration::from_micros(100))
            .collect()
    }

    pub(super) fn source_counts(&self) -> Vec<usize> {
        SOURCE_COUNTS
            .into_iter()
            .filter(|s| !self.reduced || [1, 64].contains(s))
            .collect()
    }

    /// The strategy families' cells over a channel, under flavor `m` (1024 or unbounded; the
    /// first registered wins, so bounded implementations run them at capacity 1024): receive,
    /// sources (all but select) and service. Their parameters leave out the capacity, so each
    /// implementation has one cell per configuration, comparable across implementations.
    pub(super) fn add_strategy_cells<C: Channel, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        for gap in self.gaps() {
            let limit = (COST_PAUSE_BUDGET.as_nanos() / gap.as_nanos().max(1)) as u64;
            for wait in WAITS {
                let mut params = stamped(m, 2).strategy(wait.to_string());
                params.gap_ns = Some(gap.as_nanos() as u64);
                let cell = Cell::new(
                    Receive,
                    C::ID,
                    params,
                    needs,
                    Box::new(move |team, mode, n| match mode {
                        Mode::Timed => receive::receive::<C, M, false>(team, m, wait, gap, n),
                        Mode::Cost => receive::receive::<C, M, true>(team, m, wait, gap, n),
                    }),
                );
                self.add(cell.cost_limit(Some(limit.max(16))));
            }
        }
        for sources in self.source_counts() {
            for serve in SERVES {
                let mut params =
                    stamped(m, sources::threads(sources, serve)).strategy(serve.to_string());
                params.sources = Some(sources);
                self.add(Cell::new(
                    Sources,
                    C::ID,
                    params,
                    needs,
                    Box::new(move |team, mode, n| match mode {
                        Mode::Timed => sources::serve::<C, M, false>(team, m, serve, sources, n),
                        Mode::Cost => sources::serve::<C, M, true>(team, m, serve, sources, n),
                    }),
                ));
            }
        }
        self.add_service::<C, M, Message>(m, needs);
        self.add_service::<C, M, Box<Message>>(m, needs);
        let cores = self.shape.cores;
        // Over every channel: the peer sweep of 1 KiB frames; over the first registered channel,
        // the other links too (the frame sizes are the channel-less strategies' sweep, to keep
        // the default run in its budget).
        let strategy = transport::Strategy::ThreadPerStream;
        let receivers = if self.implementations.is_empty() {
            Receivers::FirstChannel
        } else {
            Receivers::OtherChannel
        };
        for (link, peers, payload) in self.transport_configurations(receivers) {
            let params = transport_params(capacity_of(m), strategy, link, peers, payload, cores);
            let cell = Cell::new(
                Transport,
                C::ID,
                params,
                needs,
                Box::new(move |team, mode, n| {
                    let run = match mode {
                        Mode::Timed => transport::thread_per_stream::<C, M, false>,
                        Mode::Cost => transport::thread_per_stream::<C, M, true>,
                    };
                    run(team, m, link, peers, payload, n)
                        .unwrap_or_else(|e| panic!("transport: {e}"))
                }),
            )
            .cost_limit(Self::cost_limit_for_bytes(transport::HEADER + payload));
            self.add(if link == Link::LOOPBACK {
                cell
            } else {
                cell.one_implementation()
            });
        }
        let mut params = transport_params(capacity_of(m), strategy, Link::LOOPBACK, 1, 1024, cores);
        params.burst = Some(transport::PUBLISH);
        self.add(Cell::new(
            Transport,
            C::ID,
            params,
            needs,
            Box::new(move |team, mode, n| {
                let link = Link::LOOPBACK;
                let result = match mode {
                    Mode::Timed => transport::publish::<false>(n, || {
                        transport::thread_per_stream::<C, M, false>(
                            team,
                            m,
                            link,
                            1,
                            1024,
                            transport::PUBLISH,
                        )
                    }),
                    Mode::Cost => transport::publish::<true>(n, || {
                        transport::thread_per_stream::<C, M, true>(
                            team,
                            m,
                            link,
                            1,
                            1024,
                            transport::PUBLISH,
                        )
                    }),
                };
                result.unwrap_or_else(|e| panic!("transport publish: {e}"))
            }),
        ));
    }

    /// The transport family's (link, peers, payload bytes) for `receivers`:
    /// - over loopback TCP with the peers as threads, 1 KiB frames from 1, 4, 16 and 64 peers
    ///   for every receiver, and 16 B and 64 KiB frames from 4 peers for the channel-less ones;
    /// - over a Unix socket, and with the peers in a process of their own, 4 peers of 1 KiB for
    ///   the channel-less receivers and thread-per-stream over the first registered channel
    ///   (over every channel, those 10 cells cost the default run its time budget).
    ///
    /// The reduced matrix: 1 and 64 peers over TCP, and the channel-less receivers' other links.
    pub(super) fn transport_configurations(
        &self,
        receivers: Receivers,
    ) -> Vec<(Link, usize, usize)> {
        let mut out: Vec<(Link, usize, usize)> = PEER_COUNTS
            .into_iter()
            .filter(|n| !self.reduced || [1, 64].contains(n))
            .map(|n| (Link::LOOPBACK, n, 1024))
            .collect();
        let channel_less = receivers == Receivers::ChannelLess;
        if !self.reduced && channel_less {
            out.extend(
                PAYLOADS
                    .into_iter()
                    .filter(|&p| p != 1024)
                    .map(|p| (Link::LOOPBACK, 4, p)),
            );
        }
        if channel_less || (!self.reduced && receivers == Receivers::FirstChannel) {
            out.push((Link::new(Socket::Unix, PeersIn::Threads), 4, 1024));
            out.push((Link::new(Socket::Tcp, PeersIn::Process), 4, 1024));
        }
        out
    }

    pub(super) fn add_service<C: Channel, M: Make<C>, E: Envelope>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        let params = |strategy: &str, threads| {
            let mut p =
                Params::new(capacity_of(m), service_message::<E>(), threads).strategy(strategy);
            p.envelope = Some(E::KIND);
            p
        };
        self.add(Cell::new(
            Service,
            C::ID,
            params("one-thread", 1),
            needs,
            Box::new(move |team, _, n| service::one_thread::<C, M, E>(team, m, n)),
        ));
        self.add(Cell::new(
            Service,
            C::ID,
            params("two-threads", 2),
            needs,
            Box::new(move |team, mode, n| match mode {
                Mode::Timed => service::two_threads::<C, M, E, false>(team, m, n),
                Mode::Cost => service::two_threads::<C, M, E, true>(team, m, n),
            }),
        ));
    }

    /// The strategies without a channel, registered once under their own names: sequential,
    /// rayon, the two static splits and the locked queue (distribute), and the direct call
    /// (service).
    pub fn add_strategies(&mut self) {
        type JobFn = fn(&Team, u64, u32) -> (Duration, distribute::Outcome);
        let cores = self.shape.cores;
        // (name, job, threads it runs on, whether it spawns them per job)
        let strategies: [(&'static str, JobFn, usize, bool); 5] = [
            ("sequential", distribute::sequential, 1, false),
            ("rayon", distribute::rayon, cores, false),
            ("team-split", distribute::team_split, cores, false),
            ("scope-split", distribute::scope_split, cores, true),
            // A dispatcher and a worker per core.
            ("mutex-queue", distribute::mutex_queue, cores + 1, false),
        ];
        for (grain, rounds) in self.grains() {
            for (name, job, threads, spawns_threads) in strategies {
                let mut params =
                    Params::new(Capacity::None, job_items(rounds), threads).strategy(name);
                params.grain = Some(grain);
                let cell = Cell::new(
                    Distribute,
                    name,
                    params,
                    &[],
                    Box::new(move |team, _, n| distribute::run_jobs(team, name, n, rounds, &job)),
                );
                self.add(cell.spawning_threads(spawns_threads));
            }
        }
        fn direct<E: Envelope>() -> (Params, Runner) {
            let mut params =
                Params::new(Capacity::None, service_message::<E>(), 1).strategy("direct-call");
            params.envelope = Some(E::KIND);
            (
                params,
                Box::new(|team, _, n| service::direct_call::<E>(team, n)),
            )
        }
        for (params, run) in [direct::<Message>(), direct::<Box<Message>>()] {
            self.add(Cell::new(Service, "direct-call", params, &[], run));
        }
        for strategy in CHANNEL_LESS {
            if strategy == transport::Strategy::IoUring && self.io_uring.is_err() {
                continue;
            }
            for (link, peers, payload) in self.transport_configurations(Receivers::ChannelLess) {
                let params =
                    transport_params(Capacity::None, strategy, link, peers, payload, cores);
                let name = strategy.name();
                let cell = Cell::new(
                    Transport,
                    name,
                    params,
                    &[],
                    Box::new(move |team, mode, n| {
                        let run = match mode {
                            Mode::Timed => transport::receive::<false>,
                            Mode::Cost => transport::receive::<true>,
                        };
                        run(team, strategy, link, peers, payload, n)
                            .unwrap_or_else(|e| panic!("transport: {e}"))
                    }),
                );
                self.add(cell.cost_limit(Self::cost_limit_for_bytes(transport::HEADER + payload)));
            }
            // The publish shape: one client, 1,024 messages of 1 KiB per connection.
            let mut params =
                transport_params(Capacity::None, strategy, Link::LOOPBACK, 1, 1024, cores);
            params.burst = Some(transport::PUBLISH);
            self.add(Cell::new(
                Transport,
                strategy.name(),
                params,
                &[],
                Box::new(move |team, mode, n| {
                    let link = Link::LOOPBACK;
                    let result = match mode {
                        Mode::Timed => transport::publish::<false>(n, || {
                            transport::receive::<false>(
                                team,
                                strategy,
                                link,
                                1,
                                1024,
                                transport::PUBLISH,
                            )
                        }),
                        Mode::Cost => transport::publish::<true>(n, || {
                            transport::receive::<true>(
                                team,
                                strategy,
                                link,
                                1,
                                1024,
                                transport::PUBLISH,
                            )
                        }),
                    };
                    result.unwrap_or_else(|e| panic!("transport publish: {e}"))
                }),
            ));
        }
    }
}

/// Which transport receivers a list of configurations is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Receivers {
    /// polling, epoll, tokio, io-uring.
    ChannelLess,
    /// thread-per-stream over the first channel registered.
    FirstChannel,
    /// thread-per-stream over any other channel.
    OtherChannel,
}

/// Parameters of a transport cell.
pub(super) fn transport_params(
    capacity: Capacity,
    strategy: transport::Strategy,
    link: Link,
    peers: usize,
    payload: usize,
    cores: usize,
) -> Params {
    let label = match payload {
        p if p >= 1024 && p % 1024 == 0 => format!("frame-{}KiB", p / 1024),
        p => format!("frame-{p}B"),
    };
    let payload_desc = chanbench_schema::Payload::sized(label, payload as u64);
    let mut params = Params::new(capacity, payload_desc, strategy.threads(link, peers, cores))
        .strategy(strategy.to_string());
    params.peers = Some(peers);
    params.socket = (link.socket != Socket::Tcp).then_some(link.socket);
    params.peers_in = (link.peers_in == PeersIn::Process).then_some(link.peers_in);
    params
}

/// A distribute job's item: `rounds` hash rounds of work, no payload size to speak of.
pub(super) fn job_items(rounds: u32) -> chanbench_schema::Payload {
    chanbench_schema::Payload::opaque(format!("items-of-{rounds}-rounds"))
}

/// The service workload's message, in envelope `E`.
pub(super) fn service_message<E: Envelope>() -> chanbench_schema::Payload {
    let bytes = std::mem::size_of::<Message>();
    chanbench_schema::Payload::sized(format!("{}-{bytes}B", E::KIND), bytes as u64)
}
