//! Chart 2: turnover by year per variant, median and bands, the observed series and the target.

use plotters::prelude::*;

use super::data::ChartData;
use super::style::{self};
use super::{OrChartError, thousands};

use super::axes::*;

fn fan_size(d: &ChartData) -> (u32, u32) {
    let n = d.variants.len().max(1);
    let rows = n.div_ceil(grid_cols(n)) as u32;
    (WIDTH, 80 + rows * 330)
}

/// Basis-A total turnover by year per variant: median, 50 % and 90 % bands over replications,
/// the observed series and the target.
fn fan<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let root = titled(
        root,
        &format!(
            "{}: basis-A turnover by year (total, million USD), {} replications",
            d.display_name(),
            d.replications
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
        for (i, (&x, q)) in xs.iter().zip(&v.years).enumerate() {
            let a = chart.backend_coord(&(x - 0.3, q.p95));
            let b = chart.backend_coord(&(x + 0.3, q.p5));
            tip(a, b, || {
                let observed = (d.observed_turnover.iter())
                    .find(|o| o.year == d.years[i])
                    .map_or(String::new(), |o| {
                        format!(
                            "; observed {} ({:+.0} % off the median)",
                            thousands(o.musd),
                            (q.p50 - o.musd) / o.musd * 100.0
                        )
                    });
                format!(
                    "{} · {}: median {} million USD, 50 % {}–{}, 90 % {}–{}{observed}",
                    v.name,
                    d.years[i],
                    thousands(q.p50),
                    thousands(q.p25),
                    thousands(q.p75),
                    thousands(q.p5),
                    thousands(q.p95)
                )
            });
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

/// `turnover-by-year`.
pub(super) struct Fan;

impl super::Chart for Fan {
    type Data = ChartData;
    const NAME: &'static str = "turnover-by-year";
    fn title(_data: &ChartData) -> String {
        "Turnover by year per variant: median, 50 % and 90 % bands, observed series and target"
            .to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        fan_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        fan(data, area)
    }
}
