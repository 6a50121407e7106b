//! Reads an implementation's capabilities from the type system, for [`capabilities!`](crate::capabilities).
//!
//! This is autoref specialization (dtolnay's case study): for a concrete `C`, `(&probe).bounded()`
//! resolves to `HasBounded` on `Probe<C>` when `C: Bounded`, and otherwise falls back to
//! `LacksBounded` on `&Probe<C>`, one autoref step further. It only works where `C` is concrete,
//! which is why it is a macro. Nothing outside the macro should use these items.

#![allow(missing_docs, unreachable_pub)]

use std::marker::PhantomData;

use crate::{
    Bounded, MultiConsumer, ReturnsUnsent, Select, Unbounded,
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
