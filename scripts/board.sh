#!/usr/bin/env bash
# The arm64 board: build the kernel (iomem_dma + PCI and devicetree
# backends + edu client + the PCI KUnit suite), boot QEMU arm64 virt on a
# PCIe fabric with a switch, root ports and the root bus, with QEMU's DTB
# plus dts/virt-carveout.dtso (a devicetree provider on a no-map
# carve-out), and run tests/board/board-init.c (with iomem-dma-ctl and
# iomem-dma-dtcheck in /bin); then boot again with
# dts/virt-carveout-policy.dtso for the devicetree policy checks.
# usage: board.sh [--demo|--bench|--bench-only|--bench-notrace|--smmu]
#   --demo   print the story instead of the checks (with one SMMUv3 boot)
#   --bench  boot with iomem_dma_bench.full=1 and print the benchmark table
#   --bench-only  one boot that runs the benchmarks and no board checks
#            (board_bench_only), log board-boot-benchonly.log
#   --bench-notrace  the same on the same kernel built without the
#            iomem_dma trace events (CONFIG_IOMEM_DMA_TRACE=n; everything
#            else, ftrace included, as in the board kernel), in a build of
#            its own, log board-boot-notrace.log
#   --smmu   only the SMMUv3 boots: the same kernel and fabric on
#            -machine virt,iommu=smmuv3, once with translating DMA domains
#            and once with iommu.passthrough=1 (identity domains)
. "$(dirname "$0")/common.sh"

mode=${1:-check}
extra_args=
kconfig_add=()
[ "$mode" = --bench ] && extra_args="iomem_dma_bench.full=1"
build=$CACHE/build/board-arm64
cross=aarch64-linux-gnu-
out=$CACHE/out/board
log=$LOGS/board-build.log
boot=$LOGS/board-boot.log
bench_out=$CACHE/out/bench.txt
case $mode in
--bench-only)
	extra_args="iomem_dma_bench.full=1 board_bench_only"
	boot=$LOGS/board-boot-benchonly.log
	bench_out=$CACHE/out/bench-only.txt
	;;
--bench-notrace)
	extra_args="iomem_dma_bench.full=1 board_bench_only"
	kconfig_add=(--kconfig_add CONFIG_IOMEM_DMA_TRACE=n)
	build=$CACHE/build/board-arm64-notrace
	out=$CACHE/out/board-notrace
	log=$LOGS/board-notrace-build.log
	boot=$LOGS/board-boot-notrace.log
	bench_out=$CACHE/out/bench-notrace.txt
	;;
esac
bench_only=false
case $mode in --bench-only|--bench-notrace) bench_only=true ;; esac
counts=$RESULTS/board.counts
[ "$mode" = --smmu ] && counts=$RESULTS/board-smmu.counts
$bench_only && counts=$RESULTS/board$mode.counts
rm -f "$counts"
mkdir -p "$out/root/proc" "$out/root/sys" "$out/root/dev"

echo "board: building the arm64 kernel (log: $log)"
(cd "$KSRC" && python3 tools/testing/kunit/kunit.py build \
	--build_dir="$build" --arch=arm64 --cross_compile="$cross" \
	--kunitconfig="$REPO/tests/board/demo-arm64.kunitconfig" "${kconfig_add[@]}" \
	--jobs="$JOBS" --make_options "CC=ccache ${cross}gcc") >"$log" 2>&1 ||
	{ show_log_tail "$log" 30; die "board: the arm64 kernel did not build" "see $log"; }
${cross}gcc -static -Os -Wall -Werror -I"$REPO/include/uapi" -o "$out/root/init" \
	"$REPO/tests/board/board-init.c" ||
	die "board: the static init did not build" "is gcc-aarch64-linux-gnu installed? run 'make deps'"
mkdir -p "$out/root/bin"
# The tools, static; iomem-dma-dtcheck with the kernel tree's libfdt
# (Debian has no arm64 libfdt for a cross build).
make -s -C "$REPO/tools" O="$out/tools" CROSS_COMPILE="$cross" STATIC=1 \
	LIBFDT_SRC="$KSRC/scripts/dtc/libfdt" >>"$log" 2>&1 ||
	{ show_log_tail "$log" 20; die "board: the tools did not build for arm64" "see $log"; }
