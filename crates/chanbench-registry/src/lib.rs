//! The one list of implementations per family (sync and async channels, SPSC rings, oneshots,
//! broadcasts): benches, xtask and reports iterate over them.
//!
//! The choice of implementation is made here, once, at the edge. Code below it is generic over
//! [`Channel`] and stamped per implementation with [`for_each_impl!`], so every call is static
//! dispatch. Reports that only need names and facts use [`implementations`].
//!
//! Adding an implementation: its adapter crate, its line in this crate's `Cargo.toml`, and its
//! line in its family's `registry!` list below (`for_each_impl`, `for_each_async_impl` for an
//! [`AsyncChannel`], `for_each_ring`, `for_each_oneshot`, `for_each_broadcast`); to keep it out
//! of the default run, an [`ON_REQUEST`] entry, its line after its list's `; on request:` and
//! its crate optional, in the `catalog` feature (the tests hold the three together). The tidy
//! tests fail if an adapter crate is missing here or from the README's tables.
//!
//! The `catalog` feature (on by default) compiles the implementations on request; without it
//! the `for_each_*` lists hold the default set only, which is what the default run's build
//! compiles (`cargo xtask bench` turns the feature on when a run asks for one of them).

use chanbench_core::{
    Capabilities, Channel, Library,
    asynchronous::{AsyncCapabilities, AsyncChannel},
    shapes::{broadcast::Broadcast, oneshot::Oneshot, ring::Ring},
};

/// What reports need to know of a registered implementation: `Caps` is [`Capabilities`] for a
/// [`Channel`], [`AsyncCapabilities`] for an [`AsyncChannel`] ([`AsyncImplInfo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImplInfo<Caps = Capabilities> {
    /// Its `ID` (a library with both halves shares one id between its sync and async adapters).
    pub id: &'static str,
    /// Its `NAME`.
    pub name: &'static str,
    /// Its `LIBRARY`.
    pub library: Library,
    /// The capability traits it implements.
    pub capabilities: Caps,
    /// The Rust path of the implementation type, e.g. `chanbench_flume::Flume`.
    pub type_name: &'static str,
    /// The conformance checks it fails by the library's own admission (its `KNOWN_FAILURES`).
    pub known_failures: &'static [&'static str],
    /// Measured only when asked for (see [`ON_REQUEST`]), not in the default run.
    pub on_request: bool,
}

/// The implementations the default run leaves out, by id, each with the reason: the default
/// run measures the established set within its 10-minute budget on two cores, and the catalog
/// grows beyond what that budget holds. They run when named (`--impl crossfire`), with
/// `--impl all`, or in the `full` profile; the README lists both sets.
pub const ON_REQUEST: &[(&str, &str)] = &[
    (
        "crossfire",
        "new in the catalog; the default run's budget has no room for its cells",
    ),
    (
        "crossfire-unbounded",
        "crossfire's unbounded flavor, measured with crossfire",
    ),
    (
        "tachyonix",
        "new in the catalog, async only; the default run's budget has no room for its cells",
    ),
    (
        "rtrb",
        "an SPSC ring, not a channel: measured beside the channels when asked for",
    ),
    (
        "ringbuf",
        "an SPSC ring, not a channel: measured beside the channels when asked for",
    ),
    (
        "crossbeam-arrayqueue",
        "an MPMC queue used as an SPSC ring: measured beside the rings when asked for",
    ),
    (
        "tokio-oneshot",
        "a oneshot, measured by the async-oneshot workload, which runs on request",
    ),
    (
        "futures-oneshot",
        "a oneshot, measured by the async-oneshot workload, which runs on request",
    ),
    (
        "oneshot",
        "a oneshot, measured by the async-oneshot workload, which runs on request",
    ),
    (
        "tokio-broadcast",
        "a broadcast, measured by the async-broadcast workload, which runs on request",
    ),
    (
        "async-broadcast",
        "a broadcast, measured by the async-broadcast workload, which runs on request",
    ),
];

/// The name that asks for every implementation, those on request too (`--impl all`,
/// `CHANBENCH_IMPL=all`).
pub const ALL: &str = "all";

/// Whether the implementation `id` is measured only when asked for ([`ON_REQUEST`]).
pub fn on_request(id: &str) -> bool {
    ON_REQUEST.iter().any(|(i, _)| *i == id)
}

/// What reports need to know of a registered async implementation.
pub type AsyncImplInfo = ImplInfo<AsyncCapabilities>;

/// What reports need to know of a registered SPSC ring, oneshot or broadcast (the shapes have
/// no capability traits).
pub type ShapeInfo = ImplInfo<()>;

