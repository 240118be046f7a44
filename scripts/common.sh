# shellcheck shell=bash
# Shared settings for the iomem_dma harness scripts. Sourced, not run.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${IOMEM_DMA_CACHE:-$HOME/.cache/iomem_dma}
TARBALL=${IOMEM_DMA_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
KSRC_DEFAULT=$CACHE/linux-6.12
KSRC=${KSRC:-$KSRC_DEFAULT}
LOGS=$CACHE/logs
RESULTS=$CACHE/results
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
mkdir -p "$CACHE" "$CACHE/build" "$CACHE/out" "$LOGS" "$RESULTS"

# One line of cause and one of fix, then exit.
die() {
	echo "error: $1" >&2
	[ $# -ge 2 ] && echo "  fix: $2" >&2
	exit 1
}

# Print the last lines of a log after a failure, and where it is.
show_log_tail() {
	local log=$1 n=${2:-40}
	echo "---- last $n lines of $log ----" >&2
	tail -n "$n" "$log" >&2 || true
	echo "---- full log: $log ----" >&2
}

cross_for() {
	case $1 in
	um) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	arm) echo "arm-linux-gnueabihf-" ;;
	*) die "unknown target '$1'" "use one of: um arm64 arm" ;;
	esac
}

# Count the KUnit cases in a kernel log: sets KP KF KS (passed, failed,
# skipped) and returns ktap_count.py's status (1 truncated, 2 no test).
ktap_counts() {
	local out rc
	out=$(python3 "$REPO/scripts/ktap_count.py" "$1" 2>"$2")
	rc=$?
	read -r KP KF KS <<<"$out"
	KP=${KP:-0} KF=${KF:-0} KS=${KS:-0}
	return $rc
}
