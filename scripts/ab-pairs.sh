#!/usr/bin/env bash
# Is binary B faster than binary A? Alternating single-thread runs of both on one scenario, the
# order swapped every round, and the median of the per-round ratios (B/A events/s) with a
# distribution-free 95 % confidence interval. This machine drifts by 10-60 % from one run to the
# next, so a single A/B run means nothing; 200 rounds of a 300-day peer gate (about 2.5 min)
# resolve about ±3 %.
#
#   scripts/ab-pairs.sh OLD_BINARY NEW_BINARY [ROUNDS (200)] [SCENARIO (300-day peer gate)]
#
# Keep a copy of the old binary first (cp target/release/borderflow /tmp/bf-old), then build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
a="${1:?usage: ab-pairs.sh OLD_BINARY NEW_BINARY [ROUNDS] [SCENARIO]}"
b="${2:?usage: ab-pairs.sh OLD_BINARY NEW_BINARY [ROUNDS] [SCENARIO]}"
rounds="${3:-200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scen="${4:-}"
if [[ -z "$scen" ]]; then
  scen="$work/peer-gate-300d.toml"
  sed 's/^end = .*/end = "2025-10-27"/' "$root/scenarios/examples/peer-gate.toml" > "$scen"
fi
run() {
  "$1" run "$scen" -n 1 --threads 1 -q --out "$work/out" --force > /dev/null
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['events'] / m['wall_s'])" \
    "$work/out/manifest.json"
}
for ((i = 1; i <= rounds; i++)); do
  if ((i % 2)); then x=$(run "$a"); y=$(run "$b"); else y=$(run "$b"); x=$(run "$a"); fi
  echo "$x $y"
done | python3 -c '
import sys, statistics as st
from math import comb
rows = [tuple(map(float, l.split())) for l in sys.stdin]
q = sorted(b / a for a, b in rows)
n = len(q)
k, below = 0, 0.0
while k < n // 2 and below + comb(n, k) / 2 ** n <= 0.025:
    below += comb(n, k) / 2 ** n
    k += 1
ci = f"{q[k - 1]:.3f} to {q[n - k]:.3f}" if k > 0 else "(too few rounds)"
print(f"A {st.median(a for a, _ in rows) / 1e6:.2f} M events/s, B {st.median(b for _, b in rows) / 1e6:.2f} M (medians)")
print(f"median B/A {st.median(q):.3f}, 95 % confidence interval {ci}; B faster in {sum(x > 1 for x in q)} of {n} rounds")
'
