//! The `transport` family: one node receiving frames from N−1 peers over real sockets, read by a
//! thread per stream into a channel, or by a strategy without one (polling, epoll, tokio,
//! io-uring); each also in the publish shape (one client, [`PUBLISH`] messages per connection).

use std::marker::PhantomData;

use chanbench_schema::{Capacity, Params, Payload as Described};

use super::{
    Capability, Cell, Channel, Make, Matrix, Workload::Transport, by_mode, capacity_of, is_large,
};
use crate::{
    placement::Team,
    strategy::transport::{
        self, CHANNEL_LESS, FrameError, HEADER, Link, PUBLISH, PeersIn, Socket, Strategy,
    },
    workload::Measured,
};

/// Which receivers a list of configurations is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Receivers {
    /// polling, epoll, tokio, io-uring.
    ChannelLess,
    /// thread-per-stream over the first channel registered.
    FirstChannel,
    /// thread-per-stream over any other channel.
    OtherChannel,
}

/// How a cell's node receives: the one thing its cells differ by.
trait Receive: Copy + Send + 'static {
    fn receive<const RECORD: bool>(
        self,
        team: &Team,
        link: Link,
        peers: usize,
        payload: usize,
        frames: u64,
    ) -> Result<Measured, FrameError>;
}

/// thread-per-stream over a channel of flavor `M`.
struct OverChannel<C, M>(M, PhantomData<fn() -> C>);

impl<C, M: Copy> Clone for OverChannel<C, M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C, M: Copy> Copy for OverChannel<C, M> {}

impl<C: Channel, M: Make<C>> Receive for OverChannel<C, M> {
    fn receive<const RECORD: bool>(
        self,
        team: &Team,
        link: Link,
        peers: usize,
        payload: usize,
        frames: u64,
    ) -> Result<Measured, FrameError> {
        transport::thread_per_stream::<C, M, RECORD>(team, self.0, link, peers, payload, frames)
    }
}

impl Receive for Strategy {
    fn receive<const RECORD: bool>(
        self,
        team: &Team,
        link: Link,
        peers: usize,
        payload: usize,
        frames: u64,
    ) -> Result<Measured, FrameError> {
        transport::receive::<RECORD>(team, self, link, peers, payload, frames)
    }
}

/// thread-per-stream over every channel: the peer sweep of 1 KiB frames, and over the first
/// registered channel the other links too (the frame sizes are the channel-less strategies'
/// sweep, to keep the default run in its budget); and its publish shape.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if !is_large(m) {
        return;
    }
    let receivers = if x.implementations.is_empty() {
        Receivers::FirstChannel
    } else {
        Receivers::OtherChannel
    };
    let over = OverChannel::<C, M>(m, PhantomData);
    let strategy = Strategy::ThreadPerStream;
    for (link, peers, payload) in configurations(x, receivers) {
        let cell = cell(
            x,
            C::ID,
            capacity_of(m),
            strategy,
            needs,
            over,
            link,
            peers,
            payload,
        );
        x.add(if link == Link::LOOPBACK {
            cell
        } else {
            cell.one_implementation()
        });
    }
    x.add(publish_cell(
        x,
        C::ID,
        capacity_of(m),
        strategy,
        needs,
        over,
    ));
}

/// The strategies without a channel, under their own names (io-uring where the machine allows
/// it): every configuration and the publish shape.
pub(super) fn channel_less(x: &mut Matrix) {
    for strategy in CHANNEL_LESS {
        if strategy == Strategy::IoUring && x.io_uring.is_err() {
            continue;
        }
        let name = strategy.name();
        for (link, peers, payload) in configurations(x, Receivers::ChannelLess) {
            let cell = cell(
                x,
                name,
                Capacity::None,
                strategy,
                &[],
                strategy,
                link,
                peers,
                payload,
            );
            x.add(cell);
        }
        x.add(publish_cell(
            x,
            name,
            Capacity::None,
            strategy,
            &[],
            strategy,
        ));
    }
}

