#!/usr/bin/env bash
# Checks report.html the way a reader sees it, in a real browser:
#   1. installs Debian's chromium if it is missing (root only), and the playwright Python
#      package (only its driver: the browser is the system Chromium, never a download);
#   2. builds borderflow and runs scenarios/lang-son.toml briefly (2 replications) for a
#      report.html, and the decision commands (sweep, sensitivity, optimise) on
#      scenarios/examples/decisions-toy.toml for theirs, unless REPORT names one page instead;
#   3. renders it at 1400 px and 420 px wide (scripts/browser_check.py) and fails if, at
#      420 px, anything sticks out sideways outside a scrolling container; if a figure's
#      SVG or an image does not render, or a linked .svg/.png/.json/.csv file is missing;
#      if the console shows an error; or if chart or page text is under 11 px;
#   4. saves full-page screenshots at both widths in <run>/screenshots/.
# Exit codes: 0 passed, 1 failed, 77 skipped (Chromium or playwright missing and cannot be
# installed, or Chromium does not start).
#   scripts/browser-check.sh                                        # build, run, check
#   REPORT=output/lang-son/<run-id>/report.html scripts/browser-check.sh   # check this file
#   BORDERFLOW=path/to/borderflow scripts/browser-check.sh   # run that binary, build nothing
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
python="${PYTHON:-python3}"
skip() { echo "browser-check: SKIPPED: $*"; exit 77; }

# --- the browser: Debian's chromium
if [[ ! -x "$chromium" ]]; then
  [[ "$(id -u)" == 0 ]] || skip "Chromium is not installed ($chromium missing) and this is not root"
  echo "browser-check: installing chromium from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium) > /tmp/browser-check-apt.log 2>&1 \
    || skip "apt-get could not install chromium (log: /tmp/browser-check-apt.log)"
  [[ -x "$chromium" ]] || skip "chromium was installed but $chromium is not there"
fi
export CHROMIUM="$chromium"
# (the Debian launcher script prints a harmless shell warning on stderr; hide it)
echo "browser-check: $("$chromium" --version 2>/dev/null | head -1 || true)"

# --- the driver: the playwright pip package (its bundled browsers are never downloaded)
if ! "$python" -c 'import playwright.sync_api' 2>/dev/null; then
  echo "browser-check: installing the playwright Python package"
  "$python" -m pip install --quiet playwright > /tmp/browser-check-pip.log 2>&1 \
    || skip "pip could not install playwright (log: /tmp/browser-check-pip.log)"
fi

# --- the report: a short run of the main study, or the file named by REPORT
if [[ -n "${REPORT:-}" ]]; then
  report="$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")"
  [[ -f "$report" ]] || { echo "browser-check: FAILED: REPORT=$REPORT is not a file"; exit 1; }
else
  check=browser-check
  source "$root/scripts/borderflow-binary.sh"
  work="$(mktemp -d /tmp/browser-check.XXXXXX)"
  echo "browser-check: running scenarios/lang-son.toml (-n 2, with a trace) into $work/run"
  (cd "$root" && "$bf" run scenarios/lang-son.toml -n 2 \
      --trace "$work/trace.csv" --out "$work/run" --quiet > "$work/run.log" 2>&1) \
    || { echo "browser-check: FAILED: borderflow run failed"; tail -20 "$work/run.log"; exit 1; }
  reports=("$work/run/report.html")
  # the decision pages (sweep, sensitivity, optimise) on the toy whose answers are known
  toy="$root/scenarios/examples/decisions-toy.toml"
  echo "browser-check: running sweep, sensitivity and optimise on scenarios/examples/decisions-toy.toml"
  for cmd in "sweep --set gates.gate.stages.customs.servers=4,8 --variant a -n 6" \
             "sensitivity -n 4 --sobol-rows 8" "optimise"; do
    name="${cmd%% *}"
    # shellcheck disable=SC2086  # $cmd is a command and its options, split on purpose
    (cd "$root" && "$bf" $cmd "$toy" -q --out "$work/$name" \
        > "$work/$name.log" 2>&1) \
      || { echo "browser-check: FAILED: borderflow $name failed"; tail -20 "$work/$name.log"; exit 1; }
    reports+=("$work/$name/report.html")
  done
fi

# --- render and judge each page; screenshots go next to it, never into git
[[ -n "${REPORT:-}" ]] && reports=("$report")
worst=0
for report in "${reports[@]}"; do
  rc=0
  "$python" "$root/scripts/browser_check.py" "$report" "$(dirname "$report")/screenshots" || rc=$?
  case "$rc" in
    0) ;;
    1) worst=1 ;;
    77) exit 77 ;;
    *) echo "browser-check: FAILED (the check itself crashed with exit code $rc; see above)"; exit 1 ;;
  esac
done
exit "$worst"
