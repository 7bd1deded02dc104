# Sourced by the check scripts: sets `bf` to the borderflow binary they run. With
# BORDERFLOW=path that binary (it must exist; nothing is built), else target/release/borderflow,
# built first. Needs `root` (the repository) and `check` (the script's name, for messages).
if [[ -n "${BORDERFLOW:-}" ]]; then
  [[ -f "$BORDERFLOW" && -x "$BORDERFLOW" ]] \
    || { echo "$check: FAILED: BORDERFLOW=$BORDERFLOW is not an executable file"; exit 1; }
  bf="$(cd "$(dirname "$BORDERFLOW")" && pwd)/$(basename "$BORDERFLOW")"
else
  (cd "$root" && cargo build --release --quiet)
  bf="$root/target/release/borderflow"
fi
