//! The answer a run prints under its question, for a scenario that states one.

use borderflow::montecarlo;

/// For a scenario that states its `question`: the question, then, per variant, the share of
/// demand lost to delay in the last year and what waits at the transfers between the fleets.
pub(super) fn question_and_answer(
    model: &borderflow::model::Model,
    run: &montecarlo::RunResult,
) -> String {
    use std::fmt::Write;
    let Some(q) = &model.question else {
        return String::new();
    };
    let mut out = format!("question: {q}\n");
    let years = model.years();
    let y = years.len() - 1;
    let _ = writeln!(
        out,
        "answer, {} (mean over replications, 95% CI): share of the demand lost to delay (loads not sent; paired difference to the first variant, percentage points) · loads waiting for the other fleet's vehicle · its wait · empty vehicles waiting for an import load in {} · P(target)",
        years[y], years[0]
    );
    let lost_of = |vr: &montecarlo::VariantResult| -> Vec<f64> {
        (vr.reps.iter())
            .map(|r| {
                let yr = &r.years[y];
                let offered = (yr.arrivals + yr.left_province) as f64;
                100.0 * yr.left_province as f64 / offered.max(1.0)
            })
            .collect()
    };
    let first = run.variants.first().map(lost_of).unwrap_or_default();
    for vr in &run.variants {
        let lost = lost_of(vr);
        // paired with the first variant (common random numbers): percentage points
        let paired: Vec<f64> = lost.iter().zip(&first).map(|(a, b)| a - b).collect();
        let waiting: Vec<f64> = (vr.reps.iter())
            .map(|r| r.transfers.iter().map(|t| t.loads_waiting_mean).sum())
            .collect();
        let wait_h: Vec<f64> = (vr.reps.iter())
            .map(|r| {
                let (sum, n) = (r.transfers.iter()).fold((0.0, 0u64), |(s, n), t| {
                    (
                        s + t.load_wait_mean_min.unwrap_or(0.0) * t.matched as f64,
                        n + t.matched,
                    )
                });
                sum / n.max(1) as f64 / 60.0
            })
            .collect();
        let ci = |xs: &[f64]| {
            let s = borderflow::stats::Stat::of(xs);
            match s.half_width() {
                Some(h) => format!("{:.1} ± {:.1}", s.mean, h),
                None => format!("{:.1}", s.mean),
            }
        };
        // empty vehicles of the importing fleet waiting at the transfers in the first year
        // (Vietnamese empties, the Pò Chài count of the main study's sheet)
        let empties: Vec<f64> = (vr.reps.iter())
            .map(|r| {
                (r.transfers.iter().zip(&model.transfers))
                    .filter(|(_, tr)| tr.direction == borderflow::model::spec::Direction::Import)
                    .filter_map(|(t, _)| t.empties_waiting_by_year.first())
                    .sum()
            })
            .collect();
        let reached = match (&model.target, model.target_year_index()) {
            (Some(t), Some(ty)) => {
                let hits = vr.reps.iter().filter(|r| r.reached(t, ty).total).count();
                format!(
                    "   P(target) {:.2}",
                    hits as f64 / vr.reps.len().max(1) as f64
                )
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<28} lost {} % ({} pp vs the first)   waiting {} loads   wait {} h   empties for imports {} ({}){reached}",
            model.variants[vr.variant].name,
            ci(&lost),
            ci(&paired),
            ci(&waiting),
            ci(&wait_h),
            ci(&empties),
            years[0]
        );
    }
    out.push('\n');
    out
}
