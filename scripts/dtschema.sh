#!/usr/bin/env bash
# The devicetree bindings under Documentation/devicetree/bindings, checked
# with Debian 12's dt-schema (2022.08) instead of the kernel's
# dt_binding_check, whose Makefile asks for dtschema 2023.9 or newer:
#   - yamllint with the kernel's .yamllint rules (warnings fail too),
#   - no OS words (Linux, kernel, driver, iomem_dma) in a binding,
#   - dt-doc-validate against the meta-schemas, in the repository and as
#     linked into $KSRC by scripts/ksrc.sh,
#   - dt-mk-schema of the bindings plus the dt-schema core schemas,
#   - the examples of each binding compiled together with dtc and, one by
#     one, validated with dt-validate,
#   - negative cases that must be rejected: broken copies of the bindings
#     and of their examples, and tests/dt/bad/*.dts,
#   - tests/dt/good/*.dts and any DTB given as an argument or in DTBS
#     validated against the bindings (our dtbs_check).
# Writes "passed failed skipped" to $RESULTS/dtschema.counts; TAP lines on
# stdout and in $LOGS/dtschema.log.
#
# usage: dtschema.sh [FILE.dtb...]
#   DTBS="a.dtb b.dtb"   more DTBs to validate
#   DTSCHEMA_ALL=1       validate those DTBs against the core schemas as
#                        well, not only against our bindings
#   DTSCHEMA_KBUILD=1    also run the kernel's own 'make dt_binding_check'
#                        on our bindings in $KSRC (builds the host dtc)
#
# Other scripts may source this file and call dtschema_check_dtbs.
#
# The dt-* tools report many problems only as text (dt-validate always
# exits 0, dt-doc-validate exits 0 on an unresolvable $ref), so every check
# here fails on any message, not only on the exit status.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DT_BINDINGS=$REPO/Documentation/devicetree/bindings
DT_WORK=$CACHE/build/dtschema
DT_SCHEMA=$DT_WORK/processed-schema.json
DT_PY=/usr/bin/python3	# dt-schema's modules are in Debian's python
# What the kernel gives dtc for binding examples
# (Documentation/devicetree/bindings/Makefile, DTC_FLAGS).
DT_DTC_FLAGS=(-Wno-avoid_unnecessary_addr_size -Wno-graph_child_address
	      -Wno-interrupt_provider -Wno-unique_unit_address
	      -Wunique_unit_address_if_enabled)
DT_N=0 DT_PASSED=0 DT_FAILED=0 DT_SKIPPED=0

dt_ok() {
	DT_N=$((DT_N + 1)) DT_PASSED=$((DT_PASSED + 1))
	echo "ok $DT_N - $1"
}

# dt_nok DESC [FILE]: a failed check, with the messages that explain it.
dt_nok() {
	DT_N=$((DT_N + 1)) DT_FAILED=$((DT_FAILED + 1))
	echo "not ok $DT_N - $1"
	if [ -n "${2:-}" ] && [ -s "$2" ]; then
		head -n 20 "$2" | sed 's/^/# /'
	fi
}

dt_skip() {
	DT_N=$((DT_N + 1)) DT_SKIPPED=$((DT_SKIPPED + 1))
	echo "ok $DT_N - $1 # SKIP $2"
}

dtschema_need_tools() {
	local t missing=()
	for t in dt-doc-validate dt-mk-schema dt-extract-example dt-validate \
		 dtc yamllint; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}" \
		"apt-get install -y dt-schema yamllint device-tree-compiler (or 'make deps')"
	mkdir -p "$DT_WORK"
}

# dtschema_dtc SRC OUT.dtb MSGFILE: preprocess like the kernel does (when
# $KSRC has its include-prefixes) and compile. Fails on any dtc message.
dtschema_dtc() {
	local src=$1 out=$2 msg=$3 inc=$KSRC/scripts/dtc/include-prefixes
	if [ -d "$inc" ]; then
		gcc -E -nostdinc -I "$inc" -undef -D__DTS__ \
			-x assembler-with-cpp -o "$out.pp" "$src" >"$msg" 2>&1 ||
			return 1
	else
		cp "$src" "$out.pp"
	fi
	dtc -I dts -O dtb -b 0 "${DT_DTC_FLAGS[@]}" -o "$out" "$out.pp" \
		>>"$msg" 2>&1 && [ ! -s "$msg" ]
}

