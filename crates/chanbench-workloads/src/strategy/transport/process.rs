//! Peers in a process of their own: "between systems" with a process boundary.
//!
//! One peers' process serves every run of the node's process that asks for one: it is started
//! at the first such run and kept (a process started per run timed its own warm-up, page faults
//! and cold caches: 1.3-2.1x the cost run's time per frame at 4 peers on one core). Its
//! protocol is lines of JSON on its stdin and stdout. For each run the node listens and sends a
//! [`Spec`] (the address, frames per peer, payload, cores, the base time); the process connects
//! one stream per peer (the node accepts them in order, so connection `i` is peer `i`), starts a
//! thread per peer pinned as the team would pin it, and waits. A role of the node's team sends
//! `go` when the team's gate opens; the peers stamp their starts on `CLOCK_MONOTONIC` (which
//! `Instant` reads and every process shares), stream their frames and close, and the process
//! answers with a [`Reply`]: the starts and its CPU time and context switches from its go to
//! its end. Setting up is not timed: the interval runs from the first peer's start, as with peers
//! in threads.
//!
//! The program is this executable (a `main` that may run transport cells calls
//! [`serve_if_asked`] first: the bench's does), or the one set by [`use_program`] (the
//! workloads' tests, whose `main` is libtest's, use the `chanbench-peers` binary). A program
//! that fails, never connects or never answers is a [`FrameError::Peers`] with what it printed,
//! within the stall limit, and is ended; the next run starts another. The process ends when the
//! node's process does (the end of its stdin).

