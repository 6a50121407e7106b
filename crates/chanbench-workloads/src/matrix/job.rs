//! The cells of one described job (`cargo xtask choose`): for every registered implementation
//! whose capabilities the job needs, one cell of the job's shape, capacity and message, filed
//! under the matrix workload of that shape (`spsc`, `mpsc`, `mpmc` or their async twins), with a
//! latency run of stamped messages beside it. [`job_matrix!`](crate::job_matrix) builds it; an
//! implementation that lacks a capability the job needs is listed as not supported with it, and
//! [`Matrix::job_refusal`] says why when no implementation can run the job at all.

use chanbench_core::{
    Capability, Channel, Make, MultiConsumer,
    asynchronous::{AsyncChannel, AsyncMultiConsumer, MakeAsync},
};
use chanbench_schema::{Capacity, Job, JobSize, Storage};

use super::{AsyncNeed, Cell, Matrix, Shape, Sweep};
use crate::{
    async_workload, job,
    payload::{Boxed, Inline, Payload},
    runtime::Flavor,
    workload,
};

/// Evaluates `$body` with the type `$p` set to the job's message type: the payload sizes are
/// compiled in, and this table is the one place a job's size and storage become a type.
macro_rules! by_payload {
    ($job:expr, |$p:ident| $body:expr) => {
        by_payload!(@table $job, $p, $body, [
            (Inline, B8, u64), (Inline, B64, Inline<64>), (Inline, B256, Inline<256>),
            (Inline, K1, Inline<1024>), (Inline, K4, Inline<4096>),
            (Heap, B8, Boxed<8>), (Heap, B64, Boxed<64>), (Heap, B256, Boxed<256>),
            (Heap, K1, Boxed<1024>), (Heap, K4, Boxed<4096>),
        ])
    };
    (@table $job:expr, $p:ident, $body:expr, [$(($storage:ident, $size:ident, $ty:ty)),* $(,)?]) => {
        match ($job.storage, $job.size) {
            $((Storage::$storage, JobSize::$size) => {
                type $p = $ty;
                $body
            })*
        }
    };
}

/// What a sync job needs of an implementation, by capability.
pub fn needs(job: &Job) -> &'static [Capability] {
    use Capability::{Bounded as B, MultiConsumer as Mc, Rendezvous as R, Unbounded as U};
    match (job.capacity, job.consumers > 1) {
        (Capacity::Unbounded, false) => &[U],
        (Capacity::Unbounded, true) => &[U, Mc],
        (Capacity::Bounded(0), false) => &[B, R],
        (Capacity::Bounded(0), true) => &[B, R, Mc],
        (_, false) => &[B],
        (_, true) => &[B, Mc],
    }
}

/// What an async job needs of an implementation.
pub fn async_needs(job: &Job) -> &'static [AsyncNeed] {
    use AsyncNeed::{Bounded as B, MultiConsumer as Mc, Unbounded as U, ZeroCapacity as Z};
    match (job.capacity, job.consumers > 1) {
        (Capacity::Unbounded, false) => &[U],
        (Capacity::Unbounded, true) => &[U, Mc],
        (Capacity::Bounded(0), false) => &[B, Z],
        (Capacity::Bounded(0), true) => &[B, Z, Mc],
        (_, false) => &[B],
        (_, true) => &[B, Mc],
    }
}

impl Matrix {
    /// An empty matrix for `job`; [`job_matrix!`](crate::job_matrix) registers its cells.
    pub fn for_job(shape: Shape, job: Job) -> Self {
        let mut matrix = Self::sweeping(shape, Sweep::new(false));
        matrix.job = Some(job);
        matrix
    }

    /// Why no implementation whose id `keep` accepts can run the matrix's job: each with the
    /// capabilities it lacks. `None` when one can (or the matrix has no job).
    pub fn job_refusal(&self, keep: impl Fn(&str) -> bool) -> Option<String> {
        let job = self.job?;
        if self.cells.iter().any(|c| keep(c.implementation())) {
            return None;
        }
        let lacks = |id: &str, missing: Vec<&str>| format!("{id} lacks {}", missing.join(" and "));
        let reasons: Vec<String> = if job.runtime.is_some() {
            self.async_implementations
                .iter()
                .filter(|(id, _)| keep(id))
                .map(|(id, caps)| {
                    let missing = async_needs(&job).iter().filter(|n| !n.met_by(caps));
                    lacks(id, missing.map(|n| n.name()).collect())
                })
                .collect()
        } else {
            self.implementations
                .iter()
                .filter(|(id, _)| keep(id))
                .map(|(id, caps)| {
                    let missing = needs(&job).iter().filter(|n| !caps.has(**n));
                    lacks(id, missing.map(|n| n.name()).collect())
                })
                .collect()
        };
        Some(if reasons.is_empty() {
            format!("no implementation was asked for that can run the job ({job})")
        } else {
            format!(
                "no implementation can run the job ({job}): {}",
                reasons.join("; ")
            )
        })
    }

