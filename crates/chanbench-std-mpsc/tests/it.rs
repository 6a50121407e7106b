//! The conformance suite, run against std::sync::mpsc::channel.
chanbench_core::conformance_tests!(chanbench_std_mpsc::StdMpsc, flavors: [unbounded], extras: [returns_unsent]);
