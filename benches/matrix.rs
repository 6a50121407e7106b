//! The benchmark matrix: `cargo bench -p benches --bench matrix`. Everything but the allocator
//! is in `benches::runner`, which its module documents (settings, order, protocol, placement).

use chanbench_workloads::alloc::CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    benches::runner::main(|_| {});
}
