//! `borderflow validate FILE`.

use std::path::Path;

use super::Failure;
use borderflow::scenario;

pub(super) fn validate(file: &Path) -> Result<(), Failure> {
    let model = scenario::load(file).map_err(|e| Failure::input(e.report()))?;
    for w in scenario::warnings(&model) {
        eprintln!("warning: {}: {w}", file.display());
    }
    super::emit(&format!(
        "{}: ok — scenario `{}`, {} days from {}, {} gate(s), {} stage(s), {} demand stream(s), {} variant(s): {}\n",
        file.display(),
        model.name,
        model.days,
        model.start,
        model.gates.len(),
        model.stages.len(),
        model.demand.len(),
        model.variants.len(),
        model
            .variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    Ok(())
}
