//! The report's charts, drawn with plotters into SVG strings that the page embeds inline. Text is
//! laid out by plotters' built-in estimate and drawn by the browser, so no font files are needed.

use anyhow::Result;
use plotters::{
    coord::{Shift, ranged1d::ValueFormatter},
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};

/// Width and height of a chart, in pixels.
const SIZE: (u32, u32) = (960, 360);
/// Room on the right for the legend, in pixels.
const LEGEND: u32 = 190;
/// The font the browser draws the text with.
const FONT: &str = "sans-serif";

/// The colour of series `i`: a fixed palette, so an implementation keeps its colour everywhere.
pub fn colour(i: usize) -> RGBColor {
    const PALETTE: [RGBColor; 14] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
        RGBColor(0, 0, 0),
        RGBColor(120, 60, 0),
        RGBColor(0, 90, 50),
        RGBColor(90, 0, 110),
    ];
    PALETTE[i % PALETTE.len()]
}

/// A named series of values, one per group (`None`: not measured).
pub struct Series {
    /// The legend entry.
    pub name: String,
    /// The colour index (see [`colour`]).
    pub colour: usize,
    /// One value per group.
    pub values: Vec<Option<f64>>,
}

/// Log-scale bounds that hold every value in `values` with some room.
fn log_bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in values.filter(|v| v.is_finite() && *v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    // Whole decades, at least two, so the axis has readable labels at powers of ten.
    (hi > 0.0).then(|| {
        let lo = 10f64.powf(lo.log10().floor());
        let hi = 10f64.powf(hi.log10().ceil()).max(lo * 100.0);
        (lo, hi)
    })
}

/// Draws a chart: `draw` gets the plot's area; the legend (`entries`) goes in a column on the
/// right, where it hides no data.
fn render(
    entries: &[(String, RGBColor)],
    draw: impl FnOnce(DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (plot, side) = root.split_horizontally(SIZE.0 - LEGEND);
        draw(plot)?;
        for (i, (name, c)) in entries.iter().enumerate() {
            let y = 40 + i as i32 * 18;
            side.draw(&Rectangle::new([(4, y - 5), (14, y + 5)], c.filled()))?;
            side.draw(&Text::new(name.clone(), (20, y - 7), (FONT, 12)))?;
        }
        root.present()?;
    }
    Ok(svg)
}

/// Group labels without the parts every group shares (`cap=1024/instant/burst=8/pause=0ns` and
/// `cap=unbounded/instant/burst=8/pause=0ns` become `cap=1024` and `cap=unbounded`), and the shared
/// parts, for the title.
pub fn shorten(groups: &[String]) -> (Vec<String>, String) {
    let parts: Vec<Vec<&str>> = groups.iter().map(|g| g.split('/').collect()).collect();
    let n = parts.first().map_or(0, Vec::len);
    if groups.len() < 2 || parts.iter().any(|p| p.len() != n) {
        return (groups.to_vec(), String::new());
    }
    let shared: Vec<bool> = (0..n)
        .map(|i| parts.iter().all(|p| p[i] == parts[0][i]))
        .collect();
    let keep = |p: &Vec<&str>, want: bool| {
        p.iter()
            .zip(&shared)
            .filter(|(_, s)| **s == want)
            .map(|(x, _)| *x)
            .collect::<Vec<_>>()
            .join("/")
    };
    (
        parts.iter().map(|p| keep(p, false)).collect(),
        keep(&parts[0], true),
    )
}

