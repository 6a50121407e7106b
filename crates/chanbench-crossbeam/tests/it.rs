//! The conformance suite, run against crossbeam-channel.
chanbench_core::conformance_tests!(chanbench_crossbeam::Crossbeam, flavors: [bounded, unbounded], extras: [rendezvous, multi_consumer, select, returns_unsent]);
