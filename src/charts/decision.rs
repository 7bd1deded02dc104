//! The charts of the decision commands: bars per row with intervals (tornado, Sobol indices,
//! waterfall) and side-by-side x–y panels with intervals and a reference line (sweep,
//! cost frontier). The commands fill the data; these functions only draw.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::axes::*;
use super::style;
use super::{ChartError, ChartFile, OrChartError, thousands};

/// One bar: from `from` to `to` on the x axis, with an interval `lo..hi` drawn over it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bar {
    /// Where the bar starts.
    pub from: f64,
    /// Where it ends (the estimate).
    pub to: f64,
    /// Lower end of the interval of `to`.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// A series of bars, one per row (`None`: nothing in that row).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BarSeries {
    /// Legend label.
    pub name: String,
    /// Colour index (the variant palette).
    pub colour: usize,
    /// One per row.
    pub bars: Vec<Option<Bar>>,
}

/// Horizontal bars per labelled row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rows {
    /// Chart title.
    pub title: String,
    /// What the x axis measures, with its unit.
    pub x_label: String,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Bar series, drawn side by side within a row.
    pub series: Vec<BarSeries>,
    /// Each row holds one series' bar, drawn at the row's full height (the series then
    /// only colour the bars: a waterfall's rises, falls and total), instead of side by side.
    pub one_bar_per_row: bool,
}

/// One series of points with intervals.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Line {
    /// Legend label.
    pub name: String,
    /// Colour index (the variant palette).
    pub colour: usize,
    /// `(x, y, lo, hi)`, in x order when `joined`.
    pub points: Vec<(f64, f64, f64, f64)>,
    /// Join the points with a line (a curve), or leave them apart (a scatter).
    pub joined: bool,
    /// Labels written next to some points: `(x, y, text)`.
    pub labels: Vec<(f64, f64, String)>,
}

/// One x–y panel.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Panel {
    /// Panel title.
    pub title: String,
    /// What x measures, with its unit.
    pub x_label: String,
    /// What y measures, with its unit.
    pub y_label: String,
    /// Series.
    pub lines: Vec<Line>,
    /// A horizontal reference line and its label (the target).
    pub reference: Option<(f64, String)>,
    /// A vertical mark and its label (the value in the scenario file).
    pub marker: Option<(f64, String)>,
}

/// Panels side by side under one title.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Panels {
    /// Chart title.
    pub title: String,
    /// The panels, left to right.
    pub panels: Vec<Panel>,
}

fn draw_rows<DB: DrawingBackend>(d: &Rows, root: &Area<DB>) -> Drawn {
    let area = titled(root, &d.title, TITLE_PX)?;
    if d.rows.is_empty() {
        return note(&area, "Nothing to show.");
    }
    let (plot, legend_area) = area.split_horizontally(WIDTH - LEGEND_W);
    let ends = d.series.iter().flat_map(|s| s.bars.iter().flatten());
    let (lo, hi) = ends.fold((0.0_f64, 0.0_f64), |(lo, hi), b| {
        (
            lo.min(b.from).min(b.to).min(b.lo),
            hi.max(b.from).max(b.to).max(b.hi),
        )
    });
    let (x0, x1) = padded(lo, hi);
    let n = d.rows.len();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(300)
        .build_cartesian_2d(x0..x1, ticks(-0.5..n as f64 - 0.5, row_keys(n)))
        .chart()?;
    chart
        .configure_mesh()
        .light_line_style(LIGHT_MESH)
        .disable_y_mesh()
        .y_labels(n + 1)
        .y_label_formatter(&|y| row_label(&d.rows, *y))
        .x_label_formatter(&|x| axis_number(*x, x1 - x0))
        .x_desc(d.x_label.as_str())
        .label_style(text_style(LABEL_PX))
        .axis_desc_style(text_style(LABEL_PX))
        .draw()
        .chart()?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))
        .chart()?;
    let k = if d.one_bar_per_row {
        1.0
    } else {
        d.series.len().max(1) as f64
    };
    let thick = 0.7 / k;
    for (si, s) in d.series.iter().enumerate() {
        let colour = style::variant_colour(s.colour);
        let slot = if d.one_bar_per_row { 0.0 } else { si as f64 };
        for (ri, bar) in s.bars.iter().enumerate() {
            let Some(b) = bar else { continue };
            let centre = row_y(n, ri) - 0.35 + thick * (slot + 0.5);
            let (y0, y1) = (centre - 0.45 * thick, centre + 0.45 * thick);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(b.from.min(b.to), y0), (b.from.max(b.to), y1)],
                    colour.mix(0.75).filled(),
                )))
                .chart()?;
            chart
                .draw_series([
                    PathElement::new(vec![(b.lo, centre), (b.hi, centre)], BLACK.stroke_width(2)),
                    PathElement::new(
                        vec![(b.lo, centre - 0.15 * thick), (b.lo, centre + 0.15 * thick)],
                        BLACK.stroke_width(2),
                    ),
                    PathElement::new(
                        vec![(b.hi, centre - 0.15 * thick), (b.hi, centre + 0.15 * thick)],
                        BLACK.stroke_width(2),
                    ),
                ])
                .chart()?;
        }
    }
    let entries: Vec<(RGBColor, String)> = (d.series.iter())
        .map(|s| (style::variant_colour(s.colour), s.name.clone()))
        .chain(std::iter::once((BLACK, "95 % interval".to_string())))
        .collect();
    legend(&legend_area, 20, &entries)
}

