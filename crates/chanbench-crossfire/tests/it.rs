//! The conformance suite, run against crossfire's two flavors.
mod bounded {
    chanbench_core::conformance_tests!(chanbench_crossfire::Crossfire, flavors: [bounded], extras: [multi_consumer, returns_unsent]);
}
mod unbounded {
    chanbench_core::conformance_tests!(chanbench_crossfire::CrossfireUnbounded, flavors: [unbounded], extras: [multi_consumer, returns_unsent]);
}
