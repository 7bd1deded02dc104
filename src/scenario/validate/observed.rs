//! `[[observed]]` figures: what each compares, its tolerance, and whether it is a fit or a check.

use super::*;

impl<'r> Validator<'r> {
    /// `[[observed]]`: known figures with the fields each needs, a tolerance, a use. Returns
    /// the figures (valid ones) and the use of every entry, in file order.
    pub(super) fn observed(&mut self) -> (Vec<Observed>, Vec<ObservedUse>) {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let (start, days) = (l.start, l.days);
        let years = {
            let last = start.plus_days(days as i64 - 1).year;
            (start.year..=last).collect::<Vec<i32>>()
        };
        let mut observed = Vec::new();
        let mut usages = Vec::new();
        for (i, ro) in raw.observed.iter().enumerate() {
            let p = root("observed").index(i);
            let gates_sel: Vec<usize> = l.select_gates(c, p.key("gates"), &ro.gates);
            let year_ix = |c: &mut Ctx| -> Option<usize> {
                match ro.year {
                    Some(y) => {
                        let r = years.iter().position(|&x| x == y);
                        if r.is_none() {
                            c.err(
                                p.key("year"),
                                format!(
                                    "{y} is outside the horizon's years {}–{}",
                                    years[0],
                                    years[years.len() - 1]
                                ),
                            );
                        }
                        r
                    }
                    None => {
                        c.err(
                            p.key("year"),
                            format!("a `{}` figure needs `year`", ro.figure),
                        );
                        None
                    }
                }
            };
            if ro.direction.is_some()
                && matches!(
                    ro.figure.as_str(),
                    "daily_cleared" | "time_in_system_median_h"
                )
            {
                c.err(
                p.key("direction"),
                format!(
                    "a `{}` figure counts both directions: remove `direction` (use `export_share` or a `queue` with a direction for one side)",
                    ro.figure
                ),
            );
            }
            let figure = match ro.figure.as_str() {
                "daily_cleared" => {
                    if ro.from.is_none() || ro.to.is_none() {
                        c.err(
                            p.key("from"),
                            "a `daily_cleared` figure needs `from` and `to` dates",
                        );
                    }
                    let from_day = l.day_of(c, p.key("from"), &ro.from, 0);
                    let to_day = l
                        .day_of(c, p.key("to"), &ro.to, 0)
                        .min(days.saturating_sub(1));
                    if to_day < from_day {
                        c.err(p.key("to"), "`to` must not be before `from`");
                    }
                    Some(Figure::DailyCleared {
                        gates: gates_sel,
                        from_day,
                        to_day,
                    })
                }
                "turnover_a" => {
                    let direction = ro
                        .direction
                        .as_ref()
                        .and_then(|d| direction(c, p.key("direction"), d));
                    year_ix(c).map(|year| Figure::TurnoverA { year, direction })
                }
                "turnover_b" => {
                    let direction = ro
                        .direction
                        .as_ref()
                        .and_then(|d| direction(c, p.key("direction"), d));
                    year_ix(c).map(|year| Figure::TurnoverB { year, direction })
                }
                "export_share" => {
                    if ro.direction.is_some() {
                        c.err(
                            p.key("direction"),
                            "an `export_share` figure counts both directions: remove `direction`",
                        );
                    }
                    if ro.value > 1.0 {
                        c.err(
                            p.key("value"),
                            format!(
                                "an `export_share` is a share within 0–1, got {}",
                                num(ro.value)
                            ),
                        );
                    }
                    year_ix(c).map(|year| Figure::ExportShare { year })
                }
                "time_in_system_median_h" => {
                    year_ix(c).map(|year| Figure::MedianTimeInSystemH { year })
                }
                "queue" => {
                    if ro.date.is_none() {
                        c.err(p.key("date"), "a `queue` figure needs `date`");
                    }
                    let day = l
                        .day_of(c, p.key("date"), &ro.date, 0)
                        .min(days.saturating_sub(1));
                    let direction = ro
                        .direction
                        .as_ref()
                        .and_then(|d| direction(c, p.key("direction"), d));
                    Some(Figure::Queue {
                        gates: gates_sel,
                        day,
                        direction,
                    })
                }
                other => {
                    c.err(
                    p.key("figure"),
                    format!("unknown figure `{other}`: use daily_cleared, turnover_a, turnover_b, export_share, time_in_system_median_h or queue"),
                );
                    None
                }
            };
            let tolerance = match (ro.tolerance, ro.factor) {
                (Some(t), None) if t > 0.0 && t.is_finite() => Some(Tolerance::Relative(t)),
                (None, Some(f)) if f > 1.0 && f.is_finite() => Some(Tolerance::Factor(f)),
                _ => {
                    c.err(
                    p.key("tolerance"),
                    "give either `tolerance` (a share > 0, e.g. 0.15) or `factor` (> 1, e.g. 1.5)",
                );
                    None
                }
            };
            if !(ro.value.is_finite() && ro.value > 0.0) {
                c.err(
                    p.key("value"),
                    format!(
                        "an observed value must be a positive number, got {}",
                        num(ro.value)
                    ),
                );
            }
            let usage = match ro.usage.as_deref() {
                None | Some("check") => ObservedUse::Check,
                Some("fit") => ObservedUse::Fit,
                Some(other) => {
                    let hint = did_you_mean(other, ["fit", "check"].into_iter())
                        .map_or(String::new(), |b| format!("; did you mean `{b}`?"));
                    c.err(
                    p.key("use"),
                    format!(
                        "unknown use `{other}`: write \"fit\" ([[fit]] parameters may be fitted to it) or \"check\" (the default: no parameter may be fitted to it){hint}"
                    ),
                );
                    ObservedUse::Check
                }
            };
            usages.push(usage);
            if let (Some(figure), Some(tolerance)) = (figure, tolerance) {
                observed.push(Observed {
                    name: ro.name.clone(),
                    figure,
                    value: ro.value,
                    source: ro.source.clone(),
                    tolerance,
                    usage,
                });
            }
        }

        (observed, usages)
    }
}
