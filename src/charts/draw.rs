//! The seven charts. Each is one generic function drawn on any plotters backend, with a
//! companion `*_size` that fixes its pixel size from the data (rows of variants, gates, stages).
//! The caller hands each one an area already filled white.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{ChartData, DailyBand, Interval};
use super::style::{self, FONT};
use super::{ChartError, OrChartError, thousands};

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;

type Area<DB> = DrawingArea<DB, Shift>;
type Drawn = Result<(), ChartError>;

const WIDTH: u32 = 1400;
const LEGEND_W: u32 = 340;
const TITLE_PX: u32 = 22;
const LABEL_PX: u32 = 14;
const ROW_PX: u32 = 34;
/// Minor grid lines: barely there.
const LIGHT_MESH: RGBColor = RGBColor(0xf2, 0xf2, 0xf2);

// ---------------------------------------------------------------- helpers

/// A linear f64 axis whose ticks sit exactly at given values (rows, years, months).
#[derive(Clone)]
struct Ticks {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

fn ticks(range: std::ops::Range<f64>, keys: Vec<f64>) -> Ticks {
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

fn text_style(px: u32) -> TextStyle<'static> {
    (FONT, px).into_font().color(&BLACK)
}

/// The area below a chart title.
fn titled<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    px: u32,
) -> Result<Area<DB>, ChartError> {
    root.titled(title, text_style(px)).chart()
}

