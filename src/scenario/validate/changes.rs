//! `[[changes]]` and `[[variants]]` with their own changes.

use super::*;

impl<'r> Validator<'r> {
    /// The base `[[changes]]`, in every variant.
    pub(super) fn changes(&mut self) -> Vec<Change> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let changes: Vec<Change> = raw
            .changes
            .iter()
            .enumerate()
            .filter_map(|(i, rc)| change(l, c, root("changes").index(i), rc))
            .collect();
        changes
    }

    /// `[[variants]]`: unique names, each with its dated changes.
    pub(super) fn variants(&mut self) -> Vec<Variant> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let mut variants = Vec::new();
        let mut names = HashSet::new();
        for (i, rv) in raw.variants.iter().enumerate() {
            let p = root("variants").index(i);
            once(c, &mut names, p.key("name"), "variant", rv.name.as_str());
            let ch = rv
                .changes
                .iter()
                .enumerate()
                .filter_map(|(j, rc)| change(l, c, p.key("changes").index(j), rc))
                .collect();
            let cost = rv.cost.as_ref().and_then(|rc| cost(c, p.key("cost"), rc));
            variants.push(Variant {
                name: rv.name.clone(),
                description: rv.description.clone().unwrap_or_default(),
                changes: ch,
                cost,
                members: Vec::new(),
            });
        }
        variants
    }
}

/// A variant's `cost`: amounts finite and ≥ 0, **million USD**, and a source.
fn cost(c: &mut Ctx, p: FieldPath, rc: &RawCost) -> Option<Cost> {
    let mut ok = true;
    for (field, x) in [
        ("investment_musd", rc.investment_musd),
        ("yearly_musd", rc.yearly_musd),
    ] {
        if !(x.is_finite() && x >= 0.0) {
            c.err(
                p.key(field),
                format!("must be a number of million USD, 0 or more, got {}", num(x)),
            );
            ok = false;
        }
    }
    if rc.source.trim().is_empty() {
        c.err(
            p.key("source"),
            "say where the cost comes from (a source, or \"[E]\" and the reasoning)",
        );
        ok = false;
    }
    ok.then(|| Cost {
        investment_musd: rc.investment_musd,
        yearly_musd: rc.yearly_musd,
        source: rc.source.clone(),
    })
}

