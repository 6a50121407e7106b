//! The conformance suite, run against kanal.
chanbench_core::conformance_tests!(chanbench_kanal::Kanal, flavors: [bounded, unbounded], extras: [multi_consumer]);