# dtschema_validate DTB MSGFILE [LIMIT]: dt-validate against the processed
# schema; LIMIT restricts it to schema files whose path contains LIMIT.
# Succeeds only when dt-validate has nothing to say.
dtschema_validate() {
	local dtb=$1 msg=$2 limit=${3:-}
	dt-validate ${limit:+-l "$limit"} -p "$DT_SCHEMA" "$dtb" >"$msg" 2>&1 &&
		[ ! -s "$msg" ]
}

# The processed schema: our bindings plus dt-schema's core schemas. Rebuilt
# when a binding is newer. dt-mk-schema skips a binding that fails its
# meta-schema with only a message, so every $id is looked for afterwards.
dtschema_schema() {
	local msg=$DT_WORK/mk-schema.msg f id
	dtschema_need_tools
	if [ -s "$DT_SCHEMA" ] &&
	   [ -z "$(find "$DT_BINDINGS" -name '*.yaml' -newer "$DT_SCHEMA")" ]; then
		return 0
	fi
	rm -f "$DT_SCHEMA"
	if ! dt-mk-schema -j "$DT_BINDINGS" >"$DT_SCHEMA.tmp" 2>"$msg" ||
	   [ -s "$msg" ]; then
		rm -f "$DT_SCHEMA.tmp"
		return 1
	fi
	while read -r f; do
		# shellcheck disable=SC2016 # a literal $id
		id=$(sed -n 's/^\$id: *//p' "$f")
		if ! grep -qF "\"\$id\": \"$id\"" "$DT_SCHEMA.tmp"; then
			echo "$f: \$id $id missing from the processed schema" >>"$msg"
		fi
	done < <(find "$DT_BINDINGS" -name '*.yaml' | sort)
	[ ! -s "$msg" ] || { rm -f "$DT_SCHEMA.tmp"; return 1; }
	mv "$DT_SCHEMA.tmp" "$DT_SCHEMA"
}

# dtschema_check_dtbs DTB...: validate each DTB (a board's dtbs_check for
# our bindings), one TAP line each. Only our bindings apply unless
# DTSCHEMA_ALL=1 (the core schemas then also judge nodes we do not own).
# Returns non-zero when any DTB fails.
dtschema_check_dtbs() {
	local dtb msg bad=0 limit=$DT_BINDINGS/
	[ "${DTSCHEMA_ALL:-0}" = 1 ] && limit=
	if ! dtschema_schema; then
		dt_nok "processed schema for the DTB check" "$DT_WORK/mk-schema.msg"
		return 1
	fi
	for dtb in "$@"; do
		msg=$DT_WORK/dtb-$(basename "$dtb").msg
		if [ ! -f "$dtb" ]; then
			echo "no such file: $dtb" >"$msg"
			dt_nok "DTB $dtb validates" "$msg"
			bad=1
		elif dtschema_validate "$dtb" "$msg" "$limit"; then
			dt_ok "DTB $dtb validates"
		else
			dt_nok "DTB $dtb validates" "$msg"
			bad=1
		fi
	done
	return $bad
}

# Checks of one binding file (REL is its path below $DT_BINDINGS).
dtschema_lint() {
	local f=$1 rel=$2 msg=$DT_WORK/lint.msg
	if yamllint --strict -f parsable -c "$DT_YAMLLINT" "$f" >"$msg" 2>&1; then
		dt_ok "yamllint $rel"
	else
		dt_nok "yamllint $rel" "$msg"
	fi
}

# Bindings describe hardware: no OS words. The maintainers' address lines
# are exempt.
dtschema_words() {
	grep -inwE 'linux|kernel|drivers?|iomem_dma|iomem-dma' "$1" |
		grep -vE '^[0-9]+: +- .*<[^>]+@[^>]+>$'
}

dtschema_doc() {
	local f=$1 base=$2 msg=$3
	dt-doc-validate -u "$base" "$f" >"$msg" 2>&1 && [ ! -s "$msg" ]
}

