//! The async conformance suite, run against crossfire's two async flavors.
mod bounded {
    chanbench_core::async_conformance_tests!(chanbench_crossfire_async::CrossfireAsync, flavors: [bounded], extras: [multi_consumer]);
}
mod unbounded {
    chanbench_core::async_conformance_tests!(chanbench_crossfire_async::CrossfireAsyncUnbounded, flavors: [unbounded], extras: [multi_consumer]);
}

/// Its bounded(1) used once: the baseline beside the oneshots.
mod one_slot {
    chanbench_core::oneshot_conformance_tests!(
        chanbench_core::shapes::oneshot::OneSlot<chanbench_crossfire_async::CrossfireAsync>
    );
}
