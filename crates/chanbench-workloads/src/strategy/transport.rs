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

pub mod process;
mod uring;

pub use uring::available as io_uring_available;

use std::{
    fmt,
    io::{self, ErrorKind, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    os::{
        fd::AsRawFd,
        linux::net::SocketAddrExt,
        unix::net::{self as unix, UnixListener, UnixStream},
    },
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{Channel, Make};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{
    placement::{Role, Team},
    runtime::Flavor,
    workload::{Measured, latency_histogram, split},
};

/// Bytes of a frame's header.
pub const HEADER: usize = 24;
/// The largest frame a receiver accepts (header included).
pub const MAX_FRAME: usize = 1 << 20;
/// How long a connection may stay silent before its receiver gives up.
pub const STALL: Duration = Duration::from_secs(10);
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

/// The kind of socket peers connect over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Socket {
    /// TCP on 127.0.0.1.
    Tcp,
    /// A Unix domain stream socket with an abstract name.
    Unix,
}

impl Socket {
    /// Its name, in cell labels (`unix`; TCP, the default, is not named).
    pub fn name(self) -> &'static str {
        match self {
            Socket::Tcp => "tcp",
            Socket::Unix => "unix",
        }
    }
}

/// Where the peers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeersIn {
    /// Team threads of the bench process.
    Threads,
    /// A process of their own ([`process`]).
    Process,
}

/// How the peers reach the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The socket kind.
    pub socket: Socket,
    /// Where the peers run.
    pub peers_in: PeersIn,
}

impl Link {
    /// TCP on loopback, peers as threads: the default.
    pub const LOOPBACK: Link = Link {
        socket: Socket::Tcp,
        peers_in: PeersIn::Threads,
    };

    /// A link over `socket` with peers in `peers_in`.
    pub fn new(socket: Socket, peers_in: PeersIn) -> Self {
        Self { socket, peers_in }
    }
}

/// Where a receiving node listens, as a peer in this process or another connects to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Address {
    /// A TCP address (127.0.0.1 and a port).
    Tcp(SocketAddr),
    /// A Unix socket's abstract name.
    Unix(String),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Tcp(a) => write!(f, "{a}"),
            Address::Unix(name) => write!(f, "unix:@{name}"),
        }
    }
}

impl Address {
    /// A peer's end of a new connection to this address (TCP without Nagle's delay).
    pub fn connect(&self) -> io::Result<Box<dyn Write + Send>> {
        let cannot =
            |e: io::Error| io::Error::new(e.kind(), format!("cannot connect to {self}: {e}"));
        Ok(match self {
            Address::Tcp(_) => Box::new(<TcpStream as Wire>::connect(self).map_err(cannot)?),
            Address::Unix(_) => Box::new(<UnixStream as Wire>::connect(self).map_err(cannot)?),
        })
    }
}

/// A connected stream socket of one kind: what the receivers need of it, whatever the kind.
trait Wire: Read + Write + AsRawFd + Send + Sized + 'static {
    /// Its listener.
    type Listener: Send;
    /// The same socket registered with mio.
    type Mio: mio::event::Source + Read;
    /// The same socket on a tokio runtime.
    type Tokio: tokio::io::AsyncRead + Unpin + Send + 'static;

    /// A listener at `port` (TCP; 0: chosen by the OS) or a fresh abstract name (Unix), and
    /// its address.
    fn listen(port: u16) -> io::Result<(Self::Listener, Address)>;
    /// The next connection, accepted (blocking or not, as the listener is set).
    fn accept(listener: &Self::Listener) -> io::Result<Self>;
    /// Accepts without blocking from now on.
    fn nonblocking_listener(listener: &Self::Listener) -> io::Result<()>;
    /// A peer's end of a connection to `address`, in this process.
    fn connect(address: &Address) -> io::Result<Self>;
    /// Sets non-blocking reads.
    fn set_nonblocking(&self, on: bool) -> io::Result<()>;
    /// Bounds a blocking read.
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()>;
    /// For mio's registry.
    fn into_mio(self) -> Self::Mio;
    /// For a tokio runtime (the socket must be non-blocking).
    fn into_tokio(self) -> io::Result<Self::Tokio>;
}