# dtschema_examples FILE REL: the examples compiled together (as the
# kernel does), then each one compiled alone and validated.
dtschema_examples() {
	local f=$1 rel=$2 stem i count msg
	stem=$DT_WORK/ex/${rel%.yaml}
	mkdir -p "$(dirname "$stem")"
	msg=$stem.msg
	if dt-extract-example "$f" >"$stem.example.dts" 2>"$msg" &&
	   dtschema_dtc "$stem.example.dts" "$stem.example.dtb" "$msg"; then
		dt_ok "examples of $rel compile together"
	else
		dt_nok "examples of $rel compile together" "$msg"
	fi
	count=$("$DT_PY" - "$f" "$stem" <<-'EOF'
		import json, sys
		import ruamel.yaml
		doc = ruamel.yaml.YAML(typ='safe').load(open(sys.argv[1]))
		exs = doc.get('examples', []) if isinstance(doc, dict) else []
		for i, ex in enumerate(exs):
		    # JSON is YAML: dt-extract-example reads the one-example file
		    with open('%s.%d.yaml' % (sys.argv[2], i), 'w') as out:
		        json.dump({'examples': [ex]}, out)
		print(len(exs))
	EOF
	) || count=0
	if [ "$count" -eq 0 ]; then
		dt_nok "$rel has examples"
		return
	fi
	for ((i = 0; i < count; i++)); do
		msg=$stem.$i.msg
		if dt-extract-example "$stem.$i.yaml" >"$stem.$i.dts" 2>"$msg" &&
		   dtschema_dtc "$stem.$i.dts" "$stem.$i.dtb" "$msg" &&
		   dtschema_validate "$stem.$i.dtb" "$msg"; then
			dt_ok "example $i of $rel validates"
		else
			dt_nok "example $i of $rel validates" "$msg"
		fi
	done
}

# dtschema_expect DESC MSGFILE REGEX: a negative case passes when the
# tools rejected the input with the expected message.
dtschema_expect() {
	if grep -qE -- "$3" "$2"; then
		dt_ok "rejected: $1"
	else
		echo "expected a message matching: $3" >>"$2"
		dt_nok "rejected: $1" "$2"
	fi
}

# dtschema_broken_copy FILE SED: a copy of a binding with one change, in a
# tree of its own so that its $id still matches its path.
dtschema_broken_copy() {
	local src=$DT_BINDINGS/$1 dir=$DT_WORK/neg/$DT_N copy
	copy=$dir/$1
	mkdir -p "$(dirname "$copy")"
	sed "$2" "$src" >"$copy"
	if cmp -s "$src" "$copy"; then
		echo "the change '$2' did not apply to $1" >&2
		return 1
	fi
	echo "$copy"
}

# Negative cases on the bindings: DESC|FILE|SED|REGEX. The stage that must
# reject each one: meta = dt-doc-validate, example = dt-validate on the
# copy's examples (against the real bindings), words, lint = yamllint.
dtschema_negatives() {
	local stage desc file expr want copy msg
	while IFS='|' read -r stage desc file expr want; do
		[ -n "$stage" ] || continue
		msg=$DT_WORK/neg-$DT_N.msg
		if ! copy=$(dtschema_broken_copy "$file" "$expr" 2>"$msg"); then
			dt_nok "rejected: $desc" "$msg"
			continue
		fi
		case $stage in
		meta)
			dtschema_doc "$copy" "${copy%/"$file"}" "$msg" || true ;;
		example)
			if dt-extract-example "$copy" >"$copy.dts" 2>"$msg" &&
			   dtschema_dtc "$copy.dts" "$copy.dtb" "$msg"; then
				dtschema_validate "$copy.dtb" "$msg" || true
			fi ;;
		words)
			dtschema_words "$copy" >"$msg" || true ;;
		lint)
			yamllint --strict -f parsable -c "$DT_YAMLLINT" "$copy" \
				>"$msg" 2>&1 || true ;;
		esac
		dtschema_expect "$desc" "$msg" "$want"
	done <<-'EOF'
	meta|#peer-dma-region-cells given string values|dma/peer-dma-region.yaml|s/enum: \[0, 1\]/enum: [zero, one]/|'zero' is not of type 'integer'
	meta|binding without maintainers|dma/peer-dma-region.yaml|/^maintainers:/,/^$/d|'maintainers' is a required property
	meta|provider without additionalProperties|dma/peer-dma-region.yaml|/^additionalProperties: false/d|'additionalProperties' is a required property
	meta|reg allowing zero entries|dma/peer-dma-region.yaml|s/^    minItems: 1$/    minItems: 0/|0 is less than the minimum of 1
	meta|peer-dma-routing with a misspelt type|dma/peer-dma-routing.yaml|s/^    type: boolean$/    type: bool/|'bool' is not one of
	meta|peer-dma-regions referring to an unknown type|dma/peer-dma-region-consumer.yaml|s/phandle-array$/phandle-arrays/|Unresolvable JSON pointer
	example|example with a misspelt property (prefetchabel)|dma/peer-dma-region.yaml|s/^            prefetchable;/            prefetchabel;/|'prefetchabel' does not match any of the regexes
	example|example region without #peer-dma-region-cells|dma/peer-dma-region.yaml|/#peer-dma-region-cells = <1>;/d|'#peer-dma-region-cells' is a required property
	example|example with a value on the prefetchable flag|dma/peer-dma-region.yaml|s/^            prefetchable;/            prefetchable = <1>;/|prefetchable: .* is not of type 'boolean'
	example|example consumer with three entries and no names|dma/peer-dma-region-consumer.yaml|/peer-dma-region-names = /d|'peer-dma-region-names' is a required property
	example|example bus with a misspelt peer-dma-routin|dma/peer-dma-routing.yaml|s/^        peer-dma-routing;/        peer-dma-routin;/|peer-dma-routin: True is not of type 'object'
	example|example bus with a value on peer-dma-routing|dma/peer-dma-routing.yaml|s/^        peer-dma-routing;/        peer-dma-routing = <1>;/|peer-dma-routing: .* is not of type 'boolean'
	words|binding that names a driver|dma/peer-dma-region.yaml|s/^title: .*/title: Region for the Linux driver/|Linux driver
	lint|binding indented by three spaces|dma/peer-dma-routing.yaml|s/^  peer-dma-routing:$/   peer-dma-routing:/|indentation
	EOF
}

