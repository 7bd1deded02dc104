//! Scenario files: TOML → raw serde types → validated, immutable [`Model`].

pub mod error;
pub mod extend;
pub mod locate;
pub mod raw;
pub mod validate;
pub mod warn;

use std::path::Path;

pub use error::{FieldPath, Problem, ScenarioError};
pub use warn::warnings;

use crate::model::Model;

/// Largest scenario file accepted, **bytes**.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads and validates a scenario file. At most [`MAX_FILE_BYTES`] + 1 bytes are read, so a
/// device (`/dev/zero`) or an endless pipe given as a scenario cannot exhaust memory.
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    parse(&read_source(path)?, path)
}

/// A scenario's text as it runs, read as [`load`] reads it (at most [`MAX_FILE_BYTES`] + 1
/// bytes, UTF-8 checked; a file that `extends` another is merged with it, see [`extend`]),
/// for callers that keep the exact bytes run (hash, checkpoint copy).
pub fn read_source(path: &Path) -> Result<String, ScenarioError> {
    let src = read_file(path)?;
    extend::expand(&src, path)
}

/// One file's text (at most [`MAX_FILE_BYTES`] + 1 bytes, UTF-8 checked), as written.
fn read_file(path: &Path) -> Result<String, ScenarioError> {
    use std::io::Read;
    let io = |source| ScenarioError::Io {
        file: path.to_path_buf(),
        source,
    };
    let too_large = |what: String| ScenarioError::Syntax {
        file: path.to_path_buf(),
        line: 1,
        col: 1,
        message: format!(
            "{what} larger than 10 MiB ({MAX_FILE_BYTES} bytes), the limit for scenario files"
        ),
        located: None,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_file() && meta.len() > MAX_FILE_BYTES {
        return Err(too_large(format!("the file has {} bytes,", meta.len())));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(if meta.is_file() {
            "the file grew while being read and is".to_string()
        } else {
            "this is not a regular file, and what it gives is".to_string()
        }));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error()))
}

/// The error for a file that is not UTF-8: where the first bad byte is, and what to do.
fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> ScenarioError {
    let at = e.valid_up_to();
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // the column counts characters; the bytes before `at` are valid UTF-8
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    ScenarioError::Syntax {
        file: path.to_path_buf(),
        line,
        col,
        message: format!(
            "the file is not UTF-8 text: byte {at} (0x{:02X}, line {line}, column {col}) is not valid UTF-8; save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")",
            bytes[at]
        ),
        located: None,
    }
}

/// Parses and validates scenario text; `path` is used in messages only. The text is
/// normalised to Unicode NFC first, so names typed with combining accents (decomposed
/// Vietnamese) are the same names, and render as such in charts.
pub fn parse(src: &str, path: &Path) -> Result<Model, ScenarioError> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let normalised: String;
    let src = if is_nfc_quick(src.chars()) == IsNormalized::Yes {
        src
    } else {
        normalised = src.nfc().collect();
        &normalised
    };
    // a merged text (`extend`) is located as such: its lines are not the file's
    let merged_path;
    let path = if src.starts_with(extend::MARKER) {
        merged_path = std::path::PathBuf::from(format!(
            "{} (merged with the file it extends)",
            path.display()
        ));
        merged_path.as_path()
    } else {
        path
    };
    let raw: raw::RawScenario = toml::from_str(src).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| locate::line_col(src, s.start));
        ScenarioError::Syntax {
            file: path.to_path_buf(),
            line,
            col,
            message: with_suggestion(e.message().trim()),
            located: e.span().map(|s| (s, src.to_string())),
        }
    })?;
    let model = validate::validate(&raw).and_then(|model| match plan_ceilings(&model) {
        Some(problem) => Err(vec![problem]),
        None => Ok(model),
    });
    model.map_err(|mut problems| {
        for p in &mut problems {
            p.span = locate::locate(src, &p.path);
            p.line_col = p.span.as_ref().map(|s| locate::line_col(src, s.start));
        }
        ScenarioError::Invalid {
            file: path.to_path_buf(),
            problems,
            text: src.to_string(),
        }
    })
}

/// Most vehicles one replication may be expected to create (all variants), so that a legal
/// but absurd file cannot exhaust memory: at ~50 bytes per waiting vehicle, 5 GB at worst.
pub const MAX_VEHICLES_PER_REPLICATION: f64 = 1e8;