/// Number formatter for log axes: 1, 10, 100, 1k, 10k, 1M ...
pub fn si(v: f64) -> String {
    let (scaled, suffix) = match v.abs() {
        x if x >= 1e9 => (v / 1e9, "G"),
        x if x >= 1e6 => (v / 1e6, "M"),
        x if x >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    if scaled.abs() >= 10.0 || scaled.fract() == 0.0 {
        format!("{scaled:.0}{suffix}")
    } else if scaled.abs() < 1.0 && scaled != 0.0 {
        // Enough decimals for the first significant digit: 0.01, not 0.0 (speedups, ratios).
        let decimals = (-scaled.abs().log10()).ceil().max(1.0) as usize;
        format!("{scaled:.decimals$}{suffix}")
    } else {
        format!("{scaled:.1}{suffix}")
    }
}

/// Grouped bars on a log scale: one group per label, one bar per series.
pub fn grouped_bars(
    title: &str,
    y_desc: &str,
    groups: &[String],
    series: &[Series],
) -> Result<String> {
    let Some((lo, hi)) = log_bounds(
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied()),
    ) else {
        return Ok(String::new());
    };
    let n = groups.len().max(1);
    let entries: Vec<_> = series
        .iter()
        .map(|s| (s.name.clone(), colour(s.colour)))
        .collect();
    let (groups, shared) = shorten(groups);
    let title = if shared.is_empty() {
        title.to_owned()
    } else {
        format!("{title}; all {shared}")
    };
    let groups = &groups[..];
    render(&entries, |root| {
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..n as f64, (lo..hi).log_scale())?;
        // The group names go under the groups' centres, drawn here: plotters places its own x
        // labels at round numbers.
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(12)
            .y_label_formatter(&|v| si(*v))
            .y_desc(y_desc)
            .label_style((FONT, 12))
            .draw()?;
        let style = TextStyle::from((FONT, 11).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
        chart.draw_series(groups.iter().enumerate().map(|(g, name)| {
            EmptyElement::at((g as f64 + 0.5, lo)) + Text::new(name.clone(), (0, 6), style.clone())
        }))?;
        let k = series.len().max(1) as f64;
        let width = 0.8 / k;
        for (i, s) in series.iter().enumerate() {
            let c = colour(s.colour);
            let bars = s.values.iter().enumerate().filter_map(|(g, v)| {
                let v = (*v)?;
                let x0 = g as f64 + 0.1 + i as f64 * width;
                Some(Rectangle::new(
                    [(x0, lo), (x0 + width * 0.9, v)],
                    c.filled(),
                ))
            });
            chart.draw_series(bars)?;
        }
        Ok(())
    })
}

/// A chart on root with both axes logarithmic, its mesh and axis titles drawn.
#[allow(clippy::type_complexity)]
fn log_log<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    (xlo, xhi): (f64, f64),
    (ylo, yhi): (f64, f64),
    x_desc: &str,
    y_desc: &str,
) -> Result<ChartContext<'a, SVGBackend<'b>, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 16))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((xlo..xhi).log_scale(), (ylo..yhi).log_scale())?;
    mesh(&mut chart, (12, &|v| si(*v)), x_desc, y_desc)?;
    Ok(chart)
}

/// Draws the mesh of a chart whose y axis is logarithmic: `x_labels` labels formatted by
/// `x_format` on x, axis titles, the page's font.
fn mesh<X>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, LogCoord<f64>>>,
    (x_labels, x_format): (usize, &dyn Fn(&f64) -> String),
    x_desc: &str,
    y_desc: &str,
) -> Result<()>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .x_label_formatter(x_format)
        .y_labels(12)
        .y_label_formatter(&|v| si(*v))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, 12))
        .draw()?;
    Ok(())
}

/// A named series of points.
pub struct Curve {
    /// The legend entry.
    pub name: String,
    /// The colour index (see [`colour`]).
    pub colour: usize,
    /// `(x, y)` points, in x order.
    pub points: Vec<(f64, f64)>,
    /// Each point's interval `(low, high)`, drawn as a vertical bar; empty: none.
    pub ranges: Vec<(f64, f64)>,
}

/// Lines with points, both axes logarithmic.
pub fn log_log_lines(title: &str, x_desc: &str, y_desc: &str, curves: &[Curve]) -> Result<String> {
    let (Some(x), Some(y)) = (
        log_bounds(curve_points(curves).map(|p| p.0)),
        curve_y_bounds(curves),
    ) else {
        return Ok(String::new());
    };
    render(&legend(curves), |root| {
        let mut chart = log_log(&root, title, x, y, x_desc, y_desc)?;
        draw_curves(&mut chart, curves)
    })
}

