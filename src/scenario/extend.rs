//! `[scenario] extends = "FILE"`: a study that starts where another one ends.
//!
//! The extending file names the file it extends (relative to itself) and the variant of that
//! file that is its history (`extends_variant`, default: the extended file's `history`). The
//! text that runs is the extended file's, with:
//! - `[scenario]`, `[target]`, `[[variants]]`, `[[packages]]`, `[decisions]` and
//!   `[[observed]]` from the extending file only;
//! - `[demand]` and `[response]`: the extended file's keys, replaced key by key by the
//!   extending file's;
//! - gates, classes and values from the extended file (one source of truth: the extending
//!   file may not repeat them);
//! - the extended file's base `[[changes]]` and its history variant's changes, then the
//!   extending file's changes. The state on the day before the new start continues: a change
//!   (or `[[uncertain]]` parameter) in effect that day runs on, one that ended before is
//!   dropped, one that starts later keeps its dates. Uncertain parameters limited to variants
//!   apply when the history variant is among them, and are dropped otherwise;
//! - `[[transfers]]` of both files.
//!
//! The merged text is what a run keeps in its folder (so `--resume` and `merge` need only
//! the folder) and what problems are located in; it starts with a comment naming both files.

use std::path::Path;

use toml::{Table, Value};

use super::ScenarioError;

/// The first line of a merged text.
pub const MARKER: &str = "# borderflow: the text that runs for ";

/// Tables the extending file may not repeat: they come from the extended file.
const INHERITED: [&str; 4] = ["gates", "classes", "values", "fit"];
/// Tables taken from the extending file only.
const OWN: [&str; 6] = [
    "target",
    "variants",
    "packages",
    "decisions",
    "observed",
    "scenario",
];

