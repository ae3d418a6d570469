#!/usr/bin/env bash
# Start, stop and inspect the local DNS-01 test rig:
#   - a throw-away CA and a server certificate for localhost/127.0.0.1,
#   - two independent authoritative knotd servers, ns1 (127.0.53.1:53) and
#     ns2 (127.0.53.2:53), each with its own copy of the zones in zones/,
#   - pebble, the ACME test CA, on https://127.0.0.1:14000/dir; it validates
#     DNS-01 challenges by asking ns2 only,
#   - the Cloudflare API v4 mock on https://127.0.0.1:18443/client/v4, which
#     applies every record change to ns1 at once and to ns2 after a delay,
#   - ns3 (127.0.53.3:53), the programmable DNS server of the fault tests
#     (tests/mock/dns_fault_server.py). It is a third nameserver of the zone
#     dnsfault.test and forwards to ns1 unless a test sets a fault. Its
#     control API is http://127.0.0.1:18053/.
#   - a validating resolver (unbound) on 127.0.53.4:53 that forwards
#     everything to ns1 and trusts the signed zones dnssec-good.test (through the
#     DS of its key) and dnssec-stale.test (through a DS that matches no key).
# Every server listens on loopback only. Runtime files, pid files and logs go
# under $RIG_DIR (default: build/rig in the repository).
#
# Usage: rig.sh start|stop|status|env
#   start   stop leftovers of an earlier rig, then start everything and wait
#           until every server responds (at most RIG_READY_TIMEOUT seconds each)
#   stop    stop every process that start recorded in a pid file
#   status  print the state of each server; exit 0 only if all respond
#   env     print the export lines that tests source (see tests/lib.sh)
# start and stop wait for the lock that tests/run-integration.sh holds during
# a run (the runner sets RIG_LOCK_HELD=1 when it calls them itself).
# Needs root (port 53) and the packages that tests/deps.sh installs.
set -euo pipefail

