#!/usr/bin/env bash
# The zynq board: build a 32-bit ARM kernel for QEMU xilinx-zynq-a9
# (allnoconfig + tests/board/zynq.config) and the kernel's zc702 DTB with
# symbols, apply dts/zynq-qemu.dtso and dts/zynq-ocm.dtso with fdtoverlay,
# boot it with tests/board/zynq-init.c as /init, and count its checks:
# pl330 dmaengine memcpy between RAM and the OCM as a devicetree peer DMA
# region, verdicts, an administrator deny rule and its removal; then a
# second boot where the devicetree denies the pair (dts/zynq-ocm-deny.dtso)
# and an administrator allow rule overrides it.
# Writes $RESULTS/board-zynq.counts ("PASSED FAILED SKIPPED").
. "$(dirname "$0")/common.sh"

build=$CACHE/build/board-zynq
cross=arm-linux-gnueabihf-
out=$CACHE/out/board-zynq
log=$LOGS/board-zynq-build.log
boot=$LOGS/board-zynq-boot.log
counts=$RESULTS/board-zynq.counts
fragment=$REPO/tests/board/zynq.config
marker="iomem_dma board-zynq: done"
limit=${BOARD_TIMEOUT:-600}
rm -f "$counts"
mkdir -p "$build" "$out/root/proc" "$out/root/sys" "$out/root/dev"

[ -f "$KSRC/drivers/iomem_dma/Kconfig" ] ||
	die "board-zynq: $KSRC has no iomem_dma overlay" "run 'make overlay' (scripts/ksrc.sh)"
for t in ${cross}gcc qemu-system-arm dtc fdtoverlay; do
	command -v "$t" >/dev/null ||
		die "board-zynq: $t not found" "run 'make deps'"
done

kmake() {
	make -C "$KSRC" O="$build" ARCH=arm CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" "$@"
}

echo "board-zynq: building the zynq kernel (log: $log)"
# allnoconfig with the fragment as the preset values: every symbol not in
# it is off, so the kernel stays small.
kmake KCONFIG_ALLCONFIG="$fragment" allnoconfig >"$log" 2>&1 ||
	{ show_log_tail "$log" 30; die "board-zynq: allnoconfig failed" "see $log"; }
missing=$(grep '^CONFIG_' "$fragment" | while read -r l; do
	grep -qx "$l" "$build/.config" || echo "$l"
done)
[ -z "$missing" ] ||
	die "board-zynq: .config lacks: $(echo "$missing" | tr '\n' ' ')" \
		"a dependency of these is off; fix tests/board/zynq.config"
kmake -j"$JOBS" DTC_FLAGS=-@ zImage xilinx/zynq-zc702.dtb >>"$log" 2>&1 ||
	{ show_log_tail "$log" 30; die "board-zynq: the zynq kernel did not build" "see $log"; }
grep -E 'warning:' "$log" | grep -E 'iomem_dma|dmaengine_client' >&2 &&
	die "board-zynq: compiler warnings in project files" "see $log"

echo "board-zynq: applying the overlays"
base=$build/arch/arm/boot/dts/xilinx/zynq-zc702.dtb
for o in zynq-qemu zynq-ocm zynq-ocm-deny; do
	dtc -q -@ -I dts -O dtb -o "$out/$o.dtbo" "$REPO/dts/$o.dtso" ||
		die "board-zynq: dts/$o.dtso does not compile" "run dtc on it to see why"
done
{ fdtoverlay -i "$base" -o "$out/board.dtb" "$out/zynq-qemu.dtbo" "$out/zynq-ocm.dtbo" &&
	fdtoverlay -i "$out/board.dtb" -o "$out/board-deny.dtb" "$out/zynq-ocm-deny.dtbo"; } ||
	die "board-zynq: fdtoverlay could not apply the overlays" \
		"is $base built with DTC_FLAGS=-@ (needs __symbols__)?"
# For scripts/dts.sh, which checks every board's devicetree.
mkdir -p "$CACHE/out/dtbs"
cp "$out/board.dtb" "$CACHE/out/dtbs/zynq-ocm.dtb"
cp "$out/board-deny.dtb" "$CACHE/out/dtbs/zynq-ocm-deny.dtb"
# The merged tree may not warn more than the board's own tree does
# (duplicate unit addresses only among enabled nodes, as the kernel does).
dtcw() {
	dtc -I dtb -O dts -o /dev/null -Wno-unique_unit_address \
		-Wunique_unit_address_if_enabled "$1" 2>&1 | sed 's/^[^:]*: //' | sort
}
for t in board board-deny; do
	new=$(comm -13 <(dtcw "$base") <(dtcw "$out/$t.dtb"))
	[ -z "$new" ] || die "board-zynq: the overlays add dtc warnings ($t): $new" "fix dts/*.dtso"
