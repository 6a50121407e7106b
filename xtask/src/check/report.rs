//! A run's report on disk: whole, self-contained, every chart well-formed, every link inside the
//! page resolving, a section per workload measured, and the exports beside it.

use std::{collections::BTreeSet, fs};

use anyhow::{Context, Result};
use chanbench_schema::Kind;
use regex_lite::Regex;

use crate::{
    report::{OBSERVATIONS, View, choose, csv_rows, observation_rows},
    results::Run,
};

/// What was checked (one line) and the problems found.
pub fn check(run: &Run) -> Result<(String, Vec<String>)> {
    let dir = run.dir.join("report");
    let read = |name: &str| {
        fs::read_to_string(dir.join(name))
            .with_context(|| format!("reading {}/{name}", dir.display()))
    };
    let html = read("index.html")?;
    let mut problems = Vec::new();
    let svg = Regex::new(r"(?s)<svg.*?</svg>").expect("a valid pattern");
    let charts: Vec<&str> = svg.find_iter(&html).map(|m| m.as_str()).collect();
    for (i, chart) in charts.iter().enumerate() {
        if let Err(e) = roxmltree::Document::parse(chart) {
            problems.push(format!("chart {} of the page is malformed: {e}", i + 1));
        }
    }
    if loads_something(&html) {
        problems.push("the page loads something: it must be self-contained".to_owned());
    }
    let ids: BTreeSet<&str> = Regex::new(r#" id="([^"]+)""#)
        .expect("a valid pattern")
        .captures_iter(&html)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    for link in Regex::new(r##"href="#([^"]+)""##)
        .expect("a valid pattern")
        .captures_iter(&html)
        .filter_map(|c| c.get(1))
    {
        if !ids.contains(link.as_str()) {
            problems.push(format!("a link to #{} leads nowhere", link.as_str()));
        }
    }
    let view = View::new(run);
    let mut sections: Vec<String> = view.channel_workloads().map(|w| format!("w-{w}")).collect();
    if view.workloads_of(Kind::Strategy).next().is_some() {
        sections.push("strategies".to_owned());
    }
    sections.extend(view.workloads_of(Kind::Behaviour).map(|w| format!("w-{w}")));
    for section in sections {
        if !ids.contains(section.as_str()) {
            problems.push(format!("no section #{section}"));
        }
    }
    let measured: BTreeSet<&str> = run
        .placements
        .iter()
        .flat_map(|p| &p.cells)
        .filter(|c| c.status == chanbench_schema::Status::Ok)
        .filter(|c| c.workload().facts().kind == Kind::Channel)
        .map(|c| c.implementation())
        .collect();
    for id in measured {
        if !html.contains(id) {
            problems.push(format!("{id} was measured and the page never names it"));
        }
    }
    let rows = csv::Reader::from_reader(read("cells.csv")?.as_bytes())
        .records()
        .count();
    let expected = csv_rows(&view);
    if rows != expected {
        problems.push(format!("cells.csv has {rows} rows, the run {expected}"));
    }
    let observed = observation_rows(&view);
    if observed > 0 {
        let rows = csv::Reader::from_reader(read(OBSERVATIONS)?.as_bytes())
            .records()
            .count();
        if rows != observed {
            problems.push(format!(
                "{OBSERVATIONS} has {rows} rows, the run {observed} observations"
            ));
        }
    }
    let bmf: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&read("bmf.json")?).context("reading bmf.json")?;
    if bmf.is_empty() {
        problems.push("bmf.json is empty".to_owned());
    }
    if !read("summary.md")?.starts_with("## chanbench run") {
        problems.push("summary.md does not start with its heading".to_owned());
    }
    if run.environment.request.job.is_some() {
        problems.extend(job_answer(
            &read(choose::PAGE)?,
            &read(choose::SUMMARY)?,
            run,
        ));
    }
    let said = format!(
        "report: {} KiB, {} charts, {rows} CSV rows, {} BMF entries",
        html.len() / 1024,
        charts.len(),
        bmf.len()
    );
    Ok((said, problems))
}

/// A job run's answer: its page and Markdown open with the verdict, and name every
/// implementation the run measured.
fn job_answer(page: &str, markdown: &str, run: &Run) -> Vec<String> {
    let mut problems = Vec::new();
    if !page.contains("Verdict: ") || !markdown.contains("**Verdict: ") {
        problems.push(format!(
            "{} or {} has no verdict",
            choose::PAGE,
            choose::SUMMARY
        ));
    }
    if loads_something(page) {
        problems.push(format!(
            "{} loads something: it must be self-contained",
            choose::PAGE
        ));
    }
    let measured: BTreeSet<&str> = run
        .placements
        .iter()
        .flat_map(|p| &p.cells)
        .filter(|c| c.status == chanbench_schema::Status::Ok)
        .map(|c| c.implementation())
        .collect();
    for id in measured {
        if !markdown.contains(&format!("`{id}`")) {
            problems.push(format!(
                "{id} was measured and {} never names it",
                choose::SUMMARY
            ));
        }
    }
    problems
}

/// Whether a page runs or loads anything (a script, an image or style from elsewhere): every page
/// xtask writes is one self-contained file.
fn loads_something(html: &str) -> bool {
    html.contains("<script") || html.contains(" src=")
}
