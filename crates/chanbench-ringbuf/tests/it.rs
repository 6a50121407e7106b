//! The ring conformance checks, run against ringbuf.
chanbench_core::ring_conformance_tests!(chanbench_ringbuf::Ringbuf);
