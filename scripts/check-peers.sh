#!/usr/bin/env bash
# Engine against peers: the three-stage gate of ../shared/peers/ (C3 = 25, 30 days, no warm-up)
# in borderflow (scenarios/examples/peer-gate.toml) and in SimPy, Ciw and salabim, over REPS
# replications each. Compares the mean and the p95 of time in system: they must agree within
# the combined 95 % intervals, sqrt(h_borderflow² + h_peer²). Prints a Markdown table; exits 1
# if any peer disagrees.
#
#   scripts/check-peers.sh [REPS]        # default 10 replications per tool
#   PEERS_DIR=/path/to/peers scripts/check-peers.sh
#
# Needs python3 with simpy, ciw and salabim (`pip install simpy ciw salabim`); a missing peer is
# skipped and named. Not part of the default test command (Python may be absent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peers="${PEERS_DIR:-$root/../shared/peers}"
reps="${1:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$root" && cargo build --release --quiet)
"$root/target/release/borderflow" run "$root/scenarios/examples/peer-gate.toml" \
  --replications "$reps" --seed 1001 --json --quiet --out "$work/borderflow" > "$work/borderflow.json"

tools=()
for tool in simpy ciw salabim; do
  if python3 -c "import $tool" 2>/dev/null; then
    for ((r = 1; r <= reps; r++)); do
      python3 "$peers/${tool}_model.py" gate --c3 25 --seed $((1000 + r)) | grep '^RESULT ' | cut -c8- >> "$work/$tool.jsonl"
    done
    tools+=("$tool")
  else
    echo "skipped $tool: python3 cannot import it (pip install $tool)" >&2
  fi
done

python3 - "$work" "$reps" "${tools[@]}" <<'PY'
import json, math, statistics as st, sys
work, reps, tools = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
T975 = {2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
        14: 2.145, 19: 2.093, 29: 2.045, 49: 2.010, 99: 1.984}
def t975(df):
    return T975.get(df) or T975[min(T975, key=lambda k: abs(k - df))]
def ci(xs):
    m = st.mean(xs); h = t975(len(xs) - 1) * st.stdev(xs) / math.sqrt(len(xs)); return m, h
bf = json.load(open(f"{work}/borderflow.json"))["variants"][0]["gates"][0]
rows = {"borderflow": ((bf["time_in_system_min"]["mean"], 0.5 * (bf["time_in_system_min"]["ci95"][1] - bf["time_in_system_min"]["ci95"][0])),
                       (bf["time_in_system_p95_min"]["mean"], 0.5 * (bf["time_in_system_p95_min"]["ci95"][1] - bf["time_in_system_p95_min"]["ci95"][0])))}
for t in tools:
    runs = [json.loads(l) for l in open(f"{work}/{t}.jsonl")]
    rows[t] = (ci([r["mean_tis"] for r in runs]), ci([r["p95_tis"] for r in runs]))
print(f"Gate C3 = 25, 30 days, {reps} replications per tool (seeds 1001–{1000 + reps}); mean ± 95% half-width, minutes\n")
print("| tool | mean time in system | p95 time in system | agrees with borderflow (mean / p95) |")
print("|---|---|---|---|")
ok = True
(bm, bh), (bp, bph) = rows["borderflow"]
for name, ((m, h), (p, ph)) in rows.items():
    if name == "borderflow":
        verdict = "–"
    else:
        a1 = abs(m - bm) <= math.hypot(h, bh); a2 = abs(p - bp) <= math.hypot(ph, bph)
        ok &= a1 and a2
        verdict = f"{'yes' if a1 else 'NO'} (|Δ| {abs(m - bm):.2f} ≤ {math.hypot(h, bh):.2f}) / {'yes' if a2 else 'NO'} (|Δ| {abs(p - bp):.2f} ≤ {math.hypot(ph, bph):.2f})"
    print(f"| {name} | {m:.2f} ± {h:.2f} | {p:.2f} ± {ph:.2f} | {verdict} |")
if not tools:
    print("\nno peer could run: nothing compared")
print("\nresult:", "agree" if ok else "DISAGREE")
sys.exit(0 if ok else 1)
PY
