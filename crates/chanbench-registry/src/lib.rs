//! The one list of channel implementations: benches, xtask and reports iterate over it.
//!
//! The choice of implementation is made here, once, at the edge. Code below it is generic over
//! [`Channel`] and stamped per implementation with [`for_each_impl!`], so every call is static
//! dispatch. Reports that only need names and facts use [`implementations`].
//!
//! Adding an implementation: its adapter crate, its line in this crate's `Cargo.toml`, and its
//! line in the `registry!` list below (`async_registry!` for an [`AsyncChannel`]). The tidy tests fail if an adapter crate is missing here or
//! from the README's table.

use chanbench_core::{
    Capabilities, Channel, Library,
    asynchronous::{AsyncCapabilities, AsyncChannel},
};

/// What reports need to know of a registered implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImplInfo {
    /// [`Channel::ID`].
    pub id: &'static str,
    /// [`Channel::NAME`].
    pub name: &'static str,
    /// [`Channel::LIBRARY`].
    pub library: Library,
    /// The capability traits it implements.
    pub capabilities: Capabilities,
    /// The Rust path of the implementation type, e.g. `chanbench_flume::Flume`.
    pub type_name: &'static str,
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
        }
    }
}

/// Defines the re-exports and [`for_each_impl!`] from one list. The leading `$` is passed in so
/// the generated macro can have metavariables of its own on stable Rust.
macro_rules! registry {
    ($d:tt $($krate:ident :: $ty:ident),* $(,)?) => {
        $(pub use $krate::$ty;)*

        /// Calls `$callback!` with the list of every registered implementation type, followed by
        /// any extra arguments: `for_each_impl!(my_macro)` expands to
        /// `my_macro!([chanbench_registry::StdMpsc, ...])`, and
        /// `for_each_impl!(my_macro, args...)` to `my_macro!([...], args...)`.
        #[macro_export]
        macro_rules! for_each_impl {
            ($d callback:ident $d(, $d arg:tt)*) => {
                $d callback!([$($d crate::$ty),*] $d(, $d arg)*)
            };
        }
    };
}

registry! { $
    chanbench_std_mpsc::StdMpsc,
    chanbench_std_sync::StdSync,
    chanbench_crossbeam::Crossbeam,
    chanbench_flume::Flume,
    chanbench_kanal::Kanal,
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

/// What reports need to know of a registered async implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsyncImplInfo {
    /// [`AsyncChannel::ID`] (a library with both halves shares its id with the sync adapter).
    pub id: &'static str,
    /// [`AsyncChannel::NAME`].
    pub name: &'static str,
    /// [`AsyncChannel::LIBRARY`].
    pub library: Library,
    /// The async capability traits it implements.
    pub capabilities: AsyncCapabilities,
    /// The Rust path of the implementation type.
    pub type_name: &'static str,
}

impl AsyncImplInfo {
    /// Describes `C`, whose capabilities the caller read with
    /// [`chanbench_core::async_capabilities!`].
    pub fn of<C: AsyncChannel>(capabilities: AsyncCapabilities) -> Self {
        Self {
            id: C::ID,
            name: C::NAME,
            library: C::LIBRARY,
            capabilities,
            type_name: std::any::type_name::<C>(),
        }
    }
}

/// Defines the async re-exports and [`for_each_async_impl!`] from one list, as `registry!` does.
macro_rules! async_registry {
    ($d:tt $($krate:ident :: $ty:ident),* $(,)?) => {
        $(pub use $krate::$ty;)*

        /// Calls `$callback!` with the list of every registered async implementation type,
        /// followed by any extra arguments, as [`for_each_impl!`] does for the sync ones.
        #[macro_export]
        macro_rules! for_each_async_impl {
            ($d callback:ident $d(, $d arg:tt)*) => {
                $d callback!([$($d crate::$ty),*] $d(, $d arg)*)
            };
        }
    };
}

async_registry! { $
    chanbench_tokio::TokioMpsc,
    chanbench_tokio::TokioUnbounded,
    chanbench_async_channel::AsyncChan,
    chanbench_flume_async::FlumeAsync,
    chanbench_kanal_async::KanalAsync,
    chanbench_futures::FuturesMpsc,
    chanbench_futures::FuturesUnbounded,
}

/// Every registered async implementation, in registry order.
pub fn async_implementations() -> Vec<AsyncImplInfo> {
    macro_rules! infos {
        ([$($ty:path),*]) => {
            vec![$(AsyncImplInfo::of::<$ty>(chanbench_core::async_capabilities!($ty))),*]
        };
    }
    for_each_async_impl!(infos)
}
