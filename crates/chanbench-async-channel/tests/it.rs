//! The async conformance suite, run against async-channel.
chanbench_core::async_conformance_tests!(chanbench_async_channel::AsyncChan, flavors: [bounded, unbounded], extras: [multi_consumer, bridge]);
