//! One described job's cells (`cargo xtask choose`): `cargo bench -p benches --bench choose`,
//! with the job in `CHANBENCH_JOB`. Everything but the allocator and the job's registration is in
//! `benches::runner`. `job_matrix!` is expanded here, not in the library, so that only this
//! target compiles the job's cells (every implementation by every message type), and the
//! matrix's build is not the longer for them.

use chanbench_workloads::{alloc::CountingAlloc, job_matrix};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn main() {
    benches::runner::main_job(|shape, job| job_matrix!(shape, job));
}
