//! `[[transfers]]`: where loads change from one fleet's vehicles to the other's.

use super::*;

impl<'r> Validator<'r> {
    /// `[[transfers]]`: a known gate and direction with a route, a stage on that route, at
    /// most one per (gate, direction); ratios, shares and times within their ranges.
    pub(super) fn transfers(&mut self, routes: &[Route]) -> Vec<Transfer> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let mut out: Vec<Transfer> = Vec::new();
        for (i, rt) in raw.transfers.iter().enumerate() {
            let p = root("transfers").index(i);
            let gate = l.gate_ix.get(rt.gate.as_str()).copied();
            if gate.is_none() {
                c.err(p.key("gate"), unknown("gate", &rt.gate, l.gate_ix.keys()));
            }
            let dir = direction(c, p.key("direction"), &rt.direction);
            let (Some(gate), Some(dir)) = (gate, dir) else {
                continue;
            };
            let Some(route) = routes.iter().find(|r| r.gate == gate && r.direction == dir) else {
                c.err(
                    p.key("direction"),
                    format!(
                        "gate `{}` has no {} route: add one, or remove this transfer",
                        rt.gate,
                        dir.as_str()
                    ),
                );
                continue;
            };
            let stage = l.stage_ix[gate].get(&rt.stage).copied();
            let on_route = stage.filter(|s| route.steps.iter().any(|st| st.stage == *s));
            if on_route.is_none() {
                c.err(
                    p.key("stage"),
                    format!(
                        "the {} route of `{}` has no step `{}`: name the stage where the load changes vehicles",
                        dir.as_str(),
                        rt.gate,
                        rt.stage
                    ),
                );
            }
            if out.iter().any(|t| t.gate == gate && t.direction == dir) {
                c.err(
                    p.key("direction"),
                    format!(
                        "a second transfer for {} loads at `{}`: one per gate and direction",
                        dir.as_str(),
                        rt.gate
                    ),
                );
            }
            let mut ok = true;
            if !(rt.empties_per_load.is_finite()
                && (0.0..=MAX_FACTOR).contains(&rt.empties_per_load))
            {
                c.err(
                    p.key("empties_per_load"),
                    format!(
                        "must be 0–{MAX_FACTOR} empty vehicles per load, got {}",
                        num(rt.empties_per_load)
                    ),
                );
                ok = false;
            }
            if !(rt.patience_hours.is_finite()
                && rt.patience_hours > 0.0
                && rt.patience_hours * 60.0 <= MAX_MINUTES)
            {
                c.err(
                    p.key("patience_hours"),
                    format!(
                        "must be more than 0 hours (how long an empty waits for a load), got {}",
                        num(rt.patience_hours)
                    ),
                );
                ok = false;
            }
            for (field, x) in [("return_share", rt.return_share), ("bypass", rt.bypass)] {
                if let Some(x) = x
                    && !(0.0..=1.0).contains(&x)
                {
                    c.err(p.key(field), format!("must be a share 0–1, got {}", num(x)));
                    ok = false;
                }
            }
            let places = match rt.places {
                Some(n) if n < 0 => {
                    c.err(p.key("places"), format!("must be ≥ 0 vehicles, got {n}"));
                    ok = false;
                    None
                }
                Some(n) => Some(n.min(u32::MAX as i64 / 2) as u32),
                None => None,
            };
            let return_share = rt.return_share.unwrap_or(0.0);
            let return_min = match &rt.return_minutes {
                Some(d) => dist(c, p.key("return_minutes"), d, TIME),
                None if return_share > 0.0 => {
                    c.err(
                        p.key("return_minutes"),
                        "with `return_share` > 0, say how long the return takes: return_minutes = { dist = ..., ... }",
                    );
                    None
                }
                None => Some(Dist::Constant(0.0)),
            };
            let hours = match &rt.hours {
                Some(h) => hours(c, p.key("hours"), h),
                None => Some(Hours {
                    open: 0.0,
                    close: 24.0,
                }),
            };
            let clock = match rt.clock.as_deref().unwrap_or("vn") {
                "vn" => 0.0,
                "cn" => 1.0,
                other => {
                    c.err(
                        p.key("clock"),
                        format!("unknown clock `{other}`: \"vn\" (Hà Nội) or \"cn\" (Beijing = Hà Nội + 1 h)"),
                    );
                    ok = false;
                    0.0
                }
            };
            if let (true, Some(stage), Some(return_min), Some(hours)) =
                (ok, on_route, return_min, hours)
            {
                out.push(Transfer {
                    gate,
                    direction: dir,
                    stage,
                    empties_per_load: rt.empties_per_load,
                    hours,
                    clock_offset_h: clock,
                    patience_h: rt.patience_hours,
                    places,
                    return_share,
                    return_min,
                    bypass: rt.bypass.unwrap_or(0.0),
                });
            }
        }
        out
    }
}