use std::{
    env,
    io::{self, BufRead, ErrorKind, Read, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
    sync::{
        Arc, Barrier, Mutex, MutexGuard, OnceLock,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use nix::time::{ClockId, clock_gettime};
use serde::{Deserialize, Serialize};

use super::{Address, FrameError, Outcome, Wire, stream_frames};
use crate::{
    cost::{self, Usage},
    placement::Role,
};

/// The environment variable that makes a program a peers' process (`serve`).
pub const ENV: &str = "CHANBENCH_TRANSPORT_PEERS";

/// How often the node looks at a peers' process it waits for (untimed setup and teardown).
const POLL: Duration = Duration::from_micros(100);

/// The word on a peers' process's stdin that starts its peers.
const GO: &str = "go";

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// This process's peers' process, once a run has started it.
static SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// Runs peers' processes from `program` instead of this executable. The first call wins.
pub fn use_program(program: impl Into<PathBuf>) {
    let _ = PROGRAM.set(program.into());
}

/// What a run asks of a peers' process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Spec {
    /// Where the node listens.
    address: Option<Address>,
    /// Whether the frames carry their send time (the cost run's latency).
    record: bool,
    /// Frames of each peer, one entry per peer.
    frames: Vec<u64>,
    /// Payload bytes per frame.
    payload: usize,
    /// Peer `i` is pinned to `cores[i % len]` (the team's worker cores); empty: not pinned.
    cores: Vec<usize>,
    /// The node's base instant, ns on `CLOCK_MONOTONIC`.
    base_mono_ns: u64,
}

impl Spec {
    /// Peers sending `frames[i]` frames of `payload` bytes each, pinned over `cores`.
    pub(super) fn new(record: bool, frames: Vec<u64>, payload: usize, cores: &[usize]) -> Self {
        Self {
            address: None,
            record,
            frames,
            payload,
            cores: cores.to_vec(),
            base_mono_ns: 0,
        }
    }
}

/// A peers' process's answer to a run.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    /// Every peer sent its frames.
    Done {
        /// Each peer's start, ns on `CLOCK_MONOTONIC`.
        starts_mono_ns: Vec<u64>,
        /// The process's CPU time from its go to its end (all threads), ns.
        cpu_ns: i64,
        /// Its voluntary and involuntary context switches over the same span.
        voluntary_switches: i64,
        involuntary_switches: i64,
    },
    /// The run failed on the peers' side.
    Failed(String),
}

/// Now on `CLOCK_MONOTONIC`, ns.
fn mono_ns() -> u64 {
    let t = clock_gettime(ClockId::CLOCK_MONOTONIC).expect("CLOCK_MONOTONIC is always there");
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

/// If this process was started as a peers' process, serves runs until its stdin ends and
/// exits (0; 1 with the reason on stderr when its stdin cannot be read or a line is not a
/// run). Returns at once otherwise.
pub fn serve_if_asked() {
    if env::var_os(ENV).is_none() {
        return;
    }
    match serve() {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("chanbench peers: {e}");
            std::process::exit(1);
        }
    }
}

fn serve() -> Result<(), String> {
    let mut lines = io::stdin().lock().lines();
    while let Some(line) = lines.next() {
        let line = line.map_err(|e| format!("cannot read stdin: {e}"))?;
        let spec: Spec =
            serde_json::from_str(&line).map_err(|e| format!("not a run: {line:?}: {e}"))?;
        let reply = run(spec, &mut || lines.next()).unwrap_or_else(Reply::Failed);
        let mut out = io::stdout().lock();
        let line = serde_json::to_string(&reply).expect("a reply serializes");
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot answer: {e}"))?;
    }
    Ok(())
}

/// One run on the peers' side: connect, wait for the go (`next_line`), stream, report.
fn run(
    spec: Spec,
    next_line: &mut dyn FnMut() -> Option<io::Result<String>>,
) -> Result<Reply, String> {
    let address = spec.address.ok_or("the run has no address")?;
    let streams = spec
        .frames
        .iter()
        .map(|_| address.connect())
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| e.to_string())?;
    let gate = Arc::new(Barrier::new(streams.len() + 1));
    let abort = Arc::new(AtomicBool::new(false));
    let peers: Vec<_> = streams
        .into_iter()
        .zip(spec.frames)
        .enumerate()
        .map(|(id, (stream, frames))| {
            let (gate, abort) = (Arc::clone(&gate), Arc::clone(&abort));
            let core = (!spec.cores.is_empty()).then(|| spec.cores[id % spec.cores.len()]);
            let (record, payload, base) = (spec.record, spec.payload, spec.base_mono_ns);
            thread::Builder::new()
                .name(format!("peer-{id}"))
                .spawn(move || {
                    if let Some(id) = core {
                        core_affinity::set_for_current(core_affinity::CoreId { id });
                    }
                    gate.wait();
                    if abort.load(Ordering::Relaxed) {
                        return Err(io::Error::other("no go"));
                    }
                    let clock = || mono_ns().saturating_sub(base);
                    if record {
                        stream_frames::<true, _>(stream, id, payload, frames, clock, mono_ns)
                    } else {
                        stream_frames::<false, _>(stream, id, payload, frames, clock, mono_ns)
                    }
                })
        })
        .collect::<io::Result<_>>()
        .map_err(|e| format!("cannot start a peer thread: {e}"))?;
    // Ready: every peer connected and waiting for the node's go.
    let went = match next_line() {
        Some(Ok(line)) if line == GO => Some(Usage::of_this_process()),
        _ => None,
    };
    abort.store(went.is_none(), Ordering::Relaxed);
    gate.wait();
    let mut starts = Vec::with_capacity(peers.len());
    let mut failed = None;
    for peer in peers {
        match peer.join() {
            Ok(Ok(start)) => starts.push(start),
            Ok(Err(e)) => failed = failed.or(Some(e.to_string())),
            Err(_) => failed = failed.or(Some("a peer thread panicked".to_owned())),
        }
    }
    let went = went.ok_or("the node did not say go")?;
    if let Some(e) = failed {
        return Err(e);
    }
    let used = Usage::of_this_process().since(went);
    Ok(Reply::Done {
        starts_mono_ns: starts,
        cpu_ns: used.cpu_ns,
        voluntary_switches: used.voluntary,
        involuntary_switches: used.involuntary,
    })
}