RIG_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$RIG_SCRIPT_DIR/../.." && pwd)
RIG_DIR=${RIG_DIR:-$REPO/build/rig}
case $RIG_DIR in
    /*) ;;
    *) RIG_DIR=$PWD/$RIG_DIR ;;
esac

# Debian's interpreter: python3 on PATH may be a pyenv build without the
# same standard library configuration.
PYTHON=/usr/bin/python3
READY_TIMEOUT=${RIG_READY_TIMEOUT:-30}

NS1_ADDR=127.0.53.1
NS2_ADDR=127.0.53.2
NS3_ADDR=127.0.53.3
RESOLVER_ADDR=127.0.53.4
DNSFAULT_CONTROL_LISTEN=127.0.0.1:18053
PEBBLE_LISTEN=127.0.0.1:14000
PEBBLE_MANAGEMENT_LISTEN=127.0.0.1:15000
MOCK_HOST=127.0.0.1
MOCK_PORT=18443

# Zones served by both knotd instances. dcv-provider.test is deliberately
# missing from the mock's account (see write_mock_accounts).
ZONES=(example.test sub.example.test example.com.test other.test dcv-provider.test dnsfault.test
    dnssec-good.test dnssec-stale.test)
# Zones that knotd signs. Each server has its own keys, and the resolver queries ns1 only.
SIGNED_ZONES=(dnssec-good.test dnssec-stale.test)
COMPONENTS=(ns1 ns2 pebble mock dnsfault resolver)

# Test credentials of the mock account. None of them is a real secret, but
# the mock still keeps them out of its logs so tests can check that the hooks
# do the same.
CF_TEST_TOKEN=cf-test-token
CF_TEST_ZONE_TOKEN=cf-test-zone-token
CF_TEST_READONLY_TOKEN=cf-test-readonly-token
CF_TEST_IP_RESTRICTED_TOKEN=cf-test-ip-restricted-token
CF_TEST_EMAIL=cf-test-email@example.test
CF_TEST_GLOBAL_KEY=cf-test-global-key

CA_DIR=$RIG_DIR/ca
LOG_DIR=$RIG_DIR/logs
PID_DIR=$RIG_DIR/pids

log() {
    printf 'rig: %s\n' "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

usage() {
    printf 'usage: %s start|stop|status|env\n' "$(basename "$0")" >&2
    exit 2
}

require_tools() {
    local tool missing=()
    for tool in knotd kdig knsupdate keymgr unbound pebble openssl curl setsid "$PYTHON"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    # The provider mocks send their DNS updates with dnspython.
    "$PYTHON" -c 'import dns.update' 2>/dev/null || missing+=("python3-dnspython")
    if ((${#missing[@]} > 0)); then
        die "missing programs or modules: ${missing[*]}; run tests/deps.sh as root"
    fi
    if ((EUID != 0)); then
        die "knotd must bind port 53, so the rig needs root"
    fi
}

# ---------------------------------------------------------------------------
# Processes

pid_file() {
    printf '%s/%s.pid' "$PID_DIR" "$1"
}

# Print the pid of a running component. A pid is accepted only while its
# command line still mentions RIG_DIR, so a recycled pid is never signalled.
running_pid() {
    local file pid
    file=$(pid_file "$1")
    [[ -r $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$RIG_DIR" || return 1
    printf '%s\n' "$pid"
}

# Start a component in its own session, so signals sent to the caller's
# process group (a test timeout, Ctrl-C) do not reach the rig.
spawn() {
    local name=$1
    shift
    setsid "$@" </dev/null >"$LOG_DIR/$name.log" 2>&1 8>&- &
    printf '%s\n' "$!" >"$(pid_file "$name")"
}

stop_component() {
    local name=$1 pid deadline
    if ! pid=$(running_pid "$name"); then
        rm -f "$(pid_file "$name")"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) ignored SIGTERM for 10 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pid_file "$name")"
}

# Stop the rig's own servers and any other server that recorded a pid file
# in $PID_DIR (such as the alidns mock of tests/rig/alidns.sh), because a new
# start replaces the CA that they use.
stop_all() {
    local name file
    for name in "${COMPONENTS[@]}"; do
        stop_component "$name"
    done
    for file in "$PID_DIR"/*.pid; do
        [[ -e $file ]] || continue
        name=$(basename "$file" .pid)
        stop_component "$name"
    done
    RIG_DIR=$RIG_DIR "$RIG_SCRIPT_DIR/alidns.sh" stop >/dev/null 2>&1 || true
}

# Poll a check command every 0.1 s until it succeeds or READY_TIMEOUT
# seconds pass. On timeout, print the component's log tail and fail.
wait_ready() {
    local name=$1 description=$2
    shift 2
    local deadline=$((SECONDS + READY_TIMEOUT)) pid
    pid=$(<"$(pid_file "$name")")
    until "$@" >/dev/null 2>&1; do
        # kill -0 and not running_pid: until setsid has exec'd the server,
        # the child's command line is still that of this script.
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited during start; last lines of $LOG_DIR/$name.log:"
            tail -n 20 "$LOG_DIR/$name.log" >&2 || true
            return 1
        fi
        if ((SECONDS >= deadline)); then
            log "$name: $description not ready after $READY_TIMEOUT s; last lines of $LOG_DIR/$name.log:"
            tail -n 20 "$LOG_DIR/$name.log" >&2 || true
            return 1
        fi
        sleep 0.1
    done
}

# Fail when another process already listens on one of the rig's addresses.
# knotd binds with SO_REUSEPORT, so a second knotd would share the port with
# the first one, and the readiness checks would pass against the wrong server.
require_free_ports() {
    "$PYTHON" - "$NS1_ADDR:53/udp" "$NS1_ADDR:53/tcp" "$NS2_ADDR:53/udp" "$NS2_ADDR:53/tcp" \
        "$PEBBLE_LISTEN/tcp" "$PEBBLE_MANAGEMENT_LISTEN/tcp" "$MOCK_HOST:$MOCK_PORT/tcp" \
        "$NS3_ADDR:53/udp" "$NS3_ADDR:53/tcp" "$DNSFAULT_CONTROL_LISTEN/tcp" "$RESOLVER_ADDR:53/udp" "$RESOLVER_ADDR:53/tcp" <<'PY'
import socket, sys
busy = []
for endpoint in sys.argv[1:]:
    address, protocol = endpoint.split("/")
    host, port = address.rsplit(":", 1)
    kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as probe:
        if kind == socket.SOCK_STREAM:
            # Lets bind pass over TIME_WAIT connections of a stopped server
            # while a listening socket still makes it fail.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            busy.append(endpoint)
if busy:
    print("rig: error: already in use by another process: " + ", ".join(busy)
          + "; stop that process (another rig? see its RIG_DIR) and retry", file=sys.stderr)
    sys.exit(1)
PY
}

# ---------------------------------------------------------------------------
# Certificates

make_ca() {
    mkdir -p "$CA_DIR"
    (
        cd "$CA_DIR"
        openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
        openssl req -x509 -new -key ca.key -sha256 -days 30 \
            -subj "/CN=dns01-hooks test rig CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -out ca.pem

        openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
        openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
        cat >server.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
            -set_serial "0x$(openssl rand -hex 16)" -days 30 -sha256 \
            -extfile server.ext -out server.pem 2>/dev/null
        chmod 600 ca.key server.key
    )
}

# ---------------------------------------------------------------------------
# knotd

write_knot_conf() {
    local name=$1 address=$2 dir=$RIG_DIR/$1 zone
    mkdir -p "$dir/zones" "$dir/db" "$dir/run"
    for zone in "${ZONES[@]}"; do
        cp "$RIG_SCRIPT_DIR/zones/$zone.zone" "$dir/zones/$zone.zone"
    done

    # zonefile-sync -1 with journal-content changes keeps dynamic updates in
    # the journal only, so the zone files stay as copied.
    {
        cat <<EOF
server:
    identity: "dns01-hooks rig $name"
    rundir: "$dir/run"
    listen: $address@53
    udp-workers: 2
    tcp-workers: 2
    background-workers: 1

log:
  - target: stderr
    any: info

database:
    storage: "$dir/db"

acl:
  - id: rig_update
    address: [127.0.0.0/8, ::1]
    action: update
  - id: rig_transfer
    address: [127.0.0.0/8, ::1]
    action: transfer

template:
  - id: default
    storage: "$dir/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: changes
    semantic-checks: on
    acl: [rig_update, rig_transfer]

zone:
EOF
        for zone in "${ZONES[@]}"; do
            printf '  - domain: %s\n' "$zone"
            if [[ " ${SIGNED_ZONES[*]} " == *" $zone "* ]]; then
                printf '    dnssec-signing: on\n'
            fi
        done
    } >"$dir/knot.conf"
}

# Succeed when the server serves every rig zone authoritatively.
knot_serves_all_zones() {
    local address=$1 zone answer
    for zone in "${ZONES[@]}"; do
        answer=$(kdig @"$address" "$zone" SOA +norecurse +short +timeout=1 +retry=0 2>/dev/null) || return 1
        [[ -n $answer ]] || return 1
    done
}

start_knot() {
    local name=$1 address=$2
    write_knot_conf "$name" "$address"
    spawn "$name" knotd -c "$RIG_DIR/$name/knot.conf"
    wait_ready "$name" "zones on $address" knot_serves_all_zones "$address"
}

# ---------------------------------------------------------------------------
# pebble

write_pebble_conf() {
    mkdir -p "$RIG_DIR/pebble"
    cat >"$RIG_DIR/pebble/pebble-config.json" <<EOF
{
  "pebble": {
    "listenAddress": "$PEBBLE_LISTEN",
    "managementListenAddress": "$PEBBLE_MANAGEMENT_LISTEN",
    "certificate": "$CA_DIR/server.pem",
    "privateKey": "$CA_DIR/server.key",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
}

pebble_responds() {
    curl -fsS --max-time 2 --cacert "$CA_DIR/ca.pem" "https://$PEBBLE_LISTEN/dir"
}

start_pebble() {
    write_pebble_conf
    # NOSLEEP removes pebble's random validation delay and NONCEREJECT=0 stops
    # it from rejecting valid nonces at random, so runs are repeatable.
    spawn pebble env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 \
        pebble -config "$RIG_DIR/pebble/pebble-config.json" -dnsserver "$NS2_ADDR:53"
    wait_ready pebble "ACME directory" pebble_responds
}

# ---------------------------------------------------------------------------
# Cloudflare mock

write_mock_accounts() {
    mkdir -p "$RIG_DIR/mock"
    # Zone ids are fixed so that tests and logs stay comparable between runs.
    cat >"$RIG_DIR/mock/cloudflare-accounts.json" <<EOF
{
  "account": {"id": "7a082258e16de0449a88ea04fc4fedc2", "name": "dns01-hooks test account"},
  "name_servers": ["ns1.example.test", "ns2.example.test"],
  "zones": [
    {"id": "e2f8c16330cbd51d52d9df189ea084b0", "name": "example.test"},
    {"id": "01fcbe75c57dd9158e225aa934649113", "name": "example.com.test"},
    {"id": "e4d05b6ea28f7f4cbaab2b4679ee48e8", "name": "sub.example.test"},
    {"id": "ef68ee158e807faaaa076f03a69e0c9a", "name": "other.test"},
    {"id": "5d1c0a3f7b2e4c6d8e9f0a1b2c3d4e5f", "name": "dnsfault.test"},
    {"id": "9b3e6f1c2d4a5b7c8e0f1a2b3c4d5e6f", "name": "dnssec-good.test"},
    {"id": "3c5a7e9b1d2f4a6c8e0b2d4f6a8c0e1b", "name": "dnssec-stale.test"}
  ],
  "credentials": [
    {"name": "full-token", "scheme": "bearer", "token": "$CF_TEST_TOKEN",
     "zones": "*", "permissions": ["zone.list", "zone.read", "dns.read", "dns.write"]},
    {"name": "zone-scoped-token", "scheme": "bearer", "token": "$CF_TEST_ZONE_TOKEN",
     "zones": ["example.test"], "permissions": ["dns.read", "dns.write"]},
    {"name": "read-only-token", "scheme": "bearer", "token": "$CF_TEST_READONLY_TOKEN",
     "zones": "*", "permissions": ["zone.list", "zone.read", "dns.read"]},
    {"name": "ip-restricted-token", "scheme": "bearer", "token": "$CF_TEST_IP_RESTRICTED_TOKEN",
     "zones": "*", "permissions": ["zone.list", "zone.read", "dns.read", "dns.write"],
     "ip_restricted": true},
    {"name": "global-key", "scheme": "global_key", "email": "$CF_TEST_EMAIL", "key": "$CF_TEST_GLOBAL_KEY",
     "zones": "*", "permissions": ["zone.list", "zone.read", "dns.read", "dns.write"]}
  ]
}
EOF
}

mock_responds() {
    curl -fsS --max-time 2 --cacert "$CA_DIR/ca.pem" "https://$MOCK_HOST:$MOCK_PORT/_mock/config"
}

start_mock() {
    write_mock_accounts
    spawn mock env PYTHONDONTWRITEBYTECODE=1 "$PYTHON" "$REPO/tests/mock/cloudflare_mock.py" \
        --listen "$MOCK_HOST:$MOCK_PORT" \
        --cert "$CA_DIR/server.pem" --key "$CA_DIR/server.key" \
        --accounts "$RIG_DIR/mock/cloudflare-accounts.json" \
        --dns-server "$NS1_ADDR" --dns-server "$NS2_ADDR"
    wait_ready mock "control API" mock_responds
}

# ---------------------------------------------------------------------------
# ns3: the programmable DNS server of the fault tests

dnsfault_responds() {
    curl -fsS --max-time 2 "http://$DNSFAULT_CONTROL_LISTEN/rules" >/dev/null &&
        [[ -n $(kdig @"$NS3_ADDR" dnsfault.test SOA +norecurse +short +timeout=1 +retry=0 2>/dev/null) ]]
}

start_dnsfault() {
    spawn dnsfault env PYTHONDONTWRITEBYTECODE=1 "$PYTHON" "$REPO/tests/mock/dns_fault_server.py" \
        --listen "$NS3_ADDR" --upstream "$NS1_ADDR:53" --control "$DNSFAULT_CONTROL_LISTEN" \
        --rig-dir "$RIG_DIR"
    wait_ready dnsfault "DNS and control API" dnsfault_responds
}

# ---------------------------------------------------------------------------
# unbound, the validating resolver

# Print the trust anchor of each signed zone: the SHA-256 DS of ns1's key,
# and for dnssec-stale.test the same key tag with a digest of no key.
trust_anchors() {
    local zone ds
    for zone in "${SIGNED_ZONES[@]}"; do
        ds=$(keymgr -c "$RIG_DIR/ns1/knot.conf" "$zone" ds | awk '$2 == "DS" && $5 == 2 { print; exit }')
        [[ -n $ds ]] || die "keymgr printed no SHA-256 DS record for $zone"
        if [[ $zone == dnssec-stale.test ]]; then
            ds=$(awk -v digest="$(printf 'no such key' | sha256sum | awk '{ print toupper($1) }')" \
                '{ $6 = digest; print }' <<<"$ds")
        fi
        printf '    trust-anchor: "%s"\n' "$ds"
    done
}

# Every query is forwarded to ns1, which refuses names outside the rig zones,
# so the resolver stays on loopback and never primes the root. Names outside
# the signed zones are insecure because there is no root trust anchor.
# The local-zone line is needed because unbound answers NXDOMAIN for test. by default.
write_unbound_conf() {
    local dir=$RIG_DIR/resolver
    mkdir -p "$dir"
    {
        cat <<EOF
server:
    interface: $RESOLVER_ADDR
    port: 53
    do-ip6: no
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$dir"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 1
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "validator iterator"
    cache-max-ttl: 5
    cache-max-negative-ttl: 1
    val-bogus-ttl: 1
    val-log-level: 2
    local-zone: "test." nodefault
EOF
        trust_anchors
        cat <<EOF

forward-zone:
    name: "."
    forward-addr: $NS1_ADDR
EOF
    } >"$dir/unbound.conf"
}

resolver_responds() {
    [[ -n $(kdig @"$RESOLVER_ADDR" dnssec-good.test SOA +short +timeout=1 +retry=0 2>/dev/null) ]]
}

start_resolver() {
    write_unbound_conf || return 1
    spawn resolver unbound -d -c "$RIG_DIR/resolver/unbound.conf"
    wait_ready resolver "answers on $RESOLVER_ADDR" resolver_responds
}

# ---------------------------------------------------------------------------
# Commands

# Wait until no test run uses the rig; the lock is released when this
# script exits.
lock_rig() {
    [[ -z ${RIG_LOCK_HELD:-} ]] || return 0
    mkdir -p "$RIG_DIR"
    exec 8>"$RIG_DIR/run-integration.lock"
    if ! flock -n 8; then
        log "waiting for the test run that uses $RIG_DIR to finish (at most 1800 s)"
        flock -w 1800 8 || die "a test run still holds $RIG_DIR/run-integration.lock"
    fi
}

cmd_start() {
    require_tools
    lock_rig
    stop_all
    rm -rf "$CA_DIR" "$RIG_DIR/ns1" "$RIG_DIR/ns2" "$RIG_DIR/pebble" "$RIG_DIR/mock" "$RIG_DIR/resolver" "$LOG_DIR"
    mkdir -p "$LOG_DIR" "$PID_DIR"
    require_free_ports || exit 1

    make_ca
    if ! { start_knot ns1 "$NS1_ADDR" &&
        start_knot ns2 "$NS2_ADDR" &&
        start_pebble &&
        start_mock &&
        start_dnsfault &&
        start_resolver &&
        RIG_DIR=$RIG_DIR "$RIG_SCRIPT_DIR/alidns.sh" start; }; then
        log "start failed; stopping what was started"
        stop_all
        exit 1
    fi
    log "ready: ns1 $NS1_ADDR:53, ns2 $NS2_ADDR:53, pebble https://$PEBBLE_LISTEN/dir," \
        "mock https://$MOCK_HOST:$MOCK_PORT/client/v4, ns3 $NS3_ADDR:53," \
        "validating resolver $RESOLVER_ADDR:53 (logs in $LOG_DIR)"
}

cmd_stop() {
    lock_rig
    stop_all
    log "stopped"
}

cmd_status() {
    local all_up=0 name pid state
    for name in "${COMPONENTS[@]}"; do
        if ! pid=$(running_pid "$name"); then
            state="not running"
            all_up=1
        elif ! component_responds "$name"; then
            state="running (pid $pid) but not responding"
            all_up=1
        else
            state="running (pid $pid)"
        fi
        printf '%-9s %s\n' "$name" "$state"
    done
    return "$all_up"
}

component_responds() {
    case $1 in
        ns1) knot_serves_all_zones "$NS1_ADDR" ;;
        ns2) knot_serves_all_zones "$NS2_ADDR" ;;
        pebble) pebble_responds >/dev/null 2>&1 ;;
        mock) mock_responds >/dev/null 2>&1 ;;
        dnsfault) dnsfault_responds >/dev/null 2>&1 ;;
        resolver) resolver_responds ;;
    esac
}

cmd_env() {
    # Printed through ${!name} below.
    # shellcheck disable=SC2034
    local RIG_CA=$CA_DIR/ca.pem \
        CLOUDFLARE_BASE_URL=https://$MOCK_HOST:$MOCK_PORT/client/v4 \
        DNS01_CA_BUNDLE=$CA_DIR/ca.pem \
        DNS01_RESOLVERS=$NS1_ADDR \
        MOCK_CONTROL=https://$MOCK_HOST:$MOCK_PORT/_mock \
        PEBBLE_DIR_URL=https://$PEBBLE_LISTEN/dir \
        RIG_NS1=$NS1_ADDR \
        RIG_NS2=$NS2_ADDR \
        RIG_NS3=$NS3_ADDR \
        RIG_RESOLVER=$RESOLVER_ADDR \
        DNSFAULT_CONTROL=http://$DNSFAULT_CONTROL_LISTEN
    local name
    for name in RIG_DIR RIG_CA CLOUDFLARE_BASE_URL DNS01_CA_BUNDLE DNS01_RESOLVERS \
        MOCK_CONTROL PEBBLE_DIR_URL RIG_NS1 RIG_NS2 RIG_NS3 RIG_RESOLVER DNSFAULT_CONTROL \
        CF_TEST_TOKEN CF_TEST_ZONE_TOKEN CF_TEST_READONLY_TOKEN \
        CF_TEST_IP_RESTRICTED_TOKEN CF_TEST_EMAIL CF_TEST_GLOBAL_KEY; do
        printf 'export %s=%q\n' "$name" "${!name}"
    done
    RIG_DIR=$RIG_DIR "$RIG_SCRIPT_DIR/alidns.sh" env
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) usage ;;
esac