    fn the_job(&self) -> Job {
        self.job
            .expect("job cells are registered into a job's matrix")
    }

    /// The job's cell for `C` with one consumer, under flavor `m`.
    pub fn add_job<C: Channel, M: Make<C>>(&mut self, m: M) {
        let job = self.the_job();
        by_payload!(job, |P| self.add_job_of::<C, M, P>(m))
    }

    fn add_job_of<C: Channel, M: Make<C>, P: Payload>(&mut self, m: M) {
        let job = self.the_job();
        let p = job.producers;
        let cell = Cell::new(
            job.workload(),
            C::ID,
            job.params(p + 1),
            needs(&job),
            Box::new(move |team, _, n| workload::mpsc::<C, M, P>(team, m, p, n)),
        )
        .latency_run(Box::new(move |team, _, n| {
            job::latency_mpsc::<C, M, P>(team, m, p, n)
        }));
        self.add(cell.cost_limit(Matrix::cost_limit_for_bytes(P::bytes())));
    }

    /// The job's cell for `C` with several consumers, under flavor `m`.
    pub fn add_job_multi<C: MultiConsumer, M: Make<C>>(&mut self, m: M) {
        let job = self.the_job();
        by_payload!(job, |P| self.add_job_multi_of::<C, M, P>(m))
    }

    fn add_job_multi_of<C: MultiConsumer, M: Make<C>, P: Payload>(&mut self, m: M) {
        let job = self.the_job();
        let (p, c) = (job.producers, job.consumers);
        let cell = Cell::new(
            job.workload(),
            C::ID,
            job.params(p + c),
            needs(&job),
            Box::new(move |team, _, n| workload::mpmc::<C, M, P>(team, m, p, c, n)),
        )
        .latency_run(Box::new(move |team, _, n| {
            job::latency_mpmc::<C, M, P>(team, m, p, c, n)
        }));
        self.add(cell.cost_limit(Matrix::cost_limit_for_bytes(P::bytes())));
    }

    /// The threads an async job's tasks run on: the runtime's.
    fn async_job_threads(&self, flavor: Flavor) -> usize {
        match flavor {
            Flavor::CurrentThread => 1,
            Flavor::MultiThread => self.shape.cores,
        }
    }

    /// The async job's cell for `C` with one consumer task, under flavor `m`.
    pub fn add_async_job<C: AsyncChannel, M: MakeAsync<C>>(&mut self, m: M) {
        let job = self.the_job();
        by_payload!(job, |P| self.add_async_job_of::<C, M, P>(m))
    }

    fn add_async_job_of<C: AsyncChannel, M: MakeAsync<C>, P: Payload>(&mut self, m: M) {
        let job = self.the_job();
        let Some(runtime) = job.runtime else { return };
        let flavor = Flavor::of(runtime);
        let p = job.producers;
        let cell = Cell::new_async(
            job.workload(),
            C::ID,
            job.params(self.async_job_threads(flavor)),
            async_needs(&job),
            Box::new(move |team, _, n| async_workload::mpsc::<C, M, P>(team, flavor, m, p, n)),
        )
        .latency_run(Box::new(move |team, _, n| {
            job::async_latency_mpsc::<C, M, P>(team, flavor, m, p, n)
        }));
        self.add(cell.cost_limit(Matrix::cost_limit_for_bytes(P::bytes())));
    }

    /// The async job's cell for `C` with several consumer tasks, under flavor `m`.
    pub fn add_async_job_multi<C: AsyncMultiConsumer, M: MakeAsync<C>>(&mut self, m: M) {
        let job = self.the_job();
        by_payload!(job, |P| self.add_async_job_multi_of::<C, M, P>(m))
    }

