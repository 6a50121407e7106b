//! The broadcasts' cells: `async-broadcast` at capacity 1024 on both runtime flavours, to 1, 2
//! and twice as many subscribers as cores.

use chanbench_core::shapes::broadcast::Broadcast;
use chanbench_schema::{Capacity, Params, Workload::AsyncBroadcast};

use super::{Cell, Matrix, by_mode};
use crate::{broadcast, runtime::Flavor};

/// The capacity every broadcast cell runs at.
const CAPACITY: usize = 1024;

impl Matrix {
    /// The `async-broadcast` cells of `B`.
    pub fn add_broadcast<B: Broadcast>(&mut self) {
        let mut counts = vec![1, 2, 2 * self.shape.cores];
        counts.dedup();
        for flavor in Flavor::ALL {
            let threads = match flavor {
                Flavor::CurrentThread => 1,
                Flavor::MultiThread => self.shape.cores,
            };
            for &subscribers in &counts {
                let mut params = Params::new(
                    Capacity::Bounded(CAPACITY),
                    chanbench_schema::Payload::opaque("instant"),
                    threads,
                );
                params.runtime = Some(flavor.runtime());
                params.consumers = Some(subscribers);
                self.add(Cell::new_async(
                    AsyncBroadcast,
                    B::ID,
                    params,
                    &[],
                    Box::new(move |team, mode, n| {
                        by_mode!(mode, |COST| broadcast::fan_out::<B, COST>(
                            team,
                            flavor,
                            CAPACITY,
                            subscribers,
                            n
                        ))
                    }),
                ));
            }
        }
    }
}
