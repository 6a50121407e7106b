//! The broadcast checks, run against async-broadcast.
chanbench_core::broadcast_conformance_tests!(chanbench_async_broadcast::AsyncBroadcast);
