# Host tests of tools/iomem-dma-dtcheck, sourced by run.sh: they share its
# TAP counter and ok/nok/skip, and use $out (the build), $work and $here.
# The fixtures are .dts files in tests/tools/dtcheck/, compiled here.
# shellcheck shell=bash disable=SC2154  # out, here, work, repo: set by run.sh

dtcheck=$out/iomem-dma-dtcheck
fix=$here/dtcheck

# dt DESC EXPECTED_RC FIXTURE SUMMARY MESSAGE [OPTIONS...]
# Runs the checker on FIXTURE.dtb; passes if the exit code is EXPECTED_RC,
# the output has the line part "FIXTURE.dtb: MESSAGE" (fixed string, with
# the node path) and, unless SUMMARY is empty, "FIXTURE.dtb: SUMMARY".
dt() {
	local desc=$1 want=$2 name=$3 sum=$4 msg=$5 rc
	shift 5
	"$dtcheck" "$@" "$work/$name.dtb" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$name.dtb: $msg" "$work/out" &&
	   { [ -z "$sum" ] || grep -qxF -- "$work/$name.dtb: $sum" "$work/out"; }; then
		ok "dtcheck: $desc"
	else
		nok "dtcheck: $desc (exit $rc, want $want)"
		sed 's/^/# /' "$work/out"
	fi
}

# du DESC EXPECTED_RC PATTERN ARGS...: exit code and an output pattern (ERE).
# A run that hangs is cut after 20 s (exit 124).
du() {
	local desc=$1 want=$2 pat=$3 rc
	shift 3
	timeout 20 "$dtcheck" "$@" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qE -- "$pat" "$work/out"; then
		ok "dtcheck: $desc"
	else
		nok "dtcheck: $desc (exit $rc, want $want)"
		sed 's/^/# /' "$work/out"
	fi
}

