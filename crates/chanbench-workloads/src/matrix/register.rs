//! The macros that register implementations into the matrix, and the probes they use.

/// Registers a list of implementation types, as `chanbench_registry::for_each_impl!` passes
/// it: `for_each_impl!(register_impls, (&mut matrix))`.
#[macro_export]
macro_rules! register_impls {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( $crate::register_impl!(&mut *matrix, $ty); )*
    }};
}

/// Registers a list of async implementation types, as
/// `chanbench_registry::for_each_async_impl!` passes it.
#[macro_export]
macro_rules! register_async_impls {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( $crate::register_async_impl!(&mut *matrix, $ty); )*
    }};
}

/// Registers a list of SPSC ring types, as `chanbench_registry::for_each_ring!` passes it.
#[macro_export]
macro_rules! register_rings {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( matrix.add_ring::<$ty>(); )*
    }};
}

/// Registers a list of broadcast types, as `chanbench_registry::for_each_broadcast!` passes it.
#[macro_export]
macro_rules! register_broadcasts {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( matrix.add_broadcast::<$ty>(); )*
    }};
}

/// Registers a list of oneshot types, as `chanbench_registry::for_each_oneshot!` passes it.
#[macro_export]
macro_rules! register_oneshots {
    ([$($ty:path),*], $matrix:expr) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $( matrix.add_oneshot::<$ty>(&[]); )*
    }};
}

/// Registers every async cell a concrete async implementation type can run, chosen by the async
/// capability traits it implements: `register_async_impl!(&mut matrix, chanbench_tokio::TokioMpsc)`.
#[macro_export]
macro_rules! register_async_impl {
    ($matrix:expr, $chan:ty) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        let capabilities = chanbench_core::async_capabilities!($chan);
        {
            #[allow(unused_imports)]
            use $crate::matrix::register::async_probe::{
                Bounded as _, BoundedBridge as _, BoundedMulti as _, Lacks as _, OneSlot as _,
                Unbounded as _, UnboundedBridge as _, UnboundedMulti as _,
            };
            let probe = $crate::matrix::register::probe::Probe::<$chan>::new();
            (&probe).async_bounded(matrix);
            (&probe).async_unbounded(matrix);
            (&probe).async_bounded_multi(matrix);
            (&probe).async_unbounded_multi(matrix);
            (&probe).async_bounded_bridge(matrix);
            (&probe).async_unbounded_bridge(matrix);
            (&probe).async_one_slot(matrix);
        }
        matrix.note_async_impl::<$chan>(capabilities);
    }};
}

/// The matrix of every registered implementation (`chanbench-registry`, which the caller
/// depends on), the strategies without a channel and the floor: what the bench measures, less
/// its own additions (the zero-cost pair, the fault fixtures).
#[macro_export]
macro_rules! registered_matrix {
    ($shape:expr, $reduced:expr) => {{
        $crate::registered_matrix!(@sweep $shape, $crate::matrix::Sweep::new($reduced))
    }};
    (@sweep $shape:expr, $sweep:expr) => {{
        use $crate::{
            register_async_impls, register_broadcasts, register_impls, register_oneshots,
            register_rings,
        };
        let mut matrix = $crate::matrix::Matrix::sweeping($shape, $sweep);
        chanbench_registry::for_each_impl!(register_impls, (&mut matrix));
        chanbench_registry::for_each_async_impl!(register_async_impls, (&mut matrix));
        chanbench_registry::for_each_ring!(register_rings, (&mut matrix));
        chanbench_registry::for_each_oneshot!(register_oneshots, (&mut matrix));
        chanbench_registry::for_each_broadcast!(register_broadcasts, (&mut matrix));
        matrix.add_strategies();
        matrix.add_floor();
        matrix
    }};
}

