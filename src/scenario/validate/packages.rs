//! `[[packages]]` (variants combined into one) and `[decisions]` (the improvements
//! `borderflow optimise` combines).

use super::*;

impl<'r> Validator<'r> {
    /// `[[packages]]`: each added to the model as a variant, after the file's variants.
    pub(super) fn packages(&mut self, model: &mut Model) {
        let raw = self.raw;
        let Validator { c, .. } = self;
        for (i, rp) in raw.packages.iter().enumerate() {
            let p = root("packages").index(i);
            if model.variant_index(&rp.name).is_some() {
                c.err(
                    p.key("name"),
                    format!(
                        "`{}` is already a variant or package name; give the package its own name",
                        rp.name
                    ),
                );
                continue;
            }
            if rp.variants.is_empty() {
                c.err(
                    p.key("variants"),
                    "list the variants the package combines, e.g. [\"expressway\", \"longer-hours\"]",
                );
                continue;
            }
            let mut members = Vec::new();
            for (j, name) in rp.variants.iter().enumerate() {
                match model.variant_index(name) {
                    Some(m) => members.push(m),
                    None => c.err(
                        p.key("variants").index(j),
                        model.unknown_variant(name).to_string(),
                    ),
                }
            }
            if members.len() != rp.variants.len() {
                continue;
            }
            match model.package_of(&rp.name, &members) {
                Ok(mut variant) => {
                    if let Some(d) = &rp.description {
                        variant.description = d.clone();
                    }
                    model.add_variant(variant);
                }
                Err(e) => c.err(p.key("variants"), e.to_string()),
            }
        }
    }

    /// `[decisions]`: improvements are variants of the file, each once; `cost_years` ≥ 0.
    pub(super) fn decisions(&mut self, model: &Model) -> Option<Decisions> {
        let raw = self.raw;
        let Validator { c, .. } = self;
        let rd = raw.decisions.as_ref()?;
        let p = root("decisions");
        let mut improvements = Vec::new();
        for (j, name) in rd.improvements.iter().enumerate() {
            match model.variant_index(name) {
                Some(m) if improvements.contains(&m) => c.err(
                    p.key("improvements").index(j),
                    format!("`{name}` is listed twice; list each improvement once"),
                ),
                Some(m) => improvements.push(m),
                None => c.err(
                    p.key("improvements").index(j),
                    model.unknown_variant(name).to_string(),
                ),
            }
        }
        if rd.improvements.is_empty() {
            c.err(
                p.key("improvements"),
                "list the variants that are improvements, e.g. [\"expressway\", \"longer-hours\"]",
            );
        }
        if improvements.len() > MAX_IMPROVEMENTS {
            c.err(
                p.key("improvements"),
                format!(
                    "{} improvements make 2^{} packages; `optimise` compares at most {MAX_IMPROVEMENTS} improvements (2^{MAX_IMPROVEMENTS} packages): list fewer",
                    improvements.len(),
                    improvements.len()
                ),
            );
        }
        if !(rd.cost_years.is_finite() && rd.cost_years >= 0.0) {
            c.err(
                p.key("cost_years"),
                format!(
                    "must be a number of years, 0 or more, got {}",
                    num(rd.cost_years)
                ),
            );
        }
        Some(Decisions {
            improvements,
            cost_years: rd.cost_years,
        })
    }
}

/// Most improvements `[decisions]` may list: 2^12 = 4,096 packages.
pub const MAX_IMPROVEMENTS: usize = 12;
