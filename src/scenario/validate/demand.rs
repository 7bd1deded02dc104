//! `[demand]` (growth, month and weekday factors), `[[classes]]`, `[[values]]` and
//! `[response]`.

use super::*;

/// Month factors per direction, weekday factors, growth by year and the trend's first year.
type DemandShape = ([[f64; 12]; 2], [f64; 7], Vec<(i32, f64)>, Option<i32>);

impl<'r> Validator<'r> {
    /// `[demand]`: factors within their ceilings, growth keys that are years.
    pub(super) fn demand_shape(&mut self) -> DemandShape {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let dp = root("demand");
        let month_factor = [
            factors::<12>(
                c,
                dp.key("export_month_factor"),
                &raw.demand.export_month_factor,
                "export_month_factor",
                MAX_FACTOR,
            ),
            factors::<12>(
                c,
                dp.key("import_month_factor"),
                &raw.demand.import_month_factor,
                "import_month_factor",
                MAX_FACTOR,
            ),
        ];
        let weekday_factor = factors::<7>(
            c,
            dp.key("weekday_factor"),
            &raw.demand.weekday_factor,
            "weekday_factor",
            MAX_FACTOR,
        );
        let mut growth = Vec::new();
        for (k, &v) in &raw.demand.growth {
            match k.parse::<i32>() {
            Ok(y) if (0.0..=MAX_FACTOR).contains(&v) => growth.push((y, v)),
            Ok(_) => c.err(
                dp.key("growth").key(k),
                format!(
                    "growth index must be within 0–{MAX_FACTOR} (it multiplies per_day; a larger one is a unit mistake), got {}",
                    num(v)
                ),
            ),
            Err(_) => c.err(
                dp.key("growth").key(k),
                format!("growth keys are years, e.g. 2025 = 1.0; got `{k}`"),
            ),
        }
        }
        growth.sort_by_key(|&(y, _)| y);
        let growth_trend_from = raw.demand.growth_trend_from;
        let (start, days) = (l.start, l.days);
        let last_year = start.plus_days(days as i64 - 1).year;
        if let Some(y) = growth_trend_from
            && !(start.year..=last_year).contains(&y)
        {
            c.err(
                dp.key("growth_trend_from"),
                format!(
                    "growth_trend_from must be a year of the horizon ({}–{last_year}), got {y}",
                    start.year
                ),
            );
        }

        (month_factor, weekday_factor, growth, growth_trend_from)
    }

    /// `[[classes]]`: unique ids (sets the lookups' class index), shelf lives, priorities.
    pub(super) fn classes(&mut self) -> Vec<CargoClass> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let mut class_ix: HashMap<&str, usize> = HashMap::new();
        let mut seen = HashSet::new();
        let mut classes = Vec::new();
        for (i, rc) in raw.classes.iter().enumerate() {
            let p = root("classes").index(i);
            once(c, &mut seen, p.key("id"), "class", rc.id.as_str());
            class_ix.entry(rc.id.as_str()).or_insert(i);
            let shelf = rc
                .shelf_life_days
                .as_ref()
                .and_then(|d| dist(c, p.key("shelf_life_days"), d, SHELF));
            let prio = rc.priority.unwrap_or(1);
            if !(0..=255).contains(&prio) {
                c.err(
                    p.key("priority"),
                    format!("priority must be 0–255 (0 first), got {prio}"),
                );
            }
            classes.push(CargoClass {
                id: rc.id.clone(),
                shelf_life_days: shelf,
                priority: prio.clamp(0, 255) as u8,
            });
        }
        if classes.len() > 64 {
            c.err(root("classes"), "at most 64 cargo classes");
        }
        if classes.is_empty() {
            c.err(
                root("classes"),
                "define at least one cargo class, e.g. [[classes]] id = \"general\"",
            );
        }
        l.class_ix = class_ix;
        classes
    }

    /// `[[values]]`: one per (direction, class), shares within 0–1.
    pub(super) fn values(
        &mut self,
        n_classes: usize,
        has_target: bool,
    ) -> [Vec<Option<ValueSpec>>; 2] {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let mut values: [Vec<Option<ValueSpec>>; 2] =
            [vec![None; n_classes], vec![None; n_classes]];
        for (i, rv) in raw.values.iter().enumerate() {
            let p = root("values").index(i);
            let d = direction(c, p.key("direction"), &rv.direction);
            let k = l.class_of(c, p.key("class"), &rv.class);
            let v = dist(c, p.key("value_usd"), &rv.value_usd, VALUE);
            if !(0.0..=1.0).contains(&rv.declared_here_share) {
                c.err(
                    p.key("declared_here_share"),
                    format!(
                        "a share must be within 0–1, got {}",
                        num(rv.declared_here_share)
                    ),
                );
            }
            if let (Some(d), Some(k), Some(v)) = (d, k, v) {
                if v.mean() <= 0.0 && rv.declared_here_share > 0.0 && has_target {
                    c.err(p.key("value_usd"), "a value per vehicle of zero cannot count toward the turnover target: give a positive value");
                }
                if values[d as usize][k].is_some() {
                    c.err(
                        p,
                        format!("value for ({}, {}) is given twice", rv.direction, rv.class),
                    );
                }
                values[d as usize][k] = Some(ValueSpec {
                    value_usd: v,
                    declared_here_share: rv.declared_here_share,
                });
            }
        }

        values
    }

    /// `[response]`: the choice gates, θ, the lag and the losses per class.
    pub(super) fn response(&mut self, n_classes: usize) -> Option<Response> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        raw.response.as_ref().map(|rr| {
        let p = root("response");
        let choice_gates: Vec<usize> = l.select_gates(c, p.key("gates"), &Some(rr.gates.clone()));
        if choice_gates.len() == 1 {
            c.err(
                p.key("gates"),
                "a choice needs at least two gates: list two or more, or none (each truck keeps its gate)",
            );
        }
        let theta = rr.logit_scale_hours.unwrap_or(f64::NAN);
        if choice_gates.len() >= 2 && !(theta.is_finite() && theta > 0.0 && theta <= 24.0 * 365.0) {
            c.err(
                p.key("logit_scale_hours"),
                "gate choice needs logit_scale_hours > 0 (at most 8,760 hours): the predicted-time difference, hours, that changes a gate's odds by a factor e",
            );
        }
        if !(rr.lag_days.is_finite() && rr.lag_days > 0.0 && rr.lag_days <= 36_600.0) {
            c.err(
                p.key("lag_days"),
                format!(
                    "lag_days must be > 0 and at most 36,600 days (how fast trade reacts to delay), got {}",
                    num(rr.lag_days)
                ),
            );
        }
        let share = |c: &mut Ctx, p: FieldPath, x: f64| {
            if !(x.is_finite() && (0.0..1.0).contains(&x)) {
                c.err(
                    p,
                    format!("a loss per day of delay is a share of demand, 0 ≤ x < 1, got {}", num(x)),
                );
            }
        };
        share(c, p.key("loss_per_day"), rr.loss_per_day);
        let mut loss_per_day = vec![rr.loss_per_day; n_classes];
        for (name, &x) in &rr.loss_per_day_by_class {
            let q = p.key("loss_per_day_by_class").key(name);
            share(c, q.clone(), x);
            match l.class_ix.get(name.as_str()) {
                Some(&k) => loss_per_day[k] = x,
                None => c.err(q, unknown("class", name, l.class_ix.keys())),
            }
        }
        Response {
            choice_gates,
            logit_scale_h: theta,
            lag_days: rr.lag_days,
            loss_per_day,
        }
    })
    }
}
