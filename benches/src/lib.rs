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
use chanbench_workloads::{
    matrix::{Matrix, Shape, Sweep},
    registered_matrix,
};
pub use interleaved::{Interleaved, interleave};

/// The whole matrix for `shape`: every registered implementation, the strategies without a
/// channel, the floor baselines and the zero-cost pair (and, for xtask's tests only, the fault
/// fixtures).
pub fn build_matrix(shape: Shape, reduced: bool) -> Matrix {
    build_matrix_sweeping(shape, Sweep::new(reduced))
}

/// [`build_matrix`] with `sweep` (the thread-count sweep, where asked for).
pub fn build_matrix_sweeping(shape: Shape, sweep: Sweep) -> Matrix {
    let mut matrix = registered_matrix!(@sweep shape, sweep);
    zero_cost::add_cells(&mut matrix);
    fault_fixtures::add_cells_if_enabled(&mut matrix);
    matrix
}
