//! The human-readable console table.

use std::fmt::Write;

use super::summary::Summary;

fn ci(s: &crate::stats::Stat) -> String {
    match s.half_width() {
        Some(h) => format!("{:.0} ± {:.0}", s.mean, h),
        None => format!("{:.0}", s.mean),
    }
}

/// "N replication(s) per variant", or the range when the variants stopped on their own.
fn replication_counts(summary: &Summary) -> String {
    let counts = summary.variants.iter().map(|v| v.replications);
    match (counts.clone().min(), counts.max()) {
        (Some(lo), Some(hi)) if lo != hi => {
            format!("{lo}–{hi} replications per variant (each stopped when precise enough)")
        }
        _ => format!("{} replication(s) per variant", summary.replications),
    }
}

/// `name` in at most `width` characters, cut with "…" where longer.
fn short_name(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        let mut cut: String = name.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

/// Renders the per-variant answer as text.
pub fn render(summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario {} · seed {} · {} · stopped: {}{}",
        summary.scenario,
        summary.seed,
        replication_counts(summary),
        summary.stopping.rule,
        summary
            .stopping
            .worst_half_width
            .map(|h| format!(" (widest P(target) 95% half-width {h:.3})"))
            .unwrap_or_default()
    );
    if let Some(t) = &summary.target {
        let _ = writeln!(
            out,
            "target {}: total {:.0}{} million USD ({})",
            t.year,
            t.total_musd,
            match (t.export_musd, t.import_musd) {
                (Some(e), Some(i)) => format!(" / export {e:.0} / import {i:.0}"),
                _ => String::new(),
            },
            match (t.basis.as_str(), t.gates.is_empty()) {
                ("B", true) => "basis B: all goods crossing".to_string(),
                ("B", false) => format!("basis B: all goods crossing at {}", t.gates.join(", ")),
                (_, true) => "basis A: goods declared at the modelled gates".to_string(),
                (_, false) => format!(
                    "basis A: goods declared at the modelled gates, at {}",
                    t.gates.join(", ")
                ),
            }
        );
    }
    for v in &summary.variants {
        let _ = writeln!(
            out,
            "\n== {} — {} ({} replication{})",
            v.name,
            v.description,
            v.replications,
            if v.replications == 1 { "" } else { "s" }
        );
        if let (Some(t), Some(p)) = (&summary.target, &v.p_target)
            && let Some(y) = v.years.iter().find(|y| y.year == t.year)
        {
            {
                let tm = v.target_turnover_musd.as_ref().unwrap_or(&y.turnover_musd);
                let pp = |x: &Option<crate::report::summary::Proportion>| match x {
                    Some(x) => format!("{:.2} [{:.2}, {:.2}]", x.p, x.ci95[0], x.ci95[1]),
                    None => "–".to_string(),
                };
                let _ = writeln!(
                    out,
                    "  {} turnover counted by the target (M USD, mean ± 95% CI): total {}  export {}  import {}",
                    t.year,
                    ci(&tm.total),
                    ci(&tm.export),
                    ci(&tm.import)
                );
                let band = if v.replications > 1 {
                    format!("{:.0} – {:.0}", tm.total.p5, tm.total.p95)
                } else {
                    "– (1 replication)".to_string()
                };
                let _ = writeln!(
                    out,
                    "  90% band total: {band}   P(target) total {:.2} [{:.2}, {:.2}]  export {}  import {}",
                    p.total.p,
                    p.total.ci95[0],
                    p.total.ci95[1],
                    pp(&p.export),
                    pp(&p.import)
                );
            }
        }
        if let Some(d) = &v.vs_baseline {
            let _ = writeln!(
                out,
                "  vs {} (paired): total turnover {} M USD",
                d.baseline,
                ci(&d.turnover_total_musd)
            );
        }
        let years: Vec<String> = v
            .years
            .iter()
            .map(|y| format!("{} {:.0}", y.year, y.turnover_musd.total.mean))
            .collect();
        let _ = writeln!(
            out,
            "  turnover by year (basis A, M USD): {}",
            years.join(" · ")
        );
        let _ = writeln!(
            out,
            "  {:<28} {:>17}  {:>14}  {:>6}  {:>10}",
            "gate", "cleared, all days", "mean h in gate", "p95 h", "max queue"
        );
        for g in &v.gates {
            // a gate nobody crossed has no times: a dash, not 0.0 h
            let hours = |m: f64| {
                if g.trucks_cleared.mean > 0.0 {
                    format!("{:.1}", m / 60.0)
                } else {
                    "–".to_string()
                }
            };
            let _ = writeln!(
                out,
                "  {:<28} {:>17.0}  {:>14}  {:>6}  {:>10.0}",
                short_name(&g.name, 28),
                g.trucks_cleared.mean,
                hours(g.time_in_system_min.mean),
                hours(g.time_in_system_p95_min.mean),
                g.max_queue.mean
            );
        }
        let mut worst: Vec<_> = v.stages.iter().filter(|s| s.served.mean > 0.0).collect();
        worst.sort_by(|a, b| b.wait_p95_min.mean.total_cmp(&a.wait_p95_min.mean));
        let list: Vec<String> = worst
            .iter()
            .take(3)
            .map(|s| {
                format!(
                    "{}/{} p95 {:.1} h (util {:.0}%)",
                    s.gate,
                    s.stage,
                    s.wait_p95_min.mean / 60.0,
                    s.utilization.mean * 100.0
                )
            })
            .collect();
        let _ = writeln!(out, "  worst waits: {}", list.join("; "));
        if let Some(g) = v
            .gates
            .iter()
            .filter(|g| g.trucks_cleared.mean > 0.0)
            .max_by(|a, b| {
                a.time_in_system_p95_min
                    .mean
                    .total_cmp(&b.time_in_system_p95_min.mean)
            })
        {
            let _ = writeln!(
                out,
                "  worst gate: {} (p95 time in system {:.1} h)",
                g.name,
                g.time_in_system_p95_min.mean / 60.0
            );
        }
        if let Some(u) = &v.uncertainty
            && let Some(share) = u.turnover_variance_share_parameters
        {
            let _ = writeln!(
                out,
                "  uncertainty: {:.0}% of the turnover variance comes from the uncertain parameters ({} draws)",
                share * 100.0,
                u.parameter_draws
            );
        }
    }
    out
}
