//! One described job's cells (`cargo xtask choose`): `cargo bench -p benches --bench choose`,
//! with the job in `CHANBENCH_JOB`. Everything but the allocator is in `benches::runner`.

use chanbench_workloads::alloc::CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    benches::runner::main_job();
}
