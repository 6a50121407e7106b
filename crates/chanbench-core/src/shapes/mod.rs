//! The shapes beyond the MPMC channel, each a base trait beside [`Channel`](crate::Channel)
//! with the same rules: a zero-sized implementation type in an adapter crate, one forwarding
//! call per method, its conformance checks in [`conformance`](crate::conformance) (feature
//! `conformance`), its list in `chanbench-registry`.

pub mod broadcast;
pub mod oneshot;
pub mod ring;