/// Writes a note in the middle of an area (for charts that have nothing to show).
fn note<DB: DrawingBackend>(area: &Area<DB>, message: &str) -> Drawn {
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
fn swatch<DB: DrawingBackend>(
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
fn legend<DB: DrawingBackend>(area: &Area<DB>, top: i32, entries: &[(RGBColor, String)]) -> Drawn {
    for (i, (colour, label)) in entries.iter().enumerate() {
        swatch(area, 10, top + i as i32 * 22, colour, label)?;
    }
    Ok(())
}

/// The same, laid out left to right on one line.
fn legend_row<DB: DrawingBackend>(
    area: &Area<DB>,
    y: i32,
    entries: &[(RGBColor, String)],
) -> Drawn {
    let mut x = 20;
    for (colour, label) in entries {
        swatch(area, x, y, colour, label)?;
        x += 40 + 8 * label.chars().count() as i32;
    }
    Ok(())
}

/// Largest magnitude of an axis end. Beyond it the span of a padded range overflows to
/// infinity, and plotters' tick search never ends on an infinite range (`plot` hung on a
/// `charts.json` holding ±1e308). Far above any figure a run can produce (turnover stays
/// below ~1e20 million USD).
const AXIS_LIMIT: f64 = 1e300;

/// Range `lo..hi` padded by 5 % on both sides (never empty, always finite).
fn padded(lo: f64, hi: f64) -> (f64, f64) {
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
fn axis_top(top: f64, headroom: f64) -> f64 {
    let top = if top.is_nan() { 1.0 } else { top };
    top.clamp(f64::MIN_POSITIVE, AXIS_LIMIT) * headroom
}

fn min_max<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    values
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Row positions for `n` categories, first at the top: row `i` sits at `n - 1 - i`.
fn row_y(n: usize, i: usize) -> f64 {
    (n - 1 - i) as f64
}

fn row_keys(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64).collect()
}

/// Label of the row at coordinate `y` among `names` (first name at the top).
fn row_label(names: &[String], y: f64) -> String {
    let n = names.len();
    let r = y.round();
    if r < 0.0 || r >= n as f64 || (y - r).abs() > 1e-6 {
        return String::new();
    }
    names[n - 1 - r as usize].clone()
}

/// Axis number: thousands separators for large values, decimals for small ranges.
fn axis_number(x: f64, span: f64) -> String {
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
fn density(values: &[f64], points: usize) -> Option<Vec<(f64, f64)>> {
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

fn split_grid<DB: DrawingBackend>(area: &Area<DB>, n: usize, cols: usize) -> Vec<Area<DB>> {
    let rows = n.div_ceil(cols).max(1);
    area.split_evenly((rows, cols))
}

fn grid_cols(n: usize) -> usize {
    match n {
        0..=1 => 1,
        2..=4 => 2,
        _ => 3,
    }
}

// ---------------------------------------------------------------- 1. distribution

pub(super) fn distribution_size(d: &ChartData) -> (u32, u32) {
    let rows = d.variants.len().max(1) as u32;
    (WIDTH, 3 * (110 + rows * ROW_PX) + 50)
}

/// Target-year turnover per variant (violins with each replication as a dot), one panel each
/// for total, exports and imports, the target as a line, P(target) in the legend.
pub(super) fn distribution<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let (Some(_), Some(target)) = (d.target_year_index(), d.target.as_ref()) else {
        return note(
            root,
            "This scenario has no [target] within its horizon: nothing to draw.",
        );
    };
    let root = titled(
        root,
        &format!(
            "{}: turnover in {} per variant, basis A (declared at Lạng Sơn), {} replications",
            d.scenario, target.year, d.replications
        ),
        TITLE_PX,
    )?;
    let panels = root.split_evenly((3, 1));
    let names: Vec<String> = d.variants.iter().map(|v| v.name.clone()).collect();
    let nv = names.len();
    let goals = [
        ("total", target.total_musd),
        ("exports", target.export_musd),
        ("imports", target.import_musd),
    ];
    for (k, panel) in panels.iter().enumerate() {
        let (what, goal) = goals[k];
        let (pw, _) = panel.dim_in_pixel();
        let (plot, side) = panel.split_horizontally(pw - LEGEND_W);
        let violins: Vec<Option<Vec<(f64, f64)>>> = d
            .variants
            .iter()
            .map(|v| density(&v.target_year_musd[k], 96))
            .collect();
        let (lo, hi) = min_max(
            d.variants
                .iter()
                .flat_map(|v| v.target_year_musd[k].iter())
                .chain(
                    violins
                        .iter()
                        .flatten()
                        .flat_map(|g| [&g[0].0, &g[g.len() - 1].0]),
                )
                .chain(std::iter::once(&goal)),
        );
        let (lo, hi) = padded(lo, hi);
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                format!("{what}, million USD (target {})", thousands(goal)),
                text_style(LABEL_PX + 3),
            )
            .margin(8)
            .x_label_area_size(42)
            .y_label_area_size(190)
            .build_cartesian_2d(lo..hi, ticks(-0.5..nv as f64 - 0.5, row_keys(nv)))
            .chart()?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_MESH)
            .disable_y_mesh()
            .y_labels(nv + 1)
            .y_label_formatter(&|y| row_label(&names, *y))
            .x_label_formatter(&|x| thousands(*x))
            .x_desc(format!("{what} turnover {}, million USD", target.year))
            .label_style(text_style(LABEL_PX))
            .axis_desc_style(text_style(LABEL_PX))
            .draw()
            .chart()?;
        for (i, v) in d.variants.iter().enumerate() {
            let colour = style::variant_colour(v.colour);
            let y = row_y(nv, i);
            let values = &v.target_year_musd[k];
            if let Some(dens) = &violins[i] {
                let peak = dens.iter().map(|p| p.1).fold(0.0, f64::max);
                let scale = 0.42 / peak;
                let mut poly: Vec<(f64, f64)> =
                    dens.iter().map(|&(x, p)| (x, y + p * scale)).collect();
                poly.extend(dens.iter().rev().map(|&(x, p)| (x, y - p * scale)));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        poly,
                        colour.mix(0.45).filled(),
                    )))
                    .chart()?;
            }
            if values.len() <= 500 {
                chart
                    .draw_series(
                        values
                            .iter()
                            .map(|&x| Circle::new((x, y), 2, colour.filled())),
                    )
                    .chart()?;
            }
            let q = super::data::Quantiles::of(values);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(q.p50, y - 0.3), (q.p50, y + 0.3)],
                    BLACK.stroke_width(2),
                )))
                .chart()?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(goal, -0.5), (goal, nv as f64 - 0.5)],
                style::TARGET.stroke_width(2),
            )))
            .chart()?;
        let mut entries: Vec<(RGBColor, String)> = d
            .variants
            .iter()
            .map(|v| {
                let p = v.p_target.map(|p| p[k]);
                let label = match p {
                    Some(p) => format!("{}: P = {:.2} [{:.2}, {:.2}]", v.name, p.value, p.lo, p.hi),
                    None => v.name.clone(),
                };
                (style::variant_colour(v.colour), label)
            })
            .collect();
        entries.push((style::TARGET, format!("target {}", thousands(goal))));
        entries.push((BLACK, "median; dots: replications".to_string()));
        side.draw_text(
            "P(target) [95 % Wilson interval]",
            &text_style(LABEL_PX - 1),
            (10, 14),
        )
        .chart()?;
        legend(&side, 36, &entries)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- 2. fan chart

