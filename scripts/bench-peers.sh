#!/usr/bin/env bash
# Side-by-side speed: the peers of ../shared/peers (run_all.sh) and borderflow on the same
# three-stage gate (C3 = 25, 3,000 days, single thread), in one go, with ratios.
#
#   scripts/bench-peers.sh                 # peers as run_all.sh runs them (3 repetitions)
#   QUICK=1 scripts/bench-peers.sh         # 1 repetition, 300-day long run
#   SKIP_PY=1 scripts/bench-peers.sh       # Rust peers only (Python peers are optional)
#
# The last line reads exactly: ratio borderflow/hand-written events/s: X.XX
# (3,000-day stable gate, single thread). These machines drift by 10-30 % within seconds, so the
# ratio comes from PAIRS (default 31) back-to-back pairs: the hand-written loop and borderflow on
# the same seed, one right after the other, the order swapped every other pair (so a drift in
# one direction favours neither); the median of the pair ratios is reported, with a
# distribution-free 95 % confidence interval for it (order statistics of the pair ratios).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peers="${PEERS_DIR:-$root/../shared/peers}"
export OUT_DIR="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$OUT_DIR"
reps="${REPS:-3}"; days="${LONG_DAYS:-3000}"
if [[ "${QUICK:-0}" == 1 ]]; then reps=1; days=300; fi
if [[ "${SKIP_PY:-0}" != 1 ]] && ! python3 -c 'import simpy, ciw, salabim' 2>/dev/null; then
  echo "skipping the Python peers (SimPy, Ciw, salabim): python3 cannot import them (pip install simpy ciw salabim)" >&2
  export SKIP_PY=1
fi
[[ "${SKIP_PY:-0}" == 1 ]] && echo "Python peers: skipped" >&2

(cd "$root" && cargo build --release --quiet)
bash "$peers/run_all.sh" > "$OUT_DIR/peers-table.md"

# borderflow on the same model and horizon, same seeds, one thread
end="$(date -u -d "2025-01-01 + $((days - 1)) days" +%F)"
scen="$OUT_DIR/peer-gate-long.toml"
sed "s/^end = .*/end = \"$end\"/" "$root/scenarios/examples/peer-gate.toml" > "$scen"
pairs="${PAIRS:-31}"
hand_bin="${RUST_DIR:-/tmp/peers-rust}/target/release/baseline"
[[ -x "$hand_bin" ]] || { echo "the hand-written loop was not built by run_all.sh ($hand_bin)" >&2; exit 1; }
: > "$OUT_DIR/pairs.jsonl"
for ((r = 1; r <= pairs; r++)); do
  seed=$((1000 + r))
  run_hand() { hand="$("$hand_bin" gate --c3 25 --days "$days" --seed "$seed" | sed -n 's/^RESULT //p')"; }
  run_bf() {
    "$root/target/release/borderflow" run "$scen" -n 1 --threads 1 --seed "$seed" -q --json \
      --out "$OUT_DIR/bf-$r" --force > /dev/null
  }
  if ((r % 2)); then run_hand; run_bf; else run_bf; run_hand; fi
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); h=json.loads(sys.argv[2]); print(json.dumps({'events': m['events'], 'wall_s': m['wall_s'], 'hand_events_per_s': h['events_per_s']}))" \
    "$OUT_DIR/bf-$r/manifest.json" "$hand" >> "$OUT_DIR/pairs.jsonl"
done

python3 - "$OUT_DIR" "$days" <<'PY'
import json, statistics as st, sys
out, days = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(f"{out}/raw.jsonl") if l.strip()]
pairs = [json.loads(l) for l in open(f"{out}/pairs.jsonl")]
bf_eps = st.median(p["events"] / p["wall_s"] for p in pairs)
hand_eps = st.median(p["hand_events_per_s"] for p in pairs)
ratio = st.median(p["events"] / p["wall_s"] / p["hand_events_per_s"] for p in pairs)
peers = {}
for r in rows:
    long = "--days" in r.get("cmd", "") and "reps" not in r["model"]
    key = "gate_long" if long else r["model"]
    if key == "gate_long" or (key == "gate_c3_25" and r["lang"] == "Python"):
        peers.setdefault((r["label"], key), []).append(r["events_per_s"])
print(f"\n| tool | model | events/s (median) | borderflow / tool |")
print("|---|---|---|---|")
print(f"| borderflow | gate C3=25, {days} days, 1 thread, {len(pairs)} runs | {bf_eps / 1e6:.2f} M | 1.00 |")
print(f"| rust-baseline, paired with borderflow | gate C3=25, {days} days, {len(pairs)} runs | {hand_eps / 1e6:.3g} M | {ratio:.2f} (median of pair ratios) |")
for (label, key), v in sorted(peers.items()):
    eps = st.median(v)
    what = f"gate C3=25, {days} days" if key == "gate_long" else "gate C3=25, 30 days"
    print(f"| {label} (run_all.sh) | {what} | {eps / 1e6:.3g} M | {bf_eps / eps:.2f} |")
ratios = [p["events"] / p["wall_s"] / p["hand_events_per_s"] for p in pairs]
print("\npair ratios (borderflow / hand-written; odd pairs ran the hand-written loop first): "
      + ", ".join(f"{r:.2f}" for r in ratios))
# distribution-free CI of the median: the k-th smallest and k-th largest ratio, k the largest
# with P(Binomial(n, 1/2) < k) <= 2.5 %
from math import comb
n = len(ratios)
k, below = 0, 0.0
while k < n // 2 and below + comb(n, k) / 2 ** n <= 0.025:
    below += comb(n, k) / 2 ** n
    k += 1
if k > 0:
    s = sorted(ratios)
    print(f"95 % confidence interval of the median ratio: {s[k - 1]:.2f} to {s[n - k]:.2f} "
          f"({1 - 2 * below:.1%} coverage, {n} pairs)")
print(f"\nratio borderflow/hand-written events/s: {ratio:.2f}")
PY
