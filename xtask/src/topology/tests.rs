//! The topology read back from fake sysfs trees.

use super::fake;

#[test]
fn a_fake_tree_reads_back_as_the_machine_it_fakes() {
    let dir = std::env::temp_dir().join(format!("chanbench-sysfs-read-{}", std::process::id()));
    let xeon = fake::xeon_2s().topology(&dir);
    assert_eq!(xeon.cpus.len(), 16);
    assert_eq!(xeon.counts(), (8, 2, 2));
    assert_eq!(xeon.cpu(8).map(|c| c.core), xeon.cpu(0).map(|c| c.core));
    assert_eq!(
        xeon.summary(),
        "16 CPUs, 8 cores, 2 packages, 2 nodes; L3 shared by 8"
    );
    let arm = fake::arm_board().topology(&dir);
    assert_eq!(arm.nodes.len(), 0, "no NUMA nodes shown");
    assert_eq!(
        arm.summary(),
        "8 CPUs, 8 cores, 1 package, 1 node, 2 clusters; L2 shared by 4"
    );
    assert!(
        arm.caches.iter().all(|c| c.level > 1 || c.cpus.len() == 1),
        "instruction caches are left out, data caches kept: {:?}",
        arm.caches
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dies_and_clusters_are_read_where_the_kernel_shows_them() {
    let dir = std::env::temp_dir().join(format!("chanbench-sysfs-dies-{}", std::process::id()));
    let arm = fake::arm_board().topology(&dir);
    assert_eq!(arm.dies_and_clusters(), (1, 2));
    assert_eq!(arm.cpu(5).and_then(|c| c.cluster), Some(1));
    let xeon = fake::xeon_2s().topology(&dir);
    assert_eq!(
        xeon.dies_and_clusters(),
        (2, 0),
        "a die per package, no clusters shown"
    );
    let _ = std::fs::remove_dir_all(dir);
}
