#!/usr/bin/env bash
# The main job: the arm64 board told as a story (see scripts/board.sh).
. "$(dirname "$0")/common.sh"
bash "$REPO/scripts/board.sh" --demo
echo "demo: done; full boot log: $LOGS/board-boot.log"
