//! How much is enough: a grid of values of numbers in the scenario (`--set PATH=VALUES`),
//! every point run with the same random streams (common random numbers).
//!
//! A PATH walks the scenario file's tables: keys of tables, and for arrays of tables the
//! element's `id` or `name` (or its index): `gates.huu_nghi.stages.cn_customs.servers`,
//! `variants.expressway.changes.0.factor`, `target.total_musd`. Each point is the file with
//! those numbers replaced, validated like any scenario file, so a value out of a field's
//! limits gets the validator's message for that field.

use super::Estimate;
use crate::model::Model;
use crate::montecarlo::jobs::Outcome;

/// Most points a sweep may have (the product of the value counts).
pub const MAX_POINTS: usize = 10_000;

/// Keys of `[scenario]` that say how a run is made (its random numbers, its replications,
/// when it stops), not what is simulated: a sweep refuses them.
const RUN_CONTROLS: [&str; 4] = ["seed", "replications", "precision", "time_budget_s"];

/// One `--set PATH=VALUES`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Axis {
    /// Where the number is in the scenario, dotted.
    pub path: String,
    /// The values, in the order given.
    pub values: Vec<f64>,
}

/// Parses `PATH=VALUES`, VALUES a comma-separated list (`2,4,6`) or a range `a..b:step`
/// (both ends included when on the step).
pub fn parse_axis(s: &str) -> Result<Axis, String> {
    let (path, values) = s.split_once('=').ok_or_else(|| {
        format!("--set {s}: write PATH=VALUES, e.g. gates.huu_nghi.stages.cn_customs.servers=4,6,8 or …=4..12:2")
    })?;
    let path = path.trim();
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(format!(
            "--set {s}: the path `{path}` has an empty part; write keys separated by single dots"
        ));
    }
    if let Some(key) = path.strip_prefix("scenario.")
        && RUN_CONTROLS.contains(&key)
    {
        return Err(format!(
            "--set {s}: `{path}` sets how the run is made, not the model: every point of a \
             sweep runs the same replications on the same random numbers, so the points would \
             not differ; sweep a number of the model{}",
            match key {
                "seed" => ", and give another seed to the whole sweep with --seed",
                "replications" => ", and give the replications per point with -n",
                _ => " (a sweep runs a fixed number of replications per point, -n)",
            }
        ));
    }
    let number = |t: &str| -> Result<f64, String> {
        let t = t.trim();
        t.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("--set {s}: `{t}` is not a finite number"))
    };
    let values = if let Some((range, step)) = values.split_once(':') {
        let (a, b) = range
            .split_once("..")
            .ok_or_else(|| format!("--set {s}: a range is written a..b:step, e.g. 4..12:2"))?;
        let (a, b, step) = (number(a)?, number(b)?, number(step)?);
        if step <= 0.0 || b < a {
            return Err(format!(
                "--set {s}: a range a..b:step needs a ≤ b and a step above 0"
            ));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize + 1;
        if n > MAX_POINTS {
            return Err(format!(
                "--set {s}: {n} values; a sweep has at most {MAX_POINTS} points"
            ));
        }
        // a + i·step, not repeated additions, so 0.1 steps do not drift
        (0..n).map(|i| a + i as f64 * step).collect()
    } else {
        values
            .split(',')
            .map(number)
            .collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() {
        return Err(format!("--set {s}: give at least one value"));
    }
    Ok(Axis {
        path: path.to_string(),
        values,
    })
}

/// The keys or element names one could have meant at a level of the file.
fn choices(v: &toml::Value) -> Vec<String> {
    match v {
        toml::Value::Table(t) => t.keys().cloned().collect(),
        toml::Value::Array(a) => (a.iter().enumerate())
            .map(|(i, e)| {
                (e.get("id").or_else(|| e.get("name")))
                    .and_then(|x| x.as_str())
                    .map_or(i.to_string(), str::to_string)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Sets the number at dotted `path` in the parsed file to `x` (an integer where the file has
/// an integer). The error names the first part of the path that does not exist, with the
/// closest existing name and the names there.
pub fn set(doc: &mut toml::Value, path: &str, x: f64) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut here = doc;
    for (depth, part) in parts.iter().enumerate() {
        let last = depth + 1 == parts.len();
        let so_far = parts[..depth].join(".");
        let where_ = if so_far.is_empty() {
            "the top of the file".to_string()
        } else {
            format!("`{so_far}`")
        };
        let names = choices(here);
        let missing = || {
            let hint =
                crate::scenario::validate::did_you_mean(part, names.iter().map(String::as_str))
                    .map(|b| format!("did you mean `{b}`? "))
                    .unwrap_or_default();
            format!(
                "`{path}`: there is no `{part}` at {where_}; {hint}what is there: {}",
                if names.is_empty() {
                    "nothing (it is a single value)".to_string()
                } else {
                    names.join(", ")
                }
            )
        };
        here = match here {
            toml::Value::Table(t) => {
                if last && !t.contains_key(*part) && depth > 0 {
                    // a field the file leaves at its default: the validator judges its name
                    // and its type (whole numbers as integers)
                    let value = if x.fract() == 0.0 && x.abs() < 9.0e15 {
                        toml::Value::Integer(x as i64)
                    } else {
                        toml::Value::Float(x)
                    };
                    t.insert(part.to_string(), value);
                    return Ok(());
                }
                t.get_mut(*part).ok_or_else(missing)?
            }
            toml::Value::Array(a) => {
                let i = element(a, part).ok_or_else(missing)?;
                &mut a[i]
            }
            _ => return Err(missing()),
        };
    }
    match here {
        toml::Value::Integer(_) => {
            if x.fract() != 0.0 || x.abs() > 9.0e15 {
                return Err(format!(
                    "`{path}` is a whole number in the file; {x} is not one: give whole numbers"
                ));
            }
            *here = toml::Value::Integer(x as i64);
        }
        toml::Value::Float(_) => *here = toml::Value::Float(x),
        toml::Value::Array(a) if a.iter().all(|x| x.is_integer() || x.is_float()) => {
            let each: Vec<String> = (a.iter().enumerate())
                .map(|(i, x)| format!("`{path}.{i}` (= {x})"))
                .collect();
            return Err(format!(
                "`{path}` is a list of numbers in the file; name one of them: {}",
                each.join(", ")
            ));
        }
        other => {
            return Err(format!(
                "`{path}` is not a number in the file (it is {}): name a number inside it{}",
                other.type_str(),
                match choices(other) {
                    c if c.is_empty() => String::new(),
                    c => format!(", one of: {}", c.join(", ")),
                }
            ));
        }
    }
    Ok(())
}

/// The index of the element of `a` that a path part names: by its `id` or `name`, else by
/// its position.
fn element(a: &[toml::Value], part: &str) -> Option<usize> {
    (a.iter())
        .position(|e| {
            (e.get("id").or_else(|| e.get("name"))).and_then(|x| x.as_str()) == Some(part)
        })
        .or_else(|| part.parse::<usize>().ok().filter(|&i| i < a.len()))
}

/// The number at dotted `path` in the parsed file, as `set` finds it (an array element by
/// its `id`, `name` or index); `None` where the file leaves it at its default or holds no
/// single number there.
pub fn value_in_file(doc: &toml::Value, path: &str) -> Option<f64> {
    let mut here = doc;
    for part in path.split('.') {
        here = match here {
            toml::Value::Table(t) => t.get(part)?,
            toml::Value::Array(a) => &a[element(a, part)?],
            _ => return None,
        };
    }
    match here {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// Every point of the grid, the first axis slowest: the values of each axis.
pub fn grid(axes: &[Axis]) -> Vec<Vec<f64>> {
    let mut points = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |&x| {
                    let mut q = p.clone();
                    q.push(x);
                    q
                })
            })
            .collect();
    }
    points
}

/// One point's results.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PointResult {
    /// The value of each axis.
    pub values: Vec<f64>,
    /// Replications.
    pub replications: usize,
    /// P(target): total, export, import (Wilson intervals).
    pub p_target: [Estimate; 3],
    /// Target-year turnover, **million USD**: total, export, import.
    pub turnover: [Estimate; 3],
    /// Trucks lost in the target year (left the province or spoiled), mean.
    pub lost: Estimate,
    /// Vehicles still in the gates at the end of the horizon, mean.
    pub unfinished: Estimate,
    /// 95th percentile of time in system in the target year, **hours**, mean over replications.
    pub p95_time_in_system_h: Estimate,
}

/// Summarises one point's outcomes.
pub fn summarise(values: Vec<f64>, outcomes: &[Outcome]) -> PointResult {
    let n = outcomes.len();
    let col = |f: &dyn Fn(&Outcome) -> f64| -> Vec<f64> { outcomes.iter().map(f).collect() };
    let p = |i: usize| Estimate::proportion(outcomes.iter().filter(|o| o.reached[i]).count(), n);
    PointResult {
        values,
        replications: n,
        p_target: [p(0), p(1), p(2)],
        turnover: [0, 1, 2].map(|i| Estimate::mean_of_nonnegative(&col(&|o| o.turnover_musd[i]))),
        lost: Estimate::mean_of_nonnegative(&col(&|o| o.lost as f64)),
        unfinished: Estimate::mean_of_nonnegative(&col(&|o| o.unfinished as f64)),
        p95_time_in_system_h: Estimate::mean_of_nonnegative(&col(&|o| o.p95_time_in_system_h)),
    }
}

/// The model of one point: the file's text with each axis set, validated.
pub fn point_model(
    doc: &toml::Value,
    axes: &[Axis],
    values: &[f64],
    file: &std::path::Path,
) -> Result<Model, String> {
    let mut doc = doc.clone();
    for (axis, &x) in axes.iter().zip(values) {
        set(&mut doc, &axis.path, x)?;
    }
    let text = toml::to_string(&doc).map_err(|e| format!("cannot write the point: {e}"))?;
    crate::scenario::parse(&text, file).map_err(|e| {
        let set: Vec<String> = (axes.iter().zip(values))
            .map(|(a, x)| format!("{}={x}", a.path))
            .collect();
        format!("with --set {}: {}", set.join(" --set "), e.problems_text())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value in the file is found as `set` finds its place: tables by key, arrays by
    /// `id`, `name` or index; a field left at its default, or not a number, gives `None`.
    #[test]
    fn the_value_in_the_file_is_found_by_the_path_set_uses() {
        let doc: toml::Value = toml::from_str(
            "[gates.g]\nlanes = 3\n[[gates.g.stages]]\nid = \"c\"\nservers = 8\nrate = 1.5\n[[v]]\nname = \"a\"\nx = 2\n",
        )
        .unwrap();
        assert_eq!(value_in_file(&doc, "gates.g.lanes"), Some(3.0));
        assert_eq!(value_in_file(&doc, "gates.g.stages.c.servers"), Some(8.0));
        assert_eq!(value_in_file(&doc, "gates.g.stages.0.rate"), Some(1.5));
        assert_eq!(value_in_file(&doc, "v.a.x"), Some(2.0));
        assert_eq!(value_in_file(&doc, "gates.g.stages.c.missing"), None);
        assert_eq!(value_in_file(&doc, "gates.g.stages.c.id"), None);
        assert_eq!(value_in_file(&doc, "gates.g"), None);
        // where `set` writes, `value_in_file` reads back
        let mut changed = doc.clone();
        set(&mut changed, "gates.g.stages.c.servers", 12.0).unwrap();
        assert_eq!(
            value_in_file(&changed, "gates.g.stages.c.servers"),
            Some(12.0)
        );
    }

    /// The run's own controls are not a model's numbers: sweeping them would give identical
    /// points (the same replications on the same random numbers), so they are refused.
    #[test]
    fn a_sweep_of_the_seed_or_the_replications_is_refused() {
        for (path, says) in [
            ("scenario.seed", "--seed"),
            ("scenario.replications", "-n"),
            ("scenario.precision", "-n"),
            ("scenario.time_budget_s", "-n"),
        ] {
            let e = parse_axis(&format!("{path}=1,2")).unwrap_err();
            assert!(e.contains("not the model") && e.contains(says), "{e}");
        }
        assert!(parse_axis("scenario.warmup_days=0,30").is_ok());
    }
}
