//! **transport**: one node receiving from N−1 peers over real sockets: TCP on 127.0.0.1 (ports
//! chosen by the OS) or Unix domain sockets (abstract names, nothing on disk). Each peer streams
//! length-prefixed frames over its own connection; the receiving node hands every frame to one
//! handler, which checks each peer's sequence. The receiver is one of the strategies a team
//! weighed in prose, and one more:
//! - **thread-per-stream**: a thread per connection with blocking reads, forwarding each frame's
//!   header into one channel the handler reads (generic over the channel, so every registered
//!   implementation is measured);
//! - **polling**: one thread reading non-blocking connections round-robin, yielding after a sweep
//!   that found nothing;
//! - **epoll**: one thread, an event loop over mio (`epoll` on Linux) that sleeps when nothing
//!   arrives;
//! - **tokio**: a task per connection forwarding into a tokio channel, and a handler task, on the
//!   `current_thread` or the `multi_thread` runtime;
//! - **io-uring**: one thread keeping a `recv` in flight per connection on an io_uring
//!   (`transport/uring.rs`), sleeping in the kernel until some complete.
//!
//! The peers are team threads of this process by default, or a process of their own
//! ([`PeersIn::Process`], [`process`]): the same frames, with a process boundary between the
//! node and its peers.
//!
//! A frame is a 24-byte header (`len: u32` of the whole frame, `peer: u32`, `seq: u64`,
//! `sent: u64` ns since the run's base instant, on `CLOCK_MONOTONIC`, which every process shares)
//! and a payload of zeros. Connections are made before the clock starts; the interval runs from
//! the first peer's start to the handler's last frame. Every loop is bounded: a connection silent
//! for [`STALL`] is an error, not a hang.

mod frame;
pub mod process;
mod uring;
mod wire;

pub use frame::{Decoder, FrameError, HEADER, Handler, Header, MAX_FRAME, STALL};
pub use uring::available as io_uring_available;
pub use wire::{Address, Link, PeersIn, Socket};

use frame::{Handled, Outcome, handled, io_error, stream_frames};
use wire::{Wire, connect};

use std::{
    fmt,
    io::{ErrorKind, Read, Write},
    net::TcpStream,
    os::unix::net::UnixStream,
    sync::Arc,
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{Channel, Make};
use hdrhistogram::Histogram;

use crate::{
    placement::{Role, Team},
    runtime::Flavor,
    workload::{Measured, split},
};

/// Peer counts measured (N−1).
pub const PEER_COUNTS: [usize; 4] = [1, 4, 16, 64];
/// Payload bytes per frame measured.
pub const PAYLOADS: [usize; 3] = [16, 1024, 65536];

/// How the receiving node reads its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// A blocking reader thread per connection, forwarding into one channel.
    ThreadPerStream,
    /// One thread, non-blocking reads round-robin.
    Polling,
    /// One thread, a mio (epoll) event loop.
    Epoll,
    /// A tokio task per connection, on a runtime of this flavour.
    Tokio(Flavor),
    /// One thread, a `recv` in flight per connection on an io_uring.
    IoUring,
}

/// The strategies without a channel of ours, registered once under their own names.
pub const CHANNEL_LESS: [Strategy; 5] = [
    Strategy::Polling,
    Strategy::Epoll,
    Strategy::Tokio(Flavor::CurrentThread),
    Strategy::Tokio(Flavor::MultiThread),
    Strategy::IoUring,
];

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Strategy {
    /// Its name: the cells' strategy, and a channel-less strategy's implementation id.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::ThreadPerStream => "thread-per-stream",
            Strategy::Polling => "polling",
            Strategy::Epoll => "epoll",
            Strategy::Tokio(Flavor::CurrentThread) => "tokio-current-thread",
            Strategy::Tokio(Flavor::MultiThread) => "tokio-multi-thread",
            Strategy::IoUring => "io-uring",
        }
    }

    /// Threads of the receiving node with `peers` peers and `cores` allowed cores.
    pub fn receiver_threads(self, peers: usize, cores: usize) -> usize {
        match self {
            Strategy::ThreadPerStream => peers + 1,
            Strategy::Polling | Strategy::Epoll | Strategy::IoUring => 1,
            Strategy::Tokio(flavor) => match flavor {
                Flavor::CurrentThread => 1,
                Flavor::MultiThread => cores,
            },
        }
    }

    /// Threads a cell of this strategy runs on in this process with `peers` peers, `cores`
    /// allowed cores and peers where `link` puts them: the receiver's own, and the peers when
    /// they are threads here.
    pub fn threads(self, link: Link, peers: usize, cores: usize) -> usize {
        let here = match link.peers_in {
            PeersIn::Threads => peers,
            PeersIn::Process => 0,
        };
        here + self.receiver_threads(peers, cores)
    }
}

