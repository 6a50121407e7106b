//! The conformance suite, run against std::sync::mpsc::sync_channel.
chanbench_core::conformance_tests!(chanbench_std_sync::StdSync, flavors: [bounded], extras: [rendezvous, returns_unsent]);
