//! What the charts share: sizes, fonts, the exact-tick axis, titles, legends, notes, row and
//! grid layouts, axis ranges and number labels, the density estimate of the violins.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::FONT;
use super::{ChartError, OrChartError, thousands};

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;

pub(super) type Area<DB> = DrawingArea<DB, Shift>;
pub(super) type Drawn = Result<(), ChartError>;

pub(super) const WIDTH: u32 = 1400;
pub(super) const LEGEND_W: u32 = 340;
pub(super) const TITLE_PX: u32 = 22;
pub(super) const LABEL_PX: u32 = 14;
pub(super) const ROW_PX: u32 = 34;
/// Minor grid lines: barely there.
pub(super) const LIGHT_MESH: RGBColor = RGBColor(0xf2, 0xf2, 0xf2);

/// A linear f64 axis whose ticks sit exactly at given values (rows, years, months).
#[derive(Clone)]
pub(super) struct Ticks {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

pub(super) fn ticks(range: std::ops::Range<f64>, keys: Vec<f64>) -> Ticks {
    Ticks {
        inner: range.into(),
        keys,
    }
}

impl Ranged for Ticks {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// Smallest text drawn, pixels: plotters writes SVG font sizes as px / 1.24, so 16 px is
/// 12.9 in the SVG, and the report keeps a chart at least 11/12.9 of its width (text ≥ 11 px
/// on the page).
pub(super) const MIN_TEXT_PX: u32 = 16;

thread_local! {
    /// The smallest text of the chart being drawn, pixels (set by `render`).
    static TEXT_FLOOR: std::cell::Cell<u32> = const { std::cell::Cell::new(MIN_TEXT_PX) };
}

/// Runs `draw` with text at least `px` pixels.
pub(super) fn with_text_floor<T>(px: u32, draw: impl FnOnce() -> T) -> T {
    let before = TEXT_FLOOR.with(|f| f.replace(px));
    let out = draw();
    TEXT_FLOOR.with(|f| f.set(before));
    out
}

pub(super) fn text_style(px: u32) -> TextStyle<'static> {
    let floor = TEXT_FLOOR.with(|f| f.get());
    (FONT, px.max(floor)).into_font().color(&BLACK)
}

/// A hover text over a rectangle of a chart, in pixels of the whole chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tip {
    /// Left edge, pixels.
    pub x: i32,
    /// Top edge, pixels.
    pub y: i32,
    /// Width, pixels.
    pub w: i32,
    /// Height, pixels.
    pub h: i32,
    /// What the mark shows, in words and numbers.
    pub text: String,
}

thread_local! {
    /// The tips of the SVG being drawn (`None` while drawing the bitmap: no tips there).
    static TIPS: std::cell::RefCell<Option<Vec<Tip>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `draw`, collecting the tips it leaves.
pub(super) fn with_tips<T>(draw: impl FnOnce() -> T) -> (T, Vec<Tip>) {
    TIPS.with(|t| *t.borrow_mut() = Some(Vec::new()));
    let out = draw();
    let tips = TIPS.with(|t| t.borrow_mut().take()).unwrap_or_default();
    (out, tips)
}

/// Leaves a tip over the pixel rectangle between corners `a` and `b` (only while an SVG is
/// drawn; `text` is not even made otherwise).
pub(super) fn tip(a: (i32, i32), b: (i32, i32), text: impl FnOnce() -> String) {
    TIPS.with(|t| {
        if let Some(tips) = t.borrow_mut().as_mut() {
            let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
            let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
            tips.push(Tip {
                x: x0,
                y: y0,
                w: (x1 - x0).max(6),
                h: (y1 - y0).max(6),
                text: text(),
            });
        }
    });
}

/// Leaves a tip centred on pixel `p`, `r` pixels each way.
pub(super) fn tip_at(p: (i32, i32), r: i32, text: impl FnOnce() -> String) {
    tip((p.0 - r, p.1 - r), (p.0 + r, p.1 + r), text);
}

/// The area below a chart title.
pub(super) fn titled<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    px: u32,
) -> Result<Area<DB>, ChartError> {
    root.titled(title, text_style(px)).chart()
}

/// Writes a note in the middle of an area (for charts that have nothing to show).
pub(super) fn note<DB: DrawingBackend>(area: &Area<DB>, message: &str) -> Drawn {
    let (_, h) = area.dim_in_pixel();
    area.draw_text(
        message,
        &text_style(LABEL_PX + 2),
        (40, (h / 2) as i32 - 10),
    )
    .chart()?;
    Ok(())
}

/// One legend entry at pixel `(x, y)`: a colour swatch and its label.
pub(super) fn swatch<DB: DrawingBackend>(
    area: &Area<DB>,
    x: i32,
    y: i32,
    colour: &RGBColor,
    label: &str,
) -> Drawn {
    area.draw(&Rectangle::new(
        [(x, y + 2), (x + 16, y + 16)],
        colour.filled(),
    ))
    .chart()?;
    area.draw_text(label, &text_style(LABEL_PX - 1), (x + 24, y + 2))
        .chart()
}

/// A legend drawn by hand, top to bottom.
pub(super) fn legend<DB: DrawingBackend>(
    area: &Area<DB>,
    top: i32,
    entries: &[(RGBColor, String)],
) -> Drawn {
    for (i, (colour, label)) in entries.iter().enumerate() {
        swatch(area, 10, top + i as i32 * 24, colour, label)?;
    }
    Ok(())
}