/// A peer in this process: a team role streaming its frames (after the team's gate).
fn peer<const RECORD: bool>(
    stream: impl Write + Send + 'static,
    id: usize,
    payload: usize,
    frames: u64,
    base: Instant,
) -> Role<Outcome> {
    Box::new(move || {
        let clock = || base.elapsed().as_nanos() as u64;
        match stream_frames::<RECORD, _>(stream, id, payload, frames, clock, Instant::now) {
            Ok(start) => Outcome::Peer(start),
            Err(e) => panic!("transport: {e}"),
        }
    })
}

/// Reads one connection with blocking reads until it closes, decoding into `frame`.
fn read_blocking<S: Wire>(
    stream: usize,
    mut s: S,
    stall: Duration,
    mut frame: impl FnMut(Header) -> Result<(), FrameError>,
) -> Result<(), FrameError> {
    s.set_read_timeout(Some(stall))
        .map_err(|e| io_error(stream, &e))?;
    let mut decoder = Decoder::new(stream);
    let mut buf = vec![0u8; 64 << 10];
    let mut failed = None;
    loop {
        match s.read(&mut buf) {
            Ok(0) => return decoder.finish(),
            Ok(n) => {
                decoder.feed(&buf[..n], |h| {
                    if failed.is_none() {
                        failed = frame(h).err();
                    }
                })?;
                if let Some(e) = failed.take() {
                    return Err(e);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(FrameError::Stalled {
                    stream,
                    after: stall,
                });
            }
            Err(e) => return Err(io_error(stream, &e)),
        }
    }
}

/// One thread reading every connection non-blocking, round-robin (`epoll`: false) or woken by
/// mio's event loop (`epoll`: true).
fn single_thread<S: Wire, const RECORD: bool>(
    streams: Vec<S>,
    sent: u64,
    base: Instant,
    epoll: bool,
    stall: Duration,
) -> Result<Handled, FrameError> {
    let mut handler = Handler::<RECORD>::new(streams.len(), base);
    let mut buf = vec![0u8; 64 << 10];
    let mut decoders: Vec<Decoder> = (0..streams.len()).map(Decoder::new).collect();
    let mut open: Vec<Option<S>> = streams.into_iter().map(Some).collect();
    for (i, s) in open.iter().enumerate() {
        if let Some(s) = s {
            s.set_nonblocking(true).map_err(|e| io_error(i, &e))?;
        }
    }
    // Reads connection `i` until it would block; whether it closed, and whether it gave bytes.
    let mut drain = |i: usize,
                     s: &mut dyn Read,
                     handler: &mut Handler<RECORD>|
     -> Result<(bool, bool), FrameError> {
        let mut got = false;
        loop {
            match s.read(&mut buf) {
                Ok(0) => {
                    decoders[i].finish()?;
                    return Ok((true, got));
                }
                Ok(n) => {
                    got = true;
                    let mut failed = None;
                    decoders[i].feed(&buf[..n], |h| {
                        if failed.is_none() {
                            failed = handler.handle(h).err();
                        }
                    })?;
                    if let Some(e) = failed {
                        return Err(e);
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok((false, got)),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(i, &e)),
            }
        }
    };
    let mut remaining = open.len();
    let mut last_progress = Instant::now();
    if epoll {
        let mut poll = mio::Poll::new().map_err(|e| io_error(0, &e))?;
        let mut mio_streams: Vec<Option<S::Mio>> = Vec::with_capacity(open.len());
        for (i, s) in open.iter_mut().enumerate() {
            let mut m = s.take().expect("every stream is open").into_mio();
            poll.registry()
                .register(&mut m, mio::Token(i), mio::Interest::READABLE)
                .map_err(|e| io_error(i, &e))?;
            mio_streams.push(Some(m));
        }
        let mut events = mio::Events::with_capacity(1024);
        while remaining > 0 {
            match poll.poll(&mut events, Some(stall)) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(0, &e)),
            }
            if events.is_empty() {
                let stream = mio_streams.iter().position(Option::is_some).unwrap_or(0);
                return Err(FrameError::Stalled {
                    stream,
                    after: stall,
                });
            }
            for event in events.iter() {
                let i = event.token().0;
                let Some(m) = mio_streams[i].as_mut() else {
                    continue;
                };
                let (closed, _) = drain(i, m, &mut handler)?;
                if closed {
                    if let Some(mut m) = mio_streams[i].take() {
                        let _ = poll.registry().deregister(&mut m);
                    }
                    remaining -= 1;
                }
            }
        }
    } else {
        while remaining > 0 {
            let mut progress = false;
            for (i, slot) in open.iter_mut().enumerate() {
                let Some(s) = slot.as_mut() else {
                    continue;
                };
                let (closed, got) = drain(i, s, &mut handler)?;
                progress |= got || closed;
                if closed {
                    *slot = None;
                    remaining -= 1;
                }
            }
            if progress {
                last_progress = Instant::now();
            } else if last_progress.elapsed() > stall {
                let stream = open.iter().position(Option::is_some).unwrap_or(0);
                return Err(FrameError::Stalled {
                    stream,
                    after: stall,
                });
            } else {
                thread::yield_now();
            }
        }
    }
    handled(handler, sent)
}

