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
mod publish;
mod receivers;
mod uring;
mod wire;

pub use frame::{Decoder, FrameError, HEADER, Handler, Header, MAX_FRAME, STALL};
pub use publish::{PUBLISH, publish};
pub use uring::available as io_uring_available;
pub use wire::{Address, Link, PeersIn, Socket};

use frame::{Handled, Outcome, handled, io_error, stream_frames};
use receivers::{read_blocking, single_thread, tokio_spawn};
use wire::{Wire, connect};

use std::{fmt, io::Write, net::TcpStream, os::unix::net::UnixStream, sync::Arc, time::Instant};

use chanbench_core::{Channel, Make};
use chanbench_schema::Receiver;

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
        self.receiver().fmt(f)
    }
}

impl Strategy {
    /// As the schema stores it: the cells' strategy.
    pub fn receiver(self) -> Receiver {
        match self {
            Strategy::ThreadPerStream => Receiver::ThreadPerStream,
            Strategy::Polling => Receiver::Polling,
            Strategy::Epoll => Receiver::Epoll,
            Strategy::Tokio(Flavor::CurrentThread) => Receiver::TokioCurrentThread,
            Strategy::Tokio(Flavor::MultiThread) => Receiver::TokioMultiThread,
            Strategy::IoUring => Receiver::IoUring,
        }
    }

    /// Its name: the cells' strategy, and a channel-less strategy's implementation id.
    pub fn name(self) -> &'static str {
        self.receiver().name()
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
mod tests;
