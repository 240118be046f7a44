#!/usr/bin/env bash
# Host tests of tools/iomem-dma-ctl (what it checks itself, and the
# sysfs, debugfs and tracefs files it reads, as fake trees), of
# tools/iomem-dma-dtcheck against devicetree fixtures (dtcheck.sh), and a
# bounded libFuzzer run of both (fuzz.sh). TAP output.
# usage: tests/tools/run.sh [BUILD_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s -C "$repo/tools" O="$out" >"$work/build.log" 2>&1 || {
	echo "1..1"; echo "not ok 1 - the tools build"; sed 's/^/# /' "$work/build.log"; exit 1; }
ctl=$out/iomem-dma-ctl

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# t DESC EXPECTED_RC [grep PATTERN in stdout+stderr] -- ARGS...
t() {
	local desc=$1 want=$2 pat=$3; shift 4
	"$ctl" --sysfs-root "$root" "$@" >"$work/out" 2>&1
	local rc=$?
	if [ "$rc" -eq "$want" ] && { [ -z "$pat" ] || grep -qE -- "$pat" "$work/out"; }; then
		ok "$desc"
	else
		nok "$desc (exit $rc, want $want)"; sed 's/^/# /' "$work/out"
	fi
}

# A fake sysfs with two providers, for what the tool reads from sysfs
# (preference) and for what it must check before it asks the kernel
# anything. Verdicts, clients and rules come from /dev/iomem_dma's ioctls,
# which only a kernel answers: the arm64 board runs those commands on the
# real one (tests/board/board-init.c). Here --device names a path that does
# not exist, so a command that reached the kernel would exit 2.
mkroot() {
	root=$work/sys$1
	mkdir -p "$root/kernel/iomem_dma" "$root/class/iomem_dma/0000:03:00.0-bar2" \
		"$root/class/iomem_dma/0000:05:00.0-bar2"
	echo 7 >"$root/kernel/iomem_dma/generation"
	for p in 0000:03:00.0-bar2 0000:05:00.0-bar2; do
		d=$root/class/iomem_dma/$p
		echo 1048576 >"$d/size"; echo 1044480 >"$d/available"
		echo 1 >"$d/published"; echo pci >"$d/bus"; echo 0 >"$d/preference"
	done
}
mkroot 1
nodev=$work/no-such-device

t "--help exits 0 and lists commands" 0 "explain +PROVIDER CLIENT" -- --help
t "--help names the device option" 0 "--device PATH" -- --help
t "help for one command" 0 "usage: iomem-dma-ctl restore FILE" -- help restore
t "restore --help" 0 "all or nothing" -- restore --help
t "no command is a usage error" 1 "usage:" --
t "unknown command" 1 "unknown command 'frobnicate'" -- frobnicate
t "unknown option" 1 "unknown option '--bogus'" -- --bogus rules
t "--device without a path" 1 "unknown option '--device'" -- --device

# Without the device: a clear "not found" naming it, exit 2.
for cmd in rules list "explain 0000:03:00.0-bar2 0000:04:00.0" "allow node=x" "remove 2" rescan "save $work/s.rules"; do
	# shellcheck disable=SC2086 # the command's words
	t "$cmd without the device: not found" 2 "not found; is iomem_dma in this kernel \\($nodev" -- --device "$nodev" $cmd
done
# A file that is not the iomem_dma device: the ioctl fails with ENOTTY.
t "rules on a device that is not iomem_dma" 5 "/dev/null is not the iomem_dma device" -- --device /dev/null rules
t "explain on a device that is not iomem_dma" 5 "/dev/null is not the iomem_dma device" -- --device /dev/null explain a b

# Rules are checked before the kernel sees them (exit 4, not 2).
t "deny force is refused before the kernel" 4 "force\" only goes with allow" -- --device "$nodev" deny node=x force
t "deny iommu is refused before the kernel" 4 "only go with allow" -- --device "$nodev" deny node=x iommu
t "iommu and bus together are refused" 4 "unexpected text" -- --device "$nodev" allow node=x iommu bus
t "bad name is refused before the kernel" 4 "names use only" -- --device "$nodev" allow provider=caf\$
t "trailing garbage is refused" 4 "unexpected text" -- --device "$nodev" allow node=a b
t "a rule longer than 256 bytes" 4 "longer than 256 bytes" -- --device "$nodev" allow "node=$(printf 'a%.0s' $(seq 300))"
t "allow without target is a usage error" 1 "needs a target" -- --device "$nodev" allow
t "rescan takes no arguments" 1 "no arguments" -- --device "$nodev" rescan now
t "remove of a non-number" 1 "not a rule id" -- --device "$nodev" remove 2x
t "remove of a negative id" 1 "not a rule id" -- --device "$nodev" remove -3
t "remove of an id beyond 32 bits" 2 "there is no rule 4294967296" -- --device "$nodev" remove 4294967296
t "explain with one argument" 1 "explain takes PROVIDER CLIENT" -- --device "$nodev" explain 0000:03:00.0-bar2

