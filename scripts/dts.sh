#!/usr/bin/env bash
# The board devicetrees the board stages booted ($CACHE/out/dtbs): each
# validated against our bindings with dt-schema (a dtbs_check of what we
# add) and checked by iomem-dma-dtcheck -W, which must find nothing
# except in the boards that deny on purpose (*-deny.dtb), where it must
# report the contradiction. QEMU's own dump (virt-qemu.dtb) is the base,
# not a board file, and is skipped.
. "$(dirname "$0")/dtschema.sh"

dtbs=$CACHE/out/dtbs
log=$LOGS/dts.log
counts=$RESULTS/dts.counts
rm -f "$counts"
mapfile -t boards < <(find "$dtbs" -name '*.dtb' ! -name virt-qemu.dtb 2>/dev/null | sort)
[ ${#boards[@]} -gt 0 ] || die "dts: no board devicetree in $dtbs" "run the board stages first (make board board-zynq)"

tools=$CACHE/build/dts-tools
make -s -C "$REPO/tools" O="$tools" dtcheck >"$LOGS/dts-build.log" 2>&1 ||
	{ show_log_tail "$LOGS/dts-build.log" 20; die "dts: iomem-dma-dtcheck did not build" "see $LOGS/dts-build.log"; }

dtcheck_board() {
	local dtb=$1 name out rc
	name=$(basename "$dtb")
	out=$DT_WORK/dtcheck-$name.msg
	set +e
	"$tools/iomem-dma-dtcheck" -W "$dtb" >"$out" 2>&1
	rc=$?
	set -e
	case $name in
	*-deny.dtb)
		if [ "$rc" -eq 1 ] && grep -q "can never allow" "$out"; then
			dt_ok "iomem-dma-dtcheck reports the deliberate deny in $name"
		else
			dt_nok "iomem-dma-dtcheck reports the deliberate deny in $name (exit $rc)" "$out"
		fi ;;
	*)
		if [ "$rc" -eq 0 ]; then
			dt_ok "iomem-dma-dtcheck -W: $name is clean"
		else
			dt_nok "iomem-dma-dtcheck -W: $name is clean (exit $rc)" "$out"
		fi ;;
	esac
}

dtschema_setup
{
	dtschema_check_dtbs "${boards[@]}" || true
	for b in "${boards[@]}"; do
		dtcheck_board "$b"
	done
	echo "1..$DT_N"
} >"$log" 2>&1
echo "$DT_PASSED $DT_FAILED $DT_SKIPPED" >"$counts"
echo "dts: ${#boards[@]} board devicetrees; $DT_PASSED passed, $DT_FAILED failed; log: $log"
if [ "$DT_FAILED" -ne 0 ] || [ "$DT_PASSED" -eq 0 ]; then
	grep -A20 '^not ok' "$log" | head -n 40 >&2
	die "dts: FAILED" "see $log"
fi
