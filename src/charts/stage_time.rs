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
fn stage_time<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
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

/// `time-per-stage`.
pub(super) struct StageTime;

impl super::Chart for StageTime {
    type Data = ChartData;
    const NAME: &'static str = "time-per-stage";
    fn title(_data: &ChartData) -> String {
        "Where the time goes: hours per vehicle at each stage of each gate (Time Release Study view)"
            .to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        stage_time_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        stage_time(data, area)
    }
}