cp "$out/tools/iomem-dma-ctl" "$out/tools/iomem-dma-dtcheck" "$out/root/bin/"
(cd "$out/root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initramfs.cpio.gz"

# The machine, the same for the DTB dump and the boots. The third root
# port's two functions share it as their nearest common bridge, the one
# place on QEMU 7.2 where a port with ACS (root ports only) lies between
# two endpoints below a common bridge: upstream's ACS message there is
# what KUnit's pci_explain_acs_matches_upstream compares with.
machine=(-machine virt -cpu cortex-a57 -m 1G -smp 2 -nographic -no-reboot -nic none
	-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0
	-device pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0
	-device x3130-upstream,id=up1,bus=rp1
	-device xio3130-downstream,id=dn1,bus=up1,chassis=11,slot=0
	-device xio3130-downstream,id=dn2,bus=up1,chassis=12,slot=0
	-object memory-backend-ram,id=m1,size=1M
	-device ivshmem-plain,id=iv1,memdev=m1,bus=dn1
	-device edu,dma_mask=0xffffffffffffffff,bus=dn2
	-object memory-backend-ram,id=m2,size=1M
	-device ivshmem-plain,id=iv2,memdev=m2,bus=rp2
	-device pci-testdev,membar=65536,bus=pcie.0
	-device pcie-root-port,id=rp3,chassis=3,slot=3,bus=pcie.0
	-device pci-testdev,membar=65536,bus=rp3,addr=0.0,multifunction=on
	-device pci-testdev,membar=65536,bus=rp3,addr=0.1)

# The devicetree: QEMU's own, plus our overlays (dts/).
dtbs=$CACHE/out/dtbs
mkdir -p "$dtbs"
qemu-system-aarch64 -machine virt,dumpdtb="$dtbs/virt-qemu.dtb" "${machine[@]:2}" \
	>"$LOGS/board-dumpdtb.log" 2>&1 ||
	{ show_log_tail "$LOGS/board-dumpdtb.log" 10; die "board: QEMU did not dump its DTB" "see $LOGS/board-dumpdtb.log"; }
for o in virt-carveout virt-carveout-policy; do
	dtc -q -@ -I dts -O dtb -i "$REPO/dts" -o "$out/$o.dtbo" "$REPO/dts/$o.dtso" &&
		fdtoverlay -i "$dtbs/virt-qemu.dtb" -o "$dtbs/$o.dtb" "$out/$o.dtbo" ||
		die "board: dts/$o.dtso does not apply to QEMU's DTB" "check it with dtc and fdtoverlay"
done

# boot_counts LOG WHAT QEMU_EXIT: add LOG's board checks to bp, bf and plan;
# the boot must have finished and printed a result for every check planned.
bp=0 bf=0 plan=0
boot_counts() {
	local log=$1 what=$2 qrc=$3 p f n
	grep -q "iomem_dma board: done" "$log" ||
		{ show_log_tail "$log" 40; die "board: the $what did not finish (qemu exit $qrc)" "see $log"; }
	p=$(grep -c '^board: ok ' "$log" || true)
	f=$(grep -c '^board: not ok ' "$log" || true)
	n=$(sed -n 's/^board: 1\.\.\([0-9]*\)$/\1/p' "$log" | tail -n1)
	[ "$((p + f))" = "${n:-x}" ] ||
		die "board: $((p + f)) results for a plan of ${n:-none} in the $what" "see $log"
	bp=$((bp + p)) bf=$((bf + f)) plan=$((plan + n))
}

# A boot without QEMU's DTB replaced (QEMU builds its own, with the SMMU
# if MACHINE asks for one) and without KUnit. Sets BOOT_QRC.
# plain_boot LOG MACHINE ARGS
plain_boot() {
	local blog=$1 m=("${machine[@]}")
	m[1]=$2
	echo "board: booting QEMU arm64 $2 $3 (log: $blog)"
	set +e
	timeout "${BOARD_TIMEOUT:-900}" qemu-system-aarch64 "${m[@]}" \
		-kernel "$build/arch/arm64/boot/Image.gz" \
		-initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyAMA0 rdinit=/init kunit.enable=0 $3" \
		</dev/null >"$blog" 2>&1
	BOOT_QRC=$?
	set -e
	sed -i 's/\r$//' "$blog"
}

if [ "$mode" = --smmu ]; then
	plain_boot "$LOGS/board-smmu-boot.log" virt,iommu=smmuv3 board_smmu
	boot_counts "$LOGS/board-smmu-boot.log" "SMMUv3 boot" "$BOOT_QRC"
	plain_boot "$LOGS/board-smmu-identity-boot.log" virt,iommu=smmuv3 \
		"board_smmu iommu.passthrough=1"
	boot_counts "$LOGS/board-smmu-identity-boot.log" "SMMUv3 identity boot" "$BOOT_QRC"
	echo "$bp $bf 0" >"$counts"
	echo "board-smmu: $bp of $plan checks passed (translating and identity boots)"
	if [ "$bf" -ne 0 ]; then
		grep -h '^board: not ok' "$LOGS"/board-smmu-*boot.log >&2 || true
		die "board-smmu: FAILED" "see $LOGS/board-smmu-boot.log and $LOGS/board-smmu-identity-boot.log"
	fi
	exit 0
fi

echo "board: booting QEMU arm64 virt (log: $boot)"
rm -f "$boot" "$out/qmp.sock"
: >"$boot"
# The guest asks for the hot-unplug of the root port's ivshmem when ready.
python3 "$REPO/scripts/qmp_unplug.py" "$out/qmp.sock" "$boot" \
	"board: unplug iv2" iv2 "${BOARD_TIMEOUT:-900}" >"$LOGS/board-qmp.log" 2>&1 &
qmp_pid=$!
set +e
timeout "${BOARD_TIMEOUT:-900}" qemu-system-aarch64 "${machine[@]}" \
	-qmp unix:"$out/qmp.sock",server=on,wait=off \
	-kernel "$build/arch/arm64/boot/Image.gz" \
	-dtb "$dtbs/virt-carveout.dtb" \
	-initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyAMA0 rdinit=/init iomem_dma.pci_bars=0x4 $extra_args" \
	</dev/null >"$boot" 2>&1
qrc=$?
kill "$qmp_pid" 2>/dev/null
wait "$qmp_pid" 2>/dev/null
set -e
sed -i 's/\r$//' "$boot"

# The second boot: the devicetree states the policy (no benchmarks).
boot2=$LOGS/board-boot-dtpolicy.log
if [ "$mode" != --bench ] && ! $bench_only; then
	echo "board: booting again with dts/virt-carveout-policy.dtso (log: $boot2)"
	set +e
	timeout "${BOARD_TIMEOUT:-900}" qemu-system-aarch64 "${machine[@]}" \
		-kernel "$build/arch/arm64/boot/Image.gz" \
		-dtb "$dtbs/virt-carveout-policy.dtb" \
		-initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyAMA0 rdinit=/init board_dt_policy" \
		</dev/null >"$boot2" 2>&1
	qrc2=$?
	set -e
	sed -i 's/\r$//' "$boot2"
fi

# The third boot: deliberate oopses of unaware code (tainted, lockdep off
# afterwards, so a boot of its own; no benchmarks).
boot3=$LOGS/board-boot-oops.log
if [ "$mode" = check ]; then
	plain_boot "$boot3" virt board_oops
	qrc3=$BOOT_QRC
fi

if [ "$mode" = --demo ]; then
	sed -n '/== iomem_dma on QEMU/,/iomem_dma board: done/p' "$boot" |
		grep -v '^board: 1\.\.' |
		sed 's/^board: ok [0-9]* - /  [ok] /; s/^board: not ok [0-9]* - /  [FAILED] /'
	echo
	echo "== upstream P2PDMA and iomem_dma on the same pairs (KUnit suite iomem_dma_pci) =="
	grep -E "iomem_dma [a-z]+ \(.*upstream" "$boot" | sed 's/^ *# [a-z_.]*: /  /'
	echo
	echo "== second boot: the same board with dts/virt-carveout-policy.dtso =="
	sed -n '/== devicetree policy/,/iomem_dma board: done/p' "$boot2" |
		grep -v '^board: 1\.\.' |
		sed 's/^board: ok [0-9]* - /  [ok] /; s/^board: not ok [0-9]* - /  [FAILED] /'
	echo
	echo "== third boot: the same fabric behind an SMMUv3 (-machine virt,iommu=smmuv3) =="
	plain_boot "$LOGS/board-smmu-boot.log" virt,iommu=smmuv3 board_smmu
	sed -n '/== an SMMUv3 translates/,/iomem_dma board: done/p' "$LOGS/board-smmu-boot.log" |
		grep -v '^board: 1\.\.' |
		sed 's/^board: ok [0-9]* - /  [ok] /; s/^board: not ok [0-9]* - /  [FAILED] /'
fi

if [ "$mode" = --bench ] || $bench_only; then
	python3 "$REPO/scripts/bench_table.py" "$boot" "$bench_out" ||
		die "bench: no complete table in the boot log" "see $boot"
fi

boot_counts "$boot" "first boot" "$qrc"
[ "$mode" = --bench ] || $bench_only ||
	boot_counts "$boot2" "devicetree-policy boot" "$qrc2"
[ "$mode" = check ] && boot_counts "$boot3" "oops boot" "$qrc3"
set +e
ktap_counts "$boot" "$LOGS/ktap-board.err"
krc=$?
set -e
kp=$KP kf=$KF ks=$KS
echo "$((bp + kp)) $((bf + kf)) $ks" >"$counts"
echo "board: $bp of $plan board checks passed (three boots); KUnit on the board: $kp passed, $kf failed, $ks skipped"
if [ "$bf" -ne 0 ] || [ "$kf" -ne 0 ] || [ "$krc" -ne 0 ]; then
	grep -hE '^board: not ok|not ok' "$boot" "${boot2:-/dev/null}" "${boot3:-/dev/null}" >&2 || true
	cat "$LOGS/ktap-board.err" >&2 || true
	die "board: FAILED" "see $boot and $boot2"
fi
