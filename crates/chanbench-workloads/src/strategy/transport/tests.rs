//! The transport family's tests: each receiver's read loop on crafted connections, faults as
//! errors, and every strategy end to end at small sizes.

use super::*;
use std::{io::ErrorKind, net::TcpListener, time::Duration};

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
