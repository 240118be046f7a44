#!/usr/bin/env bash
# Install the Debian packages listed in scripts/packages.txt that are
# missing. Idempotent; does nothing when all are installed.
. "$(dirname "$0")/common.sh"

mapfile -t pkgs < <(grep -v '^#' "$REPO/scripts/packages.txt" | grep -v '^$')
missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "error: missing Debian packages: ${missing[*]}" >&2
	echo "  fix: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
log=$LOGS/apt.log
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q "${missing[@]}" >"$log" 2>&1; then
	if ! apt-get update -q >>"$log" 2>&1; then
		die "apt-get update failed (no network or no Debian archive?), see $log" \
		    "check the network/proxy, then re-run; or install by hand: apt-get install ${missing[*]}"
	fi
	apt-get install -y -q "${missing[@]}" >>"$log" 2>&1 ||
		die "apt-get install failed, see $log" \
		    "apt-get install ${missing[*]}"
fi
