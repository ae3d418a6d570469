# shellcheck shell=bash
# Bodies of the fault matrix (docs/faults.md), shared by every provider.
# Conventions: tests/lib.sh. This file has no tests: a provider's file
# (faults_cloudflare.sh, faults_alidns.sh) sources it and
# faults_cases_lib.sh, the cases that every provider runs, defines the
# adapter below and adds the cases whose outcome is its own.
#
# Adapter: functions and variables that the provider's file defines.
#   fp_setup                      reset the provider's mock, export credentials
#                                 and a state directory
#   fp_auth DOMAIN VALUE [ARG...] run dns01-auth for the provider
#   fp_cleanup DOMAIN VALUE [ARG...]
#   fp_fault OPERATION KIND COUNT [PROCESS [AFTER]]
#       make the provider's API fail: OPERATION is zone (zone lookup), list
#       (record listing), create or delete; COUNT is how many requests fail
#       (-1: all); PROCESS=1 carries the request out before the fault
#       responds; AFTER is how many matching requests pass untouched first.
#       Faults added one after another fire one after another.
#       KIND is one of http500, http502_html, http503, rate_limit_retry_after,
#       rate_limit_bare, hang, reset, truncate, malformed_json, unknown_error,
#       hostile_message, duplicate_results, reorder_results, endless_pages,
#       hostile_ids, or a kind of the provider's own. A kind the mock cannot produce fails
#       the test with a message saying so.
#   fp_clear_faults
#   fp_delay_ns2 SECONDS          delay the mock's DNS updates to ns2
#   fp_seed_txt NAME VALUE        add a TXT record that no hook run created
#   fp_seed_cname NAME TARGET     add a CNAME record
#   fp_records_with_value NAME VALUE   print how many TXT records at NAME hold VALUE
#   fp_cname_at NAME              print the CNAME target the provider holds at NAME
#   fp_request_count OPERATION    print how many API requests of OPERATION were sent
#   fp_check_requests             fail when a request of the hooks broke the
#                                 provider's rules (a secret where it does not
#                                 belong, a signature the mock rejected)
#   FP_UNKNOWN_ERROR_TEXT         text of auth's message about unknown_error
#   FP_INVALID_ID_TEXT            text of the message that rejects a listing
#                                 with an invalid record id
#   FP_LOST_CREATE_STATUS         auth's exit status when the record was
#                                 created but every response to the create
#                                 request was lost or unreadable: 0 when the
#                                 provider's client finds the record and uses
#                                 it, 1 when auth deletes it again and fails
#
# Invariant checked after every case:
#   - auth exited 0 and every nameserver of the zone serves the value, or
#     auth exited non-zero and the provider holds no record with the value,
#     and a CNAME that was there, removed by --cname remove or not, is back;
#   - the hooks' output has no control bytes and no overlong line;
#   - with the fault gone, cleanup exits 0 and leaves no record of the run,
#     and a second cleanup, with nothing to do, exits 0 too.

FAULT_VALUE=Zr0uJx7i2kGmHb9fWq3tN6cYvE1sLpA4dR8oXyT5uKw
FAULT_FOREIGN_VALUE=foreignValueOfAnotherHost-0123456789abcdefgh
# Zone whose nameservers are ns1, ns2 (knot) and ns3 (tests/mock/dns_fault_server.py).
FAULT_DNS_ZONE=dnsfault.test
# Maximum length of a log line: the log's 4096-byte buffer plus the program name and level.
FAULT_MAX_LINE=4200
# Short waits, so that cases that must fail do so in seconds.
FAULT_PROPAGATION_ARGS=(--propagation-timeout 3 --poll-interval 0.5)

# ---------------------------------------------------------------------------
# ns3, the programmable DNS server

