#!/usr/bin/env bash
# `make bench`: compare dns01-hooks under certbot with certbot-dns-cloudflare
# and lego on the local rig, and measure the hooks' own overhead. Results go
# to build/bench/results.md and results.json; BENCHMARKS.md explains them.
#
# Usage: bench/run.sh [bench.py options]   (see bench/bench.py --help)
#
# Installs the packages the test suite needs (tests/deps.sh) and the
# benchmark's own (below) when missing and builds the hooks. bench.py holds
# the rig's test lock during each measured run and releases it between runs.
# It starts the rig when the rig is not running, and then stops it at the end.
# Needs root: the rig binds port 53, and lego runs in a mount namespace.
set -euo pipefail

if ((EUID != 0)); then
    echo "bench: run as root: the rig binds port 53, and lego runs in a mount namespace" >&2
    exit 1
fi

# bench.py takes a relative --output from where the user started this script.
export BENCH_CALLER_DIR=$PWD
REPO=$(cd "$(dirname "$0")/.." && pwd)
RIG=$REPO/tests/rig/rig.sh
cd "$REPO"

BENCH_PACKAGES=(python3-certbot-dns-cloudflare hyperfine valgrind time)

install_bench_packages() {
    local installed package missing=()
    installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${BENCH_PACKAGES[@]}" 2>/dev/null || true)
    for package in "${BENCH_PACKAGES[@]}"; do
        grep -qx "$package installed" <<<"$installed" || missing+=("$package")
    done
    ((${#missing[@]} > 0)) || return 0
    if ((EUID != 0)); then
        echo "bench: missing packages: ${missing[*]}; run as root" >&2
        exit 1
    fi
    echo "bench: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

tests/deps.sh
install_bench_packages
make -s all

eval "$("$RIG" env)"

/usr/bin/python3 "$REPO/bench/bench.py" "$@"
