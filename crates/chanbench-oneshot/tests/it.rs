//! The oneshot checks, run against the `oneshot` crate.
chanbench_core::oneshot_conformance_tests!(chanbench_oneshot::OneshotCrate);
