//! Packages: several variants combined into one (`--package a+b+c`, `[[packages]]`).
//!
//! A package's changes are the union of its members' changes, in date order. A change that
//! appears in two members (same dates, places, kind and value, as when a history variant
//! repeats an improvement's change) is one change and applies once. Changes that compose
//! (added servers, multiplied service times, demand or values) combine. A change that *sets*
//! a field (servers, hours, weekdays, intake cap, yard) supersedes, from its date, what
//! earlier changes did to that field; two different changes of one field of the same stage
//! or gate that start on the same day, one of which sets it, have no order: that is a
//! conflict, an error that names both. An uncertain
//! parameter limited to some variants applies to a package that contains one of them. The
//! package costs the sum of its members' costs, or is "cost unknown" if one of them is.

use super::spec::{Change, ChangeKind, Cost, Model, Variant};

/// Why variants cannot be combined.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PackageError {
    /// A member is not a variant of the file.
    #[error("`{name}` is not a variant of the scenario (the variants are: {known}){hint}")]
    UnknownMember {
        /// The name given.
        name: String,
        /// "; did you mean `x`?" or nothing.
        hint: String,
        /// The variants, comma-separated.
        known: String,
    },
    /// A member is named twice.
    #[error("`{name}` is named twice in the package; name each variant once")]
    Repeated {
        /// The name.
        name: String,
    },
    /// Two members change one field from the same day, one of them setting it.
    #[error("{0}")]
    Conflict(Box<Conflict>),
}

/// Two changes of a package that have no order (see [`PackageError::Conflict`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "variants `{first}` and `{second}` conflict: change {first_index} of `{first}` ({first_what}) and change {second_index} of `{second}` ({second_what}) both change {field} from the same day, so neither comes after the other; leave one of them out of the package, or write a variant that says which applies"
)]
pub struct Conflict {
    /// The first member.
    pub first: String,
    /// Index of its change in its `[[variants.changes]]`.
    pub first_index: usize,
    /// That change, for people.
    pub first_what: String,
    /// The second member.
    pub second: String,
    /// Index of its change.
    pub second_index: usize,
    /// That change, for people.
    pub second_what: String,
    /// The field both change, e.g. "the opening hours of stage `vn_customs` at `huu_nghi`".
    pub field: String,
}

/// The field a change acts on, and whether it sets it (rather than composing with others).
fn field_of(kind: &ChangeKind) -> (&'static str, bool) {
    match kind {
        ChangeKind::AddServers(_) | ChangeKind::Capacity(_) => ("the servers", false),
        ChangeKind::SetServers(_) => ("the servers", true),
        ChangeKind::ScaleService(_) => ("the service times", false),
        ChangeKind::Hours(_) => ("the opening hours", true),
        ChangeKind::DailyCap(_) => ("the intake cap", true),
        ChangeKind::Yard(_) => ("the yard capacity", true),
        ChangeKind::Weekdays(_) => ("the opening weekdays", true),
        ChangeKind::Demand { .. } => ("the demand", false),
        ChangeKind::Value { .. } => ("the values", false),
        ChangeKind::Bypass { .. } => ("the share bypassing the transfer", true),
    }
}

/// The kind's name as scenario files write it.
fn kind_name(kind: &ChangeKind) -> &'static str {
    match kind {
        ChangeKind::AddServers(_) => "add_servers",
        ChangeKind::SetServers(_) => "set_servers",
        ChangeKind::ScaleService(_) => "scale_service",
        ChangeKind::Hours(_) => "hours",
        ChangeKind::DailyCap(Some(_)) => "daily_cap",
        ChangeKind::DailyCap(None) => "remove_daily_cap",
        ChangeKind::Yard(_) => "yard",
        ChangeKind::Demand { .. } => "demand",
        ChangeKind::Capacity(_) => "capacity",
        ChangeKind::Bypass { .. } => "transfer_bypass",
        ChangeKind::Weekdays(_) => "weekdays",
        ChangeKind::Value { .. } => "value",
    }
}

impl Model {
    /// A change for people: its kind, where and from when.
    fn describe_change(&self, c: &Change) -> String {
        let places: Vec<String> = if c.stages.is_empty() {
            c.gates.iter().map(|&g| self.gates[g].id.clone()).collect()
        } else {
            (c.stages.iter())
                .map(|&s| {
                    let st = &self.stages[s];
                    format!("{}.{}", self.gates[st.gate].id, st.id)
                })
                .collect()
        };
        format!(
            "{} at {} from {}",
            kind_name(&c.kind),
            places.join(", "),
            self.date_of_day(c.from_day)
        )
    }

