//! The benchmark matrix: `cargo bench -p benches --bench matrix`. Everything but the allocator
//! and the matrix's cells is in `benches::runner`, which its module documents (settings, order,
//! protocol, placement). `benches::matrix!` is expanded here, not in the library, so that the
//! library does not compile the cells (see the macro).

use chanbench_workloads::alloc::CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    benches::runner::main(|shape, sweep| benches::matrix!(@sweep shape, sweep));
}