/// The [`Wire`] methods std, mio and tokio spell alike for both socket kinds: `$stream` and
/// `$listener` are the std types' names, which mio and tokio reuse.
macro_rules! spelled_alike {
    ($stream:ident, $listener:ident) => {
        fn accept(listener: &$listener) -> io::Result<Self> {
            let (s, _) = listener.accept()?;
            s.set_nonblocking(false)?;
            Ok(s)
        }
        fn nonblocking_listener(listener: &$listener) -> io::Result<()> {
            listener.set_nonblocking(true)
        }
        fn set_nonblocking(&self, on: bool) -> io::Result<()> {
            $stream::set_nonblocking(self, on)
        }
        fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
            $stream::set_read_timeout(self, limit)
        }
        fn into_mio(self) -> Self::Mio {
            mio::net::$stream::from_std(self)
        }
        fn into_tokio(self) -> io::Result<Self::Tokio> {
            tokio::net::$stream::from_std(self)
        }
    };
}

impl Wire for TcpStream {
    type Listener = TcpListener;
    type Mio = mio::net::TcpStream;
    type Tokio = tokio::net::TcpStream;

    fn listen(port: u16) -> io::Result<(TcpListener, Address)> {
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot listen on 127.0.0.1:{port}: {e} (is the port already taken?)"),
            )
        })?;
        let address = Address::Tcp(listener.local_addr()?);
        Ok((listener, address))
    }
    fn connect(address: &Address) -> io::Result<Self> {
        let Address::Tcp(a) = address else {
            return Err(io::Error::other(format!("{address} is not a TCP address")));
        };
        let s = TcpStream::connect(a)?;
        s.set_nodelay(true)?;
        Ok(s)
    }
    spelled_alike!(TcpStream, TcpListener);
}

/// Abstract Unix socket names made by this process so far.
static UNIX_NAMES: AtomicU64 = AtomicU64::new(0);

impl Wire for UnixStream {
    type Listener = UnixListener;
    type Mio = mio::net::UnixStream;
    type Tokio = tokio::net::UnixStream;

    fn listen(_port: u16) -> io::Result<(UnixListener, Address)> {
        let name = format!(
            "chanbench-transport-{}-{}",
            std::process::id(),
            UNIX_NAMES.fetch_add(1, Ordering::Relaxed)
        );
        let addr = unix::SocketAddr::from_abstract_name(&name)?;
        let listener = UnixListener::bind_addr(&addr)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on unix:@{name}: {e}")))?;
        Ok((listener, Address::Unix(name)))
    }
    fn connect(address: &Address) -> io::Result<Self> {
        let Address::Unix(name) = address else {
            return Err(io::Error::other(format!("{address} is not a Unix address")));
        };
        UnixStream::connect_addr(&unix::SocketAddr::from_abstract_name(name)?)
    }
    spelled_alike!(UnixStream, UnixListener);
}

