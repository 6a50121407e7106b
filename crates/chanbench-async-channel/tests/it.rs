//! The async conformance suite, run against async-channel.
chanbench_core::async_conformance_tests!(chanbench_async_channel::AsyncChan, flavors: [bounded, unbounded], extras: [multi_consumer, bridge]);

/// Its bounded(1) used once: the baseline beside the oneshots.
mod one_slot {
    chanbench_core::oneshot_conformance_tests!(
        chanbench_core::shapes::oneshot::OneSlot<chanbench_async_channel::AsyncChan>
    );
}