/// Lines with points over a share from 0 to 100% (x, linear), the y axis logarithmic.
pub fn percent_log_lines(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    curves: &[Curve],
) -> Result<String> {
    let Some((ylo, yhi)) = curve_y_bounds(curves) else {
        return Ok(String::new());
    };
    render(&legend(curves), |root| {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..100f64, (ylo..yhi).log_scale())?;
        mesh(&mut chart, (11, &|v| format!("{v:.0}%")), x_desc, y_desc)?;
        draw_curves(&mut chart, curves)
    })
}

fn curve_points(curves: &[Curve]) -> impl Iterator<Item = (f64, f64)> + '_ {
    curves.iter().flat_map(|c| c.points.iter().copied())
}

/// Whole decades spanning the curves' points and their ranges.
fn curve_y_bounds(curves: &[Curve]) -> Option<(f64, f64)> {
    let spans = curves
        .iter()
        .flat_map(|c| c.ranges.iter().flat_map(|&(lo, hi)| [lo, hi]));
    log_bounds(curve_points(curves).map(|p| p.1).chain(spans))
}

fn legend(curves: &[Curve]) -> Vec<(String, RGBColor)> {
    curves
        .iter()
        .map(|c| (c.name.clone(), colour(c.colour)))
        .collect()
}

/// Each curve's line, points and range bars.
fn draw_curves<X, Y>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>,
    curves: &[Curve],
) -> Result<()>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for c in curves {
        let colour = colour(c.colour);
        chart.draw_series(LineSeries::new(
            c.points.iter().copied(),
            colour.stroke_width(2),
        ))?;
        chart.draw_series(c.points.iter().map(|p| Circle::new(*p, 3, colour.filled())))?;
        chart.draw_series(c.points.iter().zip(&c.ranges).map(|(&(x, y), &(lo, hi))| {
            ErrorBar::new_vertical(x, lo, y, hi, colour.stroke_width(1), 6)
        }))?;
    }
    Ok(())
}

/// A point of a scatter chart.
pub struct Dot {
    /// The series it belongs to (legend and colour).
    pub series: usize,
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// Points on log-log axes with reference lines `y = k x` for each `k` in `diagonals`.
pub fn scatter_with_diagonals(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    names: &[(String, usize)],
    dots: &[Dot],
    diagonals: &[(f64, &str)],
) -> Result<String> {
    let (Some((xlo, xhi)), Some((ylo, yhi))) = (
        log_bounds(dots.iter().map(|d| d.x)),
        log_bounds(dots.iter().map(|d| d.y)),
    ) else {
        return Ok(String::new());
    };
    // Square the axes so the diagonals read as slopes.
    let (lo, hi) = (xlo.min(ylo), xhi.max(yhi));
    let entries: Vec<_> = names.iter().map(|(n, c)| (n.clone(), colour(*c))).collect();
    render(&entries, |root| {
        let mut chart = log_log(&root, title, (lo, hi), (lo, hi), x_desc, y_desc)?;
        for (k, label) in diagonals {
            let end = hi / k.max(1.0);
            chart.draw_series(LineSeries::new(
                [(lo, lo * k), (end, end * k)],
                BLACK.mix(0.35).stroke_width(1),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                label.to_string(),
                (end / 1.6, end * k / 1.1),
                (FONT, 11).into_font().color(&BLACK.mix(0.6)),
            )))?;
        }
        for (i, (_, c)) in names.iter().enumerate() {
            let colour = colour(*c);
            chart.draw_series(
                dots.iter()
                    .filter(|d| d.series == i)
                    .map(|d| Circle::new((d.x, d.y), 4, colour.mix(0.8).filled())),
            )?;
        }
        Ok(())
    })
}

/// One cell of a comparison chart.
pub struct Change {
    /// Change in percent (new over base, minus one).
    pub percent: f64,
    /// Its 95% confidence interval, percent.
    pub lower: f64,
    /// Upper bound, percent.
    pub upper: f64,
    /// 0 unchanged, 1 regressed, 2 improved, 3 unverified.
    pub class: usize,
}