# tests/dt: good trees must validate, bad ones must be rejected with the
# message named on their "// expect:" line.
dtschema_fixtures() {
	local f n want msg good=()
	for f in "$REPO"/tests/dt/good/*.dts; do
		[ -f "$f" ] || continue
		n=$DT_WORK/fixtures/good-$(basename "$f" .dts)
		mkdir -p "$(dirname "$n")"
		if dtschema_dtc "$f" "$n.dtb" "$n.msg"; then
			good+=("$n.dtb")
		else
			dt_nok "tests/dt/good/$(basename "$f") compiles" "$n.msg"
		fi
	done
	[ ${#good[@]} -eq 0 ] || DTSCHEMA_ALL=1 dtschema_check_dtbs "${good[@]}" || true
	for f in "$REPO"/tests/dt/bad/*.dts; do
		[ -f "$f" ] || continue
		n=$DT_WORK/fixtures/bad-$(basename "$f" .dts)
		msg=$n.msg
		want=$(sed -n 's|^// expect: ||p' "$f")
		if [ -z "$want" ]; then
			dt_nok "tests/dt/bad/$(basename "$f") has an '// expect:' line"
			continue
		fi
		if dtschema_dtc "$f" "$n.dtb" "$msg"; then
			dtschema_validate "$n.dtb" "$msg" || true
			dtschema_expect "tests/dt/bad/$(basename "$f")" "$msg" "$want"
		else
			dt_nok "tests/dt/bad/$(basename "$f") compiles" "$msg"
		fi
	done
}

# The kernel's own target on our bindings (opt-in: it builds the host dtc
# and processes all 6.12 bindings, about a minute). dt-validate 2022.08
# takes DT_SCHEMA_FILES as one substring (-l), so it gets the longest
# common prefix of our bindings' paths. The Makefile ignores the tools'
# verdicts: any line other than progress, make's own and the kernel
# schemas that dtschema 2022.08 cannot load fails the check.
dtschema_kbuild() {
	local out=$CACHE/build/dt_binding_check log=$LOGS/dt_binding_check.log
	local ver prefix rel rc=0
	ver=$(dt-doc-validate --version)
	prefix=${DT_FILES[0]}
	for rel in "${DT_FILES[@]}"; do
		while [ "${rel#"$prefix"}" = "$rel" ]; do
			prefix=${prefix%?}
		done
	done
	if [ "${#prefix}" -lt 4 ]; then
		dt_skip "make dt_binding_check in \$KSRC" \
			"no common path prefix to give DT_SCHEMA_FILES"
		return
	fi
	mkdir -p "$out"
	make -C "$KSRC" O="$out" dt_binding_check DT_SCHEMA_FILES="$prefix" \
		DT_SCHEMA_MIN_VERSION="$ver" -j"$JOBS" >"$log" 2>&1 || rc=$?
	grep -vE '^ +(DTEX|DTC|CHKDT|LINT|SCHEMA|HOSTCC|HOSTLD|LEX|YACC) |^make(\[[0-9]+\])?: (Entering|Leaving) ' "$log" |
		grep -vE "^$KSRC/Documentation/devicetree/bindings/.*: ignoring, error in schema" \
		>"$log.ours" || true
	# ... unless the schema it could not load is ours.
	grep -F "${DT_FILES[@]/#/-e}" "$log" | grep 'ignoring, error in schema' \
		>>"$log.ours" || true
	if [ "$rc" -eq 0 ] && [ ! -s "$log.ours" ]; then
		dt_ok "make dt_binding_check DT_SCHEMA_FILES=$prefix in \$KSRC (dtschema $ver)"
	else
		[ -s "$log.ours" ] || tail -n 20 "$log" >"$log.ours"
		dt_nok "make dt_binding_check DT_SCHEMA_FILES=$prefix in \$KSRC (dtschema $ver)" "$log.ours"
	fi
}

# What every check needs; dies with a fix before any check runs.
dtschema_setup() {
	dtschema_need_tools
	DT_YAMLLINT=$KSRC/Documentation/devicetree/bindings/.yamllint
	[ -f "$DT_YAMLLINT" ] || die "no $DT_YAMLLINT" \
		"run scripts/ksrc.sh first (make overlay), or point KSRC at a Linux 6.12 tree"
	mapfile -t DT_FILES < <(cd "$DT_BINDINGS" 2>/dev/null &&
		find . -name '*.yaml' | sed 's|^\./||' | sort)
	[ ${#DT_FILES[@]} -gt 0 ] || die "no bindings under $DT_BINDINGS" \
		"run from a complete checkout"
	rm -rf "$DT_WORK"
	mkdir -p "$DT_WORK"
}

dtschema_main() {
	local f rel msg linked
	echo "# dt-schema $(dt-doc-validate --version), $(dtc --version), $(yamllint --version)"
	for rel in "${DT_FILES[@]}"; do
		f=$DT_BINDINGS/$rel
		dtschema_lint "$f" "$rel"
		msg=$DT_WORK/words.msg
		if dtschema_words "$f" >"$msg"; then
			dt_nok "no OS words in $rel" "$msg"
		else
			dt_ok "no OS words in $rel"
		fi
		msg=$DT_WORK/doc.msg
		if dtschema_doc "$f" "$DT_BINDINGS" "$msg"; then
			dt_ok "dt-doc-validate $rel"
		else
			dt_nok "dt-doc-validate $rel" "$msg"
		fi
		linked=$KSRC/Documentation/devicetree/bindings/$rel
		if [ "$(readlink -f "$linked")" != "$(readlink -f "$f")" ]; then
			echo "$linked is not a link to $f; run scripts/ksrc.sh" >"$msg"
			dt_nok "dt-doc-validate $rel as linked into \$KSRC" "$msg"
		elif dtschema_doc "$linked" "$KSRC/Documentation/devicetree/bindings" "$msg"; then
			dt_ok "dt-doc-validate $rel as linked into \$KSRC"
		else
			dt_nok "dt-doc-validate $rel as linked into \$KSRC" "$msg"
		fi
	done

	if dtschema_schema; then
		dt_ok "dt-mk-schema: ${#DT_FILES[@]} bindings and the core schemas"
	else
		dt_nok "dt-mk-schema: ${#DT_FILES[@]} bindings and the core schemas" \
			"$DT_WORK/mk-schema.msg"
		return
	fi
	for rel in "${DT_FILES[@]}"; do
		dtschema_examples "$DT_BINDINGS/$rel" "$rel"
	done
	dtschema_negatives
	dtschema_fixtures
	if [ "${DTSCHEMA_KBUILD:-0}" = 1 ]; then
		dtschema_kbuild
	else
		echo "# not run: the kernel's make dt_binding_check (DTSCHEMA_KBUILD=1)"
	fi

	# shellcheck disable=SC2086
	set -- "$@" ${DTBS:-}
	[ $# -eq 0 ] || dtschema_check_dtbs "$@" || true
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	log=$LOGS/dtschema.log
	counts=$RESULTS/dtschema.counts
	rm -f "$counts"
	dtschema_setup
	dtschema_main "$@" >"$log" 2>&1 || true
	echo "1..$DT_N" >>"$log"
	echo "$DT_PASSED $DT_FAILED $DT_SKIPPED" >"$counts"
	echo "dtschema: $DT_PASSED passed, $DT_FAILED failed, $DT_SKIPPED skipped; log: $log"
	if [ "$DT_FAILED" -ne 0 ] || [ "$DT_PASSED" -eq 0 ]; then
		grep -A20 '^not ok' "$log" | head -n 40 >&2
		die "dtschema: FAILED" "see $log"
	fi
fi