/// Registers every cell a concrete implementation type can run, chosen by the capability traits
/// it implements: `register_impl!(&mut matrix, chanbench_flume::Flume)`.
#[macro_export]
macro_rules! register_impl {
    ($matrix:expr, $chan:ty) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        let capabilities = chanbench_core::capabilities!($chan);
        {
            #[allow(unused_imports)]
            use $crate::matrix::register::probe::{
                Bounded as _, BoundedMulti as _, BoundedSelect as _, Lacks as _, Rendezvous as _,
                RendezvousMulti as _, Unbounded as _, UnboundedMulti as _, UnboundedSelect as _,
            };
            let probe = $crate::matrix::register::probe::Probe::<$chan>::new();
            // Capacity 0 first: the order the capacities were always registered in.
            (&probe).cells_rendezvous(matrix);
            (&probe).cells_bounded(matrix);
            (&probe).cells_unbounded(matrix);
            (&probe).cells_rendezvous_multi(matrix);
            (&probe).cells_bounded_multi(matrix);
            (&probe).cells_unbounded_multi(matrix);
            (&probe).cells_bounded_select(matrix);
            (&probe).cells_unbounded_select(matrix);
        }
        matrix.note_impl::<$chan>(capabilities);
    }};
}

/// One probe of the autoref specialization: the trait `$name`, whose `$method` runs `$body` with
/// the matrix as `$m` for the `Probe<C>` of a `C` with every `$bound` (the modules' `Lacks`
/// fallback does nothing otherwise). The probe modules here and in `job.rs` share it.
macro_rules! combo {
    ($name:ident: $($bound:path),+ => $method:ident |$m:ident| $body:expr) => {
        pub trait $name {
            fn $method(&self, $m: &mut Matrix);
        }
        impl<C: $($bound +)+ 'static> $name for Probe<C> {
            fn $method(&self, $m: &mut Matrix) {
                $body
            }
        }
    };
}
pub(crate) use combo;

/// Autoref specialization over capability combinations, for [`register_impl!`], on the core's
/// `Probe`: each method resolves to the `Probe<C>` impl when `C` has the capabilities, else to
/// the no-op on `&Probe<C>`.
#[doc(hidden)]
pub mod probe {
    #![allow(missing_docs, unreachable_pub)]

    pub use chanbench_core::probe::Probe;
    use chanbench_core::{Cap, Unbound};

    use crate::matrix::{Matrix, STREAMING_CAPACITIES};

    /// The fallback: every method does nothing.
    pub trait Lacks {
        fn cells_rendezvous(&self, _: &mut Matrix) {}
        fn cells_rendezvous_multi(&self, _: &mut Matrix) {}
        fn cells_bounded(&self, _: &mut Matrix) {}
        fn cells_unbounded(&self, _: &mut Matrix) {}
        fn cells_bounded_multi(&self, _: &mut Matrix) {}
        fn cells_unbounded_multi(&self, _: &mut Matrix) {}
        fn cells_bounded_select(&self, _: &mut Matrix) {}
        fn cells_unbounded_select(&self, _: &mut Matrix) {}
    }
    impl<C> Lacks for &Probe<C> {}

    use chanbench_core::Capability::{
        Bounded as B, MultiConsumer as Mc, Rendezvous as R, Select as S, Unbounded as U,
    };