/// A task per connection forwarding headers into a tokio channel, and a handler task, spawned on
/// the runtime of `handle` with every socket registered first: none of that setup is timed (on
/// `current_thread` the tasks wait for the `block_on` of the timed role). The handler's result
/// arrives on the receiver returned.
fn tokio_spawn<S: Wire, const RECORD: bool>(
    handle: &tokio::runtime::Handle,
    streams: Vec<S>,
    sent: u64,
    base: Instant,
    stall: Duration,
) -> Result<tokio::sync::oneshot::Receiver<Result<Handled, FrameError>>, FrameError> {
    use tokio::io::AsyncReadExt;
    let _entered = handle.enter();
    let mut registered = Vec::with_capacity(streams.len());
    for (i, s) in streams.into_iter().enumerate() {
        s.set_nonblocking(true).map_err(|e| io_error(i, &e))?;
        registered.push(s.into_tokio().map_err(|e| io_error(i, &e))?);
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Header, FrameError>>(1024);
    let count = registered.len();
    for (i, mut s) in registered.into_iter().enumerate() {
        let tx = tx.clone();
        handle.spawn(async move {
            let mut decoder = Decoder::new(i);
            let mut buf = vec![0u8; 64 << 10];
            // Reused: no allocation per read, as the other receivers make none.
            let mut headers: Vec<Header> = Vec::with_capacity(64);
            loop {
                let read = tokio::time::timeout(stall, s.read(&mut buf)).await;
                let result = match read {
                    Err(_) => Err(FrameError::Stalled {
                        stream: i,
                        after: stall,
                    }),
                    Ok(Ok(0)) => match decoder.finish() {
                        Ok(()) => return,
                        Err(e) => Err(e),
                    },
                    Ok(Ok(n)) => {
                        headers.clear();
                        match decoder.feed(&buf[..n], |h| headers.push(h)) {
                            Ok(()) => {
                                for h in headers.drain(..) {
                                    if tx.send(Ok(h)).await.is_err() {
                                        return;
                                    }
                                }
                                continue;
                            }
                            Err(e) => Err(e),
                        }
                    }
                    Ok(Err(e)) => Err(io_error(i, &e)),
                };
                let _ = tx.send(result).await;
                return;
            }
        });
    }
    drop(tx);
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    handle.spawn(async move {
        let mut handler = Handler::<RECORD>::new(count, base);
        let mut result = Ok(());
        while let Some(h) = rx.recv().await {
            if let Err(e) = h.and_then(|h| handler.handle(h)) {
                result = Err(e);
                break;
            }
        }
        let _ = done_tx.send(result.and_then(|()| handled(handler, sent)));
    });
    Ok(done_rx)
}

/// Messages a client publishes over one connection in the publish shape (the small
/// messaging library's own benchmark in our design notes).
pub const PUBLISH: u64 = 1024;

/// **publish**: a client publishing [`PUBLISH`] messages to a server over one connection, as
/// many times as it takes to cover `messages`. Each publish is one run of `once` (a fresh
/// connection, made before its clock starts); their times add up. A timed run's time is scaled
/// to `messages`; a cost run reports what it sent.
///
/// # Errors
///
/// The first publish's error.
pub fn publish<const RECORD: bool>(
    messages: u64,
    mut once: impl FnMut() -> Result<Measured, FrameError>,
) -> Result<Measured, FrameError> {
    let publishes = messages.div_ceil(PUBLISH).max(1);
    let mut elapsed = Duration::ZERO;
    let mut sent = 0;
    let mut latency: Option<Histogram<u64>> = None;
    for _ in 0..publishes {
        let m = once()?;
        elapsed += m.elapsed;
        sent += m.messages;
        if let Some(h) = m.latency {
            match latency.as_mut() {
                Some(all) => all.add(&h).expect("latency histograms share their bounds"),
                None => latency = Some(h),
            }
        }
    }
    Ok(if RECORD {
        Measured {
            elapsed,
            messages: sent,
            latency,
        }
    } else {
        Measured {
            elapsed: elapsed.mul_f64(messages as f64 / sent as f64),
            messages,
            latency,
        }
    })
}

/// The connections and peers of one run, made before the clock starts.
struct Setup<S> {
    /// The peers' roles (threads), or the one role telling the peers' process to go.
    roles: Vec<Role<Outcome>>,
    /// The peers' process, when they are in one.
    remote: Option<process::Remote>,
    into: Vec<S>,
    base: Instant,
    /// Frames the peers send: at least [`MIN_FRAMES_PER_PEER`] each.
    sent: u64,
    /// Frames asked for.
    asked: u64,
}

/// Frames each peer sends at least in one run. A run of a few frames per peer would time the
/// release of 64 peer threads rather than the receiver (on 2 cores, 64 kernel wake-ups of tens
/// of microseconds each: 120-470 us per frame at 64 peers, against 2-4 us of CPU per frame). A
/// timed run's time is scaled back to the frames asked for; a cost run reports the frames sent.
pub const MIN_FRAMES_PER_PEER: u64 = 128;

fn setup<S: Wire, const RECORD: bool>(
    team: &Team,
    link: Link,
    peers: usize,
    payload: usize,
    frames: u64,
) -> Result<Setup<S>, FrameError> {
    let sent = frames.max(peers as u64 * MIN_FRAMES_PER_PEER);
    let per_peer = split(sent, peers);
    let (roles, remote, into, base) = match link.peers_in {
        PeersIn::Threads => {
            let (out, into) = connect::<S>(peers).map_err(|e| io_error(0, &e))?;
            let base = Instant::now();
            let roles = out
                .into_iter()
                .zip(per_peer)
                .enumerate()
                .map(|(id, (s, n))| peer::<RECORD>(s, id, payload, n, base))
                .collect();
            (roles, None, into, base)
        }
        PeersIn::Process => {
            let spec = process::Spec::new(RECORD, per_peer, payload, team.worker_cores());
            let (mut remote, into, base) = process::Remote::start::<S>(spec, STALL)?;
            (vec![remote.starter()], Some(remote), into, base)
        }
    };
    Ok(Setup {
        roles,
        remote,
        into,
        base,
        sent,
        asked: frames,
    })
}

/// The interval (first peer's start to the last frame handled) and the handler's latencies. A
/// timed run (`RECORD` false, criterion's) has its time scaled from the frames sent to the frames
/// asked for; a cost run reports what it sent, so its per-frame figures divide by that. The
/// peers' process, if any, is waited for and its peers' starts read.
fn finish<const RECORD: bool>(
    outcomes: Vec<Outcome>,
    remote: Option<process::Remote>,
    base: Instant,
    sent: u64,
    asked: u64,
) -> Result<Measured, FrameError> {
    let mut first = None::<Instant>;
    let mut result = None;
    for o in outcomes {
        match o {
            Outcome::Peer(start) => first = Some(first.map_or(start, |f| f.min(start))),
            Outcome::Reader => {}
            Outcome::Handled(r) => result = Some(r),
        }
    }
    let starts = remote.map(|r| r.finish(base, STALL));
    // The receiver's error first: the peers' process fails too when the node stops reading.
    let h = result.expect("a transport cell has a handler")?;
    for start in starts.transpose()?.into_iter().flatten() {
        first = Some(first.map_or(start, |f| f.min(start)));
    }
    let first = first.expect("a transport cell has peers");
    debug_assert_eq!(h.handled, sent);
    let elapsed = h.end.saturating_duration_since(first);
    Ok(if RECORD {
        Measured {
            elapsed,
            messages: sent,
            latency: h.histogram,
        }
    } else {
        Measured {
            elapsed: elapsed.mul_f64(asked as f64 / sent as f64),
            messages: asked,
            latency: h.histogram,
        }
    })
}

/// **thread-per-stream**: `frames` frames of `payload` bytes shared by `peers` peers over
/// `link`, each connection read by a blocking thread forwarding headers into one channel of
/// flavor `m`.
///
/// # Errors
///
/// A frame error on any connection, or a socket or peers' process that could not be set up.
pub fn thread_per_stream<C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    link: Link,
    peers: usize,
    payload: usize,
    frames: u64,
) -> Result<Measured, FrameError> {
    match link.socket {
        Socket::Tcp => {
            thread_per_stream_on::<TcpStream, C, M, RECORD>(team, m, link, peers, payload, frames)
        }
        Socket::Unix => {
            thread_per_stream_on::<UnixStream, C, M, RECORD>(team, m, link, peers, payload, frames)
        }
    }
}

