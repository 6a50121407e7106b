//! The transport family's peers in a process of their own, for programs whose `main` does not
//! serve them itself (the workloads' tests): `strategy::transport::process`.

fn main() {
    chanbench_workloads::strategy::transport::process::serve_if_asked();
    eprintln!(
        "chanbench-peers: started without {}; it is run by the transport cells, not by hand",
        chanbench_workloads::strategy::transport::process::ENV
    );
    std::process::exit(2);
}
