//! Warnings: legal but suspicious input, reported without stopping the run.

use crate::engine::MINUTES_PER_DAY;
use crate::model::{Model, Plan};

/// Vehicles a stage can serve on day `d` of a plan: open server-minutes / mean service
/// minutes, and at most its daily intake cap.
fn stage_capacity(model: &Model, plan: &Plan, s: usize, d: usize) -> f64 {
    let mean = model.stages[s].service.mean();
    let scale = plan.service_scale[s].get(d).copied().unwrap_or(1.0);
    let minutes = plan.schedules[s]
        .server_minutes(d as f64 * MINUTES_PER_DAY, (d + 1) as f64 * MINUTES_PER_DAY);
    let mut cap = if mean * scale > 0.0 {
        minutes / (mean * scale)
    } else {
        f64::INFINITY
    };
    if let Some(&c) = plan.daily_cap[s].get(d)
        && c != u32::MAX
    {
        cap = cap.min(c as f64);
    }
    cap
}

/// Suspicious features of the first variant (the one every other is compared with): no
/// demand at all, a gate without stages, a gate whose expected demand exceeds the capacity of
/// its customs clearance on every day of the horizon, and a holding yard smaller than one
/// hour of arrivals.
pub fn warnings(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    if model.variants.is_empty() || model.days == 0 {
        return out;
    }
    if model.demand.is_empty() {
        out.push(
            "no gate has demand (`demand` of [[gates]]): nothing arrives, and every figure of the run will be 0"
                .to_string(),
        );
    }
    let plan = Plan::new(model, 0);
    for (g, gate) in model.gates.iter().enumerate() {
        if !model.stages.iter().any(|s| s.gate == g) {
            out.push(format!(
                "gate `{}` has no [[gates.stages]]: no vehicle can pass it, so it takes no part in the run",
                gate.id
            ));
        }
        let demand = |d: usize| -> f64 {
            model
                .demand
                .iter()
                .enumerate()
                .filter(|(_, st)| st.gate == g)
                .map(|(i, _)| plan.rate[i].get(d).copied().unwrap_or(0.0))
                .sum()
        };
        let clearance: Vec<usize> = (0..model.stages.len())
            .filter(|&s| model.stages[s].gate == g && model.stages[s].clearance)
            .collect();
        if !clearance.is_empty() {
            let capacity = |d: usize| {
                clearance
                    .iter()
                    .map(|&s| stage_capacity(model, &plan, s, d))
                    .fold(f64::INFINITY, f64::min)
            };
            if (0..model.days).all(|d| demand(d) > capacity(d)) {
                out.push(format!(
                    "gate `{}`: expected demand exceeds the capacity of its customs clearance on every day of the horizon (day 1: {:.0} vehicles against {:.0}); its queue can only grow",
                    gate.id,
                    demand(0),
                    capacity(0)
                ));
            }
        }
        if let Some(yard) = gate.yard_capacity {
            let peak = (0..model.days).map(demand).fold(0.0, f64::max);
            // the hour profile averages 1 over the day
            let hourly = peak / 24.0 * gate.hour_profile.iter().copied().fold(0.0, f64::max);
            if (yard as f64) < hourly {
                out.push(format!(
                    "gate `{}`: its holding yard ({yard} places) is smaller than one hour of arrivals at the busiest hour ({hourly:.0} vehicles)",
                    gate.id
                ));
            }
        }
    }
    out
}
