//! The receivers that read a node's connections: a blocking read per connection, one thread
//! polling or woken by epoll, and tokio's tasks.

use std::{
    io::{ErrorKind, Read},
    thread,
    time::{Duration, Instant},
};

use super::{
    frame::{Decoder, FrameError, Handled, Handler, Header, handled, io_error},
    wire::Wire,
};

/// Reads one connection with blocking reads until it closes, decoding into `frame`.
pub(super) fn read_blocking<S: Wire>(
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
pub(super) fn single_thread<S: Wire, const RECORD: bool>(
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
pub(super) fn tokio_spawn<S: Wire, const RECORD: bool>(
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
