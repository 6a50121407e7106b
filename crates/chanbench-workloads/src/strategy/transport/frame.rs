//! The frame: its header, its codec, the handler that checks every peer's sequence, and the
//! errors of a connection that breaks the protocol.

use std::{
    io::{self, Write},
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use thiserror::Error;

use crate::workload::latency_histogram;

/// Bytes of a frame's header.
pub const HEADER: usize = 24;
/// The largest frame a receiver accepts (header included).
pub const MAX_FRAME: usize = 1 << 20;
/// How long a connection may stay silent before its receiver gives up.
pub const STALL: Duration = Duration::from_secs(10);

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

/// Writes `frames` frames of `payload` bytes from peer `id` to `stream`, numbered from 0, then
/// closes it. `clock` gives the ns stamped in each frame (with `RECORD`); returns when it started.
pub(super) fn stream_frames<const RECORD: bool, T>(
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

/// What a role of a transport cell returns.
pub(super) enum Outcome {
    /// A peer, and when it started.
    Peer(Instant),
    /// A reader thread (thread-per-stream): nothing to report.
    Reader,
    /// The handler: when it handled the last frame, what it counted, and its latencies.
    Handled(Result<Handled, FrameError>),
}

/// The handler's result.
pub(super) struct Handled {
    pub(super) end: Instant,
    pub(super) handled: u64,
    pub(super) histogram: Option<Histogram<u64>>,
}

pub(super) fn io_error(stream: usize, e: &io::Error) -> FrameError {
    FrameError::Io {
        stream,
        message: e.to_string(),
    }
}

/// The handler's end of a run: done when every frame sent was handled.
pub(super) fn handled<const RECORD: bool>(
    h: Handler<RECORD>,
    sent: u64,
) -> Result<Handled, FrameError> {
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
