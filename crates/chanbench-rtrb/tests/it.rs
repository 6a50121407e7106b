//! The ring conformance checks, run against rtrb.
chanbench_core::ring_conformance_tests!(chanbench_rtrb::Rtrb);