/// A box of pixels: left, top, right, bottom.
type PixelBox = (i32, i32, i32, i32);

fn overlaps(a: PixelBox, b: PixelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Estimated width of `text` at `px` pixels (DejaVu Sans averages about 0.6 em a character).
fn text_width(text: &str, px: u32) -> i32 {
    (text.chars().count() as f64 * px as f64 * 0.6).ceil() as i32
}

/// Where a `w` × `h` pixel label of the point at pixel `p` goes: right and above, right and
/// below, left and above, left and below; the first inside `bounds` and clear of `taken`,
/// else the first inside `bounds`, else right and above.
fn place_label(p: (i32, i32), w: i32, h: i32, bounds: PixelBox, taken: &[PixelBox]) -> PixelBox {
    const GAP: i32 = 8;
    let candidates = [
        (p.0 + GAP, p.1 - h - 2),
        (p.0 + GAP, p.1 + 2),
        (p.0 - GAP - w, p.1 - h - 2),
        (p.0 - GAP - w, p.1 + 2),
    ]
    .map(|(x, y)| (x, y, x + w, y + h));
    let inside =
        |b: &&PixelBox| b.0 >= bounds.0 && b.1 >= bounds.1 && b.2 <= bounds.2 && b.3 <= bounds.3;
    (candidates.iter())
        .find(|b| inside(b) && !taken.iter().any(|t| overlaps(**b, *t)))
        .or_else(|| candidates.iter().find(inside))
        .copied()
        .unwrap_or(candidates[0])
}

/// Pixel width of one legend entry: swatch, label and the space after it.
fn legend_entry_width(label: &str) -> i32 {
    24 + text_width(label, LABEL_PX) + 24
}

/// A legend's entries laid out left to right in rows no wider than `width` pixels: the
/// indices of the entries of each row.
fn legend_rows(labels: &[&str], width: i32) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = width;
    for (i, label) in labels.iter().enumerate() {
        let w = legend_entry_width(label);
        if used + w > width && rows.last().is_none_or(|r| !r.is_empty()) {
            rows.push(Vec::new());
            used = 0;
        }
        rows.last_mut().expect("a row was pushed").push(i);
        used += w;
    }
    rows
}

/// Tick positions of an axis from `lo` to `hi`: about eight at a step of 1, 2 or 5 times a
/// power of ten, whole numbers only when `whole` (a number of lanes has no 4.5).
fn axis_keys(lo: f64, hi: f64, whole: bool) -> (Vec<f64>, f64) {
    let raw = ((hi - lo) / 8.0).max(1e-12);
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).round();
    }
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let keys = (first..=last.max(first)).map(|k| k as f64 * step).collect();
    (keys, step)
}

