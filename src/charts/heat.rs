//! Chart 7: stage utilisation by month, a heat map.

use plotters::prelude::*;

use super::OrChartError;
use super::data::ChartData;
use super::style::{self};

use super::axes::*;

const HEAT_ROW_PX: u32 = 24;

fn heat_size(d: &ChartData) -> (u32, u32) {
    let focus = d
        .variants
        .iter()
        .filter(|v| v.daily.is_some())
        .count()
        .max(1) as u32;
    (
        WIDTH,
        90 + focus * (110 + d.stages_with_traffic().len().max(1) as u32 * HEAT_ROW_PX),
    )
}

/// Stage × month utilisation of the focus variants (grey: closed all month).
fn heat<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let root = titled(
        root,
        &format!(
            "{}: stage utilisation by month (busy server-time / open server-time; grey: closed the whole month)",
            d.display_name()
        ),
        TITLE_PX - 4,
    )?;
    let focus: Vec<_> = d.variants.iter().filter(|v| v.daily.is_some()).collect();
    if focus.is_empty() || d.stages.is_empty() || d.months.is_empty() {
        return note(&root, "No stages or months in these results.");
    }
    let stages = d.stages_with_traffic();
    let names: Vec<String> = (stages.iter())
        .map(|&s| {
            format!(
                "{} · {}",
                d.gates[d.stages[s].gate].name,
                d.stages[s].label()
            )
        })
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
            .y_label_area_size(390)
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
            .label_style(text_style(LABEL_PX))
            .draw()
            .chart()?;
        let mut cells = Vec::with_capacity(ns * nm);
        for (r, &s) in stages.iter().enumerate() {
            let row = &v.utilisation[s];
            let y = row_y(ns, r);
            for (m, u) in row.iter().enumerate() {
                let a = chart.backend_coord(&(m as f64, y + 0.5));
                let b = chart.backend_coord(&(m as f64 + 1.0, y - 0.5));
                tip(a, b, || {
                    format!(
                        "{} · {} · {}: {}",
                        v.name,
                        names[r],
                        d.months[m],
                        u.map_or("closed the whole month".to_string(), |u| format!(
                            "utilisation {:.0} %",
                            u * 100.0
                        ))
                    )
                });
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

/// `stage-utilisation`.
pub(super) struct Heat;

impl super::Chart for Heat {
    type Data = ChartData;
    const NAME: &'static str = "stage-utilisation";
    fn title(_data: &ChartData) -> String {
        "Stage utilisation by month (busy server-time / open server-time)".to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        heat_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        heat(data, area)
    }
}
