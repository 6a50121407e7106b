//! The async conformance suite, run against flume's async API.
chanbench_core::async_conformance_tests!(chanbench_flume_async::FlumeAsync, flavors: [bounded, unbounded], extras: [zero_capacity, multi_consumer, bridge]);

/// Its bounded(1) used once: the baseline beside the oneshots.
mod one_slot {
    chanbench_core::oneshot_conformance_tests!(
        chanbench_core::shapes::oneshot::OneSlot<chanbench_flume_async::FlumeAsync>
    );
}
