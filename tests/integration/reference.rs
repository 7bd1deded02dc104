//! docs/scenario-reference.md is generated from the doc comments of src/scenario/raw.rs (the
//! serde types that mirror the file, unknown keys rejected), so the reference cannot drift from
//! what the loader accepts. `BORDERFLOW_BLESS=1 cargo test --release reference` rewrites it.

/// One key of a table: its TOML name, type, whether it may be left out, what it means.
struct Field {
    key: String,
    ty: String,
    required: bool,
    doc: String,
}

/// One serde struct: its doc comment and keys.
struct Table {
    name: String,
    doc: String,
    fields: Vec<Field>,
}

/// Reads the `pub struct` items of raw.rs: doc comments, `#[serde(default)]`, `rename`.
fn tables(src: &str) -> Vec<Table> {
    let mut out: Vec<Table> = Vec::new();
    let (mut doc, mut default, mut rename) = (Vec::<String>::new(), false, None::<String>);
    let mut current: Option<Table> = None;
    for line in src.lines() {
        let t = line.trim();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.trim().to_string());
        } else if t.starts_with("#[serde(") {
            default |= t.contains("default");
            if let Some(r) = t.split("rename = \"").nth(1) {
                rename = r.split('"').next().map(str::to_string);
            }
        } else if let Some(rest) = t.strip_prefix("pub struct ") {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            current = Some(Table {
                name,
                doc: doc.join(" "),
                fields: Vec::new(),
            });
            doc.clear();
        } else if let (Some(table), Some(rest)) = (current.as_mut(), t.strip_prefix("pub ")) {
            let (name, ty) = rest.split_once(": ").expect("a field `name: Type,`");
            let ty = ty.trim_end_matches(',');
            let optional = ty.starts_with("Option<");
            table.fields.push(Field {
                key: rename.take().unwrap_or_else(|| name.to_string()),
                ty: describe(ty),
                required: !optional && !default,
                doc: doc.join(" "),
            });
            doc.clear();
            default = false;
        } else if t == "}" {
            if let Some(table) = current.take() {
                out.push(table);
            }
        } else if !t.starts_with("#[") {
            doc.clear();
            default = false;
        }
    }
    out
}

/// A Rust field type in the words of the file format.
fn describe(ty: &str) -> String {
    let inner = ty
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty);
    match inner {
        "String" => "text".into(),
        "f64" => "number".into(),
        "i64" | "i32" | "u64" => "integer".into(),
        "bool" => "true / false".into(),
        "Vec<String>" => "list of text".into(),
        "Vec<f64>" => "list of numbers".into(),
        "RawDist" => "distribution".into(),
        "BTreeMap<String, f64>" => "table of numbers".into(),
        "Vec<RawStep>" => "list of steps".into(),
        other if other.starts_with("Vec<Raw") => "list of tables".into(),
        other if other.starts_with("Raw") => "table".into(),
        other => panic!("describe the type `{other}` for the reference"),
    }
}

/// The reference, in the order a scenario file is usually written.
fn render(tables: &[Table]) -> String {
    const ORDER: [&str; 23] = [
        "RawHeader",
        "RawTarget",
        "RawDemand",
        "RawClass",
        "RawValue",
        "RawGate",
        "RawStream",
        "RawDiversion",
        "RawStage",
        "RawChannel",
        "RawRoute",
        "RawStepTable",
        "RawChange",
        "RawVariant",
        "RawCost",
        "RawPackage",
        "RawDecisions",
        "RawUncertain",
        "RawObserved",
        "RawResponse",
        "RawFit",
        "RawTransfer",
        "RawDist",
    ];
    let listed: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    for name in &listed {
        assert!(
            ORDER.contains(name) || *name == "RawScenario",
            "place `{name}` in the reference's ORDER"
        );
    }
    let mut md = String::from(
        "# Scenario file reference\n\n\
         Generated from the doc comments of `src/scenario/raw.rs` by\n\
         `BORDERFLOW_BLESS=1 cargo test --release reference` (a test fails when the two differ).\n\
         A scenario file is TOML; unknown keys are errors with a \"did you mean\". Times are\n\
         minutes, demand is vehicles/day, values USD per vehicle, targets million USD. Every\n\
         problem is reported with `file:line:column`, the field and what to change\n\
         (`borderflow validate FILE`). README.md explains the model; docs/validation.md how\n\
         `lang-son.toml` is sourced.\n",
    );
    for name in ORDER {
        let t = tables
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("raw.rs has no `{name}`"));
        assert!(!t.doc.is_empty(), "`{name}` needs a doc comment");
        md.push_str(&format!("\n## {}\n\n", t.doc));
        md.push_str("| key | type | required | meaning |\n|---|---|---|---|\n");
        for f in &t.fields {
            assert!(!f.doc.is_empty(), "`{name}.{}` needs a doc comment", f.key);
            md.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                f.key,
                f.ty,
                if f.required { "yes" } else { "no" },
                f.doc.replace('|', "\\|")
            ));
        }
    }
    md
}

#[test]
fn the_scenario_reference_is_generated_from_the_raw_types() {
    let root = env!("CARGO_MANIFEST_DIR");
    let src = std::fs::read_to_string(format!("{root}/src/scenario/raw.rs")).unwrap();
    let tables = tables(&src);
    // the parser sees every table and key: 24 structs, and the keys of two known ones
    assert_eq!(tables.len(), 24, "pub structs in raw.rs");
    let observed = tables.iter().find(|t| t.name == "RawObserved").unwrap();
    assert!(
        observed
            .fields
            .iter()
            .any(|f| f.key == "use" && !f.required),
        "the `use` key (renamed field) is read, optional"
    );
    let header = tables.iter().find(|t| t.name == "RawHeader").unwrap();
    let keys: Vec<&str> = header.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "name",
            "title",
            "description",
            "question",
            "extends",
            "extends_variant",
            "start",
            "end",
            "warmup_days",
            "seed",
            "replications",
            "precision",
            "time_budget_s",
            "history"
        ]
    );
    // `start` is required, `warmup_days` is not
    assert!(header.fields[6].required && !header.fields[8].required);
    let md = render(&tables);
    let path = format!("{root}/docs/scenario-reference.md");
    if std::env::var_os("BORDERFLOW_BLESS").is_some() {
        std::fs::write(&path, &md).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == md,
        "docs/scenario-reference.md is out of date with the doc comments of src/scenario/raw.rs: \
         run `BORDERFLOW_BLESS=1 cargo test --release reference` and commit the result"
    );
}