pub(super) fn fan_size(d: &ChartData) -> (u32, u32) {
    let n = d.variants.len().max(1);
    let rows = n.div_ceil(grid_cols(n)) as u32;
    (WIDTH, 80 + rows * 330)
}

/// Basis-A total turnover by year per variant: median, 50 % and 90 % bands over replications,
/// the observed series and the target.
pub(super) fn fan<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let root = titled(
        root,
        &format!(
            "{}: basis-A turnover by year (total, million USD), {} replications",
            d.scenario, d.replications
        ),
        TITLE_PX,
    )?;
    let (head, body) = root.split_vertically(34);
    let grey = RGBColor(0x55, 0x55, 0x55);
    legend_row(
        &head,
        6,
        &[
            (grey, "median".to_string()),
            (RGBColor(0x99, 0x99, 0x99), "50 % band".to_string()),
            (RGBColor(0xcc, 0xcc, 0xcc), "90 % band".to_string()),
            (style::OBSERVED, "× observed (basis A)".to_string()),
            (style::TARGET, "target".to_string()),
        ],
    )?;
    if d.years.is_empty() || d.variants.is_empty() {
        return note(&body, "No years simulated: nothing to draw.");
    }
    let (y0, y1) = (d.years[0] as f64, d.years[d.years.len() - 1] as f64);
    let mut top = d
        .variants
        .iter()
        .flat_map(|v| v.years.iter().map(|q| q.p95))
        .chain(d.observed_turnover.iter().map(|o| o.musd))
        .chain(d.target.as_ref().map(|t| t.total_musd))
        .fold(0.0, f64::max);
    if top <= 0.0 {
        top = 1.0;
    }
    let panels = split_grid(&body, d.variants.len(), grid_cols(d.variants.len()));
    let year_keys: Vec<f64> = d.years.iter().map(|&y| y as f64).collect();
    for (v, panel) in d.variants.iter().zip(&panels) {
        let colour = style::variant_colour(v.colour);
        let mut chart = ChartBuilder::on(panel)
            .caption(&v.name, text_style(LABEL_PX + 2))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(62)
            .build_cartesian_2d(
                ticks(y0 - 0.3..y1 + 0.3, year_keys.clone()),
                0.0..axis_top(top, 1.08),
            )
            .chart()?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_MESH)
            .x_labels(year_keys.len() + 1)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| thousands(*y))
            .y_desc("million USD")
            .label_style(text_style(LABEL_PX - 1))
            .axis_desc_style(text_style(LABEL_PX - 1))
            .draw()
            .chart()?;
        let xs = &year_keys;
        let band = |lo: &dyn Fn(usize) -> f64, hi: &dyn Fn(usize) -> f64| {
            let mut poly: Vec<(f64, f64)> = (0..xs.len()).map(|i| (xs[i], hi(i))).collect();
            poly.extend((0..xs.len()).rev().map(|i| (xs[i], lo(i))));
            poly
        };
        chart
            .draw_series(std::iter::once(Polygon::new(
                band(&|i| v.years[i].p5, &|i| v.years[i].p95),
                colour.mix(0.2).filled(),
            )))
            .chart()?;
        chart
            .draw_series(std::iter::once(Polygon::new(
                band(&|i| v.years[i].p25, &|i| v.years[i].p75),
                colour.mix(0.45).filled(),
            )))
            .chart()?;
        chart
            .draw_series(LineSeries::new(
                xs.iter().zip(&v.years).map(|(&x, q)| (x, q.p50)),
                colour.stroke_width(3),
            ))
            .chart()?;
        if let Some(t) = &d.target {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(y0 - 0.3, t.total_musd), (y1 + 0.3, t.total_musd)],
                    8,
                    5,
                    style::TARGET.stroke_width(2),
                ))
                .chart()?;
        }
        chart
            .draw_series(
                d.observed_turnover
                    .iter()
                    .filter(|o| (o.year as f64) >= y0 && (o.year as f64) <= y1)
                    .map(|o| {
                        Cross::new((o.year as f64, o.musd), 6, style::OBSERVED.stroke_width(2))
                    }),
            )
            .chart()?;
    }
    Ok(())
}

