//! Chart 1: target-year turnover per variant (violins or dots), the target and P(target).

use plotters::prelude::*;

use super::data::ChartData;
use super::style::{self};
use super::{OrChartError, thousands};

use super::axes::*;

/// Replications from which a variant's distribution is drawn as a smoothed shape.
const VIOLIN_MIN: usize = 30;

fn distribution_size(d: &ChartData) -> (u32, u32) {
    let rows = d.variants.len().max(1) as u32;
    (WIDTH, 3 * (110 + rows * ROW_PX) + 50)
}

/// Target-year turnover per variant (violins with each replication as a dot), one panel each
/// for total, exports and imports, the target as a line, P(target) in the legend.
fn distribution<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let (Some(_), Some(target)) = (d.target_year_index(), d.target.as_ref()) else {
        return note(
            root,
            "This scenario has no [target] within its horizon: nothing to draw.",
        );
    };
    let root = titled(
        root,
        &format!(
            "{}: turnover in {} per variant, {}, {} replications",
            d.display_name(),
            target.year,
            if target.basis_b || !target.gates.is_empty() {
                super::html::target_scope(target)
            } else {
                "basis A (declared at the modelled gates)".to_string()
            },
            d.replications
        ),
        TITLE_PX,
    )?;
    let panels = root.split_evenly((3, 1));
    let names: Vec<String> = d.variants.iter().map(|v| v.name.clone()).collect();
    let nv = names.len();
    let goals = [
        ("total", Some(target.total_musd)),
        ("exports", target.export_musd),
        ("imports", target.import_musd),
    ];
    for (k, panel) in panels.iter().enumerate() {
        let (what, goal) = goals[k];
        let (pw, _) = panel.dim_in_pixel();
        let (plot, side) = panel.split_horizontally(pw - LEGEND_W);
        // a smoothed shape only from enough replications: from a few it reaches far beyond
        // the data, so below VIOLIN_MIN the dots stand alone with their 5–95 % range
        let violins: Vec<Option<Vec<(f64, f64)>>> = d
            .variants
            .iter()
            .map(|v| {
                let x = &v.target_year_musd[k];
                if x.len() >= VIOLIN_MIN {
                    density(x, 96)
                } else {
                    None
                }
            })
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
                .chain(goal.iter()),
        );
        let (lo, hi) = padded(lo, hi);
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                match goal {
                    Some(goal) => format!("{what}, million USD (target {})", thousands(goal)),
                    None => format!("{what}, million USD (no target)"),
                },
                text_style(LABEL_PX + 3),
            )
            .margin(8)
            .x_label_area_size(42)
            .y_label_area_size(190)
            .build_cartesian_2d(lo..hi, ticks(-0.5..nv as f64 - 0.5, row_keys(nv)))
            .chart()?;
        row_mesh(
            &mut chart,
            &names,
            &format!("{what} turnover {}, million USD", target.year),
        )?;
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
            let q = super::data::Quantiles::of(values);
            if values.len() < VIOLIN_MIN && !values.is_empty() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(q.p5, y), (q.p95, y)],
                        colour.stroke_width(2),
                    )))
                    .chart()?;
            }
            if values.len() <= 500 {
                let r = if values.len() < VIOLIN_MIN { 4 } else { 2 };
                chart
                    .draw_series(
                        values
                            .iter()
                            .map(|&x| Circle::new((x, y), r, colour.filled())),
                    )
                    .chart()?;
                for (i, &x) in values.iter().enumerate() {
                    let at = chart.backend_coord(&(x, y));
                    tip_at(at, 5, || {
                        format!(
                            "{} · replication {i}: {} million USD {what} in {}",
                            v.name,
                            thousands(x),
                            target.year
                        )
                    });
                }
            }
            let (a, b) = (
                chart.backend_coord(&(q.p5, y + 0.4)),
                chart.backend_coord(&(q.p95, y - 0.4)),
            );
            tip(a, b, || {
                let p = v.p_target.map(|p| p[k]).filter(|p| !p.value.is_nan());
                format!(
                    "{} · {what} {}: median {}, 5–95 % {}–{} million USD over {} replications{}",
                    v.name,
                    target.year,
                    thousands(q.p50),
                    thousands(q.p5),
                    thousands(q.p95),
                    values.len(),
                    p.map_or(String::new(), |p| format!(
                        "; P(target) {:.2} [{:.2}, {:.2}]",
                        p.value, p.lo, p.hi
                    ))
                )
            });
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(q.p50, y - 0.3), (q.p50, y + 0.3)],
                    BLACK.stroke_width(2),
                )))
                .chart()?;
        }
        if let Some(goal) = goal {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(goal, -0.5), (goal, nv as f64 - 0.5)],
                    style::TARGET.stroke_width(2),
                )))
                .chart()?;
        }
        let mut entries: Vec<(RGBColor, String)> = d
            .variants
            .iter()
            .map(|v| {
                let p = v.p_target.map(|p| p[k]).filter(|p| !p.value.is_nan());
                let label = match p {
                    Some(p) => format!("{}: P = {:.2} [{:.2}, {:.2}]", v.name, p.value, p.lo, p.hi),
                    None => v.name.clone(),
                };
                (style::variant_colour(v.colour), label)
            })
            .collect();
        if let Some(goal) = goal {
            entries.push((style::TARGET, format!("target {}", thousands(goal))));
        }
        entries.push((
            BLACK,
            if d.variants
                .iter()
                .any(|v| v.target_year_musd[k].len() < VIOLIN_MIN)
            {
                "median; dots: replications; line: 5–95 %".to_string()
            } else {
                "median; dots: replications".to_string()
            },
        ));
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

/// `turnover-distribution`.
pub(super) struct Distribution;

impl super::Chart for Distribution {
    type Data = ChartData;
    const NAME: &'static str = "turnover-distribution";
    fn title(data: &ChartData) -> String {
        let year = data
            .target
            .as_ref()
            .map_or_else(|| "target year".to_string(), |t| t.year.to_string());
        let basis = data
            .target
            .as_ref()
            .map_or("basis A", |t| if t.basis_b { "basis B" } else { "basis A" });
        format!("Turnover in {year} per variant ({basis}), with the target and P(target)")
    }
    fn size(data: &ChartData) -> (u32, u32) {
        distribution_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        distribution(data, area)
    }
}
