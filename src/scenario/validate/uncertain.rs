//! `[[uncertain]]` parameters and `[[fit]]` multipliers: what they multiply, where and when.

use super::*;

impl<'r> Validator<'r> {
    /// `[[uncertain]]`: unique names, known kinds, factors within the ceiling, selectors, the
    /// variants each applies to.
    pub(super) fn uncertain(&mut self, variants: &[Variant]) -> Vec<Uncertain> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let mut uncertain = Vec::new();
        let mut unames = HashSet::new();
        for (i, ru) in raw.uncertain.iter().enumerate() {
            let p = root("uncertain").index(i);
            once(
                c,
                &mut unames,
                p.key("name"),
                "uncertain parameter",
                ru.name.as_str(),
            );
            let kind = match ru.kind.as_str() {
                "demand" => Some(UncertainKind::Demand),
                "value" => Some(UncertainKind::Value),
                "service" => Some(UncertainKind::Service),
                "diversion_threshold" => Some(UncertainKind::DiversionThreshold),
                "logit_scale" => Some(UncertainKind::LogitScale),
                "response_lag" => Some(UncertainKind::ResponseLag),
                "delay_loss" => Some(UncertainKind::DelayLoss),
                "demand_growth" => Some(UncertainKind::DemandGrowth),
                "empty_supply" => Some(UncertainKind::EmptySupply),
                "transfer_bypass" => Some(UncertainKind::Bypass),
                other => {
                    c.err(
                    p.key("kind"),
                    format!(
                        "unknown uncertain kind `{other}`: use demand, value, service, diversion_threshold, logit_scale, response_lag, delay_loss, demand_growth, empty_supply or transfer_bypass"
                    ),
                );
                    None
                }
            };
            if matches!(
                kind,
                Some(
                    UncertainKind::LogitScale
                        | UncertainKind::ResponseLag
                        | UncertainKind::DelayLoss
                )
            ) && raw.response.is_none()
            {
                c.err(
                p.key("kind"),
                format!(
                    "a `{}` parameter multiplies a number of [response]: add a [response] table or remove this parameter",
                    ru.kind
                ),
            );
            }
            if matches!(
                kind,
                Some(UncertainKind::EmptySupply | UncertainKind::Bypass)
            ) && raw.transfers.is_empty()
            {
                c.err(
                    p.key("kind"),
                    format!(
                        "a `{}` parameter multiplies a number of [[transfers]]: add a transfer or remove this parameter",
                        ru.kind
                    ),
                );
            }
            let factor = dist(c, p.key("factor"), &ru.factor, FACTOR);
            let sel = Selectors {
                from: &ru.from,
                to: &ru.to,
                gates: &ru.gates,
                stages: &ru.stages,
                directions: &ru.directions,
                classes: &ru.classes,
            };
            let u = multiplier(
                l,
                c,
                &p,
                "uncertain parameter",
                (&ru.name, kind, factor),
                sel,
            );
            let mut vlist = Vec::new();
            for (j, n) in ru.variants.iter().flatten().enumerate() {
                match variants.iter().position(|v: &Variant| &v.name == n) {
                    Some(k) => vlist.push(k),
                    None => c.err(
                        p.key("variants").index(j),
                        unknown("variant", n, variants.iter().map(|v| v.name.as_str())),
                    ),
                }
            }
            if let Some(u) = u {
                uncertain.push(Uncertain {
                    variants: vlist,
                    note: ru.note.clone().unwrap_or_default(),
                    ..u
                });
            }
        }
        uncertain
    }

    /// `[[fit]]`: ranges, values within them, `against` naming only fit figures (`usages`:
    /// the use of each `[[observed]]` entry, in file order).
    pub(super) fn fit(&mut self, usages: &[ObservedUse]) -> Vec<Fit> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let mut fit = Vec::new();
        let mut fnames = HashSet::new();
        for (i, rf) in raw.fit.iter().enumerate() {
            let p = root("fit").index(i);
            once(
                c,
                &mut fnames,
                p.key("name"),
                "fit parameter",
                rf.name.as_str(),
            );
            let kind = match rf.kind.as_str() {
                "demand" => Some(UncertainKind::Demand),
                "value" => Some(UncertainKind::Value),
                "service" => Some(UncertainKind::Service),
                other => {
                    let hint = did_you_mean(other, ["demand", "value", "service"].into_iter())
                        .map_or(String::new(), |b| format!("; did you mean `{b}`?"));
                    c.err(
                        p.key("kind"),
                        format!("unknown fit kind `{other}`: use demand, value or service{hint}"),
                    );
                    None
                }
            };
            let range = match rf.range[..] {
                [lo, hi] if 0.0 < lo && lo < hi && hi <= MAX_FACTOR => Some((lo, hi)),
                _ => {
                    c.err(
                    p.key("range"),
                    format!(
                        "write the interval searched as [lo, hi] with 0 < lo < hi ≤ {MAX_FACTOR} (a larger multiplier is a unit mistake), e.g. [0.5, 2.0]; got {:?}",
                        rf.range
                    ),
                );
                    None
                }
            };
            if let Some((lo, hi)) = range
                && !(lo <= rf.value && rf.value <= hi)
            {
                c.err(
                p.key("value"),
                format!(
                    "value {} is outside range [{lo}, {hi}]: the multiplier the scenario runs with must be one the fit may find",
                    rf.value
                ),
            );
            }
            if rf.against.is_empty() {
                c.err(
                    p.key("against"),
                    "name at least one [[observed]] figure with use = \"fit\" to fit it to",
                );
            }
            let mut against = Vec::new();
            for (j, n) in rf.against.iter().enumerate() {
                let hits: Vec<usize> = (raw.observed.iter().enumerate())
                    .filter(|(_, o)| &o.name == n)
                    .map(|(k, _)| k)
                    .collect();
                if hits.is_empty() {
                    let fits = (raw.observed.iter().zip(usages))
                        .filter(|(_, u)| **u == ObservedUse::Fit)
                        .map(|(o, _)| o.name.as_str());
                    let list = known(n, fits);
                    c.err(
                        p.key("against").index(j),
                        format!(
                            "unknown observed figure `{n}`; figures with use = \"fit\": {}",
                            if list.is_empty() { "none" } else { &list }
                        ),
                    );
                } else if hits.iter().any(|&k| usages[k] == ObservedUse::Check) {
                    c.err(
                    p.key("against").index(j),
                    format!(
                        "`{n}` is a check, and a check cannot be fitted to: set use = \"fit\" on it or remove it from against"
                    ),
                );
                } else {
                    // indices in `observed` (every entry is there when the file is valid)
                    against.extend(hits);
                }
            }
            let sel = Selectors {
                from: &rf.from,
                to: &rf.to,
                gates: &rf.gates,
                stages: &rf.stages,
                directions: &rf.directions,
                classes: &rf.classes,
            };
            let factor = Some(Dist::Constant(rf.value));
            let u = multiplier(l, c, &p, "fit parameter", (&rf.name, kind, factor), sel);
            if let (Some(multiplier), Some(range)) = (u, range) {
                fit.push(Fit {
                    multiplier,
                    value: rf.value,
                    range,
                    against,
                });
            }
        }
        fit
    }
}

