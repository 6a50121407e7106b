//! How xtask presents numbers: each with its unit, on every page and table, and the one style
//! sheet of the report's and the comparison's pages.

use chanbench_schema::Unit;

/// The style sheet of every page xtask writes (the report, the comparison).
pub const CSS: &str = include_str!("style.css");

/// A whole page of xtask's: the head every page shares (its style sheet inline, nothing
/// loaded), `title` as its heading, then `body`.
pub fn document(title: &str, body: maud::Markup) -> maud::Markup {
    maud::html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (maud::PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                (body)
            }
        }
    }
}

/// Formats a duration in nanoseconds with a unit chosen for it.
pub fn time(ns: f64) -> String {
    match ns {
        x if !x.is_finite() => "?".to_owned(),
        x if x >= 1e9 => format!("{:.3} s", x / 1e9),
        x if x >= 1e6 => format!("{:.3} ms", x / 1e6),
        x if x >= 1e3 => format!("{:.3} µs", x / 1e3),
        x if x >= 100.0 => format!("{x:.0} ns"),
        x => format!("{x:.2} ns"),
    }
}

/// Formats a size in bytes with a binary unit: `512 B`, `1.5 KiB`, `44.2 MiB`.
pub fn bytes(b: u64) -> String {
    let b = b as f64;
    match b {
        x if x >= (1u64 << 30) as f64 => format!("{:.2} GiB", x / (1u64 << 30) as f64),
        x if x >= (1u64 << 20) as f64 => format!("{:.1} MiB", x / (1u64 << 20) as f64),
        x if x >= 1024.0 => format!("{:.1} KiB", x / 1024.0),
        x => format!("{x:.0} B"),
    }
}

/// A time per `unit`: `1.20 µs/round trip`.
pub fn time_per(ns: f64, unit: Unit) -> String {
    format!("{}{}", time(ns), unit.per())
}

/// Formats a rate in `unit`s per second: `1.20 M msg/s`, `3.4 k round trips/s`.
pub fn rate(per_s: f64, unit: Unit) -> String {
    let name = match unit {
        Unit::Message => "msg",
        Unit::RoundTrip => "round trips",
        Unit::Item => "items",
        Unit::Request => "requests",
        Unit::Frame => "frames",
        Unit::NewChannel => "channels",
        Unit::Notice => "notices",
    };
    match per_s {
        x if x >= 1e9 => format!("{:.2} G {name}/s", x / 1e9),
        x if x >= 1e6 => format!("{:.2} M {name}/s", x / 1e6),
        x if x >= 1e3 => format!("{:.2} k {name}/s", x / 1e3),
        x => format!("{x:.1} {name}/s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_rates_carry_units() {
        assert_eq!(time(12.345), "12.35 ns");
        assert_eq!(time(1234.0), "1.234 µs");
        assert_eq!(time(2.5e9), "2.500 s");
        assert_eq!(time(f64::NAN), "?");
        assert_eq!(time_per(1500.0, Unit::RoundTrip), "1.500 µs/round trip");
        assert_eq!(rate(2.5e6, Unit::Message), "2.50 M msg/s");
        assert_eq!(rate(900.0, Unit::Request), "900.0 requests/s");
    }
}