    fn add_async_job_multi_of<C: AsyncMultiConsumer, M: MakeAsync<C>, P: Payload>(&mut self, m: M) {
        let job = self.the_job();
        let Some(runtime) = job.runtime else { return };
        let flavor = Flavor::of(runtime);
        let (p, c) = (job.producers, job.consumers);
        let cell = Cell::new_async(
            job.workload(),
            C::ID,
            job.params(self.async_job_threads(flavor)),
            async_needs(&job),
            Box::new(move |team, _, n| async_workload::mpmc::<C, M, P>(team, flavor, m, p, c, n)),
        )
        .latency_run(Box::new(move |team, _, n| {
            job::async_latency_mpmc::<C, M, P>(team, flavor, m, p, c, n)
        }));
        self.add(cell.cost_limit(Matrix::cost_limit_for_bytes(P::bytes())));
    }
}

/// The matrix of one job over every registered implementation of its kind (sync, or async with
/// a runtime): `job_matrix!(shape, job)`, in a crate that depends on `chanbench-registry`.
#[macro_export]
macro_rules! job_matrix {
    ($shape:expr, $job:expr) => {{
        use $crate::register_job_impls;
        let job: chanbench_schema::Job = $job;
        let mut matrix = $crate::matrix::Matrix::for_job($shape, job);
        if job.runtime.is_some() {
            chanbench_registry::for_each_async_impl!(register_job_impls, (&mut matrix), async);
        } else {
            chanbench_registry::for_each_impl!(register_job_impls, (&mut matrix), sync);
        }
        matrix
    }};
}

/// Registers a list of implementation types into a job's matrix, as the registry's
/// `for_each_impl!` and `for_each_async_impl!` pass it.
#[macro_export]
macro_rules! register_job_impls {
    ([$($ty:path),*], $matrix:expr, sync) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $({
            #[allow(unused_imports)]
            use $crate::matrix::job::probe::{
                Bounded as _, BoundedMulti as _, Lacks as _, Unbounded as _, UnboundedMulti as _,
                Zero as _, ZeroMulti as _,
            };
            let probe = chanbench_core::probe::Probe::<$ty>::new();
            (&probe).job_bounded(matrix);
            (&probe).job_zero(matrix);
            (&probe).job_unbounded(matrix);
            (&probe).job_bounded_multi(matrix);
            (&probe).job_zero_multi(matrix);
            (&probe).job_unbounded_multi(matrix);
            matrix.note_impl::<$ty>(chanbench_core::capabilities!($ty));
        })*
    }};
    ([$($ty:path),*], $matrix:expr, async) => {{
        let matrix: &mut $crate::matrix::Matrix = $matrix;
        $({
            #[allow(unused_imports)]
            use $crate::matrix::job::async_probe::{
                Bounded as _, BoundedMulti as _, Lacks as _, Unbounded as _, UnboundedMulti as _,
                Zero as _, ZeroMulti as _,
            };
            let probe = chanbench_core::probe::Probe::<$ty>::new();
            (&probe).job_bounded(matrix);
            (&probe).job_zero(matrix);
            (&probe).job_unbounded(matrix);
            (&probe).job_bounded_multi(matrix);
            (&probe).job_zero_multi(matrix);
            (&probe).job_unbounded_multi(matrix);
            matrix.note_async_impl::<$ty>(chanbench_core::async_capabilities!($ty));
        })*
    }};
}

/// Which job capacities and shapes a flavor serves: the probes' guards.
fn bounded_job(m: &Matrix, multi: bool, zero: bool) -> Option<usize> {
    let job = m.job?;
    match job.capacity {
        Capacity::Bounded(n) if (job.consumers > 1) == multi && (n == 0) == zero => Some(n),
        _ => None,
    }
}

fn unbounded_job(m: &Matrix, multi: bool) -> bool {
    m.job
        .is_some_and(|j| j.capacity == Capacity::Unbounded && (j.consumers > 1) == multi)
}

/// Autoref specialization over the sync capabilities a job may need (see `register.rs`).
#[doc(hidden)]
pub mod probe {
    #![allow(missing_docs, unreachable_pub)]

    use chanbench_core::{Cap, Unbound, probe::Probe};

    use super::{bounded_job, unbounded_job};
    use crate::matrix::{Matrix, register::combo};

