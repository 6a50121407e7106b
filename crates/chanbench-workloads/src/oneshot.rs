//! The oneshot workload: a client task sends requests to a server task, each with a new
//! oneshot for its reply, and waits for the reply before the next; the same job for every
//! [`Oneshot`], the bounded(1) baselines included.
//!
//! The requests travel on one tokio mpsc channel of capacity 1, the same for every oneshot, so
//! the differences are the oneshots': creating one, its send, the wait, the drop. The client
//! checks each reply against its request.

use chanbench_core::shapes::oneshot::{Oneshot, OneshotSender, oneshot};

use crate::{
    placement::Team,
    runtime::{self, AsyncGate, Flavor},
    workload::Measured,
};

/// **async-oneshot**: `requests` requests, one at a time, each answered over a new oneshot.
pub fn request_reply<O: Oneshot>(team: &Team, flavor: Flavor, requests: u64) -> Measured {
    let (to_server, mut inbox) = tokio::sync::mpsc::channel::<(u64, OneshotSender<O, u64>)>(1);
    let gate = AsyncGate::new(2);
    let client = gate.task(async move {
        for i in 0..requests {
            let (reply, answer) = oneshot::<O, u64>();
            if to_server.send((i, reply)).await.is_err() {
                panic!("async-oneshot: the server is gone");
            }
            let back = answer
                .recv()
                .await
                .expect("async-oneshot: the server dropped a reply");
            assert_eq!(back, i, "async-oneshot: asked {i}, answered {back}");
        }
        requests
    });
    let server = gate.task(async move {
        while let Some((request, reply)) = inbox.recv().await {
            if reply.send(request).is_err() {
                panic!("async-oneshot: the client is gone");
            }
        }
        0
    });
    let timed = runtime::run(team, flavor, vec![client, server], None);
    assert_eq!(
        timed.received, requests,
        "async-oneshot: {requests} requests, {} answered",
        timed.received
    );
    Measured {
        elapsed: timed.elapsed,
        messages: requests,
        latency: None,
    }
}
