//! service: time per request, one thread against two, owned against boxed, and the direct call.

use anyhow::Result;
use chanbench_schema::{Answer, Envelope, Strategy, Workload};

use super::reading::{Reading, measured_by_placement, median, ratio};
use crate::{
    charts::{self, Series},
    report::{model::View, names::ordered},
    units::time,
};

pub fn reading(view: &View<'_>) -> Result<Reading> {
    let mut charts_svg = Vec::new();
    let mut sentences = Vec::new();
    for (p, cells) in measured_by_placement(view, Workload::Service) {
        let groups: Vec<String> = ordered(cells.iter().map(|c| c.label().to_owned()));
        let impls: Vec<&str> = ordered(cells.iter().map(|c| c.implementation()));
        let series: Vec<Series> = impls
            .iter()
            .map(|i| Series {
                name: i.to_string(),
                colour: view.colour_of(i),
                values: groups
                    .iter()
                    .map(|g| {
                        cells
                            .iter()
                            .find(|c| c.implementation() == *i && c.label() == g)
                            .and_then(|c| c.time_ns())
                    })
                    .collect(),
            })
            .collect();
        charts_svg.push(charts::grouped_bars(
            &format!("service on {}: time per request (log scale)", p.placement),
            "ns per request",
            &groups,
            &series,
        )?);
        let at = |answer: Answer, envelope: Envelope| {
            median(
                cells
                    .iter()
                    .filter(|c| c.params().strategy == Some(Strategy::Answer(answer)))
                    .filter(|c| c.params().envelope == Some(envelope))
                    .map(|c| c.time_ns()),
            )
        };
        let mut parts = Vec::new();
        if let (Some(one), Some(two)) = (
            at(Answer::OneThread, Envelope::Owned),
            at(Answer::TwoThreads, Envelope::Owned),
        ) {
            parts.push(format!(
                "two threads took {} the one-thread service loop ({} against {} per request, owned)",
                ratio(two / one),
                time(two),
                time(one)
            ));
        }
        for mode in [Answer::OneThread, Answer::TwoThreads] {
            if let (Some(owned), Some(boxed)) =
                (at(mode, Envelope::Owned), at(mode, Envelope::Boxed))
            {
                parts.push(format!(
                    "{mode}: boxed {} owned ({} against {})",
                    ratio(boxed / owned),
                    time(boxed),
                    time(owned)
                ));
            }
        }
        if let Some(direct) = at(Answer::DirectCall, Envelope::Owned) {
            parts.push(format!(
                "a direct call without queues took {}",
                time(direct)
            ));
        }
        if !parts.is_empty() {
            sentences.push(format!(
                "On {} (medians over implementations): {}.",
                p.placement,
                parts.join("; ")
            ));
        }
    }
    Ok(Reading {
        text: "What was measured: a client sends a request and waits for the response, request after request. The request is a 272-byte message (a 256-byte header of scalar fields), moved by value (owned) or as a Box (boxed: one allocation per request, a pointer through the queues). One-thread runs both services in one loop passing the messages through two channels; two-threads puts the server on its own thread (the echo pattern). Time is per request, one round trip.".to_owned(),
        points: sentences,
        charts: charts_svg,
        note: "Every response is checked against its request. direct-call is the handler called in place: the cost of the work without any queue.".to_owned(),
    })
}