/// What went wrong on a connection or in the sequence of frames.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FrameError {
    /// A frame announced more bytes than the limit.
    #[error("peer {stream}: a frame of {len} bytes, over the limit of {limit}")]
    TooLong {
        /// The connection.
        stream: usize,
        /// The announced length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A frame announced fewer bytes than its header.
    #[error("peer {stream}: a frame of {len} bytes, shorter than its {HEADER}-byte header")]
    TooShort {
        /// The connection.
        stream: usize,
        /// The announced length.
        len: usize,
    },
    /// The connection ended inside a frame.
    #[error("peer {stream}: the connection ended {missing} bytes short of a whole frame")]
    Truncated {
        /// The connection.
        stream: usize,
        /// Bytes the frame still lacked.
        missing: usize,
    },
    /// A frame arrived out of order, or claimed another peer's id.
    #[error(
        "peer {stream}: expected frame {expected} of peer {stream}, got frame {seq} of peer {peer}"
    )]
    OutOfOrder {
        /// The connection.
        stream: usize,
        /// The peer id the frame claimed.
        peer: usize,
        /// The sequence number expected.
        expected: u64,
        /// The one received.
        seq: u64,
    },
    /// A connection sent nothing for the stall limit ([`STALL`] in the cells).
    #[error("peer {stream}: nothing received for {after:?}")]
    Stalled {
        /// The connection.
        stream: usize,
        /// The limit.
        after: Duration,
    },
    /// A read failed.
    #[error("peer {stream}: read failed: {message}")]
    Io {
        /// The connection.
        stream: usize,
        /// The error.
        message: String,
    },
    /// The peers' process failed, or said something the node could not read.
    #[error("the peers' process: {message}")]
    Peers {
        /// What went wrong, with what the process printed.
        message: String,
    },
    /// Fewer frames arrived than were sent.
    #[error("{handled} frames handled, {sent} sent")]
    Missing {
        /// Frames handled.
        handled: u64,
        /// Frames sent.
        sent: u64,
    },
}

/// A frame's header, as the handler sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The connection it arrived on.
    pub stream: u32,
    /// The peer id it claims.
    pub peer: u32,
    /// Its sequence number on that peer.
    pub seq: u64,
    /// When it was written, ns since the run's base instant.
    pub sent: u64,
}

/// An incremental frame decoder for one connection: feed it whatever a read returned; it
/// yields every whole frame's header and skips payloads without copying them.
#[derive(Debug)]
pub struct Decoder {
    stream: usize,
    header: [u8; HEADER],
    have: usize,
    /// Payload bytes of the current frame still to skip.
    skip: usize,
}

impl Decoder {
    /// A decoder for connection `stream`.
    pub fn new(stream: usize) -> Self {
        Self {
            stream,
            header: [0; HEADER],
            have: 0,
            skip: 0,
        }
    }

    /// Decodes `bytes`, calling `frame` for each frame whose header is complete.
    pub fn feed(
        &mut self,
        mut bytes: &[u8],
        mut frame: impl FnMut(Header),
    ) -> Result<(), FrameError> {
        while !bytes.is_empty() {
            if self.skip > 0 {
                let n = self.skip.min(bytes.len());
                self.skip -= n;
                bytes = &bytes[n..];
                continue;
            }
            let n = (HEADER - self.have).min(bytes.len());
            self.header[self.have..self.have + n].copy_from_slice(&bytes[..n]);
            self.have += n;
            bytes = &bytes[n..];
            if self.have == HEADER {
                self.have = 0;
                let word =
                    |at: usize| u64::from_le_bytes(self.header[at..at + 8].try_into().unwrap());
                let len = u32::from_le_bytes(self.header[0..4].try_into().unwrap()) as usize;
                if len > MAX_FRAME {
                    return Err(FrameError::TooLong {
                        stream: self.stream,
                        len,
                        limit: MAX_FRAME,
                    });
                }
                if len < HEADER {
                    return Err(FrameError::TooShort {
                        stream: self.stream,
                        len,
                    });
                }
                self.skip = len - HEADER;
                frame(Header {
                    stream: self.stream as u32,
                    peer: u32::from_le_bytes(self.header[4..8].try_into().unwrap()),
                    seq: word(8),
                    sent: word(16),
                });
            }
        }
        Ok(())
    }

    /// The connection ended: an error if it ended inside a frame.
    pub fn finish(&self) -> Result<(), FrameError> {
        let missing = if self.have > 0 {
            HEADER - self.have
        } else {
            self.skip
        };
        if missing > 0 {
            Err(FrameError::Truncated {
                stream: self.stream,
                missing,
            })
        } else {
            Ok(())
        }
    }
}

/// The handler: checks every frame's peer and sequence, counts, and with `RECORD` records each
/// frame's latency from its write to the handler.
#[derive(Debug)]
pub struct Handler<const RECORD: bool> {
    next: Vec<u64>,
    handled: u64,
    base: Instant,
    histogram: Option<Histogram<u64>>,
}

