#!/usr/bin/env bash
# `make check`: every test, in order, stopping at the first red stage.
# The last line of output is always "N passed, N failed[, N skipped]".
. "$(dirname "$0")/common.sh"

passed=0 failed=0 skipped=0
stage_no=0
stages=(
	"deps|Debian packages|scripts/deps.sh"
	"overlay|kernel source and overlay|scripts/ksrc.sh"
	"dtschema|devicetree bindings (dt-schema, yamllint, examples, negative cases)|scripts/dtschema.sh"
	"kunit-um|KUnit on UML|scripts/kunit.sh um"
	"kunit-arm64|KUnit on QEMU arm64 virt, 4 CPUs, KCSAN|scripts/kunit.sh arm64"
	"kunit-arm|KUnit on QEMU arm virt|scripts/kunit.sh arm"
	"board|arm64 board: PCIe fabric, edu DMA, upstream agreement, devicetree carve-out, deliberate oopses|scripts/board.sh"
	"board-smmu|arm64 board behind an SMMUv3: IOMMU state in verdicts, DMA through the IOMMU, identity domains|scripts/board.sh --smmu"
	"board-zynq|zynq board: pl330 dmaengine into OCM, devicetree region and policy|scripts/board-zynq.sh"
	"dts|board devicetrees: dt-schema (our bindings), iomem-dma-dtcheck|scripts/dts.sh"
	"tools|host tests of tools/ (iomem-dma-ctl, iomem-dma-dtcheck, libFuzzer runs)|scripts/tools.sh"
	"lint|lint gates (checkpatch, sparse, W=1, kernel-doc)|scripts/lint.sh"
	"patch|patch export applies to pristine 6.12 and builds|scripts/patch.sh --verify"
)

summary() {
	local line="$passed passed, $failed failed"
	[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
	echo "$line"
}

add_counts() {
	local f=$RESULTS/$1.counts p f2 s
	[ -f "$f" ] || return 0
	read -r p f2 s <"$f"
	passed=$((passed + p)) failed=$((failed + f2)) skipped=$((skipped + s))
}

rm -f "$RESULTS"/*.counts
start=$(date +%s)
for st in "${stages[@]}"; do
	IFS='|' read -r id name cmd <<<"$st"
	stage_no=$((stage_no + 1))
	echo "==> [$stage_no/${#stages[@]}] $name"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	if ! bash "$REPO"/$cmd; then
		add_counts "$id"
		echo "make check: FAILED at stage '$name' after $(( $(date +%s) - start ))s" >&2
		[ "$failed" -gt 0 ] || failed=$((failed + 1))
		summary
		exit 1
	fi
	add_counts "$id"
	echo "    ($(( $(date +%s) - t0 ))s)"
done

echo "make check: all stages green in $(( $(date +%s) - start ))s"
if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "make check: no test ran" >&2
	summary
	exit 1
fi
summary
[ "$failed" -eq 0 ]