/// A tick label at `step`: as many decimals as the step needs, thousands separators.
fn key_label(x: f64, step: f64) -> String {
    if step >= 1.0 {
        thousands(x)
    } else if step >= 0.1 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn draw_panel<DB: DrawingBackend>(p: &Panel, area: &Area<DB>) -> Drawn {
    let area = titled(area, &p.title, LABEL_PX + 2)?;
    // the legend goes above the plot, never over a point
    let entries: Vec<(RGBColor, &str)> = (p.lines.iter())
        .map(|l| (style::variant_colour(l.colour), l.name.as_str()))
        .collect();
    let area = if entries.len() > 1 {
        let (w, _) = area.dim_in_pixel();
        let labels: Vec<&str> = entries.iter().map(|e| e.1).collect();
        let rows = legend_rows(&labels, w as i32 - 40);
        let (top, rest) = area.split_vertically(6 + 24 * rows.len() as u32);
        for (r, row) in rows.iter().enumerate() {
            let mut x = 20;
            for &i in row {
                let (colour, label) = entries[i];
                swatch(&top, x, 2 + 24 * r as i32, &colour, label)?;
                x += legend_entry_width(label);
            }
        }
        rest
    } else {
        area
    };
    let xs: Vec<f64> = (p.lines.iter())
        .flat_map(|l| l.points.iter().map(|q| q.0))
        .collect();
    let ys = (p.lines.iter())
        .flat_map(|l| l.points.iter().flat_map(|q| [q.1, q.2, q.3]))
        .chain(p.reference.iter().map(|r| r.0));
    let (xlo, xhi) = (xs.iter().chain(p.marker.iter().map(|m| &m.0)))
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let (ylo, yhi) = ys
        .filter(|y| y.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
    if !xlo.is_finite() || !ylo.is_finite() {
        return note(&area, "Nothing to show.");
    }
    let (x0, x1) = padded(xlo, xhi);
    let (y0, y1) = padded(ylo, yhi);
    let whole = xs.iter().all(|x| x.fract() == 0.0);
    let (keys, step) = axis_keys(x0, x1, whole);
    let mut chart = ChartBuilder::on(&area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(80)
        .build_cartesian_2d(ticks(x0..x1, keys), y0..y1)
        .chart()?;
    chart
        .configure_mesh()
        .light_line_style(LIGHT_MESH)
        .x_label_formatter(&|x| key_label(*x, step))
        .y_label_formatter(&|y| axis_number(*y, y1 - y0))
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .label_style(text_style(LABEL_PX))
        .axis_desc_style(text_style(LABEL_PX))
        .draw()
        .chart()?;
    let (px_x, px_y) = chart.plotting_area().get_pixel_range();
    let bounds = (px_x.start, px_y.start, px_x.end, px_y.end);
    let label_h = LABEL_PX as i32 + 2;
    // what labels must not cover: the points, then the labels already written
    let mut taken: Vec<PixelBox> = (p.lines.iter())
        .flat_map(|l| l.points.iter())
        .map(|q| {
            let (x, y) = chart.backend_coord(&(q.0, q.1));
            (x - 6, y - 6, x + 6, y + 6)
        })
        .collect();
    if let Some((y, label)) = &p.reference {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0, *y), (x1, *y)],
                style::variant_colour(1).stroke_width(2),
            )))
            .chart()?;
        // above the line at the left, or below it where the top is near
        let at = chart.backend_coord(&(x0, *y));
        let w = text_width(label, LABEL_PX);
        let left = bounds.0 + 6;
        let above = (left, at.1 - label_h - 3, left + w, at.1 - 3);
        let b = if above.1 >= bounds.1 {
            above
        } else {
            (left, at.1 + 3, left + w, at.1 + 3 + label_h)
        };
        write_at(&chart, (x0, *y), b, label)?;
        taken.push(b);
    }
    if let Some((x, label)) = &p.marker {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*x, y0), (*x, y1)],
                RGBColor(0x55, 0x55, 0x55).stroke_width(1),
            )))
            .chart()?;
        let at = chart.backend_coord(&(*x, y1));
        let w = text_width(label, LABEL_PX);
        let b = place_label((at.0, bounds.1 + label_h + 4), w, label_h, bounds, &taken);
        write_at(&chart, (*x, y1), b, label)?;
        taken.push(b);
    }
    for l in &p.lines {
        let colour = style::variant_colour(l.colour);
        if l.joined && l.points.len() > 1 {
            let band: Vec<(f64, f64)> = (l.points.iter().map(|q| (q.0, q.3)))
                .chain(l.points.iter().rev().map(|q| (q.0, q.2)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    colour.mix(0.2).filled(),
                )))
                .chart()?;
            chart
                .draw_series(LineSeries::new(
                    l.points.iter().map(|q| (q.0, q.1)),
                    colour.stroke_width(2),
                ))
                .chart()?;
        }
        for &(x, y, lo, hi) in &l.points {
            chart
                .draw_series([PathElement::new(
                    vec![(x, lo), (x, hi)],
                    colour.stroke_width(2),
                )])
                .chart()?;
            chart
                .draw_series(std::iter::once(Circle::new((x, y), 5, colour.filled())))
                .chart()?;
            let who = (l.labels.iter())
                .find(|t| t.0 == x && t.1 == y)
                .map_or(l.name.as_str(), |t| t.2.as_str());
            tip_at(chart.backend_coord(&(x, y)), 6, || {
                format!(
                    "{who}: {} {}; {} {} [{}, {}]",
                    p.x_label,
                    label_number(x),
                    p.y_label,
                    label_number(y),
                    label_number(lo),
                    label_number(hi)
                )
            });
        }
    }
    for l in &p.lines {
        for (x, y, text) in &l.labels {
            let at = chart.backend_coord(&(*x, *y));
            let b = place_label(at, text_width(text, LABEL_PX), label_h, bounds, &taken);
            write_at(&chart, (*x, *y), b, text)?;
            taken.push(b);
        }
    }
    Ok(())
}