impl<const RECORD: bool> Handler<RECORD> {
    /// A handler for `streams` connections, timestamps relative to `base`.
    pub fn new(streams: usize, base: Instant) -> Self {
        Self {
            next: vec![0; streams],
            handled: 0,
            base,
            histogram: RECORD.then(latency_histogram),
        }
    }

    /// Handles one frame.
    #[inline]
    pub fn handle(&mut self, h: Header) -> Result<(), FrameError> {
        let stream = h.stream as usize;
        let expected = self.next[stream];
        if h.peer as usize != stream || h.seq != expected {
            return Err(FrameError::OutOfOrder {
                stream,
                peer: h.peer as usize,
                expected,
                seq: h.seq,
            });
        }
        self.next[stream] += 1;
        self.handled += 1;
        if let Some(hist) = self.histogram.as_mut() {
            let now = self.base.elapsed().as_nanos() as u64;
            hist.saturating_record(now.saturating_sub(h.sent).max(1));
        }
        Ok(())
    }

    /// Frames handled so far.
    pub fn handled(&self) -> u64 {
        self.handled
    }
}

/// Both ends of `peers` connections over socket kind `S`: the peers' sides and the receiver's,
/// connection `i` accepted as the `i`-th.
fn connect<S: Wire>(peers: usize) -> io::Result<(Vec<S>, Vec<S>)> {
    connect_at(0, peers)
}

/// [`connect`] with a TCP receiver listening on 127.0.0.1:`port` (0: chosen by the OS). A port
/// already taken is an error that says so.
fn connect_at<S: Wire>(port: u16, peers: usize) -> io::Result<(Vec<S>, Vec<S>)> {
    let (listener, address) = S::listen(port)?;
    let mut out = Vec::with_capacity(peers);
    let mut into = Vec::with_capacity(peers);
    for _ in 0..peers {
        out.push(S::connect(&address)?);
        into.push(S::accept(&listener)?);
    }
    Ok((out, into))
}

/// Writes `frames` frames of `payload` bytes from peer `id` to `stream`, numbered from 0, then
/// closes it. `clock` gives the ns stamped in each frame (with `RECORD`); returns when it started.
fn stream_frames<const RECORD: bool, T>(
    mut stream: impl Write,
    id: usize,
    payload: usize,
    frames: u64,
    mut clock: impl FnMut() -> u64,
    start: impl FnOnce() -> T,
) -> io::Result<T> {
    let mut frame = vec![0u8; HEADER + payload];
    frame[0..4].copy_from_slice(&((HEADER + payload) as u32).to_le_bytes());
    frame[4..8].copy_from_slice(&(id as u32).to_le_bytes());
    let started = start();
    for seq in 0..frames {
        frame[8..16].copy_from_slice(&seq.to_le_bytes());
        if RECORD {
            frame[16..24].copy_from_slice(&clock().to_le_bytes());
        }
        stream.write_all(&frame).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("peer {id} could not write frame {seq}: {e}"),
            )
        })?;
    }
    drop(stream);
    Ok(started)
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

/// What a role of a transport cell returns.
enum Outcome {
    /// A peer, and when it started.
    Peer(Instant),
    /// A reader thread (thread-per-stream): nothing to report.
    Reader,
    /// The handler: when it handled the last frame, what it counted, and its latencies.
    Handled(Result<Handled, FrameError>),
}

/// The handler's result.
struct Handled {
    end: Instant,
    handled: u64,
    histogram: Option<Histogram<u64>>,
}

fn io_error(stream: usize, e: &io::Error) -> FrameError {
    FrameError::Io {
        stream,
        message: e.to_string(),
    }
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

/// The handler's end of a run: done when every frame sent was handled.
fn handled<const RECORD: bool>(h: Handler<RECORD>, sent: u64) -> Result<Handled, FrameError> {
    if h.handled != sent {
        return Err(FrameError::Missing {
            handled: h.handled,
            sent,
        });
    }
    Ok(Handled {
        end: Instant::now(),
        handled: h.handled,
        histogram: h.histogram,
    })
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