// ---------------------------------------------------------------- 6. comparison

pub(super) fn comparison_size(d: &ChartData) -> (u32, u32) {
    (
        WIDTH,
        (150 + d.variants.len().max(1) as u32 * ROW_PX).max(380),
    )
}

fn error_bars<DB: DrawingBackend, C>(
    chart: &mut ChartContext<'_, DB, C>,
    d: &ChartData,
    values: &[Option<Interval>],
) -> Drawn
where
    C: CoordTranslate<From = (f64, f64)>,
{
    let nv = d.variants.len();
    for (i, (v, iv)) in d.variants.iter().zip(values).enumerate() {
        let Some(iv) = iv else { continue };
        let colour = style::variant_colour(v.colour);
        let y = row_y(nv, i);
        chart
            .draw_series([
                PathElement::new(vec![(iv.lo, y), (iv.hi, y)], colour.stroke_width(3)),
                PathElement::new(
                    vec![(iv.lo, y - 0.2), (iv.lo, y + 0.2)],
                    colour.stroke_width(2),
                ),
                PathElement::new(
                    vec![(iv.hi, y - 0.2), (iv.hi, y + 0.2)],
                    colour.stroke_width(2),
                ),
            ])
            .chart()?;
        chart
            .draw_series(std::iter::once(Circle::new(
                (iv.value, y),
                5,
                colour.filled(),
            )))
            .chart()?;
    }
    Ok(())
}

/// P(total target) per variant with Wilson intervals, and the paired difference of
/// target-year turnover to the baseline with Student-t intervals.
pub(super) fn comparison<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let Some(target) = d.target.as_ref() else {
        return note(root, "This scenario has no [target]: nothing to compare.");
    };
    let root = titled(
        root,
        &format!(
            "{}: which variants reach {} M USD in {}? ({} replications, 95 % intervals)",
            d.scenario,
            thousands(target.total_musd),
            target.year,
            d.replications
        ),
        TITLE_PX,
    )?;
    let halves = root.split_evenly((1, 2));
    let names: Vec<String> = d.variants.iter().map(|v| v.name.clone()).collect();
    let nv = names.len();
    let rows = || ticks(-0.5..nv as f64 - 0.5, row_keys(nv));
    // left: P(target)
    let mut left = ChartBuilder::on(&halves[0])
        .caption(
            "P(total target reached), Wilson interval",
            text_style(LABEL_PX + 2),
        )
        .margin(10)
        .x_label_area_size(42)
        .y_label_area_size(170)
        .build_cartesian_2d(-0.02..1.02, rows())
        .chart()?;
    left.configure_mesh()
        .light_line_style(LIGHT_MESH)
        .light_line_style(LIGHT_MESH)
        .disable_y_mesh()
        .y_labels(nv + 1)
        .y_label_formatter(&|y| row_label(&names, *y))
        .x_label_formatter(&|x| format!("{x:.1}"))
        .x_desc("probability")
        .label_style(text_style(LABEL_PX))
        .axis_desc_style(text_style(LABEL_PX))
        .draw()
        .chart()?;
    let p: Vec<Option<Interval>> = d
        .variants
        .iter()
        .map(|v| v.p_target.map(|p| p[0]))
        .collect();
    error_bars(&mut left, d, &p)?;
    // right: paired difference
    let diffs: Vec<Option<Interval>> = d.variants.iter().map(|v| v.vs_baseline).collect();
    let (lo, hi) = min_max(
        diffs
            .iter()
            .flatten()
            .flat_map(|iv| [&iv.lo, &iv.hi])
            .chain(std::iter::once(&0.0)),
    );
    let (lo, hi) = padded(lo, hi);
    let mut right = ChartBuilder::on(&halves[1])
        .caption(
            format!(
                "Turnover {} minus baseline (paired), million USD",
                target.year
            ),
            text_style(LABEL_PX + 2),
        )
        .margin(10)
        .x_label_area_size(42)
        .y_label_area_size(170)
        .build_cartesian_2d(lo..hi, rows())
        .chart()?;
    right
        .configure_mesh()
        .light_line_style(LIGHT_MESH)
        .disable_y_mesh()
        .y_labels(nv + 1)
        .y_label_formatter(&|y| row_label(&names, *y))
        .x_label_formatter(&|x| thousands(*x))
        .x_desc("million USD (mean and Student-t interval of the paired difference)")
        .label_style(text_style(LABEL_PX))
        .axis_desc_style(text_style(LABEL_PX))
        .draw()
        .chart()?;
    right
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, nv as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))
        .chart()?;
    error_bars(&mut right, d, &diffs)?;
    Ok(())
}

