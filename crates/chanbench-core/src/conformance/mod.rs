//! The conformance suite: generic checks any implementation runs with one macro call.
//!
//! Modelled on RustCrypto's `digest::new_test!` and `object_store`'s integration module: plain
//! generic functions, plus [`conformance_tests!`](crate::conformance_tests) to stamp out one
//! `#[test]` per check for a concrete implementation. An adapter's whole test file is:
//!
//! ```text
//! chanbench_core::conformance_tests!(chanbench_flume::Flume,
//!     flavors: [bounded, unbounded], extras: [multi_consumer, select, returns_unsent]);
//! ```
//!
//! `flavors` are the constructors the checks run through: `unbounded` runs the core checks on
//! `unbounded()`; `bounded` runs them, plus the capacity checks, on `bounded(4)`, and with
//! `rendezvous` among the extras again on `bounded(0)`. `extras` are the remaining capabilities;
//! their checks run under every listed flavor.
//!
//! A library that fails a check by its own admission (a defect or a documented limit) lists it
//! after the extras, `known_failures: [check_name]`, with the library's issue cited beside it:
//! that test then passes only while the check still fails, so the suite keeps showing the
//! failure and notices its fix; the type's `KNOWN_FAILURES` must list the same names. Listing a capability the type lacks does not compile; leaving out one it has
//! fails the generated `capabilities_match_type_system` test. So the list cannot drift from the
//! type.
//!
//! Every check runs in its own thread under a watchdog ([`run`]): an implementation that
//! deadlocks fails with a message instead of hanging `cargo test`. No check relies on sleeping or
//! on timing to pass; the only clocks are the watchdog, which only turns a hang into a failure,
//! and `recv_timeout`'s own deadline.

mod bounded;
#[cfg(feature = "async-conformance")]
mod broadcast;
mod extras;
mod general;
mod limits;
#[cfg(feature = "async-conformance")]
mod oneshot;
mod payloads;
mod ring;
#[cfg(feature = "async-conformance")]
mod runtime;
mod watchdog;

pub use bounded::*;
#[cfg(feature = "async-conformance")]
pub use broadcast::*;
pub use extras::*;
pub use general::*;
pub use limits::*;
#[cfg(feature = "async-conformance")]
pub use oneshot::*;
pub use payloads::{LARGE_BYTES, Large, Payload};
pub use ring::*;
#[cfg(feature = "async-conformance")]
pub use runtime::Runtime;
pub use watchdog::{Failure, NamedCheck, run, run_checks, run_expecting};

// ---------------------------------------------------------------------------------------------
// The macros. One table (`__conformance_flavor!` and `__conformance_group!`) lists the checks;
// `$mode` decides whether they become `#[test]` functions (`tests`) or list entries (`(list v)`).

/// Stamps out one `#[test]` per conformance check for an implementation; see the
/// [module docs](crate::conformance). Needs the `conformance` feature of `chanbench-core`.
#[macro_export]
macro_rules! conformance_tests {
    ($chan:ty, flavors: $flavors:tt, extras: $extras:tt $(,)?) => {
        $crate::conformance_tests!($chan, flavors: $flavors, extras: $extras, known_failures: []);
    };
    ($chan:ty, flavors: [$($flavor:ident),* $(,)?], extras: $extras:tt, known_failures: $known:tt $(,)?) => {
        mod conformance {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__conformance_flavor!((tests $known); $chan; $flavor; $extras); )*

            #[test]
            fn known_failures_match_the_type() {
                assert_eq!(
                    $crate::__conformance_known_names!($known),
                    <$chan as $crate::Channel>::KNOWN_FAILURES,
                    "known_failures in conformance_tests! differ from {}'s KNOWN_FAILURES",
                    stringify!($chan)
                );
            }

            #[test]
            fn capabilities_match_type_system() {
                let listed = $crate::__conformance_listed!([$($flavor),*], $extras);
                let actual = $crate::capabilities!($chan);
                assert_eq!(
                    listed, actual,
                    "the capabilities listed in conformance_tests! differ from the traits {} implements",
                    stringify!($chan)
                );
            }
        }
    };
}

