#!/usr/bin/env bash
# Rebuild every bundled table from ../shared/data (or $REALIGN_SOURCE_DIR). States first: the
# WWII events table uses the dated resolver, which reads the states table.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-../.venv/bin/python}
for t in states nmc atop war_participants war_dyads contiguity mids democracy religion territorial_change ww2_events fronts ww2_series; do
  "$PY" "build_${t}.py"
done