/// The text that runs for scenario `src` read from `path`: `src` itself, or, when it
/// extends another file, the merged text (see the module doc).
pub fn expand(src: &str, path: &Path) -> Result<String, ScenarioError> {
    let Ok(overlay) = src.parse::<Table>() else {
        return Ok(src.to_string()); // the parser reports the syntax error
    };
    let Some(header) = overlay.get("scenario").and_then(Value::as_table) else {
        return Ok(src.to_string());
    };
    let Some(base_name) = header.get("extends") else {
        return Ok(src.to_string());
    };
    let problem = |message: String| ScenarioError::Syntax {
        file: path.to_path_buf(),
        line: 1,
        col: 1,
        message,
        located: None,
    };
    let Some(base_name) = base_name.as_str() else {
        return Err(problem(
            "`extends` must be a file name in quotes, e.g. extends = \"lang-son.toml\"".into(),
        ));
    };
    let base_path = path.parent().unwrap_or(Path::new(".")).join(base_name);
    let base_src = super::read_file(&base_path).map_err(|e| {
        problem(format!(
            "[scenario] extends = \"{base_name}\": cannot read {}: {}",
            base_path.display(),
            e.report()
        ))
    })?;
    let base: Table = base_src.parse().map_err(|e: toml::de::Error| {
        problem(format!(
            "[scenario] extends = \"{base_name}\": {} is not valid TOML: {}; run `borderflow validate {}`",
            base_path.display(),
            e.message(),
            base_path.display()
        ))
    })?;
    if base
        .get("scenario")
        .and_then(Value::as_table)
        .is_some_and(|h| h.contains_key("extends"))
    {
        return Err(problem(format!(
            "{} itself extends another file; extend the file it extends instead (one level only)",
            base_path.display()
        )));
    }
    for key in INHERITED {
        if overlay.contains_key(key) {
            return Err(problem(format!(
                "`{key}` comes from the extended file {base_name} (one source of truth): remove it here, or change it there, or change it from a date with [[changes]]"
            )));
        }
    }
    let start = header
        .get("start")
        .and_then(Value::as_str)
        .ok_or_else(|| problem("[scenario] needs `start = \"YYYY-MM-DD\"`".into()))?
        .to_string();
    let base_header = base.get("scenario").and_then(Value::as_table);
    let history = match header.get("extends_variant") {
        Some(v) => v.as_str().map(str::to_string),
        None => base_header
            .and_then(|h| h.get("history"))
            .and_then(Value::as_str)
            .map(str::to_string),
    }
    .ok_or_else(|| {
        problem(format!(
            "say which variant of {base_name} is the history this study starts from: extends_variant = \"...\""
        ))
    })?;
    let variants = array(&base, "variants");
    let Some(history_variant) = variants
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(history.as_str()))
    else {
        return Err(problem(format!(
            "extends_variant = \"{history}\": {base_name} has no such variant"
        )));
    };
    // the day before the new start, as text (ISO dates compare as text)
    let eve = previous_day(&start).ok_or_else(|| {
        problem(format!(
            "[scenario] start = \"{start}\" is not a date YYYY-MM-DD"
        ))
    })?;

    let mut merged = Table::new();
    for (k, v) in &base {
        if !OWN.contains(&k.as_str()) && !matches!(k.as_str(), "changes" | "uncertain") {
            merged.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in &overlay {
        match k.as_str() {
            "demand" | "response" => {
                let mut t = merged
                    .get(k)
                    .and_then(Value::as_table)
                    .cloned()
                    .unwrap_or_default();
                if let Some(o) = v.as_table() {
                    for (kk, vv) in o {
                        t.insert(kk.clone(), vv.clone());
                    }
                }
                merged.insert(k.clone(), Value::Table(t));
            }
            "changes" | "uncertain" | "transfers" => {}
            _ => {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(Value::Table(h)) = merged.get_mut("scenario") {
        h.remove("extends");
        h.remove("extends_variant");
    }
    let history_changes = history_variant
        .get("changes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let changes: Vec<Value> = (array(&base, "changes").into_iter())
        .chain(history_changes)
        .filter_map(|c| carried(c, &start, &eve))
        .chain(array(&overlay, "changes"))
        .collect();
    let uncertain: Vec<Value> = array(&base, "uncertain")
        .into_iter()
        .filter_map(|u| {
            let mut u = carried(u, &start, &eve)?;
            let t = u.as_table_mut()?;
            if let Some(list) = t.get("variants").and_then(Value::as_array) {
                // limited to variants: kept, for all, when the history is one of them
                if !list.iter().any(|n| n.as_str() == Some(history.as_str())) {
                    return None;
                }
                t.remove("variants");
            }
            Some(u)
        })
        .chain(array(&overlay, "uncertain"))
        .collect();
    let transfers: Vec<Value> = array(&base, "transfers")
        .into_iter()
        .chain(array(&overlay, "transfers"))
        .collect();
    for (k, list) in [
        ("changes", changes),
        ("uncertain", uncertain),
        ("transfers", transfers),
    ] {
        if !list.is_empty() {
            merged.insert(k.to_string(), Value::Array(list));
        }
    }
    let text = toml::to_string(&merged).map_err(|e| problem(e.to_string()))?;
    Ok(format!(
        "{MARKER}{} (extends {}, from its variant `{history}` as of {eve});\n# problems are located in this merged text\n{text}",
        path.display(),
        base_path.display()
    ))
}

/// The array of tables `key` of `t` (empty if absent).
fn array(t: &Table, key: &str) -> Vec<Value> {
    t.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// A dated table (`from`, `to`) carried into a study starting on `start`: dropped if it
/// ended before `eve` (the day before), its `from` moved to `start` if earlier.
fn carried(mut v: Value, start: &str, eve: &str) -> Option<Value> {
    let t = v.as_table_mut()?;
    if let Some(to) = t.get("to").and_then(Value::as_str)
        && to <= eve
    {
        return None; // `to` is exclusive: it no longer applied on the eve
    }
    if t.get("from")
        .and_then(Value::as_str)
        .is_none_or(|from| from < start)
    {
        t.insert("from".into(), Value::String(start.to_string()));
    }
    if let Some(to) = t.get("to").and_then(Value::as_str)
        && to <= start
    {
        // in effect on the eve and ending at the start: the end-of-history state runs on
        t.remove("to");
    }
    Some(v)
}

/// The day before an ISO date `YYYY-MM-DD`.
fn previous_day(date: &str) -> Option<String> {
    let mut it = date.splitn(3, '-');
    let (y, m, d) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    let day = crate::model::Date::new(y, m, d)?;
    Some(day.plus_days(-1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_on_the_eve_runs_on() {
        let v = |s: &str| s.parse::<Table>().unwrap().into();
        let (start, eve) = ("2026-01-01", "2025-12-31");
        // ended before the eve: dropped
        assert!(carried(v("from = \"2024-01-01\"\nto = \"2025-01-01\""), start, eve).is_none());
        // in effect on the eve, ending at the start: runs on, open-ended
        let c = carried(v("from = \"2025-01-01\"\nto = \"2026-01-01\""), start, eve).unwrap();
        assert_eq!(c.get("from").unwrap().as_str(), Some("2026-01-01"));
        assert!(c.get("to").is_none());
        // starting later: unchanged
        let c = carried(v("from = \"2027-03-01\""), start, eve).unwrap();
        assert_eq!(c.get("from").unwrap().as_str(), Some("2027-03-01"));
        // no dates: from the start
        let c = carried(v("factor = 2"), start, eve).unwrap();
        assert_eq!(c.get("from").unwrap().as_str(), Some("2026-01-01"));
        assert_eq!(previous_day("2026-03-01").as_deref(), Some("2026-02-28"));
    }
}
