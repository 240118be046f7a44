#!/usr/bin/env bash
# Build tools/ for the host and run their tests (TAP); count the cases.
. "$(dirname "$0")/common.sh"

log=$LOGS/tools.log
counts=$RESULTS/tools.counts
rm -f "$counts"
set +e
bash "$REPO/tests/tools/run.sh" "$CACHE/build/tools" >"$log" 2>&1
rc=$?
set -e
p=$(grep -cE '^ok [0-9]+ - ' "$log" | tr -d ' ' || true)
s=$(grep -cE '^ok [0-9]+ - .*# SKIP' "$log" || true)
f=$(grep -cE '^not ok [0-9]+ - ' "$log" || true)
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | tail -n1)
p=$((p - s))
echo "$p $f $s" >"$counts"
echo "tools: $p passed, $f failed, $s skipped (plan ${plan:-none}); log: $log"
if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$((p + f + s))" != "${plan:-x}" ]; then
	grep -E '^not ok|^#' "$log" | head -n 30 >&2
	die "tools: FAILED" "see $log"
fi
