//! The `service` family: requests answered by one thread holding the state, by a second thread
//! over two channels, or by a direct call without a channel.

use chanbench_schema::{Answer, Capacity, Params, Payload as Described};

use super::{
    Capability, Cell, Channel, Make, Matrix, Runner, Workload::Service, by_mode, capacity_of,
    is_large,
};
use crate::strategy::service::{self, Envelope, Message};

/// `one-thread` and `two-threads`, with messages owned and boxed.
pub(super) fn flavor<C: Channel, M: Make<C>>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    if is_large(m) {
        add::<C, M, Message>(x, m, needs);
        add::<C, M, Box<Message>>(x, m, needs);
    }
}

fn add<C: Channel, M: Make<C>, E: Envelope>(x: &mut Matrix, m: M, needs: &'static [Capability]) {
    let params = |answer: Answer, threads| {
        let mut p = Params::new(capacity_of(m), message::<E>(), threads).strategy(answer);
        p.envelope = Some(E::KIND);
        p
    };
    x.add(Cell::new(
        Service,
        C::ID,
        params(Answer::OneThread, 1),
        needs,
        Box::new(move |team, _, n| service::one_thread::<C, M, E>(team, m, n)),
    ));
    x.add(Cell::new(
        Service,
        C::ID,
        params(Answer::TwoThreads, 2),
        needs,
        Box::new(move |team, mode, n| {
            by_mode!(mode, |COST| service::two_threads::<C, M, E, COST>(
                team, m, n
            ))
        }),
    ));
}

/// The direct call, owned and boxed, under its own name.
pub(super) fn channel_less(x: &mut Matrix) {
    fn direct<E: Envelope>() -> (Params, Runner) {
        let mut params =
            Params::new(Capacity::None, message::<E>(), 1).strategy(Answer::DirectCall);
        params.envelope = Some(E::KIND);
        (
            params,
            Box::new(|team, _, n| service::direct_call::<E>(team, n)),
        )
    }
    for (params, run) in [direct::<Message>(), direct::<Box<Message>>()] {
        x.add(Cell::new(
            Service,
            Answer::DirectCall.name(),
            params,
            &[],
            run,
        ));
    }
}

/// The service workload's message, in envelope `E`.
fn message<E: Envelope>() -> Described {
    let bytes = std::mem::size_of::<Message>();
    Described::sized(format!("{}-{bytes}B", E::KIND), bytes as u64)
}