/// The comparison chart: cells sorted by change, with error bars, coloured by verdict; the
/// threshold drawn as dashed-looking thin lines. Values beyond ±`clip` % are drawn at the edge.
pub fn changes(title: &str, cells: &[Change], threshold: f64, clip: f64) -> Result<String> {
    const CLASSES: [(&str, RGBColor); 4] = [
        ("unchanged", RGBColor(150, 150, 150)),
        ("regressed", RGBColor(214, 39, 40)),
        ("improved", RGBColor(44, 160, 44)),
        ("unverified (no noise floor)", RGBColor(255, 127, 14)),
    ];
    let limit = cells
        .iter()
        .flat_map(|c| [c.lower.abs(), c.upper.abs()])
        .fold(threshold * 2.0, f64::max)
        .min(clip);
    let clamp = |v: f64| v.clamp(-limit, limit);
    let n = cells.len().max(1) as f64;
    let entries: Vec<_> = CLASSES.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    render(&entries, |root| {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..n, -limit * 1.05..limit * 1.05)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("cells, sorted by change")
            .y_desc("change, % (new vs base)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:+.0}%"))
            .label_style((FONT, 12))
            .draw()?;
        for t in [threshold, -threshold] {
            chart.draw_series(LineSeries::new([(0.0, t), (n, t)], BLACK.mix(0.3)))?;
        }
        chart.draw_series(LineSeries::new([(0.0, 0.0), (n, 0.0)], BLACK.mix(0.6)))?;
        for (class, (_, c)) in CLASSES.iter().enumerate() {
            let c = *c;
            chart.draw_series(
                cells
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.class == class)
                    .map(|(i, x)| {
                        ErrorBar::new_vertical(
                            i as f64 + 0.5,
                            clamp(x.lower),
                            clamp(x.percent),
                            clamp(x.upper),
                            c.filled(),
                            3,
                        )
                    }),
            )?;
        }
        Ok(())
    })
}

/// One configuration's change against the first version, at each version.
pub struct VersionLine {
    /// The configuration.
    pub name: String,
    /// Palette index.
    pub colour: usize,
    /// Per version: change %, its interval, and whether it is a regression; `None` where not
    /// measured. The first version is the baseline, at 0.
    pub points: Vec<Option<(f64, f64, f64, bool)>>,
}

/// The regressions across versions: per configuration a line of its change against the first
/// version, with 95% intervals; regressions circled. Values beyond ±`clip` % are drawn at the
/// edge.
pub fn across_versions(
    title: &str,
    versions: &[String],
    lines: &[VersionLine],
    clip: f64,
) -> Result<String> {
    let limit = lines
        .iter()
        .flat_map(|l| l.points.iter().flatten())
        .flat_map(|(_, lo, hi, _)| [lo.abs(), hi.abs()])
        .fold(5.0, f64::max)
        .min(clip);
    let clamp = |v: f64| v.clamp(-limit, limit);
    let n = versions.len().max(1) as f64;
    let entries: Vec<(String, RGBColor)> = lines
        .iter()
        .map(|l| (l.name.clone(), colour(l.colour)))
        .collect();
    render(&entries, |root| {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..n - 0.5, -limit * 1.05..limit * 1.05)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(versions.len())
            .x_desc("version")
            .y_desc("change against the first version, %")
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 {
                    versions.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| format!("{v:+.0}%"))
            .label_style((FONT, 12))
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(-0.5, 0.0), (n - 0.5, 0.0)],
            BLACK.mix(0.6),
        ))?;
        for (k, line) in lines.iter().enumerate() {
            let c = colour(line.colour);
            // A small offset per line keeps overlapping intervals apart.
            let dx = (k as f64 - lines.len() as f64 / 2.0) * 0.3 / lines.len().max(1) as f64;
            let points: Vec<(f64, (f64, f64, f64, bool))> = line
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| Some((i as f64 + dx, (*p)?)))
                .collect();
            chart.draw_series(LineSeries::new(
                points.iter().map(|(x, (v, ..))| (*x, clamp(*v))),
                c.stroke_width(1),
            ))?;
            chart.draw_series(points.iter().map(|(x, (v, lo, hi, _))| {
                ErrorBar::new_vertical(*x, clamp(*lo), clamp(*v), clamp(*hi), c.filled(), 3)
            }))?;
            chart.draw_series(points.iter().filter(|(_, (.., regressed))| *regressed).map(
                |(x, (v, ..))| {
                    Circle::new((*x, clamp(*v)), 5, RGBColor(214, 39, 40).stroke_width(2))
                },
            ))?;
        }
        Ok(())
    })
}

