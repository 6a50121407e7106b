//! The ring conformance checks, run against crossbeam-queue's `ArrayQueue`.
chanbench_core::ring_conformance_tests!(chanbench_crossbeam_queue::ArrayQueue);