/// Writes `text` in the pixel box `b` on a light backing (legible over lines and bands),
/// placed by its offset from the point `anchor` (x, y).
fn write_at<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<Ticks, RangedCoordf64>>,
    anchor: (f64, f64),
    b: PixelBox,
    text: &str,
) -> Drawn {
    let at = chart.backend_coord(&anchor);
    let (dx, dy) = (b.0 - at.0, b.1 - at.1);
    chart
        .plotting_area()
        .draw(
            &(EmptyElement::at(anchor)
                + Rectangle::new(
                    [(dx - 2, dy - 1), (dx + b.2 - b.0 + 2, dy + b.3 - b.1 + 1)],
                    WHITE.mix(0.8).filled(),
                )
                + Text::new(text.to_string(), (dx, dy), text_style(LABEL_PX))),
        )
        .chart()
}

fn draw_panels<DB: DrawingBackend>(d: &Panels, root: &Area<DB>) -> Drawn {
    let area = titled(root, &d.title, TITLE_PX)?;
    let cols = d.panels.len().max(1);
    let parts = area.split_evenly((1, cols));
    for (p, a) in d.panels.iter().zip(parts.iter()) {
        draw_panel(p, a)?;
    }
    Ok(())
}

macro_rules! chart_kind {
    ($ty:ident, $data:ty, $name:literal, $size:expr, $draw:ident) => {
        #[doc = concat!("The `", $name, "` chart.")]
        struct $ty;
        impl super::Chart for $ty {
            type Data = $data;
            const NAME: &'static str = $name;
            // laid out for their own sizes (a decision page, not the run's report), with
            // no text under the axis labels' size: at the chart's full width that is
            // 14 / 1.24 = 11.3 px on the page
            const TEXT_FLOOR_PX: u32 = super::axes::LABEL_PX;
            fn title(data: &$data) -> String {
                data.title.clone()
            }
            fn size(data: &$data) -> (u32, u32) {
                $size(data)
            }
            fn draw<DB: DrawingBackend>(data: &$data, area: &Area<DB>) -> Drawn {
                $draw(data, area)
            }
        }
    };
}

fn rows_size(d: &Rows) -> (u32, u32) {
    let per_row = ROW_PX.max(18 * d.series.len() as u32 + 14);
    (WIDTH, (140 + d.rows.len().max(1) as u32 * per_row).max(360))
}

fn panels_size(_: &Panels) -> (u32, u32) {
    (WIDTH, 560)
}

chart_kind!(Tornado, Rows, "tornado", rows_size, draw_rows);
chart_kind!(SobolBars, Rows, "sobol", rows_size, draw_rows);
chart_kind!(Waterfall, Rows, "waterfall", rows_size, draw_rows);
chart_kind!(Sweep, Panels, "sweep", panels_size, draw_panels);
chart_kind!(Frontier, Panels, "frontier", panels_size, draw_panels);