/// The problem, if some variant expects more vehicles than [`MAX_VEHICLES_PER_REPLICATION`],
/// or if the multipliers that can meet on one service time or one vehicle's value (dated
/// changes of the variant, and every `[[uncertain]]` or `[[fit]]` multiplier of that kind at
/// its largest) multiply to more than [`validate::MAX_COMBINED_FACTOR`].
fn plan_ceilings(model: &Model) -> Option<Problem> {
    use crate::model::spec::UncertainKind;
    for v in 0..model.variants.len() {
        let plan = crate::model::Plan::new(model, v);
        let total = plan.expected_vehicles();
        // at their largest; a fitted multiplier may be anywhere in its range
        let largest = |kind: UncertainKind| -> f64 {
            let uncertain = (model.uncertain.iter())
                .filter(|u| u.kind == kind && u.in_variant(v))
                .map(|u| u.factor.upper_bound().max(1.0));
            let fitted = (model.fit.iter())
                .filter(|f| f.multiplier.kind == kind)
                .map(|f| f.range.1.max(f.value).max(1.0));
            uncertain.chain(fitted).product()
        };
        let dated =
            |tables: &[Vec<f64>]| -> f64 { tables.iter().flatten().copied().fold(1.0, f64::max) };
        // demand growth compounds over the years it runs
        let growth: f64 = (model.uncertain.iter())
            .filter(|u| u.kind == UncertainKind::DemandGrowth && u.in_variant(v))
            .map(|u| {
                let years = (u.to_day.min(model.days) - u.from_day.min(model.days)) as f64 / 365.25;
                u.factor.upper_bound().max(1.0).powf(years)
            })
            .product();
        for (what, dated, kind) in [
            (
                "service times",
                dated(&plan.service_scale),
                UncertainKind::Service,
            ),
            (
                "values per vehicle",
                dated(&plan.value_scale),
                UncertainKind::Value,
            ),
            ("demand", growth, UncertainKind::Demand),
        ] {
            let multipliers = largest(kind);
            let combined = dated * multipliers;
            if combined.is_nan() || combined > validate::MAX_COMBINED_FACTOR {
                return Some(Problem {
                    path: FieldPath::default().key("variants").index(v),
                    line_col: None,
                    span: None,
                    message: format!(
                        "in variant `{}` the multipliers of {what} can reach {} together ({} from dated changes on one day × {} from [[uncertain]] and [[fit]] multipliers at their largest); the limit is {}, so that every figure stays finite: lower the factors",
                        model.variants[v].name,
                        validate::num(combined),
                        validate::num(dated),
                        validate::num(multipliers),
                        validate::num(validate::MAX_COMBINED_FACTOR)
                    ),
                });
            }
        }
        if total.is_nan() || total > MAX_VEHICLES_PER_REPLICATION {
            return Some(Problem {
                path: FieldPath::default().key("gates"),
                line_col: None,
                span: None,
                message: format!(
                    "variant `{}` expects {total:.3e} vehicles over the horizon; the limit is {MAX_VEHICLES_PER_REPLICATION:.0e} per replication: shorten the horizon or lower `per_day`",
                    model.variants[v].name
                ),
            });
        }
    }
    None
}

/// Adds "did you mean" to serde's "unknown field `x`, expected one of `a`, `b`" messages.
/// A type error of the TOML reader in a planner's words: `expected f64` is "a number",
/// `expected u32` "a whole number ≥ 0", and so on.
fn in_plain_words(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let plain = match expected.trim() {
        "f64" | "f32" => "a number (e.g. 4 or 4.5, without quotes or units)",
        "u8" | "u16" | "u32" | "u64" | "usize" => {
            "a whole number, 0 or more (e.g. 12, without quotes or units)"
        }
        "i8" | "i16" | "i32" | "i64" | "isize" => {
            "a whole number (e.g. 12, without quotes or units)"
        }
        "a boolean" => "true or false (without quotes)",
        "a string" => "text in quotes",
        _ => return message.to_string(),
    };
    format!("{head}, expected {plain}")
}

fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return in_plain_words(message);
    };
    let Some((field, tail)) = rest.split_once('`') else {
        return message.to_string();
    };
    let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    // words a planner reaches for that spell differently from the field meant
    const SYNONYMS: [(&str, &str); 7] = [
        ("date", "from"),
        ("start", "from"),
        ("begin", "from"),
        ("until", "to"),
        ("end", "to"),
        ("lanes", "servers"),
        ("capacity", "servers"),
    ];
    if let Some((_, meant)) = SYNONYMS
        .iter()
        .find(|(word, meant)| *word == field && expected.contains(meant))
    {
        return format!("{message}; did you mean `{meant}`?");
    }
    match validate::did_you_mean(field, expected.into_iter()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}
