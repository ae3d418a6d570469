#!/usr/bin/env bash
# Start, stop and inspect the Alibaba Cloud DNS (alidns) API mock of the test
# rig on https://127.0.0.1:18444/. It uses the rig's CA and server
# certificate and applies record changes to the rig's knot servers, so the
# rig (tests/rig/rig.sh start) must be running first.
#
# Usage: alidns.sh start|stop|status|env
#   start   start the mock unless it responds already; wait until it does
#           (at most RIG_READY_TIMEOUT seconds)
#   stop    stop the mock started by this script
#   status  exit 0 when the mock answers
#   env     print the export lines that the alidns tests source
# The pid file and log go under $RIG_DIR (default: build/rig).
# ALIDNS_MOCK_PORT (default 18444) runs a second mock beside the rig's, for
# example to try changes to the mock while the rig's keeps running; its pid
# file and log then carry the port in their names, and rig.sh stop leaves it
# running, so stop it with this script and the same ALIDNS_MOCK_PORT.
set -euo pipefail

ALIDNS_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$ALIDNS_SCRIPT_DIR/../.." && pwd)
RIG_DIR=${RIG_DIR:-$REPO/build/rig}
case $RIG_DIR in
    /*) ;;
    *) RIG_DIR=$PWD/$RIG_DIR ;;
esac

PYTHON=/usr/bin/python3
READY_TIMEOUT=${RIG_READY_TIMEOUT:-30}
ALIDNS_HOST=127.0.0.1
ALIDNS_PORT=${ALIDNS_MOCK_PORT:-18444}
NS1_ADDR=127.0.53.1
NS2_ADDR=127.0.53.2
CA_DIR=$RIG_DIR/ca
LOG_DIR=$RIG_DIR/logs
if [[ $ALIDNS_PORT == 18444 ]]; then
    INSTANCE=alidns
else
    INSTANCE=alidns-$ALIDNS_PORT
fi
PID_FILE=$RIG_DIR/pids/$INSTANCE.pid
ACCOUNTS=$RIG_DIR/alidns/accounts.json

# AccessKeys of the mock. None is a real secret; the mock still keeps the
# secrets out of its logs so tests can check that the hooks do the same.
ALIDNS_TEST_KEY_ID=LTAI5tMockFullAccess01
ALIDNS_TEST_KEY_SECRET=mockFullAccessSecret0000000001
ALIDNS_TEST_RAM_KEY_ID=LTAI5tMockRamScoped002
ALIDNS_TEST_RAM_KEY_SECRET=mockRamScopedSecret00000000002
ALIDNS_TEST_EMPTY_KEY_ID=LTAI5tMockNoDomains003
ALIDNS_TEST_EMPTY_KEY_SECRET=mockNoDomainsSecret00000000003
ALIDNS_TEST_STS_KEY_ID=STS.NMockTemporaryKey004
ALIDNS_TEST_STS_KEY_SECRET=mockStsSecret000000000000000004
ALIDNS_TEST_STS_TOKEN=CAISmockStsToken+with/slash=and==padding004
ALIDNS_TEST_UNKNOWN_KEY_ID=LTAI5tMockNotAKey00009

log() {
    printf 'alidns rig: %s\n' "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}

usage() {
    printf 'usage: %s start|stop|status|env\n' "$(basename "$0")" >&2
    exit 2
}

answers() {
    curl -fsS --max-time 2 --cacert "$CA_DIR/ca.pem" "https://$ALIDNS_HOST:$ALIDNS_PORT/_mock/config" \
        >/dev/null 2>&1
}

# Print the pid of the running mock. The pid counts only while its command
# line still names this RIG_DIR, so a recycled pid is never signalled.
running_pid() {
    local pid
    [[ -r $PID_FILE ]] || return 1
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$RIG_DIR" || return 1
    printf '%s\n' "$pid"
}

write_accounts() {
    mkdir -p "$(dirname "$ACCOUNTS")"
    # dcv-provider.test is served by the knot servers but belongs to another
    # Alibaba Cloud account, so it returns IncorrectDomainUser. dnsfault.test
    # has ns3 of the fault tests (tests/mock/dns_fault_server.py) as a third
    # nameserver.
    cat >"$ACCOUNTS" <<EOF
{
  "name_servers": ["ns1.example.test", "ns2.example.test"],
  "zones": [
    {"name": "example.test", "domain_id": "00000000-0000-4000-8000-000000000001"},
    {"name": "example.com.test", "domain_id": "00000000-0000-4000-8000-000000000002"},
    {"name": "sub.example.test", "domain_id": "00000000-0000-4000-8000-000000000003"},
    {"name": "other.test", "domain_id": "00000000-0000-4000-8000-000000000004"},
    {"name": "dnsfault.test", "domain_id": "00000000-0000-4000-8000-000000000005"}
  ],
  "foreign_domains": ["dcv-provider.test"],
  "credentials": [
    {"name": "full", "access_key_id": "$ALIDNS_TEST_KEY_ID",
     "access_key_secret": "$ALIDNS_TEST_KEY_SECRET"},
    {"name": "ram-example.test", "access_key_id": "$ALIDNS_TEST_RAM_KEY_ID",
     "access_key_secret": "$ALIDNS_TEST_RAM_KEY_SECRET", "ram_domains": ["example.test"]},
    {"name": "no-domains", "access_key_id": "$ALIDNS_TEST_EMPTY_KEY_ID",
     "access_key_secret": "$ALIDNS_TEST_EMPTY_KEY_SECRET", "account": "empty"},
    {"name": "sts", "access_key_id": "$ALIDNS_TEST_STS_KEY_ID",
     "access_key_secret": "$ALIDNS_TEST_STS_KEY_SECRET", "security_token": "$ALIDNS_TEST_STS_TOKEN"}
  ]
}
EOF
}

cmd_start() {
    local deadline pid
    [[ -r $CA_DIR/ca.pem && -r $CA_DIR/server.pem ]] ||
        die "no rig CA in $CA_DIR; run tests/rig/rig.sh start first"
    if answers; then
        return 0
    fi

    if pid=$(running_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    mkdir -p "$LOG_DIR" "$(dirname "$PID_FILE")"
    write_accounts
    # setsid keeps test timeouts and Ctrl-C away from the mock; closing fds 8
    # and 9 keeps it from holding the test runner's and rig's locks.
    setsid "$PYTHON" "$REPO/tests/mock/alidns_mock.py" \
        --listen "$ALIDNS_HOST:$ALIDNS_PORT" \
        --cert "$CA_DIR/server.pem" --key "$CA_DIR/server.key" \
        --accounts "$ACCOUNTS" \
        --dns-server "$NS1_ADDR" --dns-server "$NS2_ADDR" \
        </dev/null >"$LOG_DIR/$INSTANCE.log" 2>&1 8>&- 9>&- &
    printf '%s\n' "$!" >"$PID_FILE"

    deadline=$((SECONDS + READY_TIMEOUT))
    until answers; do
        if ! running_pid >/dev/null; then
            tail -n 20 "$LOG_DIR/$INSTANCE.log" >&2 || true
            die "the alidns mock exited during start; log: $LOG_DIR/$INSTANCE.log"
        fi
        ((SECONDS < deadline)) || die "the alidns mock did not answer within $READY_TIMEOUT s"
        sleep 0.1
    done
    log "ready: https://$ALIDNS_HOST:$ALIDNS_PORT/ (log $LOG_DIR/$INSTANCE.log)"
}

cmd_stop() {
    local pid deadline
    if pid=$(running_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        deadline=$((SECONDS + 10))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$PID_FILE"
}

cmd_env() {
    local name
    for name in ALIDNS_MOCK_URL ALIDNS_CONTROL ALIDNS_TEST_KEY_ID ALIDNS_TEST_KEY_SECRET \
        ALIDNS_TEST_RAM_KEY_ID ALIDNS_TEST_RAM_KEY_SECRET ALIDNS_TEST_EMPTY_KEY_ID \
        ALIDNS_TEST_EMPTY_KEY_SECRET ALIDNS_TEST_STS_KEY_ID ALIDNS_TEST_STS_KEY_SECRET \
        ALIDNS_TEST_STS_TOKEN ALIDNS_TEST_UNKNOWN_KEY_ID; do
        printf 'export %s=%q\n' "$name" "${!name}"
    done
}

ALIDNS_MOCK_URL=https://$ALIDNS_HOST:$ALIDNS_PORT/
ALIDNS_CONTROL=https://$ALIDNS_HOST:$ALIDNS_PORT/_mock

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) answers ;;
    env) cmd_env ;;
    *) usage ;;
esac