/// One dated change: its dates within the horizon, the gates and stages it selects, and the
/// fields its `kind` needs.
fn change(l: &Lookups, c: &mut Ctx, p: FieldPath, rc: &RawChange) -> Option<Change> {
    let from_day = l.day_of(c, p.key("from"), &rc.from, 0);
    let to_day = l.day_of(c, p.key("to"), &rc.to, usize::MAX);
    if rc.to.is_some() && to_day != usize::MAX && to_day <= from_day {
        c.err(p.key("to"), "`to` must be after `from`");
    }
    let gate_list: Vec<usize> = l.select_gates(c, p.key("gates"), &rc.gates);
    let stage_kinds = [
        "add_servers",
        "set_servers",
        "scale_service",
        "hours",
        "daily_cap",
        "remove_daily_cap",
        "capacity",
        "closure",
        "weekdays",
    ];
    let is_stage_kind = stage_kinds.contains(&rc.kind.as_str());
    let mut stage_list = Vec::new();
    match (&rc.stages, is_stage_kind) {
        (Some(names), true) => stage_list = l.select_stages(c, p.key("stages"), names, &gate_list),
        (None, true) if matches!(rc.kind.as_str(), "capacity" | "closure") => {
            stage_list = (0..l.stage_gate.len())
                .filter(|s| gate_list.contains(&l.stage_gate[*s]))
                .collect();
        }
        (None, true) => c.err(
            p.key("stages"),
            format!("a `{}` change needs `stages = [...]`", rc.kind),
        ),
        (Some(_), false) => c.err(
            p.key("stages"),
            format!(
                "a `{}` change applies to gates, not stages: remove `stages`",
                rc.kind
            ),
        ),
        (None, false) => {}
    }
    let needs = |c: &mut Ctx, name: &str, present: bool| {
        if !present {
            c.err(
                p.key(name),
                format!("a `{}` change needs `{name}`", rc.kind),
            );
        }
        present
    };
    let kind = match rc.kind.as_str() {
        "add_servers" => needs(c, "servers", rc.servers.is_some()).then(|| {
            ChangeKind::AddServers(rc.servers.unwrap_or(0).clamp(-MAX_SERVERS, MAX_SERVERS) as i32)
        }),
        "set_servers" => {
            let n = rc.servers.unwrap_or(-1);
            if !(0..=MAX_SERVERS).contains(&n) {
                c.err(
                    p.key("servers"),
                    format!("a `set_servers` change needs servers = 0–{MAX_SERVERS}"),
                );
                None
            } else {
                Some(ChangeKind::SetServers(n as u32))
            }
        }
        "scale_service" | "capacity" | "demand" | "value" => {
            let f = rc.factor.unwrap_or(f64::NAN);
            if !(0.0..=MAX_FACTOR).contains(&f) {
                c.err(
                    p.key("factor"),
                    format!(
                        "a `{}` change needs a factor within 0–{MAX_FACTOR}, got {}: a larger multiplier is a unit mistake, and products of factors must stay finite",
                        rc.kind,
                        num(f)
                    ),
                );
                None
            } else {
                Some(match rc.kind.as_str() {
                    "scale_service" => ChangeKind::ScaleService(f),
                    "capacity" => ChangeKind::Capacity(f),
                    kind => {
                        let mut dirs = 0u8;
                        for (j, d) in rc.directions.iter().flatten().enumerate() {
                            if let Some(d) = direction(c, p.key("directions").index(j), d) {
                                dirs |= 1 << d as u8;
                            }
                        }
                        let directions = if rc.directions.is_none() { 3 } else { dirs };
                        let classes = l.class_mask(c, p.key("classes"), &rc.classes);
                        if kind == "value" {
                            ChangeKind::Value {
                                factor: f,
                                directions,
                                classes,
                            }
                        } else {
                            ChangeKind::Demand {
                                factor: f,
                                directions,
                                classes,
                            }
                        }
                    }
                })
            }
        }
        "closure" => Some(ChangeKind::Capacity(0.0)),
        "weekdays" => match &rc.weekdays {
            Some(w) => Some(ChangeKind::Weekdays(weekday_set(c, p.key("weekdays"), w))),
            None => {
                needs(c, "weekdays", false);
                None
            }
        },
        "hours" => match &rc.hours {
            Some(h) => hours(c, p.key("hours"), h).map(ChangeKind::Hours),
            None => {
                needs(c, "hours", false);
                None
            }
        },
        "daily_cap" => match rc.cap {
            Some(n) if n >= 0 => Some(ChangeKind::DailyCap(Some(n as u32))),
            Some(n) => {
                c.err(
                    p.key("cap"),
                    format!("cap must be ≥ 0 vehicles/day, got {n}"),
                );
                None
            }
            None => {
                needs(c, "cap", false);
                None
            }
        },
        "remove_daily_cap" => Some(ChangeKind::DailyCap(None)),
        "transfer_bypass" => match rc.share {
            Some(share) if (0.0..=1.0).contains(&share) => {
                let mut dirs = 0u8;
                for (j, d) in rc.directions.iter().flatten().enumerate() {
                    if let Some(d) = direction(c, p.key("directions").index(j), d) {
                        dirs |= 1 << d as u8;
                    }
                }
                let directions = if rc.directions.is_none() { 3 } else { dirs };
                Some(ChangeKind::Bypass { share, directions })
            }
            other => {
                c.err(
                    p.key("share"),
                    format!(
                        "a `transfer_bypass` change needs share = 0–1 (the share of loads that cross without the transfer), got {}",
                        other.map_or("nothing".to_string(), num)
                    ),
                );
                None
            }
        },
        "yard" => match rc.capacity {
            Some(n) if n >= 1 => Some(ChangeKind::Yard(n.min(u32::MAX as i64 / 2) as u32)),
            _ => {
                c.err(
                    p.key("capacity"),
                    "a `yard` change needs capacity ≥ 1 vehicle",
                );
                None
            }
        },
        other => {
            c.err(
                p.key("kind"),
                format!(
                    "unknown change kind `{other}`; use one of: {}, yard, demand, value, transfer_bypass",
                    stage_kinds.join(", ")
                ),
            );
            None
        }
    };
    Some(Change {
        from_day,
        to_day,
        gates: gate_list,
        stages: stage_list,
        kind: kind?,
    })
}