/// The same, laid out left to right on one line.
pub(super) fn legend_row<DB: DrawingBackend>(
    area: &Area<DB>,
    y: i32,
    entries: &[(RGBColor, String)],
) -> Drawn {
    let mut x = 20;
    for (colour, label) in entries {
        swatch(area, x, y, colour, label)?;
        x += 40 + 9 * label.chars().count() as i32;
    }
    Ok(())
}

/// A legend in fixed columns of 330 pixels on one line (for long labels).
pub(super) fn legend_columns<DB: DrawingBackend>(
    area: &Area<DB>,
    y: i32,
    entries: &[(RGBColor, String)],
) -> Drawn {
    for (i, (colour, label)) in entries.iter().enumerate() {
        swatch(area, 20 + 330 * i as i32, y, colour, label)?;
    }
    Ok(())
}

/// Largest magnitude of an axis end. Beyond it the span of a padded range overflows to
/// infinity, and plotters' tick search never ends on an infinite range (`plot` hung on a
/// `charts.json` holding ±1e308). Far above any figure a run can produce (turnover stays
/// below ~1e20 million USD).
pub(super) const AXIS_LIMIT: f64 = 1e300;

/// Range `lo..hi` padded by 5 % on both sides (never empty, always finite).
pub(super) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (
            lo.clamp(-AXIS_LIMIT, AXIS_LIMIT),
            hi.clamp(-AXIS_LIMIT, AXIS_LIMIT),
        )
    } else {
        (0.0, 1.0)
    };
    let span = (hi - lo).max(hi.abs() * 0.05).max(1e-9);
    (lo - 0.05 * span, hi + 0.05 * span)
}

/// The end of an axis that starts at 0: `top` with `headroom`, finite (an infinite `top`,
/// a sum of huge figures, is drawn off the chart).
pub(super) fn axis_top(top: f64, headroom: f64) -> f64 {
    let top = if top.is_nan() { 1.0 } else { top };
    top.clamp(f64::MIN_POSITIVE, AXIS_LIMIT) * headroom
}

pub(super) fn min_max<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    values
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Row positions for `n` categories, first at the top: row `i` sits at `n - 1 - i`.
pub(super) fn row_y(n: usize, i: usize) -> f64 {
    (n - 1 - i) as f64
}

pub(super) fn row_keys(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64).collect()
}

/// Label of the row at coordinate `y` among `names` (first name at the top).
pub(super) fn row_label(names: &[String], y: f64) -> String {
    let n = names.len();
    let r = y.round();
    if r < 0.0 || r >= n as f64 || (y - r).abs() > 1e-6 {
        return String::new();
    }
    names[n - 1 - r as usize].clone()
}

/// Axis number: thousands separators for large values, decimals for small ranges.
pub(super) fn axis_number(x: f64, span: f64) -> String {
    if span < 5.0 {
        format!("{x:.2}")
    } else if span < 50.0 {
        format!("{x:.1}")
    } else {
        thousands(x)
    }
}

/// Gaussian kernel density of `values` on `grid` points (Silverman's rule for the bandwidth);
/// `None` when the values have no spread.
pub(super) fn density(values: &[f64], points: usize) -> Option<Vec<(f64, f64)>> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / n as f64;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let iqr = crate::stats::percentile_sorted(&v, 0.75) - crate::stats::percentile_sorted(&v, 0.25);
    let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
    let h = 0.9 * spread * (n as f64).powf(-0.2);
    if !(h.is_finite() && h > 0.0) {
        return None;
    }
    let (lo, hi) = (v[0] - 3.0 * h, v[n - 1] + 3.0 * h);
    Some(
        (0..points)
            .map(|i| {
                let x = lo + (hi - lo) * i as f64 / (points - 1) as f64;
                let d = v
                    .iter()
                    .map(|&xi| (-0.5 * ((x - xi) / h).powi(2)).exp())
                    .sum::<f64>();
                (x, d)
            })
            .collect(),
    )
}

pub(super) fn split_grid<DB: DrawingBackend>(
    area: &Area<DB>,
    n: usize,
    cols: usize,
) -> Vec<Area<DB>> {
    let rows = n.div_ceil(cols).max(1);
    area.split_evenly((rows, cols))
}

pub(super) fn grid_cols(n: usize) -> usize {
    match n {
        0..=1 => 1,
        2..=4 => 2,
        _ => 3,
    }
}

/// The mesh of a chart with one row per variant: light vertical grid, no horizontal grid, the
/// variant names as row labels, thousands on the x axis, `x_desc` under it.
pub(super) fn row_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Ticks>>,
    names: &[String],
    x_desc: &str,
) -> Drawn {
    chart
        .configure_mesh()
        .light_line_style(LIGHT_MESH)
        .disable_y_mesh()
        .y_labels(names.len() + 1)
        .y_label_formatter(&|y| row_label(names, *y))
        .x_label_formatter(&|x| thousands(*x))
        .x_desc(x_desc)
        .label_style(text_style(LABEL_PX))
        .axis_desc_style(text_style(LABEL_PX))
        .draw()
        .chart()
}
