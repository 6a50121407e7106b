//! The async conformance suite, run against tokio's bounded and unbounded mpsc; the oneshot
//! and broadcast checks against its oneshot and broadcast.
mod bounded {
    chanbench_core::async_conformance_tests!(chanbench_tokio::TokioMpsc, flavors: [bounded], extras: [bridge]);
}
mod unbounded {
    chanbench_core::async_conformance_tests!(chanbench_tokio::TokioUnbounded, flavors: [unbounded], extras: [bridge]);
}
mod oneshot {
    chanbench_core::oneshot_conformance_tests!(chanbench_tokio::TokioOneshot);
}
mod broadcast {
    chanbench_core::broadcast_conformance_tests!(chanbench_tokio::TokioBroadcast);
}
