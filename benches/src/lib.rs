//! The chanbench benchmark matrix, as a library the criterion entry point (`matrix.rs`) and the
//! tests share: profiles and cell selection, the zero-cost check, the cost-record output.

pub mod calibration;
pub mod fault_fixtures;
pub mod profile;
pub mod record;
pub mod zero_cost;

use chanbench_workloads::{
    matrix::{Matrix, Shape},
    register_impl,
};

/// The whole matrix for `shape`: every registered implementation, the strategies without a
/// channel, the floor baselines and the zero-cost pair (and, for xtask's tests only, the fault fixtures).
pub fn build_matrix(shape: Shape, reduced: bool) -> Matrix {
    let mut matrix = Matrix::new(shape, reduced);
    macro_rules! register_all {
        ([$($ty:path),*]) => { $( register_impl!(&mut matrix, $ty); )* };
    }
    chanbench_registry::for_each_impl!(register_all);
    matrix.add_strategies();
    matrix.add_floor();
    zero_cost::add_cells(&mut matrix);
    fault_fixtures::add_cells_if_enabled(&mut matrix);
    matrix
}
