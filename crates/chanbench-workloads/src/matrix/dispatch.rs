//! Which families register cells for each capability: one line per family, in the order their
//! cells are registered (where two flavors give a cell the same key, the first registered wins,
//! so a bounded implementation runs the capacity-free strategy cells at capacity 1024). The async
//! cells are one family, `asynchronous.rs`, which the async probe (`register.rs`) calls directly.

use chanbench_core::{Capability, Channel, Make, MultiConsumer, Select};

use super::{
    Matrix, burst, distribute, fan_in, ping_pong, receive, service, sources, streaming, transport,
};

impl Matrix {
    /// The cells every channel implementation runs under flavor `m`; `needs` names the flavor's
    /// capability. Each family decides which capacities it runs.
    pub fn add_flavor<C: Channel, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        streaming::flavor(self, m, needs);
        fan_in::flavor(self, m, needs);
        receive::flavor(self, m, needs);
        sources::flavor(self, m, needs);
        service::flavor(self, m, needs);
        transport::flavor(self, m, needs);
        burst::flavor(self, m, needs);
        ping_pong::flavor(self, m, needs);
    }

    /// The cells of multi-consumer channels under flavor `m`.
    pub fn add_multi_consumer<C: MultiConsumer, M: Make<C>>(
        &mut self,
        m: M,
        needs: &'static [Capability],
    ) {
        streaming::multi_consumer(self, m, needs);
        distribute::multi_consumer(self, m, needs);
    }

    /// The cells of channels with native select under flavor `m`.
    pub fn add_select<C: Select, M: Make<C>>(&mut self, m: M, needs: &'static [Capability]) {
        fan_in::select(self, m, needs);
        sources::select(self, m, needs);
    }

    /// The strategies without a channel, registered once under their own names.
    pub fn add_strategies(&mut self) {
        distribute::channel_less(self);
        service::channel_less(self);
        transport::channel_less(self);
    }
}
