#!/usr/bin/env bash
# Side-by-side speed: the peers of ../shared/peers (run_all.sh) and borderflow on the same
# three-stage gate (C3 = 25, 3,000 days, single thread), in one go, with ratios.
#
#   scripts/bench-peers.sh                 # peers as run_all.sh runs them (3 repetitions)
#   QUICK=1 scripts/bench-peers.sh         # 1 repetition, 300-day long run
#   SKIP_PY=1 scripts/bench-peers.sh       # Rust peers only (Python peers are optional)
#
# The last line reads exactly: ratio borderflow/hand-written events/s: X.XX
# (3,000-day stable gate, single thread; medians over the repetitions).
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
: > "$OUT_DIR/borderflow.jsonl"
for ((r = 1; r <= reps; r++)); do
  "$root/target/release/borderflow" run "$scen" -n 1 --threads 1 --seed $((1000 + r)) -q --json \
    --out "$OUT_DIR/bf-$r" --force > /dev/null
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(json.dumps({'events': m['events'], 'wall_s': m['wall_s']}))" \
    "$OUT_DIR/bf-$r/manifest.json" >> "$OUT_DIR/borderflow.jsonl"
done

python3 - "$OUT_DIR" "$days" <<'PY'
import json, statistics as st, sys
out, days = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(f"{out}/raw.jsonl") if l.strip()]
bf = [json.loads(l) for l in open(f"{out}/borderflow.jsonl")]
bf_eps = st.median(r["events"] / r["wall_s"] for r in bf)
peers = {}
for r in rows:
    long = "--days" in r.get("cmd", "") and "reps" not in r["model"]
    key = "gate_long" if long else r["model"]
    if key == "gate_long" or (key == "gate_c3_25" and r["lang"] == "Python"):
        peers.setdefault((r["label"], key), []).append(r["events_per_s"])
print(f"\n| tool | model | events/s (median) | borderflow / tool |")
print("|---|---|---|---|")
print(f"| borderflow | gate C3=25, {days} days, 1 thread | {bf_eps / 1e6:.2f} M | 1.00 |")
hand = None
for (label, key), v in sorted(peers.items()):
    eps = st.median(v)
    what = f"gate C3=25, {days} days" if key == "gate_long" else "gate C3=25, 30 days"
    print(f"| {label} | {what} | {eps / 1e6:.3g} M | {bf_eps / eps:.2f} |")
    if label == "rust-baseline" and key == "gate_long":
        hand = eps
if hand is None:
    sys.exit("the hand-written loop's long gate run is missing from run_all.sh's results")
print(f"\nratio borderflow/hand-written events/s: {bf_eps / hand:.2f}")
PY