# dnsfault_call METHOD ROUTE [JSON]: call ns3's control API, print the response.
dnsfault_call() {
    local method=$1 route=$2 body=${3:-} output
    local args=(-sS --max-time 30 -X "$method" -w '\n%{http_code}')
    if [[ -n $body ]]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$body")
    fi
    output=$(curl "${args[@]}" "$DNSFAULT_CONTROL/$route") ||
        fail "ns3 control $method $route failed: curl could not reach $DNSFAULT_CONTROL (is the rig running?)"
    if [[ ${output##*$'\n'} != 200 ]]; then
        fail "ns3 control $method $route returned HTTP ${output##*$'\n'}: $(lib_excerpt "${output%$'\n'*}" 800)"
    fi
    printf '%s\n' "${output%$'\n'*}"
}

dnsfault_reset() {
    dnsfault_call POST reset >/dev/null
}

# dnsfault_rule JSON: add a rule or a list of rules (see tests/mock/dns_fault_server.py).
dnsfault_rule() {
    dnsfault_call POST rule "$1" >/dev/null
}

# dnsfault_count EXPRESSION: how many logged queries make the Python expression true for q.
dnsfault_count() {
    dnsfault_call GET queries | json_query "len([q for q in data if $1])"
}

# ---------------------------------------------------------------------------
# Running the hooks

# fault_begin: common preparation of every case.
fault_begin() {
    require_hooks
    fp_setup
    dnsfault_reset
    trap 'dnsfault_reset >/dev/null 2>&1 || true' EXIT
}

# fault_run HOOK DOMAIN VALUE [ARG...]: run fp_auth or fp_cleanup, keep the
# exit status in FAULT_STATUS and the output in FAULT_STDOUT/FAULT_STDERR.
fault_run() {
    local hook=$1
    shift
    FAULT_RUNS=$((${FAULT_RUNS:-0} + 1))
    FAULT_STDOUT=$TEST_TMPDIR/$FAULT_RUNS.$hook.stdout
    FAULT_STDERR=$TEST_TMPDIR/$FAULT_RUNS.$hook.stderr
    FAULT_STATUS=0
    "fp_$hook" "$@" >"$FAULT_STDOUT" 2>"$FAULT_STDERR" || FAULT_STATUS=$?
    {
        printf -- '--- %s %s (exit status %d)\n' "$hook" "$*" "$FAULT_STATUS"
        sed 's/^/stdout: /' "$FAULT_STDOUT"
        sed 's/^/stderr: /' "$FAULT_STDERR"
    } >&2
    fault_check_output "$FAULT_STDOUT" "$hook stdout"
    fault_check_output "$FAULT_STDERR" "$hook stderr"
}

# fault_check_output FILE CONTEXT: no control byte but newline, no overlong line.
fault_check_output() {
    local file=$1 context=$2 longest
    if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$file"); then
        fail "$context contains a control byte: $(LC_ALL=C tr -d '\n' <"$file" | LC_ALL=C grep -o '.\{0,20\}[[:cntrl:]].\{0,20\}' | head -n 1 | od -c | head -n 3)"
    fi
    longest=$(awk '{ if (length($0) > max) max = length($0) } END { print max + 0 }' "$file")
    ((longest <= FAULT_MAX_LINE)) || fail "$context has a line of $longest characters, more than $FAULT_MAX_LINE"
}

# fault_expect_status EXPECTED: the documented outcome of the case.
fault_expect_status() {
    local expected=$1
    if [[ $FAULT_STATUS != "$expected" ]]; then
        fail "auth exited with status $FAULT_STATUS, expected $expected; stderr: $(lib_excerpt "$(tail -n 5 "$FAULT_STDERR")" 800)"
    fi
}

# ---------------------------------------------------------------------------
# The invariant

# fault_check_invariant DOMAIN VALUE SERVER...: after auth exited FAULT_STATUS.
# SERVER is ns1, ns2 or an address; with status 0 each must serve VALUE.
# When FAULT_CNAME_TARGET is set, the CNAME at the name must be there, unless
# auth exited 0 with FAULT_CNAME_REMOVED set: then it stays away until cleanup.
fault_check_invariant() {
    local domain=$1 value=$2 server fqdn
    shift 2
    fqdn=_acme-challenge.$domain
    if ((FAULT_STATUS == 0)); then
        for server in "$@"; do
            assert_contains "$(dns_txt "$server" "$fqdn")" "$value" "TXT $fqdn on $server after auth exited 0"
        done
    else
        assert_eq 0 "$(fp_records_with_value "$fqdn" "$value")" \
            "records with the value at the provider after auth exited $FAULT_STATUS"
        assert_not_contains "$(dns_txt ns1 "$fqdn")" "$value" "TXT $fqdn on ns1 after auth exited $FAULT_STATUS"
    fi
    if [[ -n ${FAULT_CNAME_TARGET:-} && ${FAULT_CNAME_REMOVED:-0} == 1 ]] && ((FAULT_STATUS == 0)); then
        assert_eq "" "$(fp_cname_at "$fqdn")" "CNAME at the provider while the challenge runs"
    elif [[ -n ${FAULT_CNAME_TARGET:-} ]]; then
        assert_eq "$FAULT_CNAME_TARGET" "$(fp_cname_at "$fqdn")" "CNAME at the provider"
        assert_eq "$FAULT_CNAME_TARGET" "$(dns_cname ns1 "$fqdn")" "CNAME on ns1"
    fi
}

# fault_check_cleanup DOMAIN VALUE [ARG...]: with the faults gone, cleanup
# exits 0 and nothing of the run is left; a second cleanup has nothing to do.
fault_check_cleanup() {
    local domain=$1 value=$2 fqdn=_acme-challenge.$1
    shift 2
    fp_clear_faults
    dnsfault_reset
    fault_run cleanup "$domain" "$value" "$@"
    [[ $FAULT_STATUS == 0 ]] || fail "cleanup exited with status $FAULT_STATUS; stderr: $(lib_excerpt "$(tail -n 5 "$FAULT_STDERR")" 800)"
    assert_eq 0 "$(fp_records_with_value "$fqdn" "$value")" "records with the value at the provider after cleanup"
    assert_not_contains "$(dns_txt ns1 "$fqdn")" "$value" "TXT on ns1 after cleanup"
    fault_run cleanup "$domain" "$value" "$@"
    [[ $FAULT_STATUS == 0 ]] || fail "cleanup with nothing to do exited with status $FAULT_STATUS"
    if [[ -n ${FAULT_CNAME_TARGET:-} ]]; then
        assert_eq "$FAULT_CNAME_TARGET" "$(fp_cname_at "$fqdn")" "CNAME at the provider after cleanup"
        assert_eq "$FAULT_CNAME_TARGET" "$(dns_cname ns1 "$fqdn")" "CNAME on ns1 after cleanup"
    fi
    fp_check_requests
}

# ---------------------------------------------------------------------------
# Case bodies

# fault_api_case OPERATION KIND COUNT PROCESS EXPECTED [AUTH_ARG...]
# One API fault during auth on example.test (nameservers ns1 and ns2).
fault_api_case() {
    local operation=$1 kind=$2 count=$3 process=$4 expected=$5
    shift 5
    fault_begin
    fp_fault "$operation" "$kind" "$count" "$process"
    fault_run auth example.test "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}" "$@"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status "$expected"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# fault_api_listing_case KIND: a listing fault that auth and cleanup must
# get through, while another host's TXT record shares the name, so order and
# duplicates matter.
fault_api_listing_case() {
    local kind=$1 expected=0 fqdn=_acme-challenge.example.test
    fault_begin
    fp_seed_txt "$fqdn" "$FAULT_FOREIGN_VALUE"
    fp_seed_txt "_acme-challenge.other-host.example.test" "$FAULT_FOREIGN_VALUE"
    fp_fault list "$kind" -1
    fault_run auth example.test "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status "$expected"
    # Cleanup without its state entry has to list the name under the same fault.
    rm -rf "$DNS01_STATE_DIR/records"
    fp_fault list "$kind" -1
    fault_run cleanup example.test "$FAULT_VALUE"
    [[ $FAULT_STATUS == "$expected" ]] || fail "cleanup without state exited with status $FAULT_STATUS, expected $expected"
    fault_check_cleanup example.test "$FAULT_VALUE"
    assert_eq 1 "$(fp_records_with_value "$fqdn" "$FAULT_FOREIGN_VALUE")" "the other host's record"
}

# fault_cleanup_case KIND COUNT PROCESS EXPECTED: auth succeeds, then the
# delete request of cleanup meets the fault. A failed cleanup keeps its state
# entry, so the next cleanup deletes the record.
fault_cleanup_case() {
    local kind=$1 count=$2 process=$3 expected=$4 fqdn=_acme-challenge.example.test
    fault_begin
    fault_run auth example.test "$FAULT_VALUE"
    fault_expect_status 0
    fp_fault delete "$kind" "$count" "$process"
    fault_run cleanup example.test "$FAULT_VALUE"
    [[ $FAULT_STATUS == "$expected" ]] ||
        fail "cleanup exited with status $FAULT_STATUS, expected $expected; stderr: $(lib_excerpt "$(tail -n 5 "$FAULT_STDERR")" 800)"
    if ((FAULT_STATUS == 0)); then
        assert_eq 0 "$(fp_records_with_value "$fqdn" "$FAULT_VALUE")" "records with the value after cleanup exited 0"
    else
        assert_eq 1 "$(find "$DNS01_STATE_DIR/records" -name '*.json' | wc -l)" "state entries kept by the failed cleanup"
    fi
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# fault_rollback_case KIND COUNT EXPECTED_LEFT: ns2 never gets the record, so
# auth times out and deletes it again, while the delete request meets the
# fault. EXPECTED_LEFT is how many records stay (1 only when every delete
# attempt fails: then the state entry stays and cleanup deletes the record).
fault_rollback_case() {
    local kind=$1 count=$2 expected_left=$3 fqdn=_acme-challenge.example.test
    fault_begin
    fp_delay_ns2 60
    fp_fault delete "$kind" "$count"
    fault_run auth example.test "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}"
    fault_expect_status 1
    assert_eq "$expected_left" "$(fp_records_with_value "$fqdn" "$FAULT_VALUE")" "records left after the rollback"
    if ((expected_left == 0)); then
        fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    else
        assert_contains "$(cat "$FAULT_STDERR")" "dns01-cleanup will retry" "auth's message"
        assert_eq 1 "$(find "$DNS01_STATE_DIR/records" -name '*.json' | wc -l)" "state entries kept for cleanup"
    fi
    fp_delay_ns2 0
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# fault_tls_case: the API's certificate is not signed by the configured CA.
fault_tls_case() {
    local other_ca=$TEST_TMPDIR/other-ca
    fault_begin
    mkdir -p "$other_ca"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj "/CN=unrelated test CA" -keyout "$other_ca/key.pem" -out "$other_ca/ca.pem" 2>/dev/null
    DNS01_CA_BUNDLE=$other_ca/ca.pem fault_run auth example.test "$FAULT_VALUE"
    fault_check_invariant example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status 1
    assert_contains "$(cat "$FAULT_STDERR")" "certificate" "auth's message"
    assert_eq 0 "$(fp_request_count zone)" "requests that reached the API"
    assert_not_contains "$(cat "$FAULT_STDERR")" "retrying" "auth's log"
    # Without a state entry cleanup must list the name, which it cannot do here.
    DNS01_CA_BUNDLE=$other_ca/ca.pem fault_run cleanup example.test "$FAULT_VALUE"
    [[ $FAULT_STATUS == 1 ]] || fail "cleanup with a wrong CA exited with status $FAULT_STATUS, expected 1"
    fault_check_cleanup example.test "$FAULT_VALUE"
}

# fault_dns_case RULES EXPECTED [AUTH_ARG...]: ns3 of dnsfault.test follows
# RULES (JSON, see tests/mock/dns_fault_server.py) while auth waits. When
# FAULT_AFTER_AUTH names a function, it runs right after auth, while ns3's
# query log has only auth's queries.
fault_dns_case() {
    local rules=$1 expected=$2 domain=www.$FAULT_DNS_ZONE
    shift 2
    fault_begin
    dnsfault_rule "$rules"
    fault_run auth "$domain" "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}" "$@"
    if [[ -n ${FAULT_AFTER_AUTH:-} ]]; then
        "$FAULT_AFTER_AUTH"
    fi
    fault_check_invariant "$domain" "$FAULT_VALUE" ns1 ns2 "$RIG_NS3"
    fault_expect_status "$expected"
    if ((FAULT_STATUS != 0)); then
        assert_contains "$(cat "$FAULT_STDERR")" "ns3.$FAULT_DNS_ZONE" "auth's message names ns3"
    fi
    fault_check_cleanup "$domain" "$FAULT_VALUE"
}

# fault_resolver_case RULES EXPECTED: ns3 is the resolver that auth asks for
# the zone's nameservers (after the record was created).
fault_resolver_case() {
    local rules=$1 expected=$2 domain=www.$FAULT_DNS_ZONE
    fault_begin
    dnsfault_rule "$rules"
    DNS01_RESOLVERS=$RIG_NS3 fault_run auth "$domain" "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}"
    if [[ -n ${FAULT_AFTER_AUTH:-} ]]; then
        "$FAULT_AFTER_AUTH"
    fi
    fault_check_invariant "$domain" "$FAULT_VALUE" ns1 ns2 "$RIG_NS3"
    fault_expect_status "$expected"
    fault_check_cleanup "$domain" "$FAULT_VALUE"
}

# fault_ipv6_drop_case: ns3 also has the address ::1, where it drops every
# packet; its IPv4 address still serves the record.
fault_ipv6_drop_case() {
    local domain=www.$FAULT_DNS_ZONE server
    fault_begin
    trap 'dnsfault_reset >/dev/null 2>&1 || true; fault_remove_ns3_aaaa' EXIT
    dnsfault_call POST ipv6 '{"listen": true}' >/dev/null
    dnsfault_rule '{"action": "drop", "family": "6"}'
    for server in "$RIG_NS1" "$RIG_NS2"; do
        printf 'server %s\nzone %s\nupdate add ns3.%s. 5 AAAA ::1\nsend\n' "$server" "$FAULT_DNS_ZONE" \
            "$FAULT_DNS_ZONE" | knsupdate
    done
    assert_eq ::1 "$(dns_query ns1 "ns3.$FAULT_DNS_ZONE" AAAA)" "AAAA of ns3"
    fault_run auth "$domain" "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}"
    fault_check_invariant "$domain" "$FAULT_VALUE" ns1 ns2 "$RIG_NS3"
    fault_expect_status 0
    (($(dnsfault_count 'q["family"] == "6" and q["qtype"] == "TXT"') > 0)) ||
        fail "auth never queried ns3 over IPv6, so the case proves nothing"
    fault_check_cleanup "$domain" "$FAULT_VALUE"
}

fault_remove_ns3_aaaa() {
    local server
    for server in "$RIG_NS1" "$RIG_NS2"; do
        printf 'server %s\nzone %s\nupdate delete ns3.%s. AAAA\nsend\n' "$server" "$FAULT_DNS_ZONE" \
            "$FAULT_DNS_ZONE" | knsupdate >/dev/null 2>&1 || true
    done
}

# fault_cname_case KIND: a CNAME at the name (default policy fail) while the
# listing meets the fault: auth changes nothing and the CNAME stays.
fault_cname_case() {
    local kind=$1 fqdn=_acme-challenge.cname.example.test
    fault_begin
    FAULT_CNAME_TARGET=cname.example.test.777.dcv-provider.test
    fp_seed_cname "$fqdn" "$FAULT_CNAME_TARGET"
    fp_fault list "$kind" 1
    fault_run auth cname.example.test "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}"
    fault_check_invariant cname.example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status 1
    fault_check_cleanup cname.example.test "$FAULT_VALUE"
}

# fault_add_faults FAULT...: each FAULT is "OPERATION KIND COUNT [PROCESS [AFTER]]" for fp_fault.
fault_add_faults() {
    local fault words
    for fault in "$@"; do
        read -ra words <<<"$fault"
        fp_fault "${words[@]}"
    done
}

# fault_cname_remove_case EXPECTED FAULT...: with --cname remove, auth takes
# the CNAME away for the challenge while the API meets the faults (see
# fault_add_faults). When auth fails, the CNAME must be back when it exits;
# when it succeeds, cleanup puts it back. FAULT_AFTER_AUTH runs as in
# fault_dns_case; FAULT_SEEDED_CREATES is how many create requests seeding
# the CNAME took.
fault_cname_remove_case() {
    local expected=$1 fqdn=_acme-challenge.cname.example.test
    shift
    fault_begin
    FAULT_CNAME_TARGET=cname.example.test.778.dcv-provider.test
    FAULT_CNAME_REMOVED=1
    fp_seed_cname "$fqdn" "$FAULT_CNAME_TARGET"
    FAULT_SEEDED_CREATES=$(fp_request_count create)
    fault_add_faults "$@"
    fault_run auth cname.example.test "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}" --cname remove
    if [[ -n ${FAULT_AFTER_AUTH:-} ]]; then
        "$FAULT_AFTER_AUTH"
    fi
    fault_check_invariant cname.example.test "$FAULT_VALUE" ns1 ns2
    fault_expect_status "$expected"
    fault_check_cleanup cname.example.test "$FAULT_VALUE" --cname remove
}

# fault_cname_remove_dns_case [FAULT...]: as above, but ns3 never serves the
# TXT record, so auth times out, deletes it and puts the CNAME back, while
# the API meets the faults.
fault_cname_remove_dns_case() {
    local domain=www.$FAULT_DNS_ZONE
    fault_begin
    FAULT_CNAME_TARGET=$domain.779.dcv-provider.test
    FAULT_CNAME_REMOVED=1
    fp_seed_cname "_acme-challenge.$domain" "$FAULT_CNAME_TARGET"
    fault_add_faults "$@"
    dnsfault_rule '{"action": "stale", "qtype": "TXT", "qname": "^_acme-challenge"}'
    fault_run auth "$domain" "$FAULT_VALUE" "${FAULT_PROPAGATION_ARGS[@]}" --cname remove
    fault_check_invariant "$domain" "$FAULT_VALUE" ns1 ns2 "$RIG_NS3"
    fault_expect_status 1
    fault_check_cleanup "$domain" "$FAULT_VALUE" --cname remove
}
