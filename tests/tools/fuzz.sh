#!/usr/bin/env bash
# Coverage-guided fuzzing of the tools with libFuzzer: fuzz_rules (the
# rules-file parser of iomem-dma-ctl) and fuzz_dtcheck (iomem-dma-dtcheck
# on a blob in memory), built by make -C tools fuzzers with clang
# -fsanitize=fuzzer,address,undefined.
#
# Run (the long fuzz; make -C tools fuzz does the same):
#   bash tests/tools/fuzz.sh BUILD_DIR
#   FUZZ_TIME=3600  seconds per target (default 600)
#   FUZZ_SEED=N     libFuzzer's -seed (default: random, printed)
# The corpus grows in BUILD_DIR/corpus/TARGET across runs; a crash, leak
# or sanitizer report leaves its input in BUILD_DIR/artifacts/ and the
# exit status is 1.
#
# Sourced by run.sh for the bounded run of make check: fuzz_prepare and
# fuzz_target below.
# shellcheck shell=bash

fuzz_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# fuzz_prepare BUILD_DIR: the seed corpora in BUILD_DIR/seeds/TARGET: the
# committed rules files, and the dtcheck fixtures compiled with dtc plus
# the committed blobs of corpus/dtcheck/ (inputs that once found a bug).
# Returns 1 with the reason in BUILD_DIR/seeds.log if dtc fails.
fuzz_prepare() {
	local dir=$1/seeds f
	rm -rf "$dir"
	mkdir -p "$dir/fuzz_rules" "$dir/fuzz_dtcheck"
	cp "$fuzz_here"/corpus/rules/*.rules "$dir/fuzz_rules/"
	cp "$fuzz_here"/corpus/dtcheck/*.dtb "$dir/fuzz_dtcheck/"
	for f in "$fuzz_here"/dtcheck/*.dts "$fuzz_here"/dtcheck/*.dtso; do
		dtc -q -I dts -O dtb -o "$dir/fuzz_dtcheck/$(basename "${f%.*}").dtb" \
			"$f" 2>>"$1/seeds.log" || return 1
	done
}

# fuzz_target BUILD_DIR TARGET SECONDS SEED CORPUS_DIR: run TARGET from
# the seeds plus CORPUS_DIR (where new inputs go) for SECONDS. The whole
# log is in BUILD_DIR/TARGET.log; FUZZ_SUMMARY is set to one line about
# the run. Returns 0 only if libFuzzer ran to the end and reported
# nothing.
fuzz_target() {
	local b=$1 t=$2 secs=$3 seed=$4 corpus=$5 rc dict runs cov corp
	dict=$fuzz_here/corpus/${t#fuzz_}.dict
	mkdir -p "$corpus" "$b/artifacts"
	# Leaks are on by default with ASan; UBSan stops at its first report.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	timeout $((secs + 60)) "$b/$t" -seed="$seed" -max_total_time="$secs" \
		-error_exitcode=77 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -dict="$dict" \
		-artifact_prefix="$b/artifacts/$t-" \
		"$corpus" "$b/seeds/$t" >"$b/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$b/$t.log")
	cov=$(sed -n 's/.*DONE .*cov: \([0-9]*\).*corp: \([0-9]*\)\/.*/cov \1, corpus \2/p' "$b/$t.log")
	FUZZ_SUMMARY="$t: ${runs:-no summary}, seed $seed${cov:+, $cov}"
	if [ "$rc" -ne 0 ] || [ -z "$runs" ] ||
	   grep -qE "ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|ERROR: libFuzzer" \
		"$b/$t.log"; then
		FUZZ_SUMMARY="$FUZZ_SUMMARY: FAILED (exit $rc; rerun: $b/$t -seed=$seed, inputs in $b/artifacts/)"
		return 1
	fi
	FUZZ_SUMMARY="$FUZZ_SUMMARY, no crash, leak or sanitizer report"
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	b=${1:?usage: fuzz.sh BUILD_DIR (with the fuzzers from make -C tools O=BUILD_DIR fuzzers)}
	b=$(cd "$b" && pwd)
	secs=${FUZZ_TIME:-600}
	seed=${FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
	fuzz_prepare "$b" || { cat "$b/seeds.log" >&2; exit 1; }
	bad=0
	for t in fuzz_rules fuzz_dtcheck; do
		echo "$t: fuzzing for $secs s from seed $seed (log: $b/$t.log)"
		if fuzz_target "$b" "$t" "$secs" "$seed" "$b/corpus/$t"; then
			echo "$FUZZ_SUMMARY"
		else
			echo "$FUZZ_SUMMARY"
			tail -n 30 "$b/$t.log"
			bad=1
		fi
	done
	exit "$bad"
fi
