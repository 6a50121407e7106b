//! The chanbench benchmark matrix, as a library the criterion entry point (`matrix.rs`) and the
//! tests share: profiles and cell selection, the zero-cost check, the cost-record output.

pub mod calibration;
pub mod core_to_core;
pub mod fault_fixtures;
pub mod interleaved;
pub mod profile;
pub mod record;
pub mod runner;
pub mod zero_cost;

pub use chanbench_workloads::matrix::heap_shifted;
pub use interleaved::{Interleaved, interleave};

#[doc(hidden)]
pub use chanbench_workloads as __workloads;

/// The whole matrix for a `Shape`: every registered implementation, the strategies without a
/// channel, the floor baselines and the zero-cost pair (and, for xtask's tests only, the fault
/// fixtures). `matrix!(shape, reduced)`, or `matrix!(@sweep shape, sweep)` with a `Sweep` (the
/// thread-count sweep, where asked for).
///
/// A macro, expanded in the bench target or test that runs the matrix, not in this library, as
/// `job_matrix!` is in the `choose` target: the library then compiles none of the matrix's cells,
/// so it is quick to rebuild when the set of implementations changes (the `catalog` feature: a
/// `choose` after a default run rebuilds the library and its own cells, not the matrix). The
/// caller depends on `chanbench-registry`, whose lists it stamps.
#[macro_export]
macro_rules! matrix {
    ($shape:expr, $reduced:expr) => {
        $crate::matrix!(@sweep $shape, $crate::__workloads::matrix::Sweep::new($reduced))
    };
    (@sweep $shape:expr, $sweep:expr) => {{
        let mut matrix = $crate::__workloads::registered_matrix!(@sweep $shape, $sweep);
        $crate::zero_cost::add_cells(&mut matrix);
        $crate::fault_fixtures::add_cells_if_enabled(&mut matrix);
        matrix
    }};
}