fn thread_per_stream_on<S: Wire, C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    link: Link,
    peers: usize,
    payload: usize,
    frames: u64,
) -> Result<Measured, FrameError> {
    let Setup {
        mut roles,
        remote,
        into,
        base,
        sent,
        asked,
    } = setup::<S, RECORD>(team, link, peers, payload, frames)?;
    let frames = sent;
    let (tx, rx) = m.make::<Result<Header, FrameError>>();
    for (i, s) in into.into_iter().enumerate() {
        let tx = tx.clone();
        roles.push(Box::new(move || {
            let result = read_blocking(i, s, STALL, |h| {
                tx.send(Ok(h)).map_err(|_| FrameError::Missing {
                    handled: 0,
                    sent: frames,
                })
            });
            if let Err(e) = result {
                let _ = tx.send(Err(e));
            }
            Outcome::Reader
        }));
    }
    drop(tx);
    roles.push(Box::new(move || {
        let mut handler = Handler::<RECORD>::new(peers, base);
        let result = (|| {
            while let Ok(h) = rx.recv() {
                handler.handle(h?)?;
            }
            handled(handler, frames)
        })();
        Outcome::Handled(result)
    }));
    finish::<RECORD>(team.run(roles).results, remote, base, sent, asked)
}

/// The strategies without a channel of ours ([`CHANNEL_LESS`]): polling, epoll, tokio, io_uring,
/// with `peers` peers over `link`.
///
/// # Errors
///
/// A frame error on any connection, or a socket or peers' process that could not be set up.
///
/// # Panics
///
/// For [`Strategy::ThreadPerStream`], which is [`thread_per_stream`].
pub fn receive<const RECORD: bool>(
    team: &Team,
    strategy: Strategy,
    link: Link,
    peers: usize,
    payload: usize,
    frames: u64,
) -> Result<Measured, FrameError> {
    match link.socket {
        Socket::Tcp => {
            receive_on::<TcpStream, RECORD>(team, strategy, link, peers, payload, frames)
        }
        Socket::Unix => {
            receive_on::<UnixStream, RECORD>(team, strategy, link, peers, payload, frames)
        }
    }
}

