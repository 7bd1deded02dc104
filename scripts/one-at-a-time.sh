#!/usr/bin/env bash
# One-at-a-time sensitivity of target-year turnover to each [[uncertain]] parameter.
#
#   scripts/one-at-a-time.sh [SCENARIO] [REPLICATIONS] [VARIANT...]
#
# Every [[uncertain]] factor is fixed at its mode (the central value) except one, which is set
# to its min (low) and then its max (high); the same seed and replications every time (common
# random numbers), so the differences are the parameter's effect. Prints a Markdown table:
# parameter, low, high, and per variant the mean target-year total turnover (million USD) at
# low / central / high, sorted by the largest swing. Needs triangular or uniform factors
# (others are left as they are, and say so). Uses jq; about 2 × parameters + 1 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/lang-son.toml}
reps=${2:-4}
shift $(( $# > 2 ? 2 : $# )) || true
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(baseline as-happened programme-23)
bin=target/release/borderflow
[ -x "$bin" ] || cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a frozen copy: editing the file while the script runs changes nothing
cp "$scenario" "$work/scenario.toml"
scenario_name=$scenario
scenario=$work/scenario.toml

# Rewrites the [[uncertain]] factors: parameter number $1 (0-based) at "min" or "max" ($2), every
# other one at its mode (triangular) or midpoint (uniform); $1 = -1 puts all at the centre.
fix() {
  awk -v target="$1" -v side="$2" '
    /^\[\[/ { inside = ($0 ~ /^\[\[uncertain\]\]/); if (inside) k++ }
    inside && /^factor *=/ {
      line = $0
      min = line; sub(/.*min *= */, "", min); sub(/[ ,}].*/, "", min)
      max = line; sub(/.*max *= */, "", max); sub(/[ ,}].*/, "", max)
      if (line ~ /triangular/) { mode = line; sub(/.*mode *= */, "", mode); sub(/[ ,}].*/, "", mode) }
      else if (line ~ /uniform/) { mode = (min + max) / 2 }
      else { print; print "# one-at-a-time: left as drawn (not triangular or uniform)" > "/dev/stderr"; next }
      v = mode
      if (k - 1 == target) v = (side == "min" ? min : max)
      print "factor = { dist = \"constant\", value = " v " }"
      next
    }
    { print }' "$scenario"
}

names=$(awk '/^\[\[/ { inside = ($0 ~ /^\[\[uncertain\]\]/) } inside && /^name *=/ { sub(/^name *= *"/, ""); sub(/".*/, ""); print }' "$scenario")
args=()
for v in "${variants[@]}"; do args+=(--variant "$v"); done
turnover() { # scenario file → "v1 v2 ..." mean target-year total turnover per variant
  "$bin" run "$1" -n "$reps" "${args[@]}" --json --quiet --threads 2 --force --out "$work/out" |
    jq -r '(.target.year) as $y | [.variants[] | (.years[] | select(.year == $y) | .turnover_musd.total.mean)] | map(. * 10 | round / 10) | join(" ")'
}

fix -1 none > "$work/central.toml"
central=$(turnover "$work/central.toml")
rows=()
i=0
while IFS= read -r name; do
  fix "$i" min > "$work/low.toml"
  fix "$i" max > "$work/high.toml"
  low=$(turnover "$work/low.toml")
  high=$(turnover "$work/high.toml")
  range=$(awk -v k="$((i + 1))" '/^\[\[/ { inside = ($0 ~ /^\[\[uncertain\]\]/); if (inside) n++ }
    inside && n == k && /^factor *=/ { m = $0; sub(/.*min *= */, "", m); sub(/[ ,}].*/, "", m);
      x = $0; sub(/.*max *= */, "", x); sub(/[ ,}].*/, "", x); print m "–" x }' "$scenario")
  swing=$(paste -d' ' <(tr ' ' '\n' <<< "$low") <(tr ' ' '\n' <<< "$high") | awk '{ d = $2 - $1; if (d < 0) d = -d; if (d > m) m = d } END { print m + 0 }')
  cells=""
  for j in $(seq 1 ${#variants[@]}); do
    l=$(cut -d' ' -f"$j" <<< "$low"); c=$(cut -d' ' -f"$j" <<< "$central"); h=$(cut -d' ' -f"$j" <<< "$high")
    cells+=" $l / $c / $h |"
  done
  rows+=("$swing|| \`$name\` | $range |$cells")
  i=$((i + 1))
done <<< "$names"

header="| parameter | factor range |"
rule="|---|---|"
for v in "${variants[@]}"; do header+=" \`$v\` low / central / high |"; rule+="---|"; done
echo "One-at-a-time: $scenario_name, $reps replications per run, seed of the file; target-year total turnover, million USD (mean over replications)."
echo
echo "$header"
echo "$rule"
printf '%s\n' "${rows[@]}" | sort -t'|' -k1,1 -g -r | sed 's/^[^|]*||/|/'