# restore parses the whole file first: a bad file never reaches the kernel.
printf '# comment\n\nallow node=pci0000:00\n  deny client=0000:04:00.0  \nallow node=x y\n' >"$work/bad.rules"
t "restore reports FILE:LINE" 4 "bad.rules:5: unexpected text" -- --device "$nodev" restore "$work/bad.rules"
printf 'allow node=a\nallow node=a\n' >"$work/dup.rules"
t "restore refuses duplicates" 4 "dup.rules:2: the same rule appears twice" -- --device "$nodev" restore "$work/dup.rules"
printf '# ok\nallow node=pci0000:00\ndeny client=0000:04:00.0\n' >"$work/good.rules"
t "restore of a valid file goes to the device" 2 "replacing the rules: not found" -- --device "$nodev" restore "$work/good.rules"
t "restore of a missing file" 2 "not found" -- --device "$nodev" restore "$work/none.rules"

t "preference shows" 0 "^0$" -- preference 0000:03:00.0-bar2
t "preference out of range" 4 "from -100 to 100" -- preference 0000:03:00.0-bar2 101
t "preference sets" 0 "" -- preference 0000:03:00.0-bar2 -5
[ "$(cat "$root/class/iomem_dma/0000:03:00.0-bar2/preference")" = "-5" ] \
	&& ok "preference written" || nok "preference written"

# bufs: the dma-bufs and heaps from debugfs, in the kernel's format.
t "bufs without debugfs says what is missing" 2 "is debugfs mounted" -- bufs
mkdir -p "$root/kernel/debug/iomem_dma"
printf '%s\n' "12345 0000:03:00.0-bar2 8192 maps=1 revokes=2" \
	"  importer 0000:04:00.0 maps=1 path=bus" "  importer vgem maps=0 path=- refused" \
	"23456 0000:05:00.0-bar2 4096 revoked maps=0 revokes=1" \
	"heap 0000:03:00.0-bar2 limit=65536 used=8192 allocs=3 refused=1" \
	"heap 0000:05:00.0-bar2 (no provider) limit=4096 used=0 allocs=1 refused=0" \
	>"$root/kernel/debug/iomem_dma/dmabufs"
t "bufs lists a buffer with its provider and size" 0 "^dma-buf inode 12345: 8192 bytes of 0000:03:00.0-bar2, 1 mapping\(s\), 2 revoke\(s\)$" -- bufs
t "bufs lists importers with their path" 0 "importer 0000:04:00.0: 1 mapping\(s\), path bus$" -- bufs
t "bufs says a map was refused" 0 "importer vgem: 0 mapping\(s\), path -, last map refused" -- bufs
t "bufs marks a revoked buffer" 0 "4096 bytes of 0000:05:00.0-bar2, revoked" -- bufs
t "bufs lists heaps, also orphaned ones" 0 "heap /dev/dma_heap/0000:05:00.0-bar2 \(provider gone\): limit 4096" -- bufs
t "bufs takes no arguments" 1 "no arguments" -- bufs x
"$ctl" --sysfs-root "$root" --json bufs >"$work/json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d["buffers"]
assert len(b)==2 and b[0]["size"]==8192 and b[0]["importers"][1]=={"device":"vgem","maps":0,"path":"-","refused":True}
assert b[1]["revoked"] and b[1]["importers"]==[] and d["heaps"][1]["provider"] is False and d["heaps"][0]["used"]==8192' "$work/json" \
	&& ok "bufs --json is valid JSON with buffers, importers and heaps" || { nok "bufs --json is valid JSON with buffers, importers and heaps"; sed 's/^/# /' "$work/json"; }
: >"$root/kernel/debug/iomem_dma/dmabufs"
t "bufs on an empty list" 0 "no dma-bufs exported, no heaps" -- bufs
"$ctl" --sysfs-root "$root" --json bufs >"$work/json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d=={"buffers":[],"heaps":[]}' "$work/json" \
	&& ok "bufs --json on an empty list" || { nok "bufs --json on an empty list"; sed 's/^/# /' "$work/json"; }
