//! Chart 5: where the time goes, hours per vehicle at each stage of each gate.

use plotters::prelude::*;

use super::OrChartError;
use super::data::ChartData;
use super::style::{self};

use super::axes::*;

fn stage_time_size(d: &ChartData) -> (u32, u32) {
    let n = d.variants.len().max(1);
    let cols = n.min(2);
    let rows = n.div_ceil(cols) as u32;
    (
        WIDTH,
        150 + rows * (90 + d.gates_with_traffic().len().max(1) as u32 * 34),
    )
}

/// Distinct stage names in order of first appearance (one colour each).
fn stage_kinds(d: &ChartData) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    for s in &d.stages {
        if d.gates.get(s.gate).is_some_and(|g| g.traffic) && !kinds.iter().any(|k| k == s.label()) {
            kinds.push(s.label().to_string());
        }
    }
    kinds
}

/// Stacked bars per gate and variant: hours per departed vehicle spent at each stage
/// (waiting + service), plus the rest of the time in system (road, yard, moving), with the
/// 95 % interval of the mean time in system as a whisker.
fn stage_time<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let year = d
        .stage_time_year
        .map_or_else(|| "the horizon".to_string(), |y| y.to_string());
    let root = titled(
        root,
        &format!(
            "{}: hours per vehicle at each stage (wait + service) in {year}; mean over replications, whisker: 95 % interval of the total",
            d.display_name()
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
    let per_line = 4;
    let lines = entries.len().div_ceil(per_line);
    let (head, body) = root.split_vertically(10 + 26 * lines as u32);
    for (i, chunk) in entries.chunks(per_line).enumerate() {
        legend_columns(&head, 4 + 26 * i as i32, chunk)?;
    }
    let gates = d.gates_with_traffic();
    if d.variants.is_empty() || gates.is_empty() {
        return note(
            &body,
            if d.variants.is_empty() {
                "No variants in these results."
            } else {
                "No vehicle passed any gate in these results."
            },
        );
    }
    let gate_names: Vec<String> = gates.iter().map(|&g| d.gates[g].name.clone()).collect();
    let ng = gate_names.len();
    let top = d
        .variants
        .iter()
        .flat_map(|v| {
            gates.iter().map(|&g| {
                let gt = &v.gate_time[g];
                let total = gt.stages.iter().map(|s| s.1).sum::<f64>() + gt.other;
                total.max(gt.total_ci.map_or(0.0, |c| c[1])) / 60.0
            })
        })
        .fold(0.0, f64::max)
        .max(0.1);
    let panels = split_grid(&body, d.variants.len(), d.variants.len().min(2));
    for (v, panel) in d.variants.iter().zip(&panels) {
        let mut chart = ChartBuilder::on(panel)
            .caption(&v.name, text_style(LABEL_PX + 2))
            .margin(8)
            .x_label_area_size(40)
            .y_label_area_size(215)
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
        for (row, &g) in gates.iter().enumerate() {
            let gt = &v.gate_time[g];
            let y = row_y(ng, row);
            let mut x = 0.0;
            let mut bars = Vec::new();
            let mut segments: Vec<(f64, f64, String, Option<[f64; 2]>)> = Vec::new();
            for (k, &(s, minutes)) in gt.stages.iter().enumerate() {
                let name = d.stages[s].label();
                let kind = kinds.iter().position(|k| k == name).unwrap_or(0);
                let w = minutes / 60.0;
                bars.push(Rectangle::new(
                    [(x, y - 0.35), (x + w, y + 0.35)],
                    style::stage_colour(kind).filled(),
                ));
                let ci = gt.stage_ci.get(k).copied().flatten();
                segments.push((x, x + w, name.to_string(), ci));
                x += w;
            }
            bars.push(Rectangle::new(
                [(x, y - 0.35), (x + gt.other / 60.0, y + 0.35)],
                style::OTHER.filled(),
            ));
            segments.push((
                x,
                x + gt.other / 60.0,
                "road, yard, moving".to_string(),
                None,
            ));
            chart.draw_series(bars).chart()?;
            if let Some([lo, hi]) = gt.total_ci {
                let (lo, hi) = (lo / 60.0, hi / 60.0);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(lo, y), (hi, y)],
                        BLACK.stroke_width(2),
                    )))
                    .chart()?;
                for end in [lo, hi] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(end, y - 0.15), (end, y + 0.15)],
                            BLACK.stroke_width(2),
                        )))
                        .chart()?;
                }
            }
            let total = x + gt.other / 60.0;
            for (x0, x1, name, ci) in segments {
                let a = chart.backend_coord(&(x0, y + 0.35));
                let b = chart.backend_coord(&(x1, y - 0.35));
                tip(a, b, || {
                    format!(
                        "{} · {} · {name}: {:.2} h per vehicle in {year}{} (of {:.2} h in all{})",
                        v.name,
                        gate_names[row],
                        x1 - x0,
                        ci.map_or(String::new(), |[lo, hi]| format!(
                            " [95 %: {:.2}–{:.2}]",
                            lo / 60.0,
                            hi / 60.0
                        )),
                        total,
                        gt.total_ci.map_or(String::new(), |[lo, hi]| format!(
                            ", 95 % interval {:.2}–{:.2}",
                            lo / 60.0,
                            hi / 60.0
                        ))
                    )
                });
            }
        }
    }
    Ok(())
}

/// `time-per-stage`.
pub(super) struct StageTime;

impl super::Chart for StageTime {
    type Data = ChartData;
    const NAME: &'static str = "time-per-stage";
    fn title(_data: &ChartData) -> String {
        "Where the time goes: hours per vehicle at each stage of each gate in the target year (Time Release Study view)"
            .to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        stage_time_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        stage_time(data, area)
    }
}
