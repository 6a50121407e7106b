//! The link between node and peers: the socket kind, where the peers run, and the [`Wire`] every
//! receiver reads the same way over TCP or a Unix socket.

use std::{
    fmt,
    io::{self, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    os::{
        fd::AsRawFd,
        linux::net::SocketAddrExt,
        unix::net::{self as unix, UnixListener, UnixStream},
    },
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use serde::{Deserialize, Serialize};

pub use chanbench_schema::{PeersIn, Socket};

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
pub(super) trait Wire: Read + Write + AsRawFd + Send + Sized + 'static {
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

/// Both ends of `peers` connections over socket kind `S`: the peers' sides and the receiver's,
/// connection `i` accepted as the `i`-th.
pub(super) fn connect<S: Wire>(peers: usize) -> io::Result<(Vec<S>, Vec<S>)> {
    connect_at(0, peers)
}

/// [`connect`] with a TCP receiver listening on 127.0.0.1:`port` (0: chosen by the OS). A port
/// already taken is an error that says so.
pub(super) fn connect_at<S: Wire>(port: u16, peers: usize) -> io::Result<(Vec<S>, Vec<S>)> {
    let (listener, address) = S::listen(port)?;
    let mut out = Vec::with_capacity(peers);
    let mut into = Vec::with_capacity(peers);
    for _ in 0..peers {
        out.push(S::connect(&address)?);
        into.push(S::accept(&listener)?);
    }
    Ok((out, into))
}