printf '%s\n' "heap h limit=1 used=0 allocs=0 refused=0" >"$root/kernel/debug/iomem_dma/dmabufs"
"$ctl" --sysfs-root "$root" --json bufs >"$work/json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["buffers"]==[] and d["heaps"][0]["name"]=="h"' "$work/json" \
	&& ok "bufs --json with heaps only" || { nok "bufs --json with heaps only"; sed 's/^/# /' "$work/json"; }

# trace and stat: a fake tracefs with two events (one without a client
# field), trace_pipe a regular file (the tool stops at its end).
t "trace without tracefs says what is missing" 2 "is tracefs mounted" -- trace
ev=$root/kernel/tracing/events/iomem_dma
mkdir -p "$ev/iomem_dma_map" "$ev/iomem_dma_rule_add"
for e in iomem_dma_map iomem_dma_rule_add; do
	echo 0 >"$ev/$e/enable"; echo none >"$ev/$e/filter"
done
printf '%s\n' "name: iomem_dma_map" "format:" \
	"	field:unsigned short common_type;	offset:0;	size:2;	signed:0;" \
	"	field:__data_loc char[] provider;	offset:8;	size:4;	signed:0;" \
	"	field:__data_loc char[] client;	offset:12;	size:4;	signed:0;" \
	"	field:unsigned int entries;	offset:16;	size:4;	signed:0;" >"$ev/iomem_dma_map/format"
printf '%s\n' "name: iomem_dma_rule_add" "format:" \
	"	field:unsigned int id;	offset:8;	size:4;	signed:0;" \
	"	field:char provider[64];	offset:12;	size:64;	signed:0;" >"$ev/iomem_dma_rule_add/format"
printf '%s\n' \
	"   edu-17  [001] .....  12.000001: iomem_dma_map: provider=0000:03:00.0-bar2 client=0000:04:00.0 entries=1 bytes=4096 path=bus" \
	"   edu-17  [001] .....  12.000002: iomem_dma_map: provider=0000:03:00.0-bar2 client=0000:04:00.0 entries=2 bytes=8192 path=bus" \
	"   sh-1    [000] .....  12.000003: iomem_dma_rule_add: id=7 deny provider=0000:03:00.0-bar2" \
	>"$root/kernel/tracing/trace_pipe"
t "trace prints the events as they come" 0 "iomem_dma_rule_add: id=7" -- trace
[ "$(cat "$ev/iomem_dma_map/enable")" = 0 ] && [ "$(cat "$ev/iomem_dma_map/filter")" = none ] \
	&& ok "trace turns off what it turned on and leaves filters it did not write" \
	|| nok "trace turns off what it turned on and leaves filters it did not write"
t "trace --count stops after N events" 0 "entries=1" -- trace --count 1
grep -q "entries=2" "$work/out" && nok "trace --count 1 printed a second event" || ok "trace --count 1 prints one event"
if command -v strace >/dev/null; then
	strace -f -e trace=write -s 200 "$ctl" --sysfs-root "$root" trace provider=0000:03:00.0-bar2 client=0000:04:00.0 \
		>"$work/out" 2>"$work/strace" || true
	grep -q 'write(.*"provider == \\"0000:03:00.0-bar2\\" && client == \\"0000:04:00.0\\""' "$work/strace" \
		&& ok "trace provider= client= writes the tracefs filter" \
		|| { nok "trace provider= client= writes the tracefs filter"; sed 's/^/# /' "$work/strace" | head -20; }
	[ "$(cat "$ev/iomem_dma_map/filter")" = 0 ] && [ "$(cat "$ev/iomem_dma_map/enable")" = 0 ] \
		&& ok "trace clears the filter it wrote" || nok "trace clears the filter it wrote"
else
	skip "trace provider= client= writes the tracefs filter" "no strace"
	skip "trace clears the filter it wrote" "no strace"
fi
t "trace client= leaves events without a client field off" 0 "" -- trace client=0000:04:00.0
[ "$(cat "$ev/iomem_dma_rule_add/enable")" = 0 ] && ok "an event without the field was not enabled" \
	|| nok "an event without the field was not enabled"
