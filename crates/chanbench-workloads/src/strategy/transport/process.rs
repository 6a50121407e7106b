//! Peers in a process of their own: "between systems" with a process boundary.
//!
//! For each run the node listens, then starts a program with [`ENV`] set to a JSON [`Spec`]
//! (the address, frames per peer, payload, cores, the base time). The program connects one
//! stream per peer (the node accepts them in order, so connection `i` is peer `i`), starts a
//! thread per peer pinned as the team would pin it, and waits. A role of the node's team sends
//! one byte on the program's stdin when the team's gate opens; the peers stamp their starts on
//! `CLOCK_MONOTONIC` (which `Instant` reads and every process shares), stream their frames,
//! close, and the program prints the starts as JSON and exits. Setting up the process is not
//! timed: the interval runs from the first peer's start, as with peers in threads.
//!
//! The program is this executable (a `main` that may run transport cells calls
//! [`serve_if_asked`] first: the bench's does), or the one set by [`use_program`] (the
//! workloads' tests, whose `main` is libtest's, use the `chanbench-peers` binary). A program
//! that fails, or never connects, is a [`FrameError::Peers`] with what it printed, within the
//! stall limit: nothing waits on it unbounded.

use std::{
    env,
    io::{self, ErrorKind, Read, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, ExitStatus, Stdio},
    sync::{Arc, Barrier, OnceLock},
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

/// The environment variable carrying a peers' process's [`Spec`].
pub const ENV: &str = "CHANBENCH_TRANSPORT_PEERS";

/// How often the node looks at a peers' process it waits for (untimed setup and teardown).
const POLL: Duration = Duration::from_micros(100);

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Runs peers' processes from `program` instead of this executable. The first call wins.
pub fn use_program(program: impl Into<PathBuf>) {
    let _ = PROGRAM.set(program.into());
}

/// What a peers' process is asked to do.
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

/// What a peers' process prints when its peers are done.
#[derive(Debug, Serialize, Deserialize)]
struct Report {
    /// Each peer's start, ns on `CLOCK_MONOTONIC`.
    starts_mono_ns: Vec<u64>,
    /// The process's CPU time from its go to its end (all threads; its start-up is not
    /// counted), ns.
    cpu_ns: i64,
    /// Its voluntary and involuntary context switches over the same span.
    voluntary_switches: i64,
    involuntary_switches: i64,
}

/// Now on `CLOCK_MONOTONIC`, ns.
fn mono_ns() -> u64 {
    let t = clock_gettime(ClockId::CLOCK_MONOTONIC).expect("CLOCK_MONOTONIC is always there");
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

/// If this process was started as a peers' process, serves as one and exits: 0 when every
/// peer sent its frames, 1 with the reason on stderr otherwise. Returns at once otherwise.
pub fn serve_if_asked() {
    let Some(spec) = env::var_os(ENV) else {
        return;
    };
    let result = spec
        .into_string()
        .map_err(|_| format!("{ENV} is not UTF-8"))
        .and_then(|s| serde_json::from_str::<Spec>(&s).map_err(|e| format!("{ENV}: {e}")))
        .and_then(serve);
    match result {
        Ok(report) => {
            let line = serde_json::to_string(&report).expect("a report serializes");
            println!("{line}");
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("chanbench peers: {e}");
            std::process::exit(1);
        }
    }
}

fn serve(spec: Spec) -> Result<Report, String> {
    let address = spec
        .address
        .ok_or_else(|| format!("{ENV} has no address"))?;
    let streams = spec
        .frames
        .iter()
        .map(|_| address.connect())
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| e.to_string())?;
    let gate = Arc::new(Barrier::new(streams.len() + 1));
    let peers: Vec<_> = streams
        .into_iter()
        .zip(spec.frames)
        .enumerate()
        .map(|(id, (stream, frames))| {
            let gate = Arc::clone(&gate);
            let core = (!spec.cores.is_empty()).then(|| spec.cores[id % spec.cores.len()]);
            let (record, payload, base) = (spec.record, spec.payload, spec.base_mono_ns);
            thread::Builder::new()
                .name(format!("peer-{id}"))
                .spawn(move || {
                    if let Some(id) = core {
                        core_affinity::set_for_current(core_affinity::CoreId { id });
                    }
                    gate.wait();
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
    // Ready: every peer connected and waiting. One byte on stdin is the node's go; the end of
    // stdin means the node gave up (the process exits, and its threads with it).
    let mut go = [0u8; 1];
    match io::stdin().read(&mut go) {
        Ok(1) => {}
        _ => return Err("the node closed stdin before saying go".into()),
    }
    let went = Usage::of_this_process();
    gate.wait();
    let mut starts = Vec::with_capacity(peers.len());
    for peer in peers {
        let start = peer
            .join()
            .map_err(|_| "a peer thread panicked".to_owned())?
            .map_err(|e| e.to_string())?;
        starts.push(start);
    }
    let used = Usage::of_this_process().since(went);
    Ok(Report {
        starts_mono_ns: starts,
        cpu_ns: used.cpu_ns,
        voluntary_switches: used.voluntary,
        involuntary_switches: used.involuntary,
    })
}

/// A started peers' process, seen from the node.
pub(super) struct Remote {
    child: Child,
    stdin: Option<ChildStdin>,
    base_mono_ns: u64,
}

impl Remote {
    /// Listens on a fresh socket of kind `S`, starts the peers' process and accepts its
    /// connections, within `stall`. Returns it, the node's ends and the base instant.
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

    /// [`Remote::start`] with the peers' process run from `program`.
    fn start_program<S: Wire>(
        program: &Path,
        mut spec: Spec,
        stall: Duration,
    ) -> Result<(Remote, Vec<S>, Instant), FrameError> {
        let setup = |e: io::Error| FrameError::Peers {
            message: e.to_string(),
        };
        let (listener, address) = S::listen(0).map_err(setup)?;
        S::nonblocking_listener(&listener).map_err(setup)?;
        let base = Instant::now();
        spec.base_mono_ns = mono_ns();
        spec.address = Some(address);
        let peers = spec.frames.len();
        let child = Command::new(program)
            .env(
                ENV,
                serde_json::to_string(&spec).expect("a spec serializes"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| FrameError::Peers {
                message: format!("cannot start {}: {e}", program.display()),
            })?;
        let mut remote = Remote {
            stdin: None,
            child,
            base_mono_ns: spec.base_mono_ns,
        };
        remote.stdin = remote.child.stdin.take();
        let deadline = Instant::now() + stall;
        let mut into = Vec::with_capacity(peers);
        while into.len() < peers {
            match S::accept(&listener) {
                Ok(s) => into.push(s),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if let Some(status) = remote.child.try_wait().map_err(setup)? {
                        return Err(remote.failed(status));
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

    /// The team role that tells the peers to go: one byte on their process's stdin.
    pub(super) fn starter(&mut self) -> Role<Outcome> {
        let stdin = self.stdin.take();
        Box::new(move || {
            if let Some(mut stdin) = stdin {
                // A process already gone is reported by `finish`, with what it printed.
                let _ = stdin.write_all(b"g");
            }
            Outcome::Reader
        })
    }

    /// Waits for the peers' process to exit (within `stall`) and returns each peer's start.
    pub(super) fn finish(
        mut self,
        base: Instant,
        stall: Duration,
    ) -> Result<Vec<Instant>, FrameError> {
        drop(self.stdin.take());
        let deadline = Instant::now() + stall;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() > deadline => {
                    return Err(FrameError::Peers {
                        message: format!("still running {stall:?} after the node was done"),
                    });
                }
                Ok(None) => thread::sleep(POLL),
                Err(e) => {
                    return Err(FrameError::Peers {
                        message: e.to_string(),
                    });
                }
            }
        };
        if !status.success() {
            return Err(self.failed(status));
        }
        let mut out = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            stdout
                .read_to_string(&mut out)
                .map_err(|e| FrameError::Peers {
                    message: format!("cannot read its report: {e}"),
                })?;
        }
        let report: Report = serde_json::from_str(out.trim()).map_err(|e| FrameError::Peers {
            message: format!("its report {out:?} does not parse: {e}"),
        })?;
        cost::add_helper_usage(Usage {
            cpu_ns: report.cpu_ns,
            voluntary: report.voluntary_switches,
            involuntary: report.involuntary_switches,
        });
        Ok(report
            .starts_mono_ns
            .into_iter()
            .map(|ns| base + Duration::from_nanos(ns.saturating_sub(self.base_mono_ns)))
            .collect())
    }

    /// The error of a process that exited with `status`, with what it printed on stderr.
    fn failed(&mut self, status: ExitStatus) -> FrameError {
        let mut err = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        FrameError::Peers {
            message: format!("exited with {status}: {}", err.trim()),
        }
    }
}

impl Drop for Remote {
    /// A process not waited for (an error on the node's side) is ended, not left behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
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
        assert!(
            matches!(&e, FrameError::Peers { message } if message.starts_with("exited with exit status: 1")),
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