impl ShapeInfo {
    /// Describes the broadcast `B`.
    pub fn of_broadcast<B: Broadcast>() -> Self {
        Self {
            id: B::ID,
            name: B::NAME,
            library: B::LIBRARY,
            capabilities: (),
            type_name: std::any::type_name::<B>(),
            known_failures: &[],
            on_request: on_request(B::ID),
        }
    }

    /// Describes the oneshot `O`.
    pub fn of_oneshot<O: Oneshot>() -> Self {
        Self {
            id: O::ID,
            name: O::NAME,
            library: O::LIBRARY,
            capabilities: (),
            type_name: std::any::type_name::<O>(),
            known_failures: &[],
            on_request: on_request(O::ID),
        }
    }

    /// Describes the ring `R`.
    pub fn of_ring<R: Ring>() -> Self {
        Self {
            id: R::ID,
            name: R::NAME,
            library: R::LIBRARY,
            capabilities: (),
            type_name: std::any::type_name::<R>(),
            known_failures: &[],
            on_request: on_request(R::ID),
        }
    }
}

impl ImplInfo {
    /// Describes `C`, whose capabilities the caller read with [`chanbench_core::capabilities!`].
    pub fn of<C: Channel>(capabilities: Capabilities) -> Self {
        Self {
            id: C::ID,
            name: C::NAME,
            library: C::LIBRARY,
            capabilities,
            type_name: std::any::type_name::<C>(),
            known_failures: C::KNOWN_FAILURES,
            on_request: on_request(C::ID),
        }
    }
}

impl AsyncImplInfo {
    /// Describes `C`, whose capabilities the caller read with
    /// [`chanbench_core::async_capabilities!`].
    pub fn of_async<C: AsyncChannel>(capabilities: AsyncCapabilities) -> Self {
        Self {
            id: C::ID,
            name: C::NAME,
            library: C::LIBRARY,
            capabilities,
            type_name: std::any::type_name::<C>(),
            known_failures: C::KNOWN_FAILURES,
            on_request: on_request(C::ID),
        }
    }
}