/// The family's (link, peers, payload bytes) for `receivers`:
/// - over loopback TCP with the peers as threads, 1 KiB frames from each peer count of the sweep
///   for every receiver, and the sweep's other frame sizes from 4 peers for the channel-less ones;
/// - over a Unix socket, and with the peers in a process of their own, 4 peers of 1 KiB for
///   the channel-less receivers and (in the full sweep) thread-per-stream over the first
///   registered channel (over every channel, those 10 cells cost the default run its budget).
pub(super) fn configurations(x: &Matrix, receivers: Receivers) -> Vec<(Link, usize, usize)> {
    let sweep = &x.sweep;
    let mut out: Vec<(Link, usize, usize)> = sweep
        .peer_counts
        .iter()
        .map(|&n| (Link::LOOPBACK, n, 1024))
        .collect();
    let channel_less = receivers == Receivers::ChannelLess;
    if channel_less {
        out.extend(sweep.other_frames.iter().map(|&p| (Link::LOOPBACK, 4, p)));
    }
    if channel_less || (sweep.first_channel_links && receivers == Receivers::FirstChannel) {
        out.push((Link::new(Socket::Unix, PeersIn::Threads), 4, 1024));
        out.push((Link::new(Socket::Tcp, PeersIn::Process), 4, 1024));
    }
    out
}

/// A cell of `payload`-byte frames from `peers` peers over `link`, received by `r`.
#[allow(clippy::too_many_arguments)]
fn cell<R: Receive>(
    x: &Matrix,
    implementation: &'static str,
    capacity: Capacity,
    strategy: Strategy,
    needs: &'static [Capability],
    r: R,
    link: Link,
    peers: usize,
    payload: usize,
) -> Cell {
    let params = params(x, capacity, strategy, link, peers, payload);
    let run = move |team: &Team, mode, n| {
        by_mode!(mode, |COST| r
            .receive::<COST>(team, link, peers, payload, n))
        .unwrap_or_else(|e| panic!("transport: {e}"))
    };
    Cell::new(Transport, implementation, params, needs, Box::new(run))
        .cost_limit(Matrix::cost_limit_for_bytes(HEADER + payload))
}

/// The publish shape, received by `r`: one client, [`PUBLISH`] messages of 1 KiB per
/// connection, over loopback TCP.
fn publish_cell<R: Receive>(
    x: &Matrix,
    implementation: &'static str,
    capacity: Capacity,
    strategy: Strategy,
    needs: &'static [Capability],
    r: R,
) -> Cell {
    let link = Link::LOOPBACK;
    let mut params = params(x, capacity, strategy, link, 1, 1024);
    params.burst = Some(PUBLISH);
    let run = move |team: &Team, mode, n| {
        by_mode!(mode, |COST| transport::publish::<COST>(n, || {
            r.receive::<COST>(team, link, 1, 1024, PUBLISH)
        }))
        .unwrap_or_else(|e| panic!("transport publish: {e}"))
    };
    Cell::new(Transport, implementation, params, needs, Box::new(run))
}

/// Parameters of a transport cell.
fn params(
    x: &Matrix,
    capacity: Capacity,
    strategy: Strategy,
    link: Link,
    peers: usize,
    payload: usize,
) -> Params {
    let label = match payload {
        p if p >= 1024 && p % 1024 == 0 => format!("frame-{}KiB", p / 1024),
        p => format!("frame-{p}B"),
    };
    let described = Described::sized(label, payload as u64);
    let threads = strategy.threads(link, peers, x.shape.cores);
    let mut params = Params::new(capacity, described, threads).strategy(strategy.receiver());
    params.peers = Some(peers);
    params.socket = (link.socket != Socket::Tcp).then_some(link.socket);
    params.peers_in = (link.peers_in == PeersIn::Process).then_some(link.peers_in);
    params
}
