//! The async conformance suite, run against tachyonix.
chanbench_core::async_conformance_tests!(chanbench_tachyonix::Tachyonix, flavors: [bounded], extras: []);
