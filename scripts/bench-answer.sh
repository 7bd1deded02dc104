#!/usr/bin/env bash
# Time to a decisive answer: how long `borderflow run scenarios/lang-son.toml` (every variant,
# 2 threads) takes until the widest 95 % Wilson interval of P(total target) over the variants
# has a half-width of at most 0.10, then 0.02. Each variant stops on its own (the precision
# rule, looked at every 4 replications); the wall time counts everything a planner waits for
# (simulation, summary, charts, report).
#
# Prints, as its last lines:
#   seconds to half-width 0.10: X
#   seconds to half-width 0.02: Y        (or "... Y (estimated)" when the run passed 30 min:
#                                          extrapolated from its measured rate)
# with the replications each variant used above them. About 12 minutes on 2 cores.
#
# Usage: scripts/bench-answer.sh [OUT_DIR]     (default: a fresh temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d -t bench-answer.XXXXXX)}"
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/borderflow
budget=1800   # 30 min: beyond it the 0.02 figure is extrapolated

# "name replications half-width P" per variant, from a run's summary.json (P(total target))
per_variant() {
  awk '
    /^    \{/ { name = ""; n = ""; want = 0 }
    /^      "name": / { name = $2; gsub(/[",]/, "", name) }
    /^      "replications": / { n = $2; gsub(/,/, "", n) }
    /^        "total": \{/ { want = 1 }
    want && /"p": / { p = $2; gsub(/,/, "", p) }
    want && /"ci95": \[/ { getline lo; getline hi; gsub(/[ ,]/, "", lo); gsub(/[ ,]/, "", hi); want = 0
                            printf "%s %s %.3f %s\n", name, n, (hi - lo) / 2, p }
  ' "$1"
}

run_to() {
  local h="$1" dir="$out/precision-$1"
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" run scenarios/lang-son.toml --threads 2 --precision "$h" --time-budget "$budget" \
    --out "$dir" --force --quiet > "$dir.txt"
  t1=$(date +%s.%N)
  echo "$t0 $t1" > "$dir.time"
}

for h in 0.10 0.02; do
  echo "== precision $h (every variant, 2 threads, budget ${budget} s)" >&2
  run_to "$h"
done

results=()
for h in 0.10 0.02; do
  dir="$out/precision-$h"
  read -r t0 t1 < "$dir.time"
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  rule=$(grep -o '"rule": "[a-z_]*"' "$dir/summary.json" | head -1 | cut -d'"' -f4)
  echo
  echo "half-width $h: stopped by $rule after $secs s; per variant (replications, half-width):"
  per_variant "$dir/summary.json" | awk '{ printf "  %-20s %6d  %.3f  (P %.2f)\n", $1, $2, $3, $4 }'
  if [ "$rule" = "precision" ]; then
    results+=("seconds to half-width $h: $secs")
  else
    # the replications each variant needs at its observed P for a Wilson half-width ≤ h (to
    # a multiple of 4), at the run's measured seconds per variant-replication
    est=$(per_variant "$dir/summary.json" | awk -v h="$h" -v secs="$secs" '
      function need(p,    z2, m, w) { z2 = 3.8415
        for (m = 4; ; m += 4) {
          w = sqrt(z2) * sqrt(p * (1 - p) / m + z2 / (4 * m * m)) / (1 + z2 / m)
          if (w <= h) return m } }
      { done += $2; todo += ($2 > need($4) ? $2 : need($4)) }
      END { printf "%.0f", secs * todo / done }')
    results+=("seconds to half-width $h: $est (estimated)")
  fi
done
echo
printf '%s\n' "${results[@]}"