/// The same checks as [`conformance_tests!`](crate::conformance_tests), as a list of
/// `(name, check)` for [`run_checks`](crate::conformance::run_checks).
#[macro_export]
macro_rules! conformance_checks {
    ($chan:ty, flavors: [$($flavor:ident),* $(,)?], extras: $extras:tt $(,)?) => {{
        let mut checks: ::std::vec::Vec<$crate::conformance::NamedCheck> = ::std::vec::Vec::new();
        $( $crate::__conformance_flavor!((list checks); $chan; $flavor; $extras); )*
        checks
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_known_names {
    ([$($known:ident),* $(,)?]) => {
        &[$(stringify!($known)),*] as &[&str]
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_is_known {
    ([$($known:ident),* $(,)?], $check:ident) => {
        [$(stringify!($known)),*].contains(&stringify!($check))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_listed {
    ([$($flavor:ident),*], [$($extra:ident),* $(,)?]) => {{
        let mut caps = $crate::Capabilities::default();
        $( caps.$flavor = true; )*
        $( caps.$extra = true; )*
        caps
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_flavor {
    ($mode:tt; $chan:ty; unbounded; $extras:tt) => {
        $crate::__conformance_module!($mode; unbounded; $chan; $crate::Unbound;
            [core]; $extras);
    };
    ($mode:tt; $chan:ty; bounded; [$($extra:ident),* $(,)?]) => {
        $crate::__conformance_module!($mode; bounded; $chan; $crate::Cap(4);
            [core, bounded]; [$($extra),*]);
        $crate::__conformance_zero!($mode; $chan; [$($extra),*]; [$($extra),*]);
    };
}

/// With `rendezvous` among the extras (the first list, searched), the checks again on
/// `bounded(0)` with every extra (the second list).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_zero {
    ($mode:tt; $chan:ty; []; $all:tt) => {};
    ($mode:tt; $chan:ty; [rendezvous $(, $rest:ident)*]; $all:tt) => {
        $crate::__conformance_module!($mode; rendezvous; $chan; $crate::Cap(0);
            [core, bounded, handoff]; $all);
    };
    ($mode:tt; $chan:ty; [$first:ident $(, $rest:ident)*]; $all:tt) => {
        $crate::__conformance_zero!($mode; $chan; [$($rest),*]; $all);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_module {
    ((tests $known:tt); $module:ident; $chan:ty; $make:expr; [$($group:ident),*]; [$($extra:ident),* $(,)?]) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__conformance_group!((tests $known); ""; $chan; $make; $group); )*
            $( $crate::__conformance_group!((tests $known); ""; $chan; $make; $extra); )*
        }
    };
    ((list $v:ident); $module:ident; $chan:ty; $make:expr; [$($group:ident),*]; [$($extra:ident),* $(,)?]) => {
        $( $crate::__conformance_group!((list $v); stringify!($module); $chan; $make; $group); )*
        $( $crate::__conformance_group!((list $v); stringify!($module); $chan; $make; $extra); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_group {
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; core) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make;
            fifo_single_producer, mpsc_per_producer_fifo, payload_kinds,
            pending_delivered_after_senders_drop, send_after_receiver_drop_fails,
            blocked_receiver_woken_by_disconnect, recv_timeout_times_out,
            recv_timeout_returns_on_message, drops_exactly_once);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; bounded) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make;
            capacity_try_send_full, blocked_sender_woken_by_disconnect);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; handoff) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make; rendezvous_handoff);
    };
    // Listed beside `bounded`, it adds the capacity-0 flavor (above) and no check of its own.
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; rendezvous) => {};
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; multi_consumer) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make;
            mpmc_no_loss_no_duplicates, mpmc_blocked_receivers_woken_by_disconnect);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; select) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make; select_receives_from_every_source);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; returns_unsent) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make; unsent_message_returned);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_stamp {
    ((tests $known:tt); $prefix:expr; $chan:ty; $make:expr; $($check:ident),*) => {$(
        #[test]
        fn $check() {
            $crate::conformance::run_expecting(
                concat!(module_path!(), "::", stringify!($check)),
                $crate::__conformance_is_known!($known, $check),
                || $crate::conformance::$check::<$chan, _>($make),
            );
        }
    )*};
    ((list $v:ident); $prefix:expr; $chan:ty; $make:expr; $($check:ident),*) => {$(
        $v.push((
            ::std::format!("{}::{}", $prefix, stringify!($check)),
            ::std::boxed::Box::new(|| $crate::conformance::$check::<$chan, _>($make)),
        ));
    )*};
}

// ---------------------------------------------------------------------------------------------
// The shapes' macros: the ring checks and the oneshot checks, stamped as tests or listed.

/// Stamps one `#[test]` per ring check for a ring implementation, and a test that its id is
/// kebab-case: `ring_conformance_tests!(chanbench_rtrb::Rtrb);`.
#[macro_export]
macro_rules! ring_conformance_tests {
    ($ring:ty) => {
        mod ring_conformance {
            #[allow(unused_imports)]
            use super::*;
            $crate::__ring_checks!(tests; $ring);
        }
    };
}

