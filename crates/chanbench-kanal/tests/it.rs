//! The conformance suite, run against kanal.
chanbench_core::conformance_tests!(chanbench_kanal::Kanal, flavors: [bounded, unbounded], extras: [rendezvous, multi_consumer]);
