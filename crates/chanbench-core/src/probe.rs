//! Reads an implementation's capabilities from the type system, for [`capabilities!`](crate::capabilities).
//!
//! This is autoref specialization (dtolnay's case study): for a concrete `C`, `(&probe).bounded()`
//! resolves to `HasBounded` on `Probe<C>` when `C: Bounded`, and otherwise falls back to
//! `LacksBounded` on `&Probe<C>`, one autoref step further. It only works where `C` is concrete,
//! which is why it is a macro. Nothing outside the macro should use these items.

#![allow(missing_docs, unreachable_pub)]

use std::marker::PhantomData;

use crate::{
    Bounded, MultiConsumer, Rendezvous, ReturnsUnsent, Select, Unbounded,
    asynchronous::{AsyncBounded, AsyncMultiConsumer, AsyncUnbounded, Bridge, ZeroCapacity},
};

pub struct Probe<C>(PhantomData<C>);

impl<C> Probe<C> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

macro_rules! probe {
    ($($cap:ident: $has:ident, $lacks:ident, $method:ident;)*) => {$(
        pub trait $has {
            fn $method(&self) -> bool {
                true
            }
        }
        impl<C: $cap> $has for Probe<C> {}
        pub trait $lacks {
            fn $method(&self) -> bool {
                false
            }
        }
        impl<C> $lacks for &Probe<C> {}
    )*};
}

probe! {
    Bounded: HasBounded, LacksBounded, bounded;
    Rendezvous: HasRendezvous, LacksRendezvous, rendezvous;
    Unbounded: HasUnbounded, LacksUnbounded, unbounded;
    MultiConsumer: HasMultiConsumer, LacksMultiConsumer, multi_consumer;
    Select: HasSelect, LacksSelect, select;
    ReturnsUnsent: HasReturnsUnsent, LacksReturnsUnsent, returns_unsent;
    AsyncBounded: HasAsyncBounded, LacksAsyncBounded, async_bounded;
    ZeroCapacity: HasZeroCapacity, LacksZeroCapacity, zero_capacity;
    AsyncUnbounded: HasAsyncUnbounded, LacksAsyncUnbounded, async_unbounded;
    AsyncMultiConsumer: HasAsyncMultiConsumer, LacksAsyncMultiConsumer, async_multi_consumer;
    Bridge: HasBridge, LacksBridge, bridge;
}

/// The [`Capabilities`](crate::Capabilities) of a concrete implementation type, read from which capability traits it
/// implements. Works on concrete types only (it relies on method resolution at the call site).
#[macro_export]
macro_rules! capabilities {
    ($chan:ty) => {{
        #[allow(unused_imports)]
        use $crate::probe::{
            HasBounded, HasMultiConsumer, HasRendezvous, HasReturnsUnsent, HasSelect, HasUnbounded,
            LacksBounded, LacksMultiConsumer, LacksRendezvous, LacksReturnsUnsent, LacksSelect,
            LacksUnbounded,
        };
        let probe = $crate::probe::Probe::<$chan>::new();
        $crate::Capabilities {
            bounded: (&probe).bounded(),
            rendezvous: (&probe).rendezvous(),
            unbounded: (&probe).unbounded(),
            multi_consumer: (&probe).multi_consumer(),
            select: (&probe).select(),
            returns_unsent: (&probe).returns_unsent(),
        }
    }};
}

/// The [`AsyncCapabilities`](crate::asynchronous::AsyncCapabilities) of a concrete async implementation type, read from which
/// capability traits it implements (concrete types only, like [`capabilities!`](crate::capabilities)).
#[macro_export]
macro_rules! async_capabilities {
    ($chan:ty) => {{
        #[allow(unused_imports)]
        use $crate::probe::{
            HasAsyncBounded, HasAsyncMultiConsumer, HasAsyncUnbounded, HasBridge, HasZeroCapacity,
            LacksAsyncBounded, LacksAsyncMultiConsumer, LacksAsyncUnbounded, LacksBridge,
            LacksZeroCapacity,
        };
        let probe = $crate::probe::Probe::<$chan>::new();
        $crate::asynchronous::AsyncCapabilities {
            bounded: (&probe).async_bounded(),
            zero_capacity: (&probe).zero_capacity(),
            unbounded: (&probe).async_unbounded(),
            multi_consumer: (&probe).async_multi_consumer(),
            bridge: (&probe).bridge(),
        }
    }};
}