/// A peers' process, seen from the node.
struct Server {
    child: Child,
    /// Shared with the starter role, which says go.
    stdin: Arc<Mutex<ChildStdin>>,
    /// Its stdout, read without blocking, and what was read of a line not yet whole.
    stdout: mio::unix::pipe::Receiver,
    pending: Vec<u8>,
}

impl Server {
    fn start(program: &Path) -> Result<Self, FrameError> {
        let mut child = Command::new(program)
            .env(ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| FrameError::Peers {
                message: format!("cannot start {}: {e}", program.display()),
            })?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = mio::unix::pipe::Receiver::from(child.stdout.take().expect("stdout is piped"));
        stdout
            .set_nonblocking(true)
            .map_err(|e| FrameError::Peers {
                message: e.to_string(),
            })?;
        Ok(Self {
            child,
            stdin: Arc::new(Mutex::new(stdin)),
            stdout,
            pending: Vec::new(),
        })
    }

    /// Sends one line.
    fn say(&self, line: &str) -> io::Result<()> {
        let mut stdin = self.stdin.lock().unwrap_or_else(|p| p.into_inner());
        writeln!(stdin, "{line}").and_then(|()| stdin.flush())
    }

    /// The next line it prints, within `stall`.
    fn hear(&mut self, stall: Duration) -> Result<String, FrameError> {
        let deadline = Instant::now() + stall;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=end).collect();
                return Ok(String::from_utf8_lossy(&line).trim().to_owned());
            }
            match self.stdout.read(&mut buf) {
                Ok(0) => return Err(self.failed("ended without answering")),
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if Instant::now() > deadline {
                        return Err(FrameError::Peers {
                            message: format!("no answer within {stall:?}"),
                        });
                    }
                    thread::sleep(POLL);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(self.failed(&format!("cannot read its answer: {e}"))),
            }
        }
    }

    /// Whether it has exited.
    fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// The error of a process that went wrong: what the node saw, how it exited, what it
    /// printed on stderr.
    fn failed(&mut self, what: &str) -> FrameError {
        let _ = self.child.kill();
        let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
        let mut err = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        FrameError::Peers {
            message: format!("{what} ({status}): {}", err.trim()),
        }
    }
}

impl Drop for Server {
    /// A process not done with is ended, not left behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One run's use of the peers' process: it holds the process until the run is finished, and
/// ends it if the run is not (an error on either side leaves the protocol in no known state).
pub(super) struct Remote {
    server: MutexGuard<'static, Option<Server>>,
    base_mono_ns: u64,
    finished: bool,
}

impl Remote {
    /// Listens on a fresh socket of kind `S`, asks this process's peers' process (started if
    /// there is none) for the run, and accepts its connections, within `stall`. Returns it, the
    /// node's ends and the base instant.
    pub(super) fn start<S: Wire>(
        spec: Spec,
        stall: Duration,
    ) -> Result<(Remote, Vec<S>, Instant), FrameError> {
        let program = match PROGRAM.get() {
            Some(p) => p.clone(),
            None => env::current_exe().map_err(|e| FrameError::Peers {
                message: format!("cannot find this executable to start the peers: {e}"),
            })?,
        };
        Self::start_program(&program, spec, stall)
    }

    /// [`Remote::start`] with a peers' process run from `program` if one must be started.
    fn start_program<S: Wire>(
        program: &Path,
        mut spec: Spec,
        stall: Duration,
    ) -> Result<(Remote, Vec<S>, Instant), FrameError> {
        let setup = |e: io::Error| FrameError::Peers {
            message: e.to_string(),
        };
        let mut server = SERVER.lock().unwrap_or_else(|p| p.into_inner());
        if server.as_mut().is_none_or(Server::exited) {
            *server = Some(Server::start(program)?);
        }
        let (listener, address) = S::listen(0).map_err(setup)?;
        S::nonblocking_listener(&listener).map_err(setup)?;
        let base = Instant::now();
        spec.base_mono_ns = mono_ns();
        spec.address = Some(address);
        let peers = spec.frames.len();
        let mut remote = Remote {
            server,
            base_mono_ns: spec.base_mono_ns,
            finished: false,
        };
        let line = serde_json::to_string(&spec).expect("a spec serializes");
        let said = remote.process().say(&line);
        if let Err(e) = said {
            return Err(remote
                .process()
                .failed(&format!("cannot be asked for a run: {e}")));
        }
        let deadline = Instant::now() + stall;
        let mut into = Vec::with_capacity(peers);
        while into.len() < peers {
            match S::accept(&listener) {
                Ok(s) => into.push(s),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if remote.process().exited() {
                        return Err(remote.process().failed("exited"));
                    }
                    if Instant::now() > deadline {
                        return Err(FrameError::Peers {
                            message: format!(
                                "{} of {peers} peers connected within {stall:?}",
                                into.len()
                            ),
                        });
                    }
                    thread::sleep(POLL);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(setup(e)),
            }
        }
        Ok((remote, into, base))
    }

