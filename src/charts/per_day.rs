//! Charts 3 and 4: vehicles cleared and waiting per day, one panel per gate.

use plotters::prelude::*;

use super::OrChartError;
use super::data::{ChartData, DailyBand};
use super::style::{self};

use super::axes::*;

fn gate_grid_size(d: &ChartData) -> (u32, u32) {
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
fn cleared<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    per_day(d, root, PerDay::Cleared)
}

/// Chart 4: vehicles waiting per gate, with the yard capacity.
fn queue<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    per_day(d, root, PerDay::Queue)
}

/// `cleared-per-day`.
pub(super) struct Cleared;

impl super::Chart for Cleared {
    type Data = ChartData;
    const NAME: &'static str = "cleared-per-day";
    fn title(_data: &ChartData) -> String {
        "Vehicles cleared per day per gate: mean and 90 % band".to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        gate_grid_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        cleared(data, area)
    }
}

/// `queue-per-day`.
pub(super) struct Queue;

impl super::Chart for Queue {
    type Data = ChartData;
    const NAME: &'static str = "queue-per-day";
    fn title(_data: &ChartData) -> String {
        "Vehicles waiting (holding yard and road) per gate at the end of each day, with the yard capacity"
            .to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        gate_grid_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        queue(data, area)
    }
}