// ---------------------------------------------------------------- 3 & 4. per gate, per day

pub(super) fn gate_grid_size(d: &ChartData) -> (u32, u32) {
    let n = d.gates.len().max(1);
    let rows = n.div_ceil(2) as u32;
    (WIDTH, 90 + rows * 300)
}

/// Year ticks on a day axis: the first day of each January (and day 0).
fn year_ticks(d: &ChartData) -> Vec<f64> {
    d.months
        .iter()
        .zip(&d.month_start_days)
        .filter(|(m, day)| m.ends_with("-01") || **day == 0)
        .map(|(_, &day)| day as f64)
        .collect()
}

fn day_label(d: &ChartData, x: f64) -> String {
    let day = x.round() as usize;
    match d.month_start_days.iter().position(|&s| s == day) {
        Some(i) => d.months[i].clone(),
        None => String::new(),
    }
}

/// Which series of a focus variant a per-day chart draws.
#[derive(Clone, Copy)]
enum PerDay {
    Cleared,
    Queue,
}

fn per_day<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>, what: PerDay) -> Drawn {
    let (title, y_desc) = match what {
        PerDay::Cleared => (
            "vehicles cleared by Vietnamese customs per day (mean and 90 % band over replications)",
            "vehicles/day",
        ),
        PerDay::Queue => (
            "vehicles waiting in the holding yard and on the road at the end of each day (mean and 90 % band); dashed: yard capacity",
            "vehicles",
        ),
    };
    let root = titled(root, &format!("{}: {title}", d.scenario), TITLE_PX - 4)?;
    let (head, body) = root.split_vertically(30);
    let focus: Vec<_> = d.variants.iter().filter(|v| v.daily.is_some()).collect();
    let entries: Vec<(RGBColor, String)> = focus
        .iter()
        .map(|v| (style::variant_colour(v.colour), v.name.clone()))
        .collect();
    legend_row(&head, 4, &entries)?;
    if focus.is_empty() || d.days == 0 {
        return note(&body, "No daily series in these results.");
    }
    let panels = split_grid(&body, d.gates.len(), 2);
    let year_keys = year_ticks(d);
    for (g, (gate, panel)) in d.gates.iter().zip(&panels).enumerate() {
        let band = |daily: &super::data::VariantDaily| -> DailyBand {
            match what {
                PerDay::Cleared => daily.cleared[g].clone(),
                PerDay::Queue => daily.queue[g].clone(),
            }
        };
        let mut top: f64 = 1.0;
        for v in &focus {
            let daily = v.daily.as_ref().expect("focus variants have daily series");
            top = top.max(band(daily).hi.iter().copied().fold(0.0, f64::max));
            if let PerDay::Queue = what {
                let cap = daily.yard_capacity[g].iter().flatten().copied().max();
                top = top.max(cap.unwrap_or(0) as f64);
            }
        }
        let mut chart = ChartBuilder::on(panel)
            .caption(&gate.name, text_style(LABEL_PX + 2))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(
                ticks(0.0..d.days as f64, year_keys.clone()),
                0.0..axis_top(top, 1.05),
            )
            .chart()?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_MESH)
            .x_labels(year_keys.len() + 1)
            .x_label_formatter(&|x| day_label(d, *x))
            .y_label_formatter(&|y| axis_number(*y, top))
            .y_desc(y_desc)
            .label_style(text_style(LABEL_PX - 1))
            .axis_desc_style(text_style(LABEL_PX - 1))
            .draw()
            .chart()?;
        for v in &focus {
            let colour = style::variant_colour(v.colour);
            let daily = v.daily.as_ref().expect("focus variants have daily series");
            let b = band(daily);
            let mut poly: Vec<(f64, f64)> =
                b.hi.iter()
                    .enumerate()
                    .map(|(i, &y)| (i as f64, y))
                    .collect();
            poly.extend(b.lo.iter().enumerate().rev().map(|(i, &y)| (i as f64, y)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    colour.mix(0.25).filled(),
                )))
                .chart()?;
            chart
                .draw_series(LineSeries::new(
                    b.mean.iter().enumerate().map(|(i, &y)| (i as f64, y)),
                    colour.stroke_width(1),
                ))
                .chart()?;
            if let PerDay::Queue = what {
                // the yard capacity as a step line, one dashed run per stretch of days with a limit
                let caps = &daily.yard_capacity[g];
                let mut run: Vec<(f64, f64)> = Vec::new();
                let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
                for (day, cap) in caps.iter().enumerate() {
                    match cap {
                        Some(c) => {
                            let y = *c as f64;
                            if let Some(&(_, last)) = run.last()
                                && last != y
                            {
                                run.push((day as f64, last));
                            }
                            run.push((day as f64, y));
                        }
                        None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                        None => {}
                    }
                }
                if let Some(&(_, last)) = run.last() {
                    run.push((caps.len() as f64, last));
                    runs.push(run);
                }
                for r in runs {
                    chart
                        .draw_series(DashedLineSeries::new(r, 8, 5, colour.stroke_width(2)))
                        .chart()?;
                }
            }
        }
    }
    Ok(())
}

