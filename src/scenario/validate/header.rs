//! `[scenario]` (name, horizon, warm-up, replications, history) and `[target]`.

use super::*;

impl<'r> Validator<'r> {
    /// `[scenario]`: checks the name and the horizon and sets the lookups' horizon; returns
    /// the warm-up (days) and the replications as written.
    pub(super) fn header(&mut self) -> (i64, i64) {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        let h = &raw.scenario;
        let hp = root("scenario");
        if h.extends.is_some() || h.extends_variant.is_some() {
            // `scenario::read_source` merges such a file before it is parsed
            c.err(
                hp.key("extends"),
                "this text extends another file but was not merged with it: read it with `scenario::load` or `scenario::read_source`",
            );
        }
        if h.name.trim().is_empty() {
            c.err(hp.key("name"), "give the scenario a name");
        } else if !safe_name(&h.name) {
            c.err(
            hp.key("name"),
            format!(
                "the name `{}` names the output folder output/<name>/, so it may hold only letters a–z and A–Z, digits, `-`, `_` and `.`, must not start with `.`, and has at most {MAX_NAME_CHARS} characters (it has {})",
                h.name.escape_debug(),
                h.name.chars().count()
            ),
        );
        }
        let start = date(c, hp.key("start"), &h.start);
        let end = date(c, hp.key("end"), &h.end);
        let mut days = 1usize;
        let mut horizon_ok = false;
        if let (Some(s), Some(e)) = (start, end) {
            let n = s.days_until(e) + 1;
            if n < 1 {
                c.err(hp.key("end"), format!("end {e} is before start {s}"));
            } else if n > MAX_DAYS {
                c.err(
                    hp.key("end"),
                    format!("the horizon is {n} days; the limit is {MAX_DAYS}"),
                );
            } else {
                days = n as usize;
                horizon_ok = true;
            }
        }
        let start = start.unwrap_or(l.start);
        let warmup = h.warmup_days.unwrap_or(0);
        if horizon_ok && (warmup < 0 || warmup as usize >= days) {
            c.err(
                hp.key("warmup_days"),
                format!(
                    "warm-up must be ≥ 0 and shorter than the horizon ({days} days), got {warmup}"
                ),
            );
        }
        let replications = h.replications.unwrap_or(10);
        if !(1..=MAX_REPLICATIONS).contains(&replications) {
            c.err(
                hp.key("replications"),
                format!("replications must be 1–{MAX_REPLICATIONS}, got {replications}"),
            );
        }
        if let Some(p) = h.precision {
            if !(p > 0.0 && p < 0.5) {
                c.err(
                    hp.key("precision"),
                    format!("precision is a half-width of a probability: give a number in (0, 0.5), e.g. 0.10, got {p}"),
                );
            } else if raw.target.is_none() {
                c.err(
                    hp.key("precision"),
                    "precision stops on P(target), but the file has no [target] table: add one or remove precision",
                );
            }
        }
        if let Some(b) = h.time_budget_s
            && !(b > 0.0 && b.is_finite())
        {
            c.err(
                hp.key("time_budget_s"),
                format!("time_budget_s is a number of seconds > 0, e.g. 120, got {b}"),
            );
        }
        if h.time_budget_s.is_some() && h.precision.is_none() {
            c.err(
                hp.key("time_budget_s"),
                "time_budget_s limits a run with a precision rule: set precision too, or remove it",
            );
        }
        l.start = start;
        l.days = days;
        l.horizon_ok = horizon_ok;
        (warmup, replications)
    }

    /// `[target]`: positive amounts of million USD, a basis, known gates.
    pub(super) fn target(&mut self) -> Option<Target> {
        let raw = self.raw;
        let Validator { c, l, .. } = self;
        raw.target.as_ref().map(|t| {
            let tp = root("target");
            for (name, v) in [
                ("total_musd", Some(t.total_musd)),
                ("export_musd", t.export_musd),
                ("import_musd", t.import_musd),
            ] {
                if let Some(v) = v
                    && !(v.is_finite() && v > 0.0)
                {
                    c.err(
                        tp.key(name),
                        format!(
                            "a target must be a positive number of million USD, got {}",
                            num(v)
                        ),
                    );
                }
            }
            let basis_b = match t.basis.as_deref().unwrap_or("A") {
                "A" => false,
                "B" => true,
                other => {
                    c.err(
                        tp.key("basis"),
                        format!("unknown basis `{other}`: \"A\" (declared at this province's customs) or \"B\" (all goods crossing)"),
                    );
                    false
                }
            };
            let gates = match &t.gates {
                Some(_) => l.select_gates(c, tp.key("gates"), &t.gates),
                None => Vec::new(),
            };
            Target {
                year: t.year,
                total_musd: t.total_musd,
                export_musd: t.export_musd,
                import_musd: t.import_musd,
                basis_b,
                gates,
            }
        })
    }

    /// `[scenario] history`: the variant that reproduces what happened. Adds the implicit
    /// `baseline` when the file has no variant.
    pub(super) fn history(&mut self, variants: &mut Vec<Variant>) -> Option<usize> {
        let raw = self.raw;
        let Validator { c, .. } = self;
        let h = &raw.scenario;
        let hp = root("scenario");
        if variants.is_empty() {
            variants.push(Variant {
                name: "baseline".into(),
                description: "the model as written".into(),
                changes: Vec::new(),
                cost: None,
                members: Vec::new(),
            });
        }
        h.history.as_ref().and_then(|name| {
        // the text is NFC already (scenario::parse), like the variants' names
        let found = variants.iter().position(|v| v.name == *name);
        if found.is_none() {
            c.err(
                hp.key("history"),
                format!(
                    "`history` names the variant that reproduces what happened (the default of `calibrate`), but there is no variant `{name}`; the variants are: {}",
                    known(name, variants.iter().map(|v| v.name.as_str()))
                ),
            );
        }
        found
    })
    }
}