    pub trait Lacks {
        fn job_bounded(&self, _: &mut Matrix) {}
        fn job_zero(&self, _: &mut Matrix) {}
        fn job_zero_multi(&self, _: &mut Matrix) {}
        fn job_unbounded(&self, _: &mut Matrix) {}
        fn job_bounded_multi(&self, _: &mut Matrix) {}
        fn job_unbounded_multi(&self, _: &mut Matrix) {}
    }
    impl<C> Lacks for &Probe<C> {}

    combo!(Bounded: chanbench_core::Bounded => job_bounded |m| {
        if let Some(n) = bounded_job(m, false, false) {
            m.add_job::<C, Cap>(Cap(n));
        }
    });
    combo!(Zero: chanbench_core::Rendezvous => job_zero |m| {
        if bounded_job(m, false, true).is_some() {
            m.add_job::<C, Cap>(Cap(0));
        }
    });
    combo!(Unbounded: chanbench_core::Unbounded => job_unbounded |m| {
        if unbounded_job(m, false) {
            m.add_job::<C, Unbound>(Unbound);
        }
    });
    combo!(BoundedMulti: chanbench_core::Bounded, chanbench_core::MultiConsumer => job_bounded_multi |m| {
        if let Some(n) = bounded_job(m, true, false) {
            m.add_job_multi::<C, Cap>(Cap(n));
        }
    });
    combo!(ZeroMulti: chanbench_core::Rendezvous, chanbench_core::MultiConsumer => job_zero_multi |m| {
        if bounded_job(m, true, true).is_some() {
            m.add_job_multi::<C, Cap>(Cap(0));
        }
    });
    combo!(UnboundedMulti: chanbench_core::Unbounded, chanbench_core::MultiConsumer => job_unbounded_multi |m| {
        if unbounded_job(m, true) {
            m.add_job_multi::<C, Unbound>(Unbound);
        }
    });
}

/// Autoref specialization over the async capabilities a job may need.
#[doc(hidden)]
pub mod async_probe {
    #![allow(missing_docs, unreachable_pub)]

    use chanbench_core::{
        Cap, Unbound,
        asynchronous::{AsyncBounded, AsyncMultiConsumer, AsyncUnbounded, ZeroCapacity},
        probe::Probe,
    };

    use super::{bounded_job, unbounded_job};
    use crate::matrix::{Matrix, register::combo};

    pub trait Lacks {
        fn job_bounded(&self, _: &mut Matrix) {}
        fn job_zero(&self, _: &mut Matrix) {}
        fn job_unbounded(&self, _: &mut Matrix) {}
        fn job_bounded_multi(&self, _: &mut Matrix) {}
        fn job_zero_multi(&self, _: &mut Matrix) {}
        fn job_unbounded_multi(&self, _: &mut Matrix) {}
    }
    impl<C> Lacks for &Probe<C> {}

    combo!(Bounded: AsyncBounded => job_bounded |m| {
        if let Some(n) = bounded_job(m, false, false) {
            m.add_async_job::<C, Cap>(Cap(n));
        }
    });
    combo!(Zero: ZeroCapacity => job_zero |m| {
        if bounded_job(m, false, true).is_some() {
            m.add_async_job::<C, Cap>(Cap(0));
        }
    });
    combo!(Unbounded: AsyncUnbounded => job_unbounded |m| {
        if unbounded_job(m, false) {
            m.add_async_job::<C, Unbound>(Unbound);
        }
    });
    combo!(BoundedMulti: AsyncBounded, AsyncMultiConsumer => job_bounded_multi |m| {
        if let Some(n) = bounded_job(m, true, false) {
            m.add_async_job_multi::<C, Cap>(Cap(n));
        }
    });
    combo!(ZeroMulti: ZeroCapacity, AsyncMultiConsumer => job_zero_multi |m| {
        if bounded_job(m, true, true).is_some() {
            m.add_async_job_multi::<C, Cap>(Cap(0));
        }
    });
    combo!(UnboundedMulti: AsyncUnbounded, AsyncMultiConsumer => job_unbounded_multi |m| {
        if unbounded_job(m, true) {
            m.add_async_job_multi::<C, Unbound>(Unbound);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_and_storage_is_the_type_the_job_names() {
        for size in JobSize::ALL {
            for storage in Storage::ALL {
                let job = Job {
                    producers: 2,
                    consumers: 1,
                    size: *size,
                    storage: *storage,
                    capacity: Capacity::Unbounded,
                    runtime: None,
                };
                let described = by_payload!(job, |P| P::describe());
                assert_eq!(described, job.payload(), "{size} {storage}");
            }
        }
    }
}
