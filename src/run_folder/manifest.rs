//! `manifest.json`: how a run was made, and the fingerprint of its scenario.

use serde::Serialize;

/// `manifest.json`: how the run was made.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Manifest {
    /// borderflow version.
    pub borderflow_version: String,
    /// Scenario file as given.
    pub scenario_file: String,
    /// FNV-1a 64-bit hash of the scenario file's bytes, hex.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per variant.
    pub replications: usize,
    /// Worker threads.
    pub threads: usize,
    /// Variants run.
    pub variants: Vec<String>,
    /// Command line.
    pub command_line: Vec<String>,
    /// Counted events (arrivals + service starts + ends) over the run.
    pub events: u64,
    /// Wall-clock seconds of the simulation.
    pub wall_s: f64,
    /// `[K, N]` for a shard's part folder; absent for a complete run.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<[usize; 2]>,
    /// Replications per parameter draw.
    pub inner: usize,
    /// Common random numbers across variants.
    pub common_random_numbers: bool,
    /// Warm-up used, days.
    pub warmup_days: usize,
    /// Replications per variant asked for (the ceiling with `precision`).
    #[serde(default)]
    pub requested_replications: usize,
    /// `--precision` asked for, if any.
    #[serde(default)]
    pub precision: Option<f64>,
    /// True while the run is interrupted and not yet resumed (`checkpoint.json` holds its
    /// complete replications).
    #[serde(default)]
    pub partial: bool,
}

impl Manifest {
    /// Writes `manifest.json` into `dir` (pretty JSON and a newline), atomically.
    pub fn write(&self, dir: &std::path::Path) -> std::io::Result<()> {
        let mut m = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        m.push(b'\n');
        super::write_atomic(&dir.join("manifest.json"), &m)
    }

    /// Reads `manifest.json` from its bytes; `dir` names the folder in the message.
    pub fn parse(dir: &std::path::Path, bytes: &[u8]) -> Result<Manifest, super::Error> {
        serde_json::from_slice(bytes)
            .map_err(|e| super::Error::Invalid(format!("{}/manifest.json: {e}", dir.display())))
    }
}

/// FNV-1a 64-bit hash, hex: a stable fingerprint of a scenario file.
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