dtcheck_tests() {
	local f name bad=0

	if ! command -v dtc >/dev/null; then
		skip "dtcheck: fixtures" "dtc not installed (apt-get install device-tree-compiler)"
		return
	fi
	for f in "$fix"/*.dts "$fix"/*.dtso; do
		name=$(basename "${f%.*}")
		if ! dtc -q -I dts -O dtb -o "$work/$name.dtb" "$f" 2>"$work/dtc.log"; then
			nok "dtcheck: fixture $name compiles"
			sed 's/^/# /' "$work/dtc.log"
			bad=1
		fi
	done
	if [ "$bad" -eq 0 ]; then
		ok "dtcheck: every fixture compiles with dtc"
	fi

	dt "a clean board passes" 0 clean "0 errors, 0 warnings" ""
	dt "a clean board passes with -W" 0 clean "0 errors, 0 warnings" "" -W

	dt "two providers overlap" 1 overlap-providers "1 error, 0 warnings" \
		"/soc/sram@100800: error: reg entry 0 (0xf0100800..0xf01017ff) overlaps reg entry 0 (0xf0100000..0xf0100fff) of /soc/sram@100000"
	dt "two reg entries of one provider overlap" 1 overlap-entries "1 error, 0 warnings" \
		"/soc/sram@100000: error: reg entry 1 (0xf0101000..0xf0101fff) overlaps reg entry 0 (0xf0100000..0xf0101fff) of the same node"
	dt "overlap found in CPU addresses, through ranges" 1 overlap-translated "1 error, 0 warnings" \
		"/region@f0100000: error: reg entry 0 (0xf0100000..0xf0100fff) overlaps reg entry 0 (0xf0100000..0xf0100fff) of /soc/sram@100000"
	dt "three-cell bus addresses translate by their space cell" 1 overlap-wide "1 error, 0 warnings" \
		"/wide-bus/sram@2,1000: error: reg entry 0 (0x80001000..0x80001fff) overlaps reg entry 0 (0x80001800..0x800018ff) of /region@80001800"
	dt "a region in RAM without a reservation" 1 ram-unreserved "1 error, 0 warnings" \
		"/region@60000000: error: reg entry 0 (0x60000000..0x6000ffff) is in RAM (/memory@40000000) but 0x60000000..0x6000ffff of it is not in a /reserved-memory node with no-map"
	dt "a region in RAM reserved without no-map" 1 ram-mapped "1 error, 0 warnings" \
		"/region@60000000: error: reg entry 0 (0x60000000..0x6000ffff) is in RAM (/memory@40000000) but 0x60000000..0x6000ffff of it is not in a /reserved-memory node with no-map (/reserved-memory/pool@60000000 reserves it but lacks no-map)"
	dt "a region half outside its no-map carve-out" 1 ram-partial "1 error, 0 warnings" \
		"/region@50000000: error: reg entry 0 (0x50000000..0x501fffff) is in RAM (/memory@40000000) but 0x50100000..0x501fffff of it is not"
	dt "a provider without reg" 1 reg-missing "1 error, 0 warnings" \
		"/soc/sram: error: no reg: a peer-dma-region needs 1 to 8 reg entries"
	dt "a provider with an empty reg" 1 reg-empty "1 error, 0 warnings" \
		"/soc/sram: error: reg is empty"
	dt "reg not a multiple of the entry size" 1 reg-length "1 error, 0 warnings" \
		"/soc/sram@100000: error: reg is 12 bytes, not a multiple of 2 cells (#address-cells = <1> + #size-cells = <1> of /soc)"
	dt "more than 8 reg entries" 1 reg-too-many "1 error, 0 warnings" \
		"/soc/sram@100000: error: reg has 9 entries; a peer-dma-region has at most 8"
	dt "#peer-dma-region-cells missing" 1 cells-missing "1 error, 0 warnings" \
		"/soc/sram@100000: error: #peer-dma-region-cells is missing; it must be <0> or <1>"
	dt "#peer-dma-region-cells = <2>" 1 cells-bad "1 error, 0 warnings" \
		"/soc/sram@100000: error: #peer-dma-region-cells is <2>; it must be <0> or <1>"
	dt "a parent bus without ranges" 1 translate-no-ranges "1 error, 0 warnings" \
		"/local-bus/sram@1000: error: reg entry 0 cannot be translated to a CPU address: /local-bus has no ranges"
	dt "a region outside the bus's ranges" 1 translate-outside "1 error, 0 warnings" \
		"/soc/sram@1ffff000: error: reg entry 0 cannot be translated to a CPU address: 0x1ffff000..0x1fffffff is not inside one window of the ranges of /soc"

	dt "a dangling peer-dma-regions phandle" 1 consumer-dangling "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 0: phandle 0x1234 points to no node; the rest of the property cannot be parsed"
	dt "peer-dma-regions pointing at a non-provider" 1 consumer-not-provider "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 0: /soc is not a peer-dma-region; the rest of the property cannot be parsed"
	dt "an entry short of the provider's cells" 1 consumer-cells-short "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 0: /soc/sram@100000 takes 1 cell after the phandle (#peer-dma-region-cells) but the property ends; the cell count does not match and the rest of the property cannot be parsed"
	dt "an entry with a cell too many" 1 consumer-cells-long "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 1: phandle 0x0 points to no node (entry 0 was taken as 1 cell, from #peer-dma-region-cells = <0> of /region@50000000); the rest of the property cannot be parsed"
	dt "an index past the reg entries" 1 consumer-index "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 0: index 2 but /soc/sram@100000 has 2 reg entries"
	dt "fewer names than entries" 1 names-count "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-region-names has 1 name for 2 peer-dma-regions entries"
	dt "a name used twice" 1 names-duplicate "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-region-names: \"a\" is both name 0 and name 1"
	dt "names missing with two entries" 1 names-missing "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-region-names is missing; it is required with more than one peer-dma-regions entry (there are 2)"
	dt "a dangling peer-dma-allow phandle" 1 allow-dangling "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-allow entry 0: phandle 0x4321 points to no node"
	dt "peer-dma-allow naming a non-provider" 1 allow-not-provider "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-allow entry 0: /reserved-memory/carveout@50000000 is not a peer-dma-region"
	dt "a dangling peer-dma-deny phandle" 1 deny-dangling "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-deny entry 0: phandle 0x4321 points to no node"
	dt "peer-dma-deny naming a non-provider" 1 deny-not-provider "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-deny entry 0: /soc is not a peer-dma-region"
	dt "a region listed and denied above the consumer" 1 deny-conflict "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 0: /soc/sram@100000 is denied by peer-dma-deny on /soc, so the devicetree policy can never allow this pair"

	dt "peer-dma-deny wins over peer-dma-allow" 1 deny-wins "1 error, 0 warnings" \
		"/soc/dma@10000: error: peer-dma-regions entry 0: /region@50000000 is denied by peer-dma-deny on /soc/dma@10000"
	dt "peer-dma-allow on a bus above the consumer" 0 policy-allow-above "0 errors, 0 warnings" ""
	dt "routing on a bus above the nearest common one counts" 0 policy-routing-above "0 errors, 0 warnings" ""
	dt "a pair nothing allows needs a rule" 0 policy-needs-rule "0 errors, 1 warning" \
		"/dma@e0000000: warning: peer-dma-regions entry 0: nothing allows /soc/sram@100000 (no peer-dma-allow here or above, no peer-dma-routing on the common bus / or above); the pair needs an administrator rule"
	dt "-W makes a warning fail" 1 policy-needs-rule "0 errors, 1 warning" \
		"/dma@e0000000: warning: peer-dma-regions entry 0: nothing allows" -W
	dt "a disabled provider referenced" 0 provider-disabled "0 errors, 1 warning" \
		"/soc/dma@10000: warning: peer-dma-regions entry 0: /soc/sram@300000 is disabled, so the lookup fails with -ENODEV"
	dt "-W with a disabled provider" 1 provider-disabled "" \
		"/soc/dma@10000: warning: peer-dma-regions entry 0: /soc/sram@300000 is disabled" -W
	dt "peer-dma-routing on a provider" 0 provider-routing "0 errors, 1 warning" \
		"/soc/sram@300000: warning: peer-dma-routing on a peer-dma-region has no effect"

	if "$dtcheck" -q "$work/policy-needs-rule.dtb" >"$work/out" 2>"$work/err" &&
	   [ ! -s "$work/err" ] && grep -qF "warning: peer-dma-regions entry 0" "$work/out"; then
		ok "dtcheck: -q drops the summary, keeps the messages"
	else
		nok "dtcheck: -q drops the summary, keeps the messages"
	fi
	du "several files: the worst exit code" 1 "clean.dtb: 0 errors" \
		"$work/clean.dtb" "$work/cells-bad.dtb"

	du "--help" 0 "^usage: iomem-dma-dtcheck \[-W\] \[-q\] FILE.dtb" --help
	du "no file is a usage error" 2 "no FILE.dtb given" -W
	du "an unknown option is a usage error" 2 "unknown option '-x'" -x "$work/clean.dtb"
	du "a missing file" 2 "none.dtb: No such file or directory" "$work/none.dtb"
	du "a missing file among good ones" 2 "none.dtb: No such file or directory" \
		"$work/cells-bad.dtb" "$work/none.dtb"
	du "a .dts is not a DTB" 2 "clean.dts: not a devicetree blob" "$fix/clean.dts"
	head -c 100 "$work/clean.dtb" >"$work/truncated.dtb"
	du "a truncated DTB" 2 "truncated.dtb: damaged devicetree blob" "$work/truncated.dtb"
	du "a version 4 blob that crashes libfdt 1.6.1's fdt_check_full() is refused" 2 \
		"v4-struct\.dtb: damaged devicetree blob: FDT_ERR_BADSTRUCTURE" \
		"$here/corpus/dtcheck/v4-struct.dtb"
	du "a property length that wraps (libfdt 1.6.1 loops on it) is refused" 2 \
		"prop-len-wraps\.dtb: damaged devicetree blob: FDT_ERR_BADSTRUCTURE" \
		"$here/corpus/dtcheck/prop-len-wraps.dtb"
	du "an overlay is refused" 2 "overlay.dtb: an overlay; apply it with fdtoverlay" "$work/overlay.dtb"

	dtcheck_sanitized
}

# The checker built with AddressSanitizer and UBSan over every fixture and
# over DTBs with random bytes changed (seeded, so a failure can be rerun).
dtcheck_sanitized() {
	local asan=$work/dtcheck-asan seed=${DTCHECK_SEED:-$RANDOM} runs=${DTCHECK_RUNS:-300}
	local f i rc want bad=0

	if ! gcc -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1 \
		-Wall -Wextra -Werror -o "$asan" "$repo"/tools/iomem-dma-dtcheck/*.c \
		-lfdt >"$work/asan.log" 2>&1; then
		nok "dtcheck: builds with ASan and UBSan"
		sed 's/^/# /' "$work/asan.log"
		return
	fi
	for f in "$work"/*.dtb; do
		"$dtcheck" "$f" >/dev/null 2>&1
		want=$?
		"$asan" "$f" >"$work/asan.out" 2>&1
		rc=$?
		if [ "$rc" -ne "$want" ] || grep -qE "Sanitizer|runtime error" "$work/asan.out"; then
			echo "# $f: exit $rc under sanitizers, $want without"
			sed 's/^/# /' "$work/asan.out" | head -n 20
			bad=1
		fi
	done
	if [ "$bad" -eq 0 ]; then
		ok "dtcheck: every fixture clean under ASan and UBSan"
	else
		nok "dtcheck: every fixture clean under ASan and UBSan"
	fi

	mkdir -p "$work/mut"
	python3 - "$work/clean.dtb" "$work/consumer-index.dtb" "$work/mut" "$seed" "$runs" <<-'EOF'
	import random, sys
	srcs, out, seed, runs = sys.argv[1:3], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
	rnd = random.Random(seed)
	for i in range(runs):
	    b = bytearray(open(srcs[i % 2], "rb").read())
	    for _ in range(rnd.randint(1, 4)):
	        b[rnd.randrange(len(b))] = rnd.randrange(256)
	    open("%s/%04d.dtb" % (out, i), "wb").write(b)
	EOF
	for f in "$work"/mut/*.dtb; do
		"$asan" -W "$f" >"$work/asan.out" 2>&1
		rc=$?
		if [ "$rc" -gt 2 ] || grep -qE "Sanitizer|runtime error" "$work/asan.out"; then
			echo "# $f (seed $seed): exit $rc"
			sed 's/^/# /' "$work/asan.out" | head -n 20
			bad=1
			break
		fi
	done
	i=$(find "$work/mut" -name '*.dtb' | wc -l)
	if [ "$bad" -eq 0 ]; then
		ok "dtcheck: $i mutated DTBs (seed $seed) clean under ASan and UBSan"
	else
		nok "dtcheck: mutated DTBs under ASan and UBSan (seed $seed; rerun with DTCHECK_SEED=$seed)"
	fi
}