/// What a multiplier (`[[uncertain]]` or `[[fit]]`) applies to; `what` names it in messages.
fn multiplier(
    l: &Lookups,
    c: &mut Ctx,
    p: &FieldPath,
    what: &str,
    head: (&str, Option<UncertainKind>, Option<Dist>),
    sel: Selectors,
) -> Option<Uncertain> {
    let (name, kind, factor) = head;
    let from_day = l.day_of(c, p.key("from"), sel.from, 0);
    let to_day = l.day_of(c, p.key("to"), sel.to, usize::MAX);
    if sel.to.is_some() && to_day != usize::MAX && to_day <= from_day {
        c.err(p.key("to"), "`to` must be after `from`");
    }
    let gate_list: Vec<usize> = l.select_gates(c, p.key("gates"), sel.gates);
    let mut stage_list = Vec::new();
    match (kind, sel.stages) {
        (Some(UncertainKind::Service), Some(names)) => {
            stage_list = l.select_stages(c, p.key("stages"), names, &gate_list)
        }
        (Some(UncertainKind::Service), None) => c.err(
            p.key("stages"),
            format!("a `service` {what} needs `stages = [...]`"),
        ),
        (Some(_), Some(_)) => c.err(p.key("stages"), "only `service` parameters take `stages`"),
        _ => {}
    }
    let mut dirs = 0u8;
    for (j, d) in sel.directions.iter().flatten().enumerate() {
        if let Some(d) = direction(c, p.key("directions").index(j), d) {
            dirs |= 1 << d as u8;
        }
    }
    let classes = l.class_mask(c, p.key("classes"), sel.classes);
    Some(Uncertain {
        name: name.to_string(),
        note: String::new(),
        kind: kind?,
        factor: factor?,
        from_day,
        to_day,
        gates: gate_list,
        stages: stage_list,
        directions: if sel.directions.is_none() { 3 } else { dirs },
        classes,
        variants: Vec::new(),
    })
}