done

# The host checker must agree: the routed board is clean, and the deny
# board's consumer names a region its own node denies (an error there).
make -s -C "$REPO/tools" O="$out/tools" dtcheck >>"$log" 2>&1 ||
	{ show_log_tail "$log" 20; die "board-zynq: iomem-dma-dtcheck did not build" "is libfdt-dev installed? run 'make deps'"; }
"$out/tools/iomem-dma-dtcheck" -W "$out/board.dtb" ||
	die "board-zynq: iomem-dma-dtcheck rejects board.dtb" "fix dts/zynq-ocm.dtso"
deny_report=$("$out/tools/iomem-dma-dtcheck" -W "$out/board-deny.dtb" 2>&1 || true)
grep -q "denied by peer-dma-deny" <<<"$deny_report" ||
	die "board-zynq: iomem-dma-dtcheck does not see the deny in board-deny.dtb" "compare tools/iomem-dma-dtcheck with dts/zynq-ocm-deny.dtso"

${cross}gcc -static -Os -Wall -Werror -I"$REPO/include/uapi" -o "$out/root/init" \
	"$REPO/tests/board/zynq-init.c" ||
	die "board-zynq: the static init did not build" "see the compiler output above"
mkdir -p "$out/root/bin"
make -s -C "$REPO/tools" O="$out/tools-arm" CROSS_COMPILE="$cross" STATIC=1 \
	LIBFDT_SRC="$KSRC/scripts/dtc/libfdt" >>"$log" 2>&1 ||
	{ show_log_tail "$log" 20; die "board-zynq: the tools did not build for arm" "see $log"; }
cp "$out/tools-arm/iomem-dma-ctl" "$out/tools-arm/iomem-dma-dtcheck" "$out/root/bin/"
(cd "$out/root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initramfs.cpio.gz"

# One boot: the DTB, extra kernel arguments, the log. Sets BP and BF.
boot_board() {
	local dtb=$1 extra=$2 blog=$3 qpid qrc waited=0 plan
	echo "board-zynq: booting QEMU xilinx-zynq-a9 with $(basename "$dtb") (log: $blog)"
	# The board cannot power off: the init resets it after the marker,
	# which ends QEMU (-no-reboot), as does a panic (panic=-1). If the
	# reset does not come, stop QEMU ourselves.
	: >"$blog"
	timeout "$limit" qemu-system-arm -machine xilinx-zynq-a9 -m 512M \
		-nographic -no-reboot -serial null -serial mon:stdio \
		-kernel "$build/arch/arm/boot/zImage" -dtb "$dtb" \
		-initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyPS0,115200 rdinit=/init panic=-1 $extra" \
		</dev/null >"$blog" 2>&1 &
	qpid=$!
	while kill -0 "$qpid" 2>/dev/null; do
		if grep -q "$marker" "$blog"; then
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				kill -0 "$qpid" 2>/dev/null || break
				sleep 1
			done
			kill "$qpid" 2>/dev/null || true
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	set +e
	wait "$qpid"
	qrc=$?
	set -e
	sed -i 's/\r$//' "$blog"

	grep -q "$marker" "$blog" ||
		{ show_log_tail "$blog" 40; die "board-zynq: the board did not finish (qemu exit $qrc after ${waited}s)" "see $blog"; }
	BP=$(grep -c '^board-zynq: ok ' "$blog" || true)
	BF=$(grep -c '^board-zynq: not ok ' "$blog" || true)
	plan=$(sed -n 's/^board-zynq: 1\.\.\([0-9]*\)$/\1/p' "$blog" | tail -n1)
	[ "$((BP + BF))" = "${plan:-x}" ] ||
		die "board-zynq: $((BP + BF)) results for a plan of ${plan:-none}" "see $blog"
	echo "board-zynq: $BP of $plan checks passed"
}

boot_board "$out/board.dtb" "" "$boot"
p1=$BP f1=$BF
boot_board "$out/board-deny.dtb" "board_zynq=fw-deny" "$LOGS/board-zynq-deny-boot.log"
echo "$((p1 + BP)) $((f1 + BF)) 0" >"$counts"
if [ "$((f1 + BF))" -ne 0 ]; then
	grep -h '^board-zynq: not ok' "$boot" "$LOGS/board-zynq-deny-boot.log" >&2 || true
	die "board-zynq: FAILED" "see $boot and $LOGS/board-zynq-deny-boot.log"
fi