/// Chart 3: vehicles cleared per day per gate.
pub(super) fn cleared<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    per_day(d, root, PerDay::Cleared)
}

/// Chart 4: vehicles waiting per gate, with the yard capacity.
pub(super) fn queue<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    per_day(d, root, PerDay::Queue)
}

// ---------------------------------------------------------------- 5. time per stage

pub(super) fn stage_time_size(d: &ChartData) -> (u32, u32) {
    let n = d.variants.len().max(1);
    let cols = n.min(2);
    let rows = n.div_ceil(cols) as u32;
    (WIDTH, 110 + rows * (90 + d.gates.len().max(1) as u32 * 30))
}

/// Distinct stage ids in order of first appearance (one colour each).
fn stage_kinds(d: &ChartData) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    for s in &d.stages {
        if !kinds.contains(&s.id) {
            kinds.push(s.id.clone());
        }
    }
    kinds
}

/// Stacked bars per gate and variant: hours per departed vehicle spent at each stage
/// (waiting + service), plus the rest of the time in system (road, yard, moving).
pub(super) fn stage_time<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let root = titled(
        root,
        &format!(
            "{}: hours per vehicle at each stage (wait + service), after warm-up; mean over {} replications",
            d.scenario, d.replications
        ),
        TITLE_PX - 4,
    )?;
    let kinds = stage_kinds(d);
    let mut entries: Vec<(RGBColor, String)> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (style::stage_colour(i), k.clone()))
        .collect();
    entries.push((style::OTHER, "road, yard, moving".to_string()));
    let (head, body) = root.split_vertically(60);
    let (first, second) = entries.split_at(entries.len().div_ceil(2));
    legend_row(&head, 4, first)?;
    legend_row(&head, 30, second)?;
    if d.variants.is_empty() || d.gates.is_empty() {
        return note(&body, "No gates or variants in these results.");
    }
    let gate_names: Vec<String> = d.gates.iter().map(|g| g.name.clone()).collect();
    let ng = gate_names.len();
    let top = d
        .variants
        .iter()
        .flat_map(|v| {
            v.gate_time
                .iter()
                .map(|gt| (gt.stages.iter().map(|s| s.1).sum::<f64>() + gt.other) / 60.0)
        })
        .fold(0.0, f64::max)
        .max(0.1);
    let panels = split_grid(&body, d.variants.len(), d.variants.len().min(2));
    for (v, panel) in d.variants.iter().zip(&panels) {
        let mut chart = ChartBuilder::on(panel)
            .caption(&v.name, text_style(LABEL_PX + 2))
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(200)
            .build_cartesian_2d(
                0.0..axis_top(top, 1.05),
                ticks(-0.5..ng as f64 - 0.5, row_keys(ng)),
            )
            .chart()?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_MESH)
            .disable_y_mesh()
            .y_labels(ng + 1)
            .y_label_formatter(&|y| row_label(&gate_names, *y))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("hours per vehicle")
            .label_style(text_style(LABEL_PX - 1))
            .axis_desc_style(text_style(LABEL_PX - 1))
            .draw()
            .chart()?;
        for (g, gt) in v.gate_time.iter().enumerate() {
            let y = row_y(ng, g);
            let mut x = 0.0;
            let mut bars = Vec::new();
            for &(s, minutes) in &gt.stages {
                let kind = kinds.iter().position(|k| *k == d.stages[s].id).unwrap_or(0);
                let w = minutes / 60.0;
                bars.push(Rectangle::new(
                    [(x, y - 0.35), (x + w, y + 0.35)],
                    style::stage_colour(kind).filled(),
                ));
                x += w;
            }
            bars.push(Rectangle::new(
                [(x, y - 0.35), (x + gt.other / 60.0, y + 0.35)],
                style::OTHER.filled(),
            ));
            chart.draw_series(bars).chart()?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- 7. utilisation heat map

const HEAT_ROW_PX: u32 = 17;

pub(super) fn heat_size(d: &ChartData) -> (u32, u32) {
    let focus = d
        .variants
        .iter()
        .filter(|v| v.daily.is_some())
        .count()
        .max(1) as u32;
    (
        WIDTH,
        60 + focus * (110 + d.stages.len().max(1) as u32 * HEAT_ROW_PX),
    )
}

/// Stage × month utilisation of the focus variants (grey: closed all month).
pub(super) fn heat<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let root = titled(
        root,
        &format!(
            "{}: stage utilisation by month (busy server-time / open server-time; grey: closed)",
            d.scenario
        ),
        TITLE_PX - 4,
    )?;
    let focus: Vec<_> = d.variants.iter().filter(|v| v.daily.is_some()).collect();
    if focus.is_empty() || d.stages.is_empty() || d.months.is_empty() {
        return note(&root, "No stages or months in these results.");
    }
    let names: Vec<String> = d
        .stages
        .iter()
        .map(|s| format!("{} · {}", d.gates[s.gate].name, s.id))
        .collect();
    let (ns, nm) = (names.len(), d.months.len());
    let jan: Vec<f64> = d
        .months
        .iter()
        .enumerate()
        .filter(|(i, m)| m.ends_with("-01") || *i == 0)
        .map(|(i, _)| i as f64 + 0.5)
        .collect();
    let panels = root.split_evenly((focus.len(), 1));
    for (v, panel) in focus.iter().zip(&panels) {
        let (pw, _) = panel.dim_in_pixel();
        let (plot, side) = panel.split_horizontally(pw - 120);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&v.name, text_style(LABEL_PX + 2))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(260)
            .build_cartesian_2d(
                ticks(0.0..nm as f64, jan.clone()),
                ticks(-0.5..ns as f64 - 0.5, row_keys(ns)),
            )
            .chart()?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_MESH)
            .disable_mesh()
            .x_labels(jan.len() + 1)
            .x_label_formatter(&|x| {
                let i = x.floor() as usize;
                d.months
                    .get(i)
                    .map(|m| m.get(..4).unwrap_or(m).to_string())
                    .unwrap_or_default()
            })
            .y_labels(ns + 1)
            .y_label_formatter(&|y| row_label(&names, *y))
            .label_style(text_style(LABEL_PX - 3))
            .draw()
            .chart()?;
        let mut cells = Vec::with_capacity(ns * nm);
        for (s, row) in v.utilisation.iter().enumerate() {
            let y = row_y(ns, s);
            for (m, u) in row.iter().enumerate() {
                let colour = match u {
                    Some(u) => style::viridis(*u),
                    None => style::CLOSED,
                };
                cells.push(Rectangle::new(
                    [(m as f64, y - 0.5), (m as f64 + 1.0, y + 0.5)],
                    colour.filled(),
                ));
            }
        }
        chart.draw_series(cells).chart()?;
        // colour bar
        let (_, sh) = side.dim_in_pixel();
        let (bar_top, bar_h) = (40i32, (sh as i32 - 90).max(40));
        for i in 0..bar_h {
            let u = 1.0 - i as f64 / (bar_h - 1).max(1) as f64;
            side.draw(&Rectangle::new(
                [(20, bar_top + i), (44, bar_top + i + 1)],
                style::viridis(u).filled(),
            ))
            .chart()?;
        }
        for (u, label) in [(1.0, "100 %"), (0.5, "50 %"), (0.0, "0 %")] {
            let y = bar_top + ((1.0 - u) * (bar_h - 1) as f64) as i32 - 6;
            side.draw_text(label, &text_style(LABEL_PX - 2), (50, y))
                .chart()?;
        }
    }
    Ok(())
}