/// Defines the re-exports and the `for_each` macro named first from one list: the default
/// set, then after `; on request:` the implementations [`ON_REQUEST`] names, which only a build
/// with the `catalog` feature has (the default run's build leaves them out, and so their
/// compile time). The leading `$` is passed in so the generated macro can have metavariables of
/// its own on stable Rust; `$types` names a function listing the on-request part's types, which
/// the tests hold against [`ON_REQUEST`].
macro_rules! registry {
    // A family with a default set.
    ($d:tt $for_each:ident, $types:ident:
        $($krate:ident :: $ty:ident),+ $(,)? ;
        on request: $($okrate:ident :: $oty:ident),* $(,)?) => {
        $(pub use $krate::$ty;)+
        $(#[cfg(feature = "catalog")] pub use $okrate::$oty;)*
        registry!(@types $types: $($okrate::$oty),*);

        /// Calls `$callback!` with the list of every implementation type of its list, followed
        /// by any extra arguments: `for_each_impl!(my_macro)` expands to
        /// `my_macro!([chanbench_registry::StdMpsc, ...])`, and `for_each_impl!(my_macro,
        /// args...)` to `my_macro!([...], args...)`; `for_each_async_impl!` does the same over
        /// the async implementations. Without the `catalog` feature the list is the default set.
        #[cfg(feature = "catalog")]
        #[macro_export]
        macro_rules! $for_each {
            ($d callback:ident $d(, $d arg:tt)*) => {
                $d callback!([$($d crate::$ty),+ $(, $d crate::$oty)*] $d(, $d arg)*)
            };
        }
        /// Calls `$callback!` with the list of the default set's implementation types (this
        /// build has no `catalog` feature), followed by any extra arguments.
        #[cfg(not(feature = "catalog"))]
        #[macro_export]
        macro_rules! $for_each {
            ($d callback:ident $d(, $d arg:tt)*) => {
                $d callback!([$($d crate::$ty),+] $d(, $d arg)*)
            };
        }
    };
    // A family measured on request only (the shapes): without `catalog`, an empty list.
    ($d:tt $for_each:ident, $types:ident:
        ; on request: $($okrate:ident :: $oty:ident),+ $(,)?) => {
        $(#[cfg(feature = "catalog")] pub use $okrate::$oty;)+
        registry!(@types $types: $($okrate::$oty),+);

        /// Calls `$callback!` with the list of every implementation type of its family, followed
        /// by any extra arguments, as `for_each_impl!` does; empty without the `catalog` feature.
        #[cfg(feature = "catalog")]
        #[macro_export]
        macro_rules! $for_each {
            ($d callback:ident $d(, $d arg:tt)*) => {
                $d callback!([$($d crate::$oty),+] $d(, $d arg)*)
            };
        }
        /// Calls `$callback!` with an empty list (this build has no `catalog` feature),
        /// followed by any extra arguments.
        #[cfg(not(feature = "catalog"))]
        #[macro_export]
        macro_rules! $for_each {
            ($d callback:ident $d(, $d arg:tt)*) => {
                $d callback!([] $d(, $d arg)*)
            };
        }
    };
    (@types $types:ident: $($okrate:ident :: $oty:ident),*) => {
        /// The type names of this family's implementations on request, as the `catalog` build
        /// lists them (empty without it): the tests hold them against [`ON_REQUEST`].
        #[doc(hidden)]
        pub fn $types() -> Vec<&'static str> {
            #[cfg(feature = "catalog")]
            return vec![$(std::any::type_name::<$okrate::$oty>()),*];
            #[cfg(not(feature = "catalog"))]
            return Vec::new();
        }
    };
}

registry! { $ for_each_impl, on_request_impl_types:
    chanbench_std_mpsc::StdMpsc,
    chanbench_std_sync::StdSync,
    chanbench_crossbeam::Crossbeam,
    chanbench_flume::Flume,
    chanbench_kanal::Kanal,
    ; on request:
    chanbench_crossfire::Crossfire,
    chanbench_crossfire::CrossfireUnbounded,
}

/// Every registered implementation, in registry order.
pub fn implementations() -> Vec<ImplInfo> {
    macro_rules! infos {
        ([$($ty:path),*]) => {
            vec![$(ImplInfo::of::<$ty>(chanbench_core::capabilities!($ty))),*]
        };
    }
    for_each_impl!(infos)
}

/// The registered implementation with this [`Channel::ID`].
pub fn find(id: &str) -> Option<ImplInfo> {
    implementations().into_iter().find(|info| info.id == id)
}

registry! { $ for_each_async_impl, on_request_async_impl_types:
    chanbench_tokio::TokioMpsc,
    chanbench_tokio::TokioUnbounded,
    chanbench_async_channel::AsyncChan,
    chanbench_flume_async::FlumeAsync,
    chanbench_kanal_async::KanalAsync,
    chanbench_futures::FuturesMpsc,
    chanbench_futures::FuturesUnbounded,
    ; on request:
    chanbench_crossfire_async::CrossfireAsync,
    chanbench_crossfire_async::CrossfireAsyncUnbounded,
    chanbench_tachyonix::Tachyonix,
}

/// Every registered async implementation, in registry order.
pub fn async_implementations() -> Vec<AsyncImplInfo> {
    macro_rules! infos {
        ([$($ty:path),*]) => {
            vec![$(AsyncImplInfo::of_async::<$ty>(chanbench_core::async_capabilities!($ty))),*]
        };
    }
    for_each_async_impl!(infos)
}

registry! { $ for_each_ring, on_request_ring_types:
    ; on request:
    chanbench_rtrb::Rtrb,
    chanbench_ringbuf::Ringbuf,
    chanbench_crossbeam_queue::ArrayQueue,
}

/// Every registered SPSC ring, in registry order.
pub fn rings() -> Vec<ShapeInfo> {
    macro_rules! infos {
        ([$($ty:path),*]) => {
            vec![$(ShapeInfo::of_ring::<$ty>()),*]
        };
    }
    for_each_ring!(infos)
}

registry! { $ for_each_oneshot, on_request_oneshot_types:
    ; on request:
    chanbench_tokio::TokioOneshot,
    chanbench_futures::FuturesOneshot,
    chanbench_oneshot::OneshotCrate,
}

/// Every registered oneshot, in registry order (the bounded(1) baselines are the async
/// implementations', not listed here).
pub fn oneshots() -> Vec<ShapeInfo> {
    macro_rules! infos {
        ([$($ty:path),*]) => {
            vec![$(ShapeInfo::of_oneshot::<$ty>()),*]
        };
    }
    for_each_oneshot!(infos)
}

registry! { $ for_each_broadcast, on_request_broadcast_types:
    ; on request:
    chanbench_tokio::TokioBroadcast,
    chanbench_async_broadcast::AsyncBroadcast,
}

/// Every registered broadcast, in registry order.
pub fn broadcasts() -> Vec<ShapeInfo> {
    macro_rules! infos {
        ([$($ty:path),*]) => {
            vec![$(ShapeInfo::of_broadcast::<$ty>()),*]
        };
    }
    for_each_broadcast!(infos)
}
