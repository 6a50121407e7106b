//! The async conformance suite, run against futures-channel's bounded and unbounded mpsc.
mod bounded {
    chanbench_core::async_conformance_tests!(chanbench_futures::FuturesMpsc, flavors: [bounded], extras: []);
}
mod unbounded {
    chanbench_core::async_conformance_tests!(chanbench_futures::FuturesUnbounded, flavors: [unbounded], extras: []);
}
mod oneshot {
    chanbench_core::oneshot_conformance_tests!(chanbench_futures::FuturesOneshot);
}