t "trace refuses a name with a quote" 4 "cannot be filtered" -- trace 'provider=a"b'
t "trace with an unknown argument" 1 "usage" -- trace bogus
printf '%s\n' "provider 0000:03:00.0-bar2 size 1048576 avail 1040384 allocations 2 published" \
	"  client 0000:04:00.0 bytes 8192 allocations 2" >"$root/kernel/debug/iomem_dma/accounting"
t "stat shows bytes per provider" 0 "provider 0000:03:00.0-bar2: 8192 of 1048576 bytes in use, 2 allocation" -- stat --count 1
grep -q "client 0000:04:00.0: 8192 bytes, 2 allocation" "$work/out" && grep -q "iomem_dma_map 2 (" "$work/out" \
	&& grep -q "iomem_dma_rule_add 1 (" "$work/out" \
	&& ok "stat shows bytes per client and counts each event" || { nok "stat shows bytes per client and counts each event"; sed 's/^/# /' "$work/out"; }
"$ctl" --sysfs-root "$root" --json stat --count 1 >"$work/json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["providers"][0]
assert p["used"]==8192 and p["clients"][0]=={"name":"0000:04:00.0","bytes":8192,"allocations":2}
assert set(d["events_per_second"])=={"iomem_dma_map","iomem_dma_rule_add"} and d["events_per_second"]["iomem_dma_map"]>0' "$work/json" \
	&& ok "stat --json is valid JSON" || { nok "stat --json is valid JSON"; sed 's/^/# /' "$work/json"; }
"$ctl" --sysfs-root "$root" --json trace --count 1 >"$work/json" 2>&1
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read())
assert d["event"]=="iomem_dma_map" and d["text"].startswith("provider=0000:03:00.0-bar2")' "$work/json" \
	&& ok "trace --json gives the event and its text" || { nok "trace --json gives the event and its text"; sed 's/^/# /' "$work/json"; }
t "stat with a zero interval" 1 "usage" -- stat --interval 0

mkroot 2
mkdir "$work/adir"
t "I/O error on the device is reported" 5 "Is a directory" -- --device "$work/adir" allow node=a
ro=/sys/kernel/mm/transparent_hugepage/hpage_pmd_size
if [ -e "$ro" ] && ! (echo x >"$ro") 2>/dev/null; then
	pref=$root/class/iomem_dma/0000:03:00.0-bar2/preference
	rm -f "$pref"; ln -s "$ro" "$pref"
	t "EPERM/EACCES says what is needed" 3 "needs root \(CAP_SYS_ADMIN\)" -- preference 0000:03:00.0-bar2 5
else
	skip "EPERM/EACCES says what is needed" "no read-only sysfs file to write to here"
fi
root=$work/nothing
t "no iomem_dma in the kernel" 2 "is iomem_dma in this kernel" -- rules
t "no providers directory" 2 "not found" -- list

# iomem-dma-dtcheck on the fixtures in tests/tools/dtcheck/.
. "$here/dtcheck.sh"
dtcheck_tests

# Coverage-guided fuzzing (fuzz.sh), bounded: FUZZ_TIME seconds per target
# (default 20) from seed FUZZ_SEED (default 1, so runs are comparable).
# One case per target; any crash, leak or sanitizer report fails it.
. "$here/fuzz.sh"
fuzz_secs=${FUZZ_TIME:-20} fuzz_seed=${FUZZ_SEED:-1}
if ! make -s -C "$repo/tools" O="$out" fuzzers >"$work/fuzzers.log" 2>&1; then
	for t in fuzz_rules fuzz_dtcheck; do
		nok "libFuzzer $t builds (clang and libclang-rt-14-dev: make deps)"
	done
	sed 's/^/# /' "$work/fuzzers.log" | tail -n 20
elif ! fuzz_prepare "$out"; then
	for t in fuzz_rules fuzz_dtcheck; do
		nok "libFuzzer $t: the seed corpus"
	done
	sed 's/^/# /' "$out/seeds.log"
else
	for t in fuzz_rules fuzz_dtcheck; do
		rm -rf "$work/corpus-$t"
		if fuzz_target "$out" "$t" "$fuzz_secs" "$fuzz_seed" "$work/corpus-$t"; then
			ok "libFuzzer $FUZZ_SUMMARY"
		else
			nok "libFuzzer $FUZZ_SUMMARY"
			grep -A 12 -E "ERROR: |runtime error:|==ABORTING|deadly signal" "$out/$t.log" |
				head -n 40 | sed 's/^/# /'
		fi
	done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
