//! What a channel does beyond its speed, each a family of its own that runs on request: latency
//! at an offered load ([`offered_load`]), who gets what under saturation ([`fairness`]) and what
//! it holds in memory ([`memory`]). Their cells carry an observation made in every process
//! (`matrix::Observer`), besides the times criterion takes.

pub mod fairness;
pub mod memory;
pub mod offered_load;
