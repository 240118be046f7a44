#!/usr/bin/env bash
# Lint gates on the project's kernel code: checkpatch --strict, sparse
# (C=2) with W=1 on arm64 and arm, kernel-doc -Wall, and the ABI entries (get_abi.pl
# validate; every entry with KernelVersion and a Contact address). Needs the configured
# build directories of the arm64 and arm KUnit kernels and of the board.
. "$(dirname "$0")/common.sh"

cd "$REPO"
mapfile -t files < <(find drivers include tests/kunit tests/drivers \
	tests/board tests/tools tools -name '*.[ch]' 2>/dev/null | sort)
[ ${#files[@]} -gt 0 ] || die "no C files found to lint" "run from a complete checkout"
bad=0

echo "lint: checkpatch --strict on ${#files[@]} files"
for f in "${files[@]}"; do
	ignore=$(awk -v f="$f" '$1 == f { print $2 }' .checkpatch-exceptions | paste -sd, -)
	out=$(cd "$KSRC" && ./scripts/checkpatch.pl --strict --quiet --terse \
		--show-types ${ignore:+--ignore "$ignore"} -f "$REPO/$f" 2>&1 |
		grep -v '^total:' || true)
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
done

# The KUnit kernels build the core on both architectures; the board
# kernels add the board-only suites (PCI agreement, benchmarks) and the
# client drivers of tests/drivers/ (edu, dmaengine).
for bt in kunit-arm64:arm64 kunit-arm:arm board-arm64:arm64 board-zynq:arm; do
	b=${bt%%:*} t=${bt##*:}
	build=$CACHE/build/$b
	cross=$(cross_for "$t")
	if [ ! -f "$build/.config" ]; then
		echo "lint: $build is not configured; run 'make check' (or make kunit-$t / make demo) first" >&2
		bad=1
		continue
	fi
	echo "lint: sparse C=2 W=1 on drivers/iomem_dma/ ($b)"
	log=$LOGS/sparse-$b.log
	if ! make -C "$KSRC" O="$build" ARCH="$t" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" C=2 W=1 -j"$JOBS" drivers/iomem_dma/ \
		>"$log" 2>&1; then
		show_log_tail "$log" 30
		bad=1
	fi
	if grep -E "drivers/iomem_dma|include/linux/iomem_dma" "$log" |
	   grep -E "warning|error"; then
		bad=1
	fi
done

echo "lint: kernel-doc -Wall"
out=$("$KSRC/scripts/kernel-doc" -none -Wall include/linux/iomem_dma*.h \
	drivers/iomem_dma/*.c 2>&1 || true)
if [ -n "$out" ]; then
	echo "$out"
	bad=1
fi

echo "lint: ABI entries (the kernel's get_abi.pl validate)"
out=$(perl "$KSRC/scripts/get_abi.pl" --dir Documentation/ABI validate 2>&1 || echo "get_abi.pl failed")
if [ -n "$out" ]; then
	echo "$out"
	bad=1
fi
for f in Documentation/ABI/testing/*; do
	w=$(grep -c '^What:' "$f"); k=$(grep -c '^KernelVersion:' "$f"); c=$(grep -c '^Contact:.*<.*@.*>' "$f")
	if [ "$w" -ne "$k" ] || [ "$w" -ne "$c" ]; then
		echo "$f: $w entries, $k with KernelVersion, $c with a Contact address"
		bad=1
	fi
done

if [ "$bad" -ne 0 ]; then
	echo "lint: FAILED" >&2
	exit 1
fi
echo "lint: clean (checkpatch, sparse, W=1, kernel-doc, ABI)"
