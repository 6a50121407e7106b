//! The **io-uring** receiver: one thread keeps a `recv` in flight on every open connection of
//! an io_uring (the tokio-rs `io-uring` crate: the raw ring, no runtime), sleeps in
//! `io_uring_enter` until at least one completes, decodes what each brought and submits that
//! connection's next `recv`. The wait is bounded by the stall limit (`IORING_ENTER_EXT_ARG`,
//! Linux 5.11 and later).

use std::{io, time::Duration};

use io_uring::{IoUring, opcode, types};
use nix::errno::Errno;

use super::{Decoder, FrameError, Handled, Handler, Wire, handled, io_error};

/// Bytes each connection's `recv` may fill (as the other receivers' one read buffer).
const BUFFER: usize = 64 << 10;

/// Whether this kernel lets this process set up an io_uring with the features the receiver
/// needs; the error says why not (a kernel built without it, `kernel.io_uring_disabled`, a
/// seccomp filter, or a kernel before 5.11).
pub fn available() -> Result<(), String> {
    let ring = IoUring::new(2).map_err(|e| format!("io_uring_setup: {e}"))?;
    if !ring.params().is_feature_ext_arg() {
        return Err("the kernel's io_uring has no IORING_FEAT_EXT_ARG (Linux 5.11)".into());
    }
    Ok(())
}

/// Reads every connection until it closes, handing each frame to one handler; done when the
/// handler has `sent` frames.
pub(super) fn receive<S: Wire, const RECORD: bool>(
    streams: Vec<S>,
    sent: u64,
    base: std::time::Instant,
    stall: Duration,
) -> Result<Handled, FrameError> {
    let count = streams.len();
    let mut handler = Handler::<RECORD>::new(count, base);
    let mut decoders: Vec<Decoder> = (0..count).map(Decoder::new).collect();
    let mut buffers: Vec<Box<[u8]>> = (0..count)
        .map(|_| vec![0u8; BUFFER].into_boxed_slice())
        .collect();
    let entries = u32::try_from(count.next_power_of_two().max(2)).unwrap_or(u32::MAX);
    let mut ring = IoUring::new(entries).map_err(|e| io_error(0, &e))?;
    let mut in_flight = 0usize;
    let result = (|| {
        for i in 0..count {
            submit(&mut ring, &streams[i], i, &mut buffers[i])?;
            in_flight += 1;
        }
        let timeout = types::Timespec::from(stall);
        let args = types::SubmitArgs::new().timespec(&timeout);
        let mut open = count;
        while open > 0 {
            match ring.submitter().submit_with_args(1, &args) {
                Ok(_) => {}
                // ETIME: the wait timed out.
                Err(e) if e.raw_os_error() == Some(Errno::ETIME as i32) => {
                    if ring.completion().is_empty() {
                        return Err(FrameError::Stalled {
                            stream: 0,
                            after: stall,
                        });
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(0, &e)),
            }
            let done: Vec<(usize, i32)> = ring
                .completion()
                .map(|c| (c.user_data() as usize, c.result()))
                .collect();
            for (i, result) in done {
                in_flight -= 1;
                match result {
                    0 => {
                        decoders[i].finish()?;
                        open -= 1;
                        continue;
                    }
                    n if n > 0 => {
                        let mut failed = None;
                        decoders[i].feed(&buffers[i][..n as usize], |h| {
                            if failed.is_none() {
                                failed = handler.handle(h).err();
                            }
                        })?;
                        if let Some(e) = failed {
                            return Err(e);
                        }
                    }
                    n if -n == Errno::EINTR as i32 => {}
                    n => return Err(io_error(i, &io::Error::from_raw_os_error(-n))),
                }
                submit(&mut ring, &streams[i], i, &mut buffers[i])?;
                in_flight += 1;
            }
        }
        Ok(())
    })();
    if in_flight > 0 {
        // The kernel may still write into these buffers after an error return: they are
        // leaked rather than freed under it (an error ends the cell anyway).
        std::mem::forget(buffers);
    }
    result?;
    handled(handler, sent)
}

/// Submits a `recv` of connection `i` into `buffer`, tagged `i`.
fn submit<S: Wire>(
    ring: &mut IoUring,
    stream: &S,
    i: usize,
    buffer: &mut [u8],
) -> Result<(), FrameError> {
    let len = u32::try_from(buffer.len()).unwrap_or(u32::MAX);
    let entry = opcode::Recv::new(types::Fd(stream.as_raw_fd()), buffer.as_mut_ptr(), len)
        .build()
        .user_data(i as u64);
    // SAFETY: the buffer and the socket outlive the operation: `receive` reaps every
    // completion before it returns (each connection has one `recv` in flight at most, and its
    // buffer is not touched until that `recv` completes), and leaks the buffers when it returns
    // early with operations in flight; the ring has room for one entry per connection.
    #[allow(unsafe_code)]
    let pushed = unsafe { ring.submission().push(&entry) };
    pushed.map_err(|_| FrameError::Io {
        stream: i,
        message: "the io_uring submission queue is full".into(),
    })
}
