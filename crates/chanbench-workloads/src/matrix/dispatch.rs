//! Which families register cells for each capability: one line per family, in the order their
//! cells are registered (where two flavors give a cell the same key, the first registered wins,
//! so a bounded implementation runs the capacity-free strategy cells at capacity 1024). The async
//! cells are one family, `asynchronous.rs`, which the async probe (`register.rs`) calls directly.

use chanbench_core::{Capability, Channel, Make, MultiConsumer, Select};

use super::Matrix;

impl Matrix {
    /// The cells every channel implementation runs under flavor `m`; `needs` names the flavor's
    /// capability. Each family decides which capacities it runs.
    pub fn add_flavor<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        super::streaming::flavor(self, m, needs);
        super::fan_in::flavor(self, m, needs);
        super::receive::flavor(self, m, needs);
        super::sources::flavor(self, m, needs);
        super::service::flavor(self, m, needs);
        super::transport::flavor(self, m, needs);
        super::burst::flavor(self, m, needs);
        super::ping_pong::flavor(self, m, needs);
        super::behaviour::flavor(self, m, needs);
        super::lifecycle::flavor(self, m, needs);
    }

    /// The cells of multi-consumer channels under flavor `m`.
    pub fn add_multi_consumer<C: MultiConsumer, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        super::streaming::multi_consumer(self, m, needs);
        super::distribute::multi_consumer(self, m, needs);
        super::behaviour::multi_consumer(self, m, needs);
    }

    /// The cells of channels with native select under flavor `m`.
    pub fn add_select<C: Select, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        super::fan_in::select(self, m, needs);
        super::sources::select(self, m, needs);
        super::behaviour::select(self, m, needs);
    }

    /// The strategies without a channel, registered once under their own names.
    pub fn add_strategies(&mut self) {
        super::distribute::channel_less(self);
        super::service::channel_less(self);
        super::transport::channel_less(self);
    }
}
