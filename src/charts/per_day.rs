//! Charts 3 and 4: vehicles cleared and waiting per day, one panel per gate.

use plotters::prelude::*;

use super::OrChartError;
use super::data::{ChartData, DailyBand};
use super::style::{self};

use super::axes::*;

fn gate_grid_size(d: &ChartData) -> (u32, u32) {
    let n = d.gates_with_traffic().len().max(1);
    let rows = n.div_ceil(2) as u32;
    (WIDTH, 120 + rows * 320)
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

/// Days averaged in the drawn series (a week: weekday-only gates and trains otherwise draw
/// solid blocks).
const SMOOTH_DAYS: usize = 7;

/// Trailing mean over [`SMOOTH_DAYS`] days (fewer at the start).
fn weekly(x: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len());
    let mut sum = 0.0;
    for i in 0..x.len() {
        sum += x[i];
        if i >= SMOOTH_DAYS {
            sum -= x[i - SMOOTH_DAYS];
        }
        out.push(sum / (i + 1).min(SMOOTH_DAYS) as f64);
    }
    out
}

/// The axis top of a panel whose series reach `peak`: the peak itself unless it is more than
/// twice the 98th percentile of the days, which one extreme spell would otherwise flatten;
/// then 1.2 × that percentile (the clipped peak is labelled).
fn clip_top(values: &[f64], peak: f64) -> (f64, bool) {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (peak.max(1.0), false);
    }
    v.sort_by(f64::total_cmp);
    let p98 = crate::stats::percentile_sorted(&v, 0.98);
    if p98 > 0.0 && peak > 2.0 * p98 {
        (1.2 * p98, true)
    } else {
        (peak.max(1.0), false)
    }
}

/// Which series of a focus variant a per-day chart draws.
#[derive(Clone, Copy)]
enum PerDay {
    Cleared,
    Queue,
}

