#!/usr/bin/env bash
# Install the Debian 12 packages that building and testing dns01-hooks needs.
# Runs as root. Does nothing (and never calls apt-get) when every package is
# already installed; otherwise runs `apt-get update` once and installs only
# the missing packages.
set -euo pipefail

PACKAGES=(
    # build
    gcc clang make pkg-config
    libcurl4-openssl-dev libssl-dev libjansson-dev libidn2-dev libcmocka-dev
    # test rig: DNS servers and tools, ACME test CA and client, mock, helpers
    knot knot-dnsutils unbound pebble certbot openssl python3 python3-dnspython curl
    # other ACME clients that the hooks serve, and the tools of the install tests:
    # Debian package build, man page rendering, systemd unit checks
    dehydrated uacme lego util-linux build-essential dpkg-dev debhelper man-db groff-base bsdextrautils systemd
    # fuzzing (libFuzzer) and the hardening checks: readelf, valgrind, cppcheck
    libclang-rt-14-dev binutils valgrind cppcheck
)

# One dpkg-query call for all packages; it lists the known ones even when
# it exits non-zero because some are unknown.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for package in "${PACKAGES[@]}"; do
    grep -qx "$package installed" <<<"$installed" || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

if ((EUID != 0)); then
    echo "deps: missing packages: ${missing[*]}; run tests/deps.sh as root" >&2
    exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Installed packages must not start their system services: knot and unbound
# would take port 53 on loopback, and unbound's service would query the
# Internet's root servers. The rig starts its own instances instead.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\n# tests/deps.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
