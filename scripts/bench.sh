#!/usr/bin/env bash
# `make bench`: the benchmark suite on the arm64 board with real counts
# (one boot with the board checks: the table), then what the iomem_dma
# trace events cost when compiled in but off: BENCH_BOOTS (default 3)
# boots of the benchmarks alone on that kernel and as many on the same
# kernel built with CONFIG_IOMEM_DMA_TRACE=n, alternating
# (scripts/bench_trace.py compares them).
. "$(dirname "$0")/common.sh"
bash "$REPO/scripts/board.sh" --bench
boots=${BENCH_BOOTS:-3}
echo
echo "bench: the iomem_dma events compiled in and off vs compiled out, $boots boots of each"
on=() off=()
for i in $(seq 1 "$boots"); do
	for m in only notrace; do
		bash "$REPO/scripts/board.sh" --bench-$m >"$LOGS/bench-$m.out" 2>&1 ||
			{ tail -n 20 "$LOGS/bench-$m.out"; die "bench: the --bench-$m boot failed" "see $LOGS/bench-$m.out"; }
	done
	cp "$LOGS/board-boot-benchonly.log" "$LOGS/bench-on-$i.log"
	cp "$LOGS/board-boot-notrace.log" "$LOGS/bench-off-$i.log"
	on+=("$LOGS/bench-on-$i.log") off+=("$LOGS/bench-off-$i.log")
	echo "bench: boot pair $i of $boots done"
done
python3 "$REPO/scripts/bench_trace.py" "$CACHE/out/bench-trace.txt" \
	"${on[@]}" -- "${off[@]}"