fn per_day<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>, what: PerDay) -> Drawn {
    let title = match what {
        PerDay::Cleared => {
            "cleared by Vietnamese customs per day, 7-day mean (line: mean over replications; band: 90 %)"
        }
        PerDay::Queue => {
            "waiting in the holding yard and on the road at the end of each day, 7-day mean (band: 90 %); dashed: yard capacity"
        }
    };
    let root = titled(
        root,
        &format!("{}: {title}", d.display_name()),
        TITLE_PX - 4,
    )?;
    let (head, body) = root.split_vertically(56);
    let focus: Vec<_> = d.variants.iter().filter(|v| v.daily.is_some()).collect();
    let entries: Vec<(RGBColor, String)> = focus
        .iter()
        .map(|v| (style::variant_colour(v.colour), v.name.clone()))
        .collect();
    legend_row(&head, 2, &entries)?;
    let gates = d.gates_with_traffic();
    let left_out: Vec<&str> = (0..d.gates.len())
        .filter(|g| !gates.contains(g))
        .map(|g| d.gates[g].name.as_str())
        .collect();
    let mut why = String::from(
        "Drawn: the first variant and the one with the highest turnover (every variant is in daily.csv); thin dashed lines: the dates its changes begin",
    );
    if !left_out.is_empty() {
        why.push_str(&format!(
            "; no modelled demand, not drawn: {}",
            left_out.join(", ")
        ));
    }
    head.draw_text(&why, &text_style(LABEL_PX - 2), (20, 30))
        .chart()?;
    if focus.is_empty() || d.days == 0 || gates.is_empty() {
        return note(&body, "No daily series in these results.");
    }
    let panels = split_grid(&body, gates.len(), 2);
    let year_keys = year_ticks(d);
    for (&g, panel) in gates.iter().zip(&panels) {
        let gate = &d.gates[g];
        let band = |daily: &super::data::VariantDaily| -> DailyBand {
            let b = match what {
                PerDay::Cleared => &daily.cleared[g],
                PerDay::Queue => &daily.queue[g],
            };
            DailyBand {
                mean: weekly(&b.mean),
                lo: weekly(&b.lo),
                hi: weekly(&b.hi),
            }
        };
        let bands: Vec<DailyBand> = focus
            .iter()
            .map(|v| band(v.daily.as_ref().expect("focus variants have daily series")))
            .collect();
        let mut peak: f64 = 1.0;
        let mut peak_at = (0usize, 0.0f64);
        for b in &bands {
            for (day, &y) in b.hi.iter().enumerate() {
                if y > peak {
                    peak = y;
                    peak_at = (day, y);
                }
            }
        }
        let all_hi: Vec<f64> = bands.iter().flat_map(|b| b.hi.iter().copied()).collect();
        let (mut top, clipped) = clip_top(&all_hi, peak);
        if let PerDay::Queue = what {
            for v in &focus {
                let daily = v.daily.as_ref().expect("focus variants have daily series");
                let cap = daily.yard_capacity[g].iter().flatten().copied().max();
                top = top.max(cap.unwrap_or(0) as f64 * 1.05);
            }
        }
        let unit = gate.unit.as_str();
        let y_desc = match what {
            PerDay::Cleared => format!("{unit}/day"),
            PerDay::Queue => unit.to_string(),
        };
        let axis = axis_top(top, 1.05);
        let mut chart = ChartBuilder::on(panel)
            .caption(&gate.name, text_style(LABEL_PX + 2))
            .margin(8)
            .x_label_area_size(34)
            .y_label_area_size(70)
            .build_cartesian_2d(ticks(0.0..d.days as f64, year_keys.clone()), 0.0..axis)
            .chart()?;
        chart
            .configure_mesh()
            .light_line_style(LIGHT_MESH)
            .x_labels(year_keys.len() + 1)
            .x_label_formatter(&|x| day_label(d, *x))
            .y_label_formatter(&|y| axis_number(*y, top))
            .y_desc(y_desc.as_str())
            .label_style(text_style(LABEL_PX - 1))
            .axis_desc_style(text_style(LABEL_PX - 1))
            .draw()
            .chart()?;
        let clamp = |y: f64| y.min(axis);
        for (v, b) in focus.iter().zip(&bands) {
            let colour = style::variant_colour(v.colour);
            let daily = v.daily.as_ref().expect("focus variants have daily series");
            let mut poly: Vec<(f64, f64)> = (b.hi.iter().enumerate())
                .map(|(i, &y)| (i as f64, clamp(y)))
                .collect();
            poly.extend((b.lo.iter().enumerate().rev()).map(|(i, &y)| (i as f64, clamp(y))));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    colour.mix(0.25).filled(),
                )))
                .chart()?;
            chart
                .draw_series(LineSeries::new(
                    (b.mean.iter().enumerate()).map(|(i, &y)| (i as f64, clamp(y))),
                    colour.stroke_width(2),
                ))
                .chart()?;
            for &day in &v.change_days {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(day as f64, 0.0), (day as f64, axis)],
                        3,
                        4,
                        colour.mix(0.7).stroke_width(1),
                    ))
                    .chart()?;
            }
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
        if clipped {
            let (day, y) = peak_at;
            let label = format!(
                "clipped: peak {} {unit} (90 % band) around {}",
                super::thousands(y),
                month_of_day(d, day)
            );
            panel
                .draw_text(
                    &label,
                    &text_style(LABEL_PX - 2).color(&style::TARGET),
                    (90, 36),
                )
                .chart()?;
        }
        // hover texts: one per month, every drawn variant's mean and band
        for (m, &from) in d.month_start_days.iter().enumerate() {
            let to = d.month_start_days.get(m + 1).copied().unwrap_or(d.days);
            if to <= from {
                continue;
            }
            let a = chart.backend_coord(&(from as f64, axis));
            let b = chart.backend_coord(&(to as f64, 0.0));
            tip(a, b, || {
                let mut t = format!("{} · {}", gate.name, d.months[m]);
                for (v, band) in focus.iter().zip(&bands) {
                    let n = (to - from) as f64;
                    let mean = band.mean[from..to].iter().sum::<f64>() / n;
                    let lo = band.lo[from..to].iter().sum::<f64>() / n;
                    let hi = band.hi[from..to].iter().sum::<f64>() / n;
                    t.push_str(&format!(
                        "\n{}: {} {unit}{} (90 % band {}–{}), month mean",
                        v.name,
                        super::thousands(mean),
                        if matches!(what, PerDay::Cleared) {
                            "/day"
                        } else {
                            ""
                        },
                        super::thousands(lo),
                        super::thousands(hi)
                    ));
                }
                t
            });
        }
    }
    Ok(())
}

/// `YYYY-MM` of day `day` (the month it falls in).
fn month_of_day(d: &ChartData, day: usize) -> String {
    let m = d
        .month_start_days
        .iter()
        .rposition(|&s| s <= day)
        .unwrap_or(0);
    d.months.get(m).cloned().unwrap_or_default()
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
        "Vehicles cleared per day per gate: 7-day mean and 90 % band".to_string()
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
        "Vehicles waiting (holding yard and road) per gate at the end of each day, 7-day mean, with the yard capacity"
            .to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        gate_grid_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        queue(data, area)
    }
}
