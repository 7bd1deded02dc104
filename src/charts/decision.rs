//! The charts of the decision commands: bars per row with intervals (tornado, Sobol indices,
//! waterfall) and side-by-side x–y panels with intervals and a reference line (sweep,
//! cost frontier). The commands fill the data; these functions only draw.

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
    let k = d.series.len().max(1) as f64;
    let thick = 0.7 / k;
    for (si, s) in d.series.iter().enumerate() {
        let colour = style::variant_colour(s.colour);
        for (ri, bar) in s.bars.iter().enumerate() {
            let Some(b) = bar else { continue };
            let centre = row_y(n, ri) - 0.35 + thick * (si as f64 + 0.5);
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

fn draw_panel<DB: DrawingBackend>(p: &Panel, area: &Area<DB>) -> Drawn {
    let area = titled(area, &p.title, LABEL_PX + 2)?;
    let xs = p.lines.iter().flat_map(|l| l.points.iter().map(|q| q.0));
    let ys = (p.lines.iter())
        .flat_map(|l| l.points.iter().flat_map(|q| [q.1, q.2, q.3]))
        .chain(p.reference.iter().map(|r| r.0));
    let (xlo, xhi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
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
    let mut chart = ChartBuilder::on(&area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y0..y1)
        .chart()?;
    chart
        .configure_mesh()
        .light_line_style(LIGHT_MESH)
        .x_label_formatter(&|x| axis_number(*x, x1 - x0))
        .y_label_formatter(&|y| axis_number(*y, y1 - y0))
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .label_style(text_style(LABEL_PX))
        .axis_desc_style(text_style(LABEL_PX))
        .draw()
        .chart()?;
    if let Some((y, label)) = &p.reference {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0, *y), (x1, *y)],
                style::variant_colour(1).stroke_width(2),
            )))
            .chart()?;
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (x0 + 0.02 * (x1 - x0), *y),
                text_style(LABEL_PX),
            )))
            .chart()?;
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
        }
        for (x, y, text) in &l.labels {
            chart
                .draw_series(std::iter::once(Text::new(
                    text.clone(),
                    (*x, *y),
                    text_style(LABEL_PX - 2),
                )))
                .chart()?;
        }
    }
    let entries: Vec<(RGBColor, String)> = (p.lines.iter())
        .map(|l| (style::variant_colour(l.colour), l.name.clone()))
        .collect();
    if entries.len() > 1 {
        let (w, _) = area.dim_in_pixel();
        for (i, (c, label)) in entries.iter().enumerate() {
            swatch(&area, w as i32 - 260, 20 + 22 * i as i32, c, label)?;
        }
    }
    Ok(())
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
