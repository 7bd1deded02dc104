//! Scenario files: TOML → raw serde types → validated, immutable [`Model`].

pub mod error;
pub mod locate;
pub mod raw;
pub mod validate;

use std::path::Path;

pub use error::{FieldPath, Problem, ScenarioError};

use crate::model::Model;

/// Largest scenario file accepted, **bytes**.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Model, ScenarioError> {
    let io = |source| ScenarioError::Io {
        file: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ScenarioError::Syntax {
            file: path.to_path_buf(),
            line: 1,
            col: 1,
            message: format!(
                "the file is {} bytes; scenario files are limited to {MAX_FILE_BYTES}",
                meta.len()
            ),
        });
    }
    let src = std::fs::read_to_string(path).map_err(io)?;
    parse(&src, path)
}

/// Parses and validates scenario text; `path` is used in messages only.
pub fn parse(src: &str, path: &Path) -> Result<Model, ScenarioError> {
    let raw: raw::RawScenario = toml::from_str(src).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| locate::line_col(src, s.start));
        ScenarioError::Syntax {
            file: path.to_path_buf(),
            line,
            col,
            message: e.message().trim().to_string(),
        }
    })?;
    validate::validate(&raw).map_err(|mut problems| {
        for p in &mut problems {
            p.line_col = locate::locate(src, &p.path);
        }
        ScenarioError::Invalid {
            file: path.to_path_buf(),
            problems,
        }
    })
}