    /// The conflict between two changes `(member, index in the member, change)` of a package,
    /// if they have no order: different members, one field, one of them setting it to
    /// something the other does not, from the same day (in date order a later setting
    /// supersedes), at a shared stage or gate.
    fn conflict(
        &self,
        (ma, ia, ca): (usize, usize, &Change),
        (mb, ib, cb): (usize, usize, &Change),
    ) -> Option<Conflict> {
        let ((fa, sets_a), (fb, sets_b)) = (field_of(&ca.kind), field_of(&cb.kind));
        // two settings of one value agree whatever their order
        let agree = sets_a && sets_b && ca.kind == cb.kind;
        if ma == mb || fa != fb || !(sets_a || sets_b) || agree || ca.from_day != cb.from_day {
            return None;
        }
        let shared = |x: &[usize], y: &[usize]| x.iter().find(|i| y.contains(i)).copied();
        let place = if ca.stages.is_empty() && cb.stages.is_empty() {
            shared(&ca.gates, &cb.gates).map(|g| format!("gate `{}`", self.gates[g].id))?
        } else {
            let st = &self.stages[shared(&ca.stages, &cb.stages)?];
            format!("stage `{}` at `{}`", st.id, self.gates[st.gate].id)
        };
        Some(Conflict {
            first: self.variants[ma].name.clone(),
            first_index: ia,
            first_what: self.describe_change(ca),
            second: self.variants[mb].name.clone(),
            second_index: ib,
            second_what: self.describe_change(cb),
            field: format!("{fa} of {place}"),
        })
    }

    /// The variant that combines `members` (indices into `variants`), named `name`.
    pub fn package_of(&self, name: &str, members: &[usize]) -> Result<Variant, PackageError> {
        let mut seen: Vec<usize> = Vec::new();
        for &m in members {
            if seen.contains(&m) {
                return Err(PackageError::Repeated {
                    name: self.variants[m].name.clone(),
                });
            }
            seen.push(m);
        }
        // (member, index in the member, change), identical changes once
        let mut union: Vec<(usize, usize, &Change)> = Vec::new();
        for &m in members {
            for (i, c) in self.variants[m].changes.iter().enumerate() {
                if union.iter().any(|(_, _, u)| *u == c) {
                    continue;
                }
                union.push((m, i, c));
            }
        }
        for (a, &first) in union.iter().enumerate() {
            for &second in &union[a + 1..] {
                if let Some(c) = self.conflict(first, second) {
                    return Err(PackageError::Conflict(Box::new(c)));
                }
            }
        }
        let mut changes: Vec<Change> = union.into_iter().map(|(_, _, c)| c.clone()).collect();
        changes.sort_by_key(|c| c.from_day);
        let cost = members
            .iter()
            .map(|&m| self.variants[m].cost.clone())
            .try_fold((0.0, 0.0, Vec::new()), |(i, y, mut src), c| {
                let c = c?;
                src.push(c.source);
                Some((i + c.investment_musd, y + c.yearly_musd, src))
            })
            .map(|(investment_musd, yearly_musd, sources)| Cost {
                investment_musd,
                yearly_musd,
                source: if members.is_empty() {
                    "nothing added".into()
                } else {
                    format!("sum of the members' costs ({})", sources.join("; "))
                },
            });
        let names: Vec<&str> = (members.iter())
            .map(|&m| self.variants[m].name.as_str())
            .collect();
        Ok(Variant {
            name: name.to_string(),
            description: if members.is_empty() {
                "no improvement: the base model alone".into()
            } else {
                format!("package: {}", names.join(" + "))
            },
            changes,
            cost,
            members: members.to_vec(),
        })
    }

    /// Adds `variant` (from [`package_of`](Self::package_of)) to the model: uncertain
    /// parameters limited to some variants apply to it if they apply to one of its members.
    /// Returns its index.
    pub fn add_variant(&mut self, variant: Variant) -> usize {
        let v = self.variants.len();
        for u in &mut self.uncertain {
            if !u.variants.is_empty() && variant.members.iter().any(|m| u.variants.contains(m)) {
                u.variants.push(v);
            }
        }
        self.variants.push(variant);
        v
    }

    /// The index of variant `name`; a name `a+b+c` that is not a variant names the package of
    /// variants `a`, `b` and `c`, which is added to the model (once).
    pub fn resolve_variant(&mut self, name: &str) -> Result<usize, PackageError> {
        if let Some(v) = self.variant_index(name) {
            return Ok(v);
        }
        let parts: Vec<&str> = name.split('+').map(str::trim).collect();
        let mut members = Vec::new();
        for part in &parts {
            match self.variant_index(part) {
                Some(m) => members.push(m),
                None => return Err(self.unknown_variant(part)),
            }
        }
        let package = self.package_of(name, &members)?;
        Ok(self.add_variant(package))
    }

    /// The error for a name that is no variant, with the closest name if one is close.
    pub fn unknown_variant(&self, name: &str) -> PackageError {
        let names = self.variants.iter().map(|v| v.name.as_str());
        let hint = crate::scenario::validate::did_you_mean(name, names.clone())
            .map(|best| format!("; did you mean `{best}`?"))
            .unwrap_or_default();
        PackageError::UnknownMember {
            name: name.to_string(),
            hint,
            known: names.collect::<Vec<_>>().join(", "),
        }
    }
}
