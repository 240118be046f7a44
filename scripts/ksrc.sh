#!/usr/bin/env bash
# Make KSRC a Linux 6.12 tree with iomem_dma overlaid: extract Debian's
# linux-source-6.12 once into the cache (unless KSRC is given), then
# (re)create the symlinks and the two hook lines. Idempotent.
. "$(dirname "$0")/common.sh"

stamp=.iomem_dma-extracted
if [ "$KSRC" = "$KSRC_DEFAULT" ] && [ ! -f "$KSRC/$stamp" ]; then
	[ -f "$TARBALL" ] || die "kernel source tarball $TARBALL not found" \
		"run 'make deps' (installs linux-source-6.12), or set KSRC=/path/to/linux-6.12"
	if [ -d "$KSRC" ]; then
		echo "cache: $KSRC is incomplete (no stamp), extracting again"
		rm -rf "$KSRC"
	fi
	tmp=$CACHE/extract.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	echo "extracting $TARBALL into $KSRC"
	tar -xf "$TARBALL" -C "$tmp" || die "extracting $TARBALL failed" \
		"check free space in $CACHE, then 'make distclean' and retry"
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
	mv "$top" "$KSRC"
	rmdir "$tmp"
	touch "$KSRC/$stamp"
fi

[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree" \
	"point KSRC at an extracted Linux 6.12 source, or unset it to use the cache"
ver=$(sed -n 's/^VERSION = //p' "$KSRC/Makefile" | head -n1)
pl=$(sed -n 's/^PATCHLEVEL = //p' "$KSRC/Makefile" | head -n1)
[ "$ver.$pl" = "6.12" ] || die "KSRC=$KSRC is Linux $ver.$pl, not 6.12" \
	"point KSRC at a Linux 6.12 tree, or unset it to use Debian's linux-source-6.12"
[ ! -f "$KSRC/.config" ] || die "$KSRC has a .config in the source tree; out-of-tree builds refuse it" \
	"run 'make -C $KSRC mrproper' or unset KSRC"

# Kernel changes on top of 6.12 (scripts/kernel/*.patch, also in `make
# patch`): applied once; when the set changes, the set applied before is
# reverted first, so the tree only ever carries the current one.
kp_applied=$KSRC/.iomem_dma-kernel-patches
kp_want=$(mktemp)
cat "$REPO"/scripts/kernel/*.patch >"$kp_want" 2>/dev/null || true
if ! cmp -s "$kp_want" "$kp_applied"; then
	if [ -s "$kp_applied" ]; then
		(cd "$KSRC" && patch -p1 -R --quiet --force --no-backup-if-mismatch <"$kp_applied") ||
			{ rm -f "$kp_want"; die "could not revert the kernel patches applied before" \
				"run 'make distclean' for a fresh tree"; }
	fi
	: >"$kp_applied"
	for p in "$REPO"/scripts/kernel/*.patch; do
		[ -f "$p" ] || continue
		(cd "$KSRC" && patch -p1 --quiet --forward --no-backup-if-mismatch <"$p") ||
			{ rm -f "$kp_want"; die "scripts/kernel/$(basename "$p") does not apply to $KSRC" \
				"run 'make distclean' for a fresh tree"; }
		cat "$p" >>"$kp_applied"
	done
fi
rm -f "$kp_want"
[ -s "$kp_applied" ] && grep -q DMA_SG_PAGELESS "$KSRC/kernel/dma/Kconfig" ||
	die "the kernel change of scripts/kernel/ is not in $KSRC" \
		"check that scripts/kernel/*.patch is in the checkout, or 'make distclean'"

# The overlay: what the kernel tree gets from this repository.
manifest=$KSRC/.iomem_dma-manifest
if [ -f "$manifest" ]; then
	while read -r f; do
		[ -L "$KSRC/$f" ] && rm -f "$KSRC/$f"
	done <"$manifest"
fi
: >"$manifest"
link() { # link TARGET REL
	mkdir -p "$(dirname "$KSRC/$2")"
	ln -sfn "$1" "$KSRC/$2"
	echo "$2" >>"$manifest"
}
mkdir -p "$KSRC/drivers/iomem_dma/tests"
for f in "$REPO"/drivers/iomem_dma/* "$REPO"/drivers/iomem_dma/.kunitconfig; do
	[ -e "$f" ] && link "$f" "drivers/iomem_dma/$(basename "$f")"
done
link "$REPO/Kconfig" drivers/iomem_dma/Kconfig
for f in Kbuild Kconfig kunit drivers; do
	[ -e "$REPO/tests/$f" ] && link "$REPO/tests/$f" "drivers/iomem_dma/tests/$f"
done
(cd "$REPO" && find include Documentation -type f 2>/dev/null) | while read -r f; do
	link "$REPO/$f" "$f"
done

grep -q 'drivers/iomem_dma/Kconfig' "$KSRC/drivers/Kconfig" ||
	sed -i 's|^endmenu$|source "drivers/iomem_dma/Kconfig"\n\nendmenu|' "$KSRC/drivers/Kconfig"
grep -q 'iomem_dma/' "$KSRC/drivers/Makefile" ||
	echo 'obj-$(CONFIG_IOMEM_DMA)		+= iomem_dma/' >>"$KSRC/drivers/Makefile"
grep -q 'drivers/iomem_dma/Kconfig' "$KSRC/drivers/Kconfig" ||
	die "could not hook iomem_dma into $KSRC/drivers/Kconfig" "check that KSRC is an unmodified 6.12 tree"
exit 0