fn receive_on<S: Wire, const RECORD: bool>(
    team: &Team,
    strategy: Strategy,
    link: Link,
    peers: usize,
    payload: usize,
    frames: u64,
) -> Result<Measured, FrameError> {
    let Setup {
        mut roles,
        remote,
        into,
        base,
        sent,
        asked,
    } = setup::<S, RECORD>(team, link, peers, payload, frames)?;
    let frames = sent;
    let missing = move || FrameError::Missing {
        handled: 0,
        sent: frames,
    };
    let outcomes = match strategy {
        Strategy::ThreadPerStream => {
            panic!("thread-per-stream runs over a channel: thread_per_stream")
        }
        Strategy::Polling | Strategy::Epoll => {
            let epoll = strategy == Strategy::Epoll;
            roles.push(Box::new(move || {
                Outcome::Handled(single_thread::<S, RECORD>(into, frames, base, epoll, STALL))
            }));
            team.run(roles).results
        }
        Strategy::IoUring => {
            roles.push(Box::new(move || {
                Outcome::Handled(uring::receive::<S, RECORD>(into, frames, base, STALL))
            }));
            team.run(roles).results
        }
        Strategy::Tokio(flavor) => {
            let runtimes = team.runtimes();
            match flavor {
                Flavor::MultiThread => {
                    // The tasks wait on their sockets before the peers start.
                    let done = tokio_spawn::<S, RECORD>(
                        runtimes.multi_handle(),
                        into,
                        frames,
                        base,
                        STALL,
                    )?;
                    let mut outcomes = team.run(roles).results;
                    outcomes.push(Outcome::Handled(
                        done.blocking_recv().unwrap_or_else(|_| Err(missing())),
                    ));
                    outcomes
                }
                Flavor::CurrentThread => {
                    // The runtime's thread is team worker 0, the peers the workers after it.
                    let rt = Arc::clone(runtimes.current());
                    let done = tokio_spawn::<S, RECORD>(rt.handle(), into, frames, base, STALL)?;
                    let driver: Role<Outcome> = Box::new(move || {
                        Outcome::Handled(rt.block_on(done).unwrap_or_else(|_| Err(missing())))
                    });
                    roles.insert(0, driver);
                    team.run(roles).results
                }
            }
        }
    };
    finish::<RECORD>(outcomes, remote, base, sent, asked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    use super::wire::connect_at;

    const SHORT: Duration = Duration::from_millis(300);

    /// A well-formed frame of `payload` bytes from `peer`, number `seq`.
    fn frame(peer: u32, seq: u64, payload: usize) -> Vec<u8> {
        let mut f = vec![0u8; HEADER + payload];
        f[0..4].copy_from_slice(&((HEADER + payload) as u32).to_le_bytes());
        f[4..8].copy_from_slice(&peer.to_le_bytes());
        f[8..16].copy_from_slice(&seq.to_le_bytes());
        f
    }

    /// The receiving strategies' own read loops, each given the receiver's ends of connections
    /// whose peers wrote `bytes[i]` and then closed (or, with `hold`, stayed open and silent),
    /// over TCP and over Unix sockets. Each result is named `socket/strategy`.
    fn each_receiver(bytes: &[Vec<u8>], hold: bool) -> Vec<(String, Result<u64, FrameError>)> {
        let mut out = over::<TcpStream>(bytes, hold);
        out.extend(over::<UnixStream>(bytes, hold));
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names.len(),
            10,
            "every receiver over both sockets: {names:?}"
        );
        out
    }

    fn over<S: Wire>(bytes: &[Vec<u8>], hold: bool) -> Vec<(String, Result<u64, FrameError>)> {
        let socket = if std::any::type_name::<S>().contains("Unix") {
            "unix"
        } else {
            "tcp"
        };
        // A receiver that ended short of the frames it expected handled the rest.
        let count = |r: Result<Handled, FrameError>| {
            r.map(|h| h.handled).or_else(|e| match e {
                FrameError::Missing { handled, .. } => Ok(handled),
                e => Err(e),
            })
        };
        let run = |name: &'static str| {
            let (mut out, into) = connect::<S>(bytes.len()).unwrap();
            for (s, b) in out.iter_mut().zip(bytes) {
                s.write_all(b).unwrap();
            }
            if !hold {
                out.clear();
            }
            let expected: u64 = 1_000_000; // never reached: every case ends by an error or a close
            let base = Instant::now();
            let result = match name {
                "thread-per-stream" => {
                    let mut handler = Handler::<false>::new(into.len(), base);
                    let mut result = Ok(0);
                    for (i, s) in into.into_iter().enumerate() {
                        if let Err(e) = read_blocking(i, s, SHORT, |h| handler.handle(h)) {
                            result = Err(e);
                            break;
                        }
                    }
                    result.map(|_| handler.handled())
                }
                "polling" | "epoll" => count(single_thread::<S, false>(
                    into,
                    expected,
                    base,
                    name == "epoll",
                    SHORT,
                )),
                "io-uring" => count(uring::receive::<S, false>(into, expected, base, SHORT)),
                _ => {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    count(
                        tokio_spawn::<S, false>(rt.handle(), into, expected, base, SHORT)
                            .and_then(|done| rt.block_on(done).unwrap()),
                    )
                }
            };
            drop(out);
            (format!("{socket}/{name}"), result)
        };
        ["thread-per-stream", "polling", "epoll", "tokio", "io-uring"]
            .into_iter()
            .map(run)
            .collect()
    }

    #[test]
    fn well_formed_streams_are_handled_whole_and_in_order() {
        let streams: Vec<Vec<u8>> = (0..3)
            .map(|p| {
                (0..50)
                    .flat_map(|seq| frame(p, seq, 100 * p as usize))
                    .collect()
            })
            .collect();
        for (name, result) in each_receiver(&streams, false) {
            assert_eq!(result, Ok(150), "{name}");
        }
    }

    #[test]
    fn a_peer_that_disconnects_mid_frame_is_a_truncated_frame() {
        let mut cut = frame(0, 0, 1000);
        cut.truncate(HEADER + 10);
        let mut mid_header = frame(0, 0, 10);
        mid_header.truncate(7);
        for (bytes, missing) in [(cut, 990), (mid_header, HEADER - 7)] {
            for (name, result) in each_receiver(std::slice::from_ref(&bytes), false) {
                assert_eq!(
                    result,
                    Err(FrameError::Truncated { stream: 0, missing }),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn a_frame_over_the_limit_or_under_its_header_is_refused() {
        let mut long = frame(0, 0, 0);
        long[0..4].copy_from_slice(&((MAX_FRAME + 1) as u32).to_le_bytes());
        let mut short = frame(0, 0, 0);
        short[0..4].copy_from_slice(&3u32.to_le_bytes());
        for (name, result) in each_receiver(&[long], false) {
            assert!(
                matches!(result, Err(FrameError::TooLong { len, .. }) if len == MAX_FRAME + 1),
                "{name}: {result:?}"
            );
        }
        for (name, result) in each_receiver(&[short], false) {
            assert_eq!(
                result,
                Err(FrameError::TooShort { stream: 0, len: 3 }),
                "{name}"
            );
        }
    }

    #[test]
    fn a_frame_out_of_order_or_from_another_peer_is_refused() {
        let swapped: Vec<u8> = [frame(0, 1, 8), frame(0, 0, 8)].concat();
        for (name, result) in each_receiver(&[swapped], false) {
            assert!(
                matches!(
                    result,
                    Err(FrameError::OutOfOrder {
                        expected: 0,
                        seq: 1,
                        ..
                    })
                ),
                "{name}: {result:?}"
            );
        }
        let impostor = frame(1, 0, 8);
        for (name, result) in each_receiver(&[impostor], false) {
            assert!(
                matches!(
                    result,
                    Err(FrameError::OutOfOrder {
                        peer: 1,
                        stream: 0,
                        ..
                    })
                ),
                "{name}: {result:?}"
            );
        }
    }

    #[test]
    fn a_silent_peer_is_a_stall_not_a_hang() {
        for (name, result) in each_receiver(&[frame(0, 0, 8)], true) {
            assert_eq!(
                result,
                Err(FrameError::Stalled {
                    stream: 0,
                    after: SHORT
                }),
                "{name}"
            );
        }
    }

    #[test]
    fn a_port_already_taken_is_a_clear_error() {
        let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = connect_at::<TcpStream>(port, 1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
        assert!(
            err.to_string().contains(&format!("127.0.0.1:{port}"))
                && err.to_string().contains("already taken"),
            "{err}"
        );
    }
}