    fn process(&mut self) -> &mut Server {
        self.server
            .as_mut()
            .expect("a remote run has a peers' process")
    }

    /// The team role that tells the peers to go.
    pub(super) fn starter(&mut self) -> Role<Outcome> {
        let stdin = Arc::clone(&self.process().stdin);
        Box::new(move || {
            let mut stdin = stdin.lock().unwrap_or_else(|p| p.into_inner());
            // A process already gone is reported by `finish`, with what it printed.
            let _ = writeln!(stdin, "{GO}").and_then(|()| stdin.flush());
            Outcome::Reader
        })
    }

    /// The peers' answer (within `stall`): each peer's start. Their process's CPU time and
    /// context switches are added to the cost run around this one.
    pub(super) fn finish(
        mut self,
        base: Instant,
        stall: Duration,
    ) -> Result<Vec<Instant>, FrameError> {
        let line = self.process().hear(stall)?;
        let reply: Reply = serde_json::from_str(&line).map_err(|e| FrameError::Peers {
            message: format!("its answer {line:?} does not parse: {e}"),
        })?;
        self.finished = true;
        match reply {
            Reply::Failed(message) => Err(FrameError::Peers { message }),
            Reply::Done {
                starts_mono_ns,
                cpu_ns,
                voluntary_switches,
                involuntary_switches,
            } => {
                cost::add_helper_usage(Usage {
                    cpu_ns,
                    voluntary: voluntary_switches,
                    involuntary: involuntary_switches,
                });
                Ok(starts_mono_ns
                    .into_iter()
                    .map(|ns| base + Duration::from_nanos(ns.saturating_sub(self.base_mono_ns)))
                    .collect())
            }
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        if !self.finished {
            *self.server = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpStream;

    use super::*;

    const SHORT: Duration = Duration::from_millis(300);

    fn spec() -> Spec {
        Spec::new(false, vec![10, 10], 16, &[])
    }

    #[test]
    fn a_peers_process_that_fails_is_a_clear_error() {
        let Err(e) = Remote::start_program::<TcpStream>(Path::new("false"), spec(), SHORT) else {
            panic!("`false` connected two peers");
        };
        // It exits before it is asked, or as it is: either way the error says how it ended.
        assert!(
            matches!(&e, FrameError::Peers { message } if message.contains("exit status: 1")),
            "{e}"
        );
    }

    #[test]
    fn a_peers_process_that_never_connects_is_an_error_within_the_stall_limit() {
        // `cat` waits on its stdin and never connects: the test returning is the bound.
        let Err(e) = Remote::start_program::<TcpStream>(Path::new("cat"), spec(), SHORT) else {
            panic!("`cat` connected two peers");
        };
        assert_eq!(
            e,
            FrameError::Peers {
                message: format!("0 of 2 peers connected within {SHORT:?}")
            }
        );
    }

    #[test]
    fn a_program_that_is_not_there_is_named_in_the_error() {
        let Err(e) =
            Remote::start_program::<TcpStream>(Path::new("/nonexistent/peers"), spec(), SHORT)
        else {
            panic!("a missing program connected two peers");
        };
        assert!(
            e.to_string().contains("cannot start /nonexistent/peers"),
            "{e}"
        );
    }
}