    combo!(Rendezvous: chanbench_core::Rendezvous => cells_rendezvous |m| {
        m.add_flavor::<C, Cap>(Cap(0), &[B, R]);
        m.add_receiver_gone::<C, Cap>(Cap(0), &[B, R]);
    });
    combo!(RendezvousMulti: chanbench_core::Rendezvous, chanbench_core::MultiConsumer => cells_rendezvous_multi |m| {
        m.add_multi_consumer::<C, Cap>(Cap(0), &[B, R, Mc]);
    });
    combo!(Bounded: chanbench_core::Bounded => cells_bounded |m| {
        for cap in STREAMING_CAPACITIES.into_iter().filter(|&cap| cap > 0) {
            m.add_flavor::<C, Cap>(Cap(cap), &[B]);
            m.add_receiver_gone::<C, Cap>(Cap(cap), &[B]);
        }
    });
    combo!(Unbounded: chanbench_core::Unbounded => cells_unbounded |m| {
        m.add_flavor::<C, Unbound>(Unbound, &[U]);
    });
    combo!(BoundedMulti: chanbench_core::Bounded, chanbench_core::MultiConsumer => cells_bounded_multi |m| {
        for cap in STREAMING_CAPACITIES.into_iter().filter(|&cap| cap > 0) {
            m.add_multi_consumer::<C, Cap>(Cap(cap), &[B, Mc]);
        }
    });
    combo!(UnboundedMulti: chanbench_core::Unbounded, chanbench_core::MultiConsumer => cells_unbounded_multi |m| {
        m.add_multi_consumer::<C, Unbound>(Unbound, &[U, Mc]);
    });
    combo!(BoundedSelect: chanbench_core::Bounded, chanbench_core::Select => cells_bounded_select |m| {
        m.add_select::<C, Cap>(Cap(1024), &[B, S]);
    });
    combo!(UnboundedSelect: chanbench_core::Unbounded, chanbench_core::Select => cells_unbounded_select |m| {
        m.add_select::<C, Unbound>(Unbound, &[U, S]);
    });
}

/// [`probe`]'s autoref specialization for the async capability traits, for
/// [`register_async_impl!`](crate::register_async_impl).
#[doc(hidden)]
pub mod async_probe {
    #![allow(missing_docs, unreachable_pub)]

    use chanbench_core::{Cap, Unbound, probe::Probe};

    use crate::matrix::{AsyncNeed, Matrix};

    /// The fallback: every method does nothing.
    pub trait Lacks {
        fn async_bounded(&self, _: &mut Matrix) {}
        fn async_unbounded(&self, _: &mut Matrix) {}
        fn async_bounded_multi(&self, _: &mut Matrix) {}
        fn async_unbounded_multi(&self, _: &mut Matrix) {}
        fn async_bounded_bridge(&self, _: &mut Matrix) {}
        fn async_unbounded_bridge(&self, _: &mut Matrix) {}
        fn async_one_slot(&self, _: &mut Matrix) {}
    }
    impl<C> Lacks for &Probe<C> {}

    use AsyncNeed::{Bounded as B, Bridge as Br, MultiConsumer as Mc, Unbounded as U};
    use chanbench_core::asynchronous::{AsyncBounded, AsyncMultiConsumer, AsyncUnbounded, Bridge};

    combo!(Bounded: AsyncBounded => async_bounded |m| {
        m.add_async_flavor::<C, Cap>(Cap(1024), &[B]);
        m.add_async_flavor::<C, Cap>(Cap(1), &[B]);
        m.add_async_receiver_gone::<C, Cap>(Cap(1), &[B]);
    });
    combo!(Unbounded: AsyncUnbounded => async_unbounded |m| {
        m.add_async_flavor::<C, Unbound>(Unbound, &[U]);
    });
    combo!(BoundedMulti: AsyncBounded, AsyncMultiConsumer => async_bounded_multi |m| {
        m.add_async_multi_consumer::<C, Cap>(Cap(1024), &[B, Mc]);
    });
    combo!(UnboundedMulti: AsyncUnbounded, AsyncMultiConsumer => async_unbounded_multi |m| {
        m.add_async_multi_consumer::<C, Unbound>(Unbound, &[U, Mc]);
    });
    combo!(BoundedBridge: AsyncBounded, Bridge => async_bounded_bridge |m| {
        m.add_bridges::<C, Cap>(Cap(1024), &[B, Br]);
    });
    combo!(UnboundedBridge: AsyncUnbounded, Bridge => async_unbounded_bridge |m| {
        m.add_bridges::<C, Unbound>(Unbound, &[U, Br]);
    });
    // The oneshots' baseline: each async MPMC library's bounded(1), used once per request.
    combo!(OneSlot: AsyncBounded, AsyncMultiConsumer => async_one_slot |m| {
        m.add_oneshot::<chanbench_core::shapes::oneshot::OneSlot<C>>(&[B, Mc]);
    });
}