/// The ring checks as a list of `(name, check)` for [`run_checks`](crate::conformance::run_checks).
#[macro_export]
macro_rules! ring_conformance_checks {
    ($ring:ty) => {{
        let mut checks: ::std::vec::Vec<$crate::conformance::NamedCheck> = ::std::vec::Vec::new();
        $crate::__ring_checks!((list checks); $ring);
        checks
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __ring_checks {
    ($mode:tt; $ring:ty) => {
        $crate::__ring_stamp!($mode; $ring; ring_fifo, ring_full_hands_back_and_keeps_the_unread,
            ring_two_threads_in_order, ring_drops_exactly_once);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __ring_stamp {
    (tests; $ring:ty; $($check:ident),*) => {$(
        #[test]
        fn $check() {
            $crate::conformance::run(
                concat!(module_path!(), "::", stringify!($check)),
                || $crate::conformance::$check::<$ring>(),
            );
        }
    )*};
    ((list $v:ident); $ring:ty; $($check:ident),*) => {$(
        $v.push((
            ::std::string::ToString::to_string(stringify!($check)),
            ::std::boxed::Box::new(|| $crate::conformance::$check::<$ring>()),
        ));
    )*};
}

/// Stamps one `#[test]` per oneshot check and runtime flavour:
/// `oneshot_conformance_tests!(chanbench_oneshot::OneshotCrate);`.
#[macro_export]
macro_rules! oneshot_conformance_tests {
    ($oneshot:ty) => {
        mod oneshot_conformance {
            #[allow(unused_imports)]
            use super::*;
            mod current_thread {
                #[allow(unused_imports)]
                use super::*;
                $crate::__oneshot_checks!(tests; CurrentThread; $oneshot);
            }
            mod multi_thread {
                #[allow(unused_imports)]
                use super::*;
                $crate::__oneshot_checks!(tests; MultiThread; $oneshot);
            }
        }
    };
}

/// The oneshot checks on both runtime flavours, as a list of `(name, check)` for
/// [`run_checks`](crate::conformance::run_checks).
#[macro_export]
macro_rules! oneshot_conformance_checks {
    ($oneshot:ty) => {{
        let mut checks: ::std::vec::Vec<$crate::conformance::NamedCheck> = ::std::vec::Vec::new();
        $crate::__oneshot_checks!((list checks); CurrentThread; $oneshot);
        $crate::__oneshot_checks!((list checks); MultiThread; $oneshot);
        checks
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __oneshot_checks {
    ($mode:tt; $rt:ident; $oneshot:ty) => {
        $crate::__runtime_stamp!($mode; $rt; $oneshot; oneshot_delivers,
            oneshot_delivers_exactly_once, oneshot_disconnection, oneshot_drops_exactly_once);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __runtime_stamp {
    (tests; $rt:ident; $oneshot:ty; $($check:ident),*) => {$(
        #[test]
        fn $check() {
            $crate::conformance::run(
                concat!(module_path!(), "::", stringify!($check)),
                || $crate::conformance::$check::<$oneshot>($crate::conformance::Runtime::$rt),
            );
        }
    )*};
    ((list $v:ident); $rt:ident; $oneshot:ty; $($check:ident),*) => {$(
        $v.push((
            ::std::format!("{}::{}", stringify!($rt), stringify!($check)),
            ::std::boxed::Box::new(|| $crate::conformance::$check::<$oneshot>(
                $crate::conformance::Runtime::$rt,
            )),
        ));
    )*};
}

/// Stamps one `#[test]` per broadcast check and runtime flavour:
/// `broadcast_conformance_tests!(chanbench_async_broadcast::AsyncBroadcast);`.
#[macro_export]
macro_rules! broadcast_conformance_tests {
    ($broadcast:ty) => {
        mod broadcast_conformance {
            #[allow(unused_imports)]
            use super::*;
            mod current_thread {
                #[allow(unused_imports)]
                use super::*;
                $crate::__broadcast_checks!(tests; CurrentThread; $broadcast);
            }
            mod multi_thread {
                #[allow(unused_imports)]
                use super::*;
                $crate::__broadcast_checks!(tests; MultiThread; $broadcast);
            }
        }
    };
}

/// The broadcast checks on both runtime flavours, as a list of `(name, check)` for
/// [`run_checks`](crate::conformance::run_checks).
#[macro_export]
macro_rules! broadcast_conformance_checks {
    ($broadcast:ty) => {{
        let mut checks: ::std::vec::Vec<$crate::conformance::NamedCheck> = ::std::vec::Vec::new();
        $crate::__broadcast_checks!((list checks); CurrentThread; $broadcast);
        $crate::__broadcast_checks!((list checks); MultiThread; $broadcast);
        checks
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __broadcast_checks {
    ($mode:tt; $rt:ident; $broadcast:ty) => {
        $crate::__runtime_stamp!($mode; $rt; $broadcast;
            broadcast_every_subscriber_gets_every_message,
            broadcast_subscriber_tasks_account_for_every_message,
            broadcast_lagging_follows_the_declared_rule,
            broadcast_late_subscriber_starts_at_its_subscription);
    };
}
