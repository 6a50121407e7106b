//! The conformance suite, run against flume.
chanbench_core::conformance_tests!(chanbench_flume::Flume, flavors: [bounded, unbounded], extras: [rendezvous, multi_consumer, select, returns_unsent]);
