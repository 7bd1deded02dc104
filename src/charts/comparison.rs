//! Chart 6: P(target) per variant and the paired difference to the baseline.

use plotters::prelude::*;

use super::data::{ChartData, Interval};
use super::style::{self};
use super::{OrChartError, thousands};

use super::axes::*;

fn comparison_size(d: &ChartData) -> (u32, u32) {
    (
        WIDTH,
        (150 + d.variants.len().max(1) as u32 * ROW_PX).max(380),
    )
}

fn error_bars<DB: DrawingBackend, C>(
    chart: &mut ChartContext<'_, DB, C>,
    d: &ChartData,
    values: &[Option<Interval>],
    label: &dyn Fn(&Interval) -> String,
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
        let a = chart.as_coord_spec().translate(&(iv.lo, y + 0.3));
        let b = chart.as_coord_spec().translate(&(iv.hi, y - 0.3));
        tip(a, b, || format!("{}: {}", v.name, label(iv)));
    }
    Ok(())
}

/// P(total target) per variant with Wilson intervals, and the paired difference of
/// target-year turnover to the baseline with Student-t intervals.
fn comparison<DB: DrawingBackend>(d: &ChartData, root: &Area<DB>) -> Drawn {
    let Some(target) = d.target.as_ref() else {
        return note(root, "This scenario has no [target]: nothing to compare.");
    };
    let root = titled(
        root,
        &format!(
            "{}: which variants reach {} M USD in {}? ({} replications, 95 % intervals)",
            d.display_name(),
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
    error_bars(&mut left, d, &p, &|iv| {
        format!(
            "P(target) {:.2}, 95 % Wilson interval {:.2}–{:.2}",
            iv.value, iv.lo, iv.hi
        )
    })?;
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
    row_mesh(
        &mut right,
        &names,
        "million USD (mean and Student-t interval of the paired difference)",
    )?;
    right
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, nv as f64 - 0.5)],
            BLACK.stroke_width(1),
        )))
        .chart()?;
    error_bars(&mut right, d, &diffs, &|iv| {
        format!(
            "{} million USD more than the baseline in the same futures, 95 % interval {} to {}",
            thousands(iv.value),
            thousands(iv.lo),
            thousands(iv.hi)
        )
    })?;
    Ok(())
}

/// `variant-comparison`.
pub(super) struct Comparison;

impl super::Chart for Comparison {
    type Data = ChartData;
    const NAME: &'static str = "variant-comparison";
    fn title(_data: &ChartData) -> String {
        "P(target) per variant and paired turnover difference to the baseline".to_string()
    }
    fn size(data: &ChartData) -> (u32, u32) {
        comparison_size(data)
    }
    fn draw<DB: DrawingBackend>(data: &ChartData, area: &Area<DB>) -> Drawn {
        comparison(data, area)
    }
}
