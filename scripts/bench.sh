#!/usr/bin/env bash
# `make bench`: the benchmark suite on the arm64 board with real counts.
. "$(dirname "$0")/common.sh"
bash "$REPO/scripts/board.sh" --bench
