#!/usr/bin/env bash
# Run the iomem_dma KUnit suites on one target with the kernel's kunit.py.
# usage: kunit.sh um|arm64|arm [FILTER_GLOB]
#   um: UML with the debug options of tests/kunit/uml-debug.config
#   arm64: QEMU virt, -smp 4, KCSAN, so the concurrent cases (stress,
#   policy writers, unregister races) run on four CPUs under KCSAN
# Writes "passed failed skipped" to $RESULTS/kunit-<target>.counts.
. "$(dirname "$0")/common.sh"

target=${1:?usage: kunit.sh um|arm64|arm [filter]}
filter=${2:-${FILTER:-}}
arch=$target
cross=$(cross_for "$arch")
build=$CACHE/build/kunit-$target
log=$LOGS/kunit-$target.log
counts=$RESULTS/kunit-$target.counts
rm -f "$counts"

args=(run --build_dir="$build" --kunitconfig=drivers/iomem_dma
      --jobs="$JOBS" --timeout="${KUNIT_TIMEOUT:-900}")
if [ "$target" = um ]; then
	args+=(--make_options "CC=ccache gcc")
	while read -r opt; do
		args+=(--kconfig_add "$opt")
	done < <(grep '^CONFIG_' "$REPO/tests/kunit/uml-debug.config")
else
	args+=(--arch="$arch" --cross_compile="$cross"
	       --make_options "CC=ccache ${cross}gcc")
fi
if [ "$target" = arm64 ]; then
	# arm64 offers KCSAN only with EXPERT.
	args+=(--kconfig_add CONFIG_EXPERT=y --kconfig_add CONFIG_DEBUG_KERNEL=y
	       --kconfig_add CONFIG_KCSAN=y
	       --qemu_args "-smp 4")
fi
# KUNIT_ARGS: extra kernel command-line arguments, space separated, e.g.
# KUNIT_ARGS=iomem_dma_stress.ops=1000000 for the long stress run.
for karg in ${KUNIT_ARGS:-}; do
	args+=(--kernel_args "$karg")
done
[ -n "$filter" ] && args+=("$filter")

cd "$KSRC"
start=$(date +%s)
set +e
python3 tools/testing/kunit/kunit.py "${args[@]}" >"$log" 2>&1
rc=$?
set -e
secs=$(( $(date +%s) - start ))

if [ ! -f "$build/test.log" ] || grep -q "Building KUnit Kernel" "$log" &&
   ! grep -q "Starting KUnit Kernel" "$log"; then
	show_log_tail "$log" 30
	die "kunit-$target: the kernel did not build (${secs}s)" "read $log"
fi
set +e
ktap_counts "$build/test.log" "$LOGS/ktap-$target.err"
krc=$?
set -e
p=$KP f=$KF s=$KS
echo "$p $f $s" >"$counts"
summary=$(grep -E "Testing complete" "$log" | tail -n1 | sed 's/^\[[0-9:]*\] //')
echo "kunit-$target: ${summary:-no summary} (${secs}s); counted $p passed, $f failed, $s skipped"
# Any WARNING, BUG or Oops, and sanitizer and debug reports, fail the run
# even when every case passed: a WARN is for our own bugs, and the kernels
# boot without one.
#
# KCSAN reports are sorted by scripts/kcsan_reports.py: one whose racing
# accesses include one made by a function of iomem_dma or its tests fails
# the run; one whose accesses were all made by other kernel code is listed
# and let through. Those seen here: genalloc's lockless bitmap search
# racing a free (genalloc claims bits with cmpxchg and retries, by
# design), and the VFS's dentry code while a test opens sysfs files.
reports=$(grep -E "WARNING:|BUG:|Oops|UBSAN:|iomem_dma kmemleak:|ODEBUG:|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|DMA-API: .*(device driver|driver tries|failed to)" \
	"$build/test.log" | grep -v "BUG: KCSAN:" | head -n 20 || true)
if grep -q "BUG: KCSAN:" "$build/test.log"; then
	syms=$LOGS/kunit-$target.symbols
	find "$build/drivers/iomem_dma" -name '*.o' ! -name '*.mod.o' -print0 |
		xargs -0 "${cross}nm" --defined-only 2>/dev/null |
		awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$syms"
	[ -s "$syms" ] || die "kunit-$target: no symbols of iomem_dma in $build" \
		"rebuild with make kunit-$target"
	set +e
	kcsan=$(python3 "$REPO/scripts/kcsan_reports.py" "$build/test.log" "$syms")
	kcrc=$?
	set -e
	echo "kunit-$target: $(grep -c '^other:' <<<"$kcsan" || true) KCSAN report(s) outside iomem_dma let through:"
	grep '^other:' <<<"$kcsan" | sort | uniq -c | sed 's/^/    /' || true
	if [ "$kcrc" -ne 0 ]; then
		reports=$(printf '%s\n%s' "$reports" "$(grep '^ours:' <<<"$kcsan")")
	fi
fi
if [ -n "$reports" ]; then
	echo "$reports" >&2
	echo "kunit-$target: sanitizer or debug reports in the kernel log" >&2
	rc=1
fi
if [ "$rc" -ne 0 ] || [ "$krc" -ne 0 ] || [ "$f" -ne 0 ]; then
	grep -E "FAILED|CRASHED|not ok|Kernel panic|BUG:|timed out" "$log" | head -n 30 >&2 || true
	cat "$LOGS/ktap-$target.err" >&2 || true
	echo "kunit-$target: FAILED (kunit.py exit $rc); log: $log, kernel output: $build/test.log" >&2
	exit 1
fi
