//! `alloc::fix_malloc_thresholds` turns off glibc's dynamic thresholds. Alone in its own test
//! binary: glibc's mapping count is process-wide, and no other test may allocate meanwhile.

#![cfg(all(target_os = "linux", target_env = "gnu"))]
#![allow(unsafe_code)]

use std::hint::black_box;

/// Blocks glibc has mapped on their own, process-wide.
fn mapped_blocks() -> usize {
    // SAFETY: `mallinfo2` only reads glibc's statistics.
    unsafe { libc::mallinfo2() }.hblks
}

/// Whether a `bytes` allocation, made after a larger mapped block was freed, gets a mapping of
/// its own. With glibc's dynamic thresholds the free raises the mapping threshold above it, and it
/// comes from the heap instead.
fn mapped_after_a_larger_free(bytes: usize) -> bool {
    drop(black_box(vec![1u8; 8 << 20]));
    let before = mapped_blocks();
    let block = black_box(vec![1u8; bytes]);
    let mapped = mapped_blocks() > before;
    drop(block);
    mapped
}

#[test]
fn fixed_thresholds_do_not_follow_what_the_process_freed() {
    let fixed = chanbench_workloads::alloc::MALLOC_THRESHOLDS.expect("glibc has thresholds");
    let floor = fixed.mmap_bytes.max(fixed.trim_bytes);
    // glibc's own behaviour first, as a check that this test can tell the two apart.
    assert!(
        !mapped_after_a_larger_free(4 * floor),
        "with dynamic thresholds, freeing 8 MiB should have raised the threshold above {} B",
        4 * floor
    );
    chanbench_workloads::alloc::fix_malloc_thresholds();
    // Larger than what the first block left free on the heap, which glibc would reuse first.
    let bytes = 16 * floor;
    assert!(
        mapped_after_a_larger_free(bytes),
        "with the thresholds fixed at {} B, a {bytes} B block should get its own mapping",
        fixed.mmap_bytes
    );
}