/// Which decision chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `tornado`: one-at-a-time effects.
    Tornado,
    /// `sobol`: Sobol indices.
    Sobol,
    /// `waterfall`: per-gate steps between two packages.
    Waterfall,
}

/// Draws a bar chart of `kind` (SVG and PNG).
pub fn rows(kind: Kind, data: &Rows) -> Result<ChartFile, ChartError> {
    style::init_fonts()?;
    match kind {
        Kind::Tornado => super::render::<Tornado>(data),
        Kind::Sobol => super::render::<SobolBars>(data),
        Kind::Waterfall => super::render::<Waterfall>(data),
    }
}

/// Draws the `sweep` chart.
pub fn sweep(data: &Panels) -> Result<ChartFile, ChartError> {
    style::init_fonts()?;
    super::render::<Sweep>(data)
}

/// Draws the `frontier` chart.
pub fn frontier(data: &Panels) -> Result<ChartFile, ChartError> {
    style::init_fonts()?;
    super::render::<Frontier>(data)
}

/// A number for a label: thousands separators from 1,000 on, else 3 significant digits.
pub fn label_number(x: f64) -> String {
    if x.abs() >= 1000.0 {
        thousands(x)
    } else {
        format!("{}", (x * 1000.0).round() / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label goes right and above its point; where that leaves the plot or covers a label
    /// already written, the next free corner; where none is free, the first inside.
    #[test]
    fn labels_take_the_first_free_corner_inside_the_plot() {
        let bounds = (0, 0, 200, 100);
        assert_eq!(place_label((50, 50), 40, 16, bounds, &[]), (58, 32, 98, 48));
        // near the right edge: left and above
        assert_eq!(
            place_label((180, 50), 40, 16, bounds, &[]),
            (132, 32, 172, 48)
        );
        // right and above taken: right and below
        let taken = [(58, 32, 98, 48)];
        assert_eq!(
            place_label((50, 50), 40, 16, bounds, &taken),
            (58, 52, 98, 68)
        );
        // every corner taken: the first inside, even over another label
        let all = [(0, 0, 200, 100)];
        assert_eq!(
            place_label((50, 50), 40, 16, bounds, &all),
            (58, 32, 98, 48)
        );
    }

    /// Legend entries fill a row left to right and wrap where the next would overflow; an
    /// entry wider than the row gets a row of its own.
    #[test]
    fn legend_entries_wrap_into_rows() {
        let short = legend_entry_width("ab");
        let rows = legend_rows(&["ab", "cd", "ef"], 2 * short);
        assert_eq!(rows, [vec![0, 1], vec![2]]);
        let long = "x".repeat(200);
        let rows = legend_rows(&["ab", &long, "cd"], 2 * short);
        assert_eq!(rows, [vec![0], vec![1], vec![2]]);
        assert!(legend_rows(&[], 100).is_empty());
    }

    /// Ticks fall at 1, 2 or 5 × 10^k inside the range, never between whole numbers when the
    /// values are whole, and their labels carry the decimals the step needs.
    #[test]
    fn axis_ticks_are_round_and_whole_where_the_values_are() {
        let (keys, step) = axis_keys(3.8, 8.2, true);
        assert_eq!(step, 1.0);
        assert_eq!(keys, [4.0, 5.0, 6.0, 7.0, 8.0]);
        let (keys, step) = axis_keys(3.8, 8.2, false);
        assert_eq!(step, 1.0);
        assert_eq!(keys.len(), 5);
        let (keys, step) = axis_keys(0.0, 1.0, false);
        assert!((step - 0.2).abs() < 1e-12);
        assert_eq!(keys.len(), 6);
        assert_eq!(key_label(keys[1], step), "0.2");
        // a narrow range of whole numbers still ticks at whole numbers only
        let (keys, step) = axis_keys(9.9, 10.1, true);
        assert_eq!((keys, step), (vec![10.0], 1.0));
        let (keys, step) = axis_keys(-3.75, 78.75, true);
        assert_eq!(step, 20.0);
        assert_eq!(keys, [0.0, 20.0, 40.0, 60.0]);
        assert_eq!(key_label(2000.0, 1000.0), "2,000");
    }
}