/// A mark on a heatmap cell: its row, its column and what to call it.
pub struct Mark {
    /// Row index.
    pub row: usize,
    /// Column index.
    pub column: usize,
    /// The label drawn in the legend beside the marked cell's outline.
    pub name: String,
}

/// A square heatmap of `values[row][column]` (none: grey), labelled by `labels`, each cell's
/// value printed with `format`; fast (low) green, slow (high) red, `marks` outlined in black and
/// listed in the legend.
pub fn heatmap(
    title: &str,
    labels: &[String],
    values: &[Vec<Option<f64>>],
    format: &dyn Fn(f64) -> String,
    marks: &[Mark],
) -> Result<String> {
    let n = labels.len();
    let known = || values.iter().flatten().flatten().copied();
    let (lo, hi) = (
        known().fold(f64::INFINITY, f64::min),
        known().fold(0.0_f64, f64::max),
    );
    if n == 0 || !lo.is_finite() {
        return Ok(String::new());
    }
    let entries: Vec<(String, RGBColor)> = marks
        .iter()
        .map(|m| (format!("outlined: {}", m.name), BLACK))
        .collect();
    render(&entries, |root| {
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, -0.5..n as f64 - 0.5)?;
        // Cell `i` spans i - 0.5 .. i + 0.5, so a label at the integer `i` sits at its middle;
        // the y axis counts from the top.
        let label = |v: &f64, flip: bool| {
            let i = v.round();
            if (v - i).abs() > 1e-9 || i < 0.0 {
                return String::new();
            }
            let i = i as usize;
            let i = if flip {
                n.wrapping_sub(1).wrapping_sub(i)
            } else {
                i
            };
            labels.get(i).cloned().unwrap_or_default()
        };
        let x_label = |v: &f64| label(v, false);
        let y_label = |v: &f64| label(v, true);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(n.min(32))
            .y_labels(n.min(32))
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .x_desc("CPU")
            .y_desc("CPU")
            .label_style((FONT, 12))
            .draw()?;
        let shade = |v: f64| {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
            HSLColor(0.33 * (1.0 - t), 0.55, 0.62)
        };
        for (r, row) in values.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (x, y) = (c as f64, (n - 1 - r) as f64);
                let fill = v.map_or(RGBColor(225, 225, 225).to_rgba(), |v| shade(v).to_rgba());
                let cell = [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)];
                chart.draw_series([Rectangle::new(cell, fill.filled())])?;
                if let Some(v) = v
                    && n <= 16
                {
                    let at = (x, y);
                    let style = TextStyle::from((FONT, 12))
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    chart.draw_series([Text::new(format(*v), at, style)])?;
                }
            }
        }
        for m in marks {
            let (x, y) = (m.column as f64, (n - 1 - m.row) as f64);
            let cell = [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)];
            chart.draw_series([Rectangle::new(cell, BLACK.stroke_width(3))])?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_label_parts_move_to_the_title() {
        let groups = [
            "cap=1024/instant/burst=8/pause=0ns".to_owned(),
            "cap=unbounded/instant/burst=8/pause=1ms".to_owned(),
        ];
        let (short, shared) = shorten(&groups);
        assert_eq!(short, ["cap=1024/pause=0ns", "cap=unbounded/pause=1ms"]);
        assert_eq!(shared, "instant/burst=8");
        let uneven = ["a/b".to_owned(), "a".to_owned()];
        assert_eq!(shorten(&uneven), (uneven.to_vec(), String::new()));
    }

    #[test]
    fn axis_labels_keep_a_significant_digit() {
        assert_eq!(si(0.01), "0.01");
        assert_eq!(si(0.5), "0.5");
        assert_eq!(si(2.5), "2.5");
        assert_eq!(si(100.0), "100");
        assert_eq!(si(25_000.0), "25k");
        assert_eq!(si(1.5e6), "1.5M");
    }
}
