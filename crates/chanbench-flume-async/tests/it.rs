//! The async conformance suite, run against flume's async API.
chanbench_core::async_conformance_tests!(chanbench_flume_async::FlumeAsync, flavors: [bounded, unbounded], extras: [zero_capacity, multi_consumer, bridge]);
