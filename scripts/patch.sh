#!/usr/bin/env bash
# Export the project as one patch against vanilla Linux 6.12, and (with
# --verify) prove it applies to a pristine tree and builds.
# usage: patch.sh [--verify]
. "$(dirname "$0")/common.sh"

out=${PATCH_OUT:-$CACHE/out/iomem_dma-6.12.patch}
manifest=$KSRC/.iomem_dma-manifest
[ -f "$manifest" ] || die "$KSRC is not overlaid" "run 'make overlay' first"
mkdir -p "$(dirname "$out")"

# Pristine copies of the two kernel files that get hook lines and of the
# files scripts/kernel/*.patch change.
kfiles=$(cat "$REPO"/scripts/kernel/*.patch 2>/dev/null | sed -n 's|^+++ b/||p' | sort -u)
orig=$CACHE/orig-hooks
if [ "$(cat "$orig/.done" 2>/dev/null)" != "$(echo $kfiles)" ]; then
	rm -rf "$orig"
	mkdir -p "$orig"
	pats=("*/drivers/Kconfig" "*/drivers/Makefile")
	for f in $kfiles; do pats+=("*/$f"); done
	tar -xf "$TARBALL" -C "$orig" --wildcards --strip-components=1 "${pats[@]}" ||
		die "cannot read the hooked and patched kernel files from $TARBALL" \
		    "run 'make deps' to install linux-source-6.12"
	echo $kfiles >"$orig/.done"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/a/drivers" "$work/b/drivers"
cp "$orig/drivers/Kconfig" "$orig/drivers/Makefile" "$work/a/drivers/"
cp "$KSRC/drivers/Kconfig" "$KSRC/drivers/Makefile" "$work/b/drivers/"
for f in $kfiles; do
	mkdir -p "$work/a/$(dirname "$f")" "$work/b/$(dirname "$f")"
	cp "$orig/$f" "$work/a/$f"
	cp "$KSRC/$f" "$work/b/$f"
done
while read -r rel; do
	mkdir -p "$work/b/$(dirname "$rel")"
	cp -rL "$KSRC/$rel" "$work/b/$rel"
done <"$manifest"
(cd "$work" && diff -Nru a b) \
	>"$out.tmp" || true
# diff labels carry timestamps; drop them so the patch is reproducible,
# and mark created files as coming from /dev/null.
sed -E 's/^(\+\+\+|---) ([^\t]*)\t.*$/\1 \2/' "$out.tmp" |
	awk -v keep="drivers/Kconfig drivers/Makefile $(echo $kfiles)" '
		BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) kept["--- a/" k[i]] = 1 }
		/^--- a\// && !($0 in kept) { print "--- /dev/null"; next }
		{ print }' >"$out"
rm -f "$out.tmp"
[ -s "$out" ] || die "the generated patch is empty" "check the overlay with 'make overlay'"
files=$(grep -c '^+++ ' "$out")
echo "patch: $out ($files files)"

[ "${1:-}" = "--verify" ] || exit 0

# Verify on a pristine tree: apply, compare, build. The tree is made
# pristine again by reverting the patch applied last time (so unchanged
# kernel files keep their timestamps and the build stays incremental); if
# that fails it is extracted afresh.
pristine=$CACHE/pristine
applied=$CACHE/pristine.applied.patch
log=$LOGS/patch-verify.log
: >"$log"
if [ -f "$pristine/.iomem_dma-extracted" ] && [ -f "$applied" ] &&
   (cd "$pristine" && patch -p1 -R -E --quiet --force <"$applied") >>"$log" 2>&1; then
	rm -f "$applied"
	find "$pristine" -depth -newer "$pristine/.iomem_dma-extracted" \
		\( -name '*.orig' -o -type d -empty \) -delete
else
	[ -d "$pristine" ] && echo "patch: extracting a fresh pristine tree"
	rm -rf "$pristine" "$CACHE/pristine.tmp" "$applied"
	mkdir -p "$CACHE/pristine.tmp"
	tar -xf "$TARBALL" -C "$CACHE/pristine.tmp"
	mv "$CACHE/pristine.tmp"/* "$pristine"
	rmdir "$CACHE/pristine.tmp"
	touch "$pristine/.iomem_dma-extracted"
fi
# Nothing of ours may be left in the tree.
[ ! -e "$pristine/drivers/iomem_dma" ] && ! grep -q iomem_dma "$pristine/drivers/Kconfig" ||
	die "patch: $pristine is not pristine after reverting" "make clean, then retry"
(cd "$pristine" && git apply --check "$out") >"$log" 2>&1 ||
	{ show_log_tail "$log"; die "patch: git apply --check fails on a pristine 6.12 tree" "see $log"; }
(cd "$pristine" && patch -p1 --quiet <"$out") >>"$log" 2>&1 ||
	{ show_log_tail "$log"; die "patch: patch -p1 fails on a pristine 6.12 tree" "see $log"; }
cp "$out" "$applied"
grep '^+++ ' "$out" | sed 's|^+++ b/||' | while read -r rel; do
	cmp -s "$pristine/$rel" "$KSRC/$rel" ||
		die "patch: $rel differs between the patched tree and the overlay" "re-run 'make patch'"
done
echo "patch: applies with git apply and patch -p1, matches the overlay"
build=$CACHE/build/patch-um
(cd "$pristine" && python3 tools/testing/kunit/kunit.py build \
	--build_dir="$build" --kunitconfig=drivers/iomem_dma --jobs="$JOBS" \
	--make_options "CC=ccache gcc") >>"$log" 2>&1 ||
	{ show_log_tail "$log"; die "patch: the patched pristine tree does not build" "see $log"; }
grep -q '^CONFIG_IOMEM_DMA=y' "$build/.config" &&
	grep -q ' iomem_dma_provider_register$' "$build/System.map" ||
	die "patch: the build did not include iomem_dma" "see $log"
echo "patch: pristine 6.12 + patch builds with CONFIG_IOMEM_DMA=y (UML)"
