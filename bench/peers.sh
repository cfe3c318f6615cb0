#!/usr/bin/env bash
# Kalkyl side by side with its peers (issue #6): builds Kalkyl (release), installs the peers in a
# Python virtual environment (bench/.venv), writes the workloads, times every engine on each and
# prints Markdown — the content of docs/performance.md:
#
#   bench/peers.sh > docs/performance.md
#
# Settings (environment): SCRATCH (Swift build folder, default .build), RUNS (default 3),
# PEER_TIMEOUT (seconds for one engine on one workload, default 180), FORMULAS_TIMEOUT (default 60),
# ROWS (ledger rows, default 100000; a small number makes a quick trial run), COMPARE_FLAGS (passed
# to bench/compare.py, e.g. --skip-breakdown). Progress goes to stderr; it takes 10–15 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

SCRATCH=${SCRATCH:-.build}
RUNS=${RUNS:-3}
PEER_TIMEOUT=${PEER_TIMEOUT:-180}
FORMULAS_TIMEOUT=${FORMULAS_TIMEOUT:-60}
ROWS=${ROWS:-100000}
VENV=bench/.venv
# Versions that install and run here (Python 3.11, x86-64 Linux).
PEER_PACKAGES=(formualizer==0.13.0 ironcalc==0.9.1 formulas==1.3.4 openpyxl==3.1.5)

note() { echo "peers.sh: $*" >&2; }

note "building Kalkyl (release, $SCRATCH)"
swift build -c release --scratch-path "$SCRATCH" --product kalkyl-bench >&2
swift build -c release --scratch-path "$SCRATCH" --product kalkyl >&2
BIN="$SCRATCH/release"

PYTHON=python3
if [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" >&2; then
    PYTHON="$VENV/bin/python"
    # One at a time, so that one that cannot be installed leaves the others measured.
    for package in "${PEER_PACKAGES[@]}"; do
        "$PYTHON" -m pip install --quiet --disable-pip-version-check "$package" >&2 \
            || note "could not install $package: it is left out of the comparison"
    done
else
    note "could not create the virtual environment $VENV: only Kalkyl (and LibreOffice) are measured"
fi
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 \
    || note "LibreOffice (soffice) is not installed: the end-to-end comparison shows Kalkyl alone" \
            "(apt-get install libreoffice-calc-nogui)"

WORKLOADS="$SCRATCH/peer-workloads"
note "writing the workloads into $WORKLOADS"
"$BIN/kalkyl-bench" workloads --rows "$ROWS" -o "$WORKLOADS" >&2

note "measuring (progress below; the report goes to stdout)"
# shellcheck disable=SC2086  # COMPARE_FLAGS is a list of flags
"$PYTHON" bench/compare.py --manifest "$WORKLOADS/workloads.json" --bin "$BIN" --runs "$RUNS" \
    --timeout "$PEER_TIMEOUT" --formulas-timeout "$FORMULAS_TIMEOUT" ${COMPARE_FLAGS:-}
