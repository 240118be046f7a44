#!/usr/bin/env bash
# The main job: build the arm64 kernel with iomem_dma, boot QEMU arm64
# virt with a tiny initramfs that shows the subsystem at work, power off.
. "$(dirname "$0")/common.sh"

build=$CACHE/build/demo-arm64
cross=aarch64-linux-gnu-
log=$LOGS/demo-build.log
out=$CACHE/out/demo
mkdir -p "$out/root/proc" "$out/root/sys" "$out/root/dev"

echo "demo: building the arm64 kernel (log: $log)"
(cd "$KSRC" && python3 tools/testing/kunit/kunit.py build \
	--build_dir="$build" --arch=arm64 --cross_compile="$cross" \
	--kunitconfig="$REPO/tests/board/demo-arm64.kunitconfig" \
	--jobs="$JOBS" --make_options "CC=ccache ${cross}gcc") >"$log" 2>&1 ||
	{ show_log_tail "$log" 30; die "demo: the arm64 kernel did not build" "see $log"; }

echo "demo: building the initramfs"
${cross}gcc -static -Os -Wall -Werror -o "$out/root/init" \
	"$REPO/tests/board/demo-init.c" ||
	die "demo: the static init did not build" "is gcc-aarch64-linux-gnu installed? run 'make deps'"
(cd "$out/root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initramfs.cpio.gz"

boot=$LOGS/demo-boot.log
echo "demo: booting QEMU arm64 virt with ivshmem-plain and edu (log: $boot)"
set +e
timeout "${DEMO_TIMEOUT:-300}" qemu-system-aarch64 -machine virt -cpu cortex-a57 \
	-m 1G -smp 2 -nographic -no-reboot -nic none \
	-kernel "$build/arch/arm64/boot/Image.gz" \
	-initrd "$out/initramfs.cpio.gz" \
	-append 'console=ttyAMA0 rdinit=/init iomem_dma.policy="deny client=0000:00:03.0"' \
	-object memory-backend-ram,id=ivmem,size=1M \
	-device ivshmem-plain,memdev=ivmem \
	-device edu,dma_mask=0xffffffffffffffff </dev/null 2>&1 |
	tee "$boot" | sed -n '/== iomem_dma demo/,/iomem_dma demo: done/p'
set -e
grep -q "iomem_dma demo: done" "$boot" ||
	{ show_log_tail "$boot" 40; die "demo: the board did not reach the end of the demo" "see $boot"; }
echo "demo: done; the full boot log is $boot"
