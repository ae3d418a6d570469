# shellcheck shell=bash
# Bodies of the CNAME policy tests, shared by every provider: remove
# (journal, remove, restore exactly, even after a crash), follow (write at
# the CNAME's target), concurrent runs sharing a name, and the pre-flight
# check. The hooks run under tests/rig/fake_client.py, which stands in for
# certbot: one process per ACME run. Conventions: tests/lib.sh.
#
# This file has no tests of its own: a provider's file (cname_policies.sh
# for Cloudflare, cname_policies_alidns.sh) sets the variables and defines
# the adapter below, sources this file and has one test_ function per case
# that calls a body here.
#
# Variables that the provider's file sets:
#   CP_PROVIDER        the --provider name, also the word in "this NAME account"
#   CP_DCV_TTL         the TTL of the seeded DCV CNAME, valid for the provider
#   CP_NO_ZONE_MESSAGE what --check reports for a name outside the account
#
# Adapter: functions that the provider's file defines.
#   cp_setup                start the provider's mock if needed, reset it and
#                           export credentials and DNS01_STATE_DIR
#   cp_seed RECORDS         reset the mock with records given as a JSON list
#                           of {"type", "name", "content", "ttl"?}
#   cp_seed_dcv NAME TARGET TTL REMARK
#                           reset the mock with one CNAME as a managed DCV
#                           service leaves it, with the provider's own fields
#                           set (REMARK in the provider's comment field)
#   cp_cname_fields         print every CNAME's attributes as the mock stores
#                           them, each field a client can set
#   cp_txt_count            print how many TXT records the mock stores
#   cp_request_count KIND   print how many API requests of KIND were sent:
#                           change (create or update a record) or delete
#   cp_delay_ns2 SECONDS    delay the mock's DNS updates to ns2
#   cp_fail_next_create     make the next record creation fail with a
#                           permission error, which is not retried

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU
APEX=_acme-challenge.example.test
# Like the targets of Alibaba Cloud ESA's Managed DCV, in a zone outside the account.
DCV_TARGET=example.test.12345.dcv-provider.test
DCV_REMARK="ESA managed DCV"

seed_dcv_cname() {
    cp_seed_dcv "$APEX" "$DCV_TARGET" "$CP_DCV_TTL" "$DCV_REMARK"
    CNAME_BEFORE=$(cp_cname_fields)
}

# cp_auth / cp_cleanup [ARG...]: run a hook with the provider. Set
# CERTBOT_DOMAIN and the like as a prefix: CERTBOT_DOMAIN=x cp_auth.
cp_auth() {
    "$DNS01_BIN/dns01-auth" --provider "$CP_PROVIDER" "$@"
}

cp_cleanup() {
    "$DNS01_BIN/dns01-cleanup" --provider "$CP_PROVIDER" "$@"
}

# hook_step HOOK DOMAIN VALUE REMAINING [OPTION...] [env:NAME=VALUE]: one step for fake_client.py.
hook_step() {
    local hook=$1 domain=$2 value=$3 remaining=$4 env_json="{}" options=()
    shift 4
    local arg
    for arg in "$@"; do
        if [[ $arg == env:* ]]; then
            arg=${arg#env:}
            env_json="{\"${arg%%=*}\": \"${arg#*=}\"}"
        else
            options+=("$arg")
        fi
    done
    printf '{"hook": "%s", "domain": "%s", "value": "%s", "remaining": %d, "env": %s, "command": "%s --provider %s %s"}' \
        "$hook" "$domain" "$value" "$remaining" "$env_json" "$DNS01_BIN/dns01-$hook" "$CP_PROVIDER" "${options[*]}"
}

# run_client RESULT STEP...: run the steps in one client process; RESULT gets the statuses.
run_client() {
    local result=$1 IFS=,
    shift
    "$LIB_PYTHON" "$LIB_REPO/tests/rig/fake_client.py" "[$*]" "$result" 2>>"$TEST_TMPDIR/client.log"
}

statuses() {
    json_query '" ".join(str(r["status"]) for r in data)' <"$1"
}

# crash_auth_at STEP: run auth of example.test with --cname=remove in a client
# that is killed at the crash point STEP, and check that it left a journal entry.
crash_auth_at() {
    local step=$1
    run_client "$TEST_TMPDIR/crash.json" \
        "$(hook_step auth example.test "$V1" 0 --cname=remove "env:DNS01_TEST_CRASH_AT=$step")"
    # sh reports a child killed by SIGKILL as 137 (128 + 9).
    assert_eq 137 "$(statuses "$TEST_TMPDIR/crash.json")" "auth killed at $step"
    [[ -n $(ls "$DNS01_STATE_DIR/journal") ]] || fail "no journal entry after a crash at $step"
}

assert_cname_restored() {
    assert_eq "$CNAME_BEFORE" "$(cp_cname_fields)" "CNAME attributes after restore"
    assert_eq "$DCV_TARGET" "$(dns_cname ns1 "$APEX")" "CNAME on ns1"
    assert_eq "$DCV_TARGET" "$(dns_cname ns2 "$APEX")" "CNAME on ns2"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT left on ns2"
    assert_eq 0 "$(cp_txt_count)" "TXT left in the mock"
    assert_eq "" "$(ls "$DNS01_STATE_DIR/journal")" "journal entries left"
}

# Apex plus wildcard: the CNAME stays away until the last cleanup, then comes back exactly.
case_remove_restores_identical_cname() {
    require_hooks
    cp_setup
    seed_dcv_cname
    run_client "$TEST_TMPDIR/auth.json" \
        "$(hook_step auth example.test "$V1" 1 --cname=remove)" \
        "$(hook_step auth example.test "$V2" 0 --cname=remove)" \
        "{\"touch\": \"$TEST_TMPDIR/authed\"}" \
        "{\"wait_file\": \"$TEST_TMPDIR/checked\"}" \
        "$(hook_step cleanup example.test "$V1" 1 --cname=remove)" \
        "{\"touch\": \"$TEST_TMPDIR/cleaned1\"}" \
        "{\"wait_file\": \"$TEST_TMPDIR/checked1\"}" \
        "$(hook_step cleanup example.test "$V2" 0 --cname=remove)" &
    local client=$!
    wait_until 60 "both auth steps" test -e "$TEST_TMPDIR/authed"
    assert_eq "" "$(dns_cname ns2 "$APEX")" "CNAME on ns2 during the challenge"
    assert_eq "$(printf '%s\n' "$V1" "$V2" | sort | tr '\n' ' ')" "$(dns_txt ns2 "$APEX" | sort | tr '\n' ' ')" \
        "TXT values during the challenge"
    assert_eq 1 "$(ls "$DNS01_STATE_DIR/journal" | wc -l)" "journal entries during the challenge"
    touch "$TEST_TMPDIR/checked"
    wait_until 60 "the first cleanup" test -e "$TEST_TMPDIR/cleaned1"
    assert_eq "" "$(dns_cname ns2 "$APEX")" "CNAME on ns2 while the second value is pending"
    assert_eq "$V2" "$(dns_txt ns2 "$APEX")" "TXT after the first cleanup"
    touch "$TEST_TMPDIR/checked1"
    wait "$client"
    assert_eq "0 0 0 0" "$(statuses "$TEST_TMPDIR/auth.json")" "hook exit statuses"
    assert_cname_restored
}

# A failed auth puts the CNAME back before it exits.
case_remove_failed_auth_restores() {
    require_hooks
    cp_setup
    seed_dcv_cname
    cp_delay_ns2 30
    run_client "$TEST_TMPDIR/auth.json" \
        "$(hook_step auth example.test "$V1" 0 --cname=remove --propagation-timeout 2 --poll-interval 0.5)"
    assert_eq 1 "$(statuses "$TEST_TMPDIR/auth.json")" "auth exit status"
    cp_delay_ns2 0
    assert_cname_restored
}

# A SIGKILL at any step between the journal write and the TXT record: the next run restores the CNAME.
case_remove_crash_restored_by_next_run() {
    require_hooks
    cp_setup
    local step next
    for step in journal-written cname-deleted txt-created; do
        for next in restore auth; do
            seed_dcv_cname
            rm -rf "$DNS01_STATE_DIR"
            crash_auth_at "$step"
            if [[ $next == restore ]]; then
                assert_exit 0 cp_cleanup --restore
                assert_contains "$(cat "$LAST_STDERR")" "CNAME $APEX" "restore log after $step"
            else
                # Any later run restores it first, here an auth of another name.
                run_client "$TEST_TMPDIR/next.json" "$(hook_step auth www.example.test "$V2" 0)" \
                    "$(hook_step cleanup www.example.test "$V2" 0)"
                assert_eq "0 0" "$(statuses "$TEST_TMPDIR/next.json")" "next run after $step"
            fi
            assert_cname_restored
        done
    done
}

# A restore that fails keeps the journal and names the record to recreate by hand.
case_restore_failure_keeps_journal() {
    require_hooks
    cp_setup
    seed_dcv_cname
    run_client "$TEST_TMPDIR/crash.json" \
        "$(hook_step auth example.test "$V1" 0 --cname=remove env:DNS01_TEST_CRASH_AT=txt-created)"
    cp_fail_next_create
    assert_exit 1 cp_cleanup --restore
    local message
    message=$(cat "$LAST_STDERR")
    assert_contains "$message" "To restore it by hand, create: $APEX. $CP_DCV_TTL IN CNAME $DCV_TARGET" "message"
    assert_contains "$message" "$DCV_REMARK" "message keeps the provider fields"
    [[ -n $(ls "$DNS01_STATE_DIR/journal") ]] || fail "the journal entry was dropped after a failed restore"
    assert_exit 0 cp_cleanup --restore
    assert_cname_restored
}

# Two clients whose certificates share a name: the CNAME comes back only after both are done.
case_remove_concurrent_runs() {
    require_hooks
    cp_setup
    seed_dcv_cname
    run_client "$TEST_TMPDIR/a.json" \
        "$(hook_step auth example.test "$V1" 0 --cname=remove)" \
        "{\"touch\": \"$TEST_TMPDIR/a-authed\"}" \
        "{\"wait_file\": \"$TEST_TMPDIR/b-authed\"}" \
        "$(hook_step cleanup example.test "$V1" 0 --cname=remove)" \
        "{\"touch\": \"$TEST_TMPDIR/a-done\"}" &
    local a=$!
    run_client "$TEST_TMPDIR/b.json" \
        "{\"wait_file\": \"$TEST_TMPDIR/a-authed\"}" \
        "$(hook_step auth example.test "$V2" 0 --cname=remove)" \
        "{\"touch\": \"$TEST_TMPDIR/b-authed\"}" \
        "{\"wait_file\": \"$TEST_TMPDIR/a-done\"}" \
        "{\"wait_file\": \"$TEST_TMPDIR/b-go\"}" \
        "$(hook_step cleanup example.test "$V2" 0 --cname=remove)" &
    local b=$!
    wait "$a"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/a.json")" "client A"
    assert_eq "" "$(dns_cname ns2 "$APEX")" "CNAME while client B still needs the name"
    assert_eq "$V2" "$(dns_txt ns2 "$APEX")" "client B's TXT"
    touch "$TEST_TMPDIR/b-go"
    wait "$b"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/b.json")" "client B"
    assert_cname_restored
}

# C03: the CNAME delegates to a zone of the account: the TXT goes there and is cleaned up there.
case_follow_writes_at_target() {
    require_hooks
    cp_setup
    cp_seed '[{"type": "CNAME", "name": "_acme-challenge.app.example.test", "content": "app.auth.other.test"},
        {"type": "CNAME", "name": "_acme-challenge.chain.example.test", "content": "first.other.test"},
        {"type": "CNAME", "name": "first.other.test", "content": "second.other.test."}]'
    run_client "$TEST_TMPDIR/follow.json" \
        "$(hook_step auth app.example.test "$V1" 0 --cname=follow)" \
        "{\"touch\": \"$TEST_TMPDIR/authed\"}" \
        "{\"wait_file\": \"$TEST_TMPDIR/checked\"}" \
        "$(hook_step cleanup app.example.test "$V1" 0 --cname=follow)" &
    local client=$!
    wait_until 60 "auth" test -e "$TEST_TMPDIR/authed"
    assert_eq "$V1" "$(dns_txt ns2 app.auth.other.test)" "TXT at the target on ns2"
    assert_eq "app.auth.other.test" "$(dns_cname ns2 _acme-challenge.app.example.test)" "CNAME kept"
    touch "$TEST_TMPDIR/checked"
    wait "$client"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/follow.json")" "hook exit statuses"
    assert_eq "" "$(dns_txt ns2 app.auth.other.test)" "TXT at the target after cleanup"

    CERTBOT_DOMAIN=chain.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 cp_auth --cname=follow
    assert_eq "$V2" "$(dns_txt ns2 second.other.test)" "TXT at the end of a two-link chain"
    rm -rf "$DNS01_STATE_DIR"
    CERTBOT_DOMAIN=chain.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 cp_cleanup --cname=follow
    assert_eq "" "$(dns_txt ns2 second.other.test)" "TXT after a cleanup without saved state"
}

case_follow_outside_account_fails() {
    require_hooks
    cp_setup
    seed_dcv_cname
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth --cname=follow
    assert_contains "$(cat "$LAST_STDERR")" "not in a zone of this $CP_PROVIDER account" "message"
    assert_contains "$(cat "$LAST_STDERR")" "--cname=remove" "message"
    assert_eq 0 "$(cp_request_count change)" "requests that create or change records"
    assert_eq 0 "$(cp_request_count delete)" "delete requests"
    assert_eq "$DCV_TARGET" "$(dns_cname ns2 "$APEX")" "CNAME on ns2"
}

case_follow_loop_detected() {
    require_hooks
    cp_setup
    cp_seed '[{"type": "CNAME", "name": "_acme-challenge.loop.example.test", "content": "a.other.test"},
        {"type": "CNAME", "name": "a.other.test", "content": "b.other.test"},
        {"type": "CNAME", "name": "b.other.test", "content": "a.other.test"}]'
    CERTBOT_DOMAIN=loop.example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth --cname=follow
    assert_contains "$(cat "$LAST_STDERR")" "loops back to a.other.test" "message"
    assert_eq 0 "$(cp_request_count change)" "requests that create or change records"
}

# The default policy changes nothing and names the other two.
case_fail_names_policies() {
    require_hooks
    cp_setup
    seed_dcv_cname
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth
    assert_contains "$(cat "$LAST_STDERR")" "--cname=remove" "message"
    assert_contains "$(cat "$LAST_STDERR")" "--cname=follow" "message"
    assert_eq 0 "$(cp_request_count change)" "requests that create or change records"
    assert_eq 0 "$(cp_request_count delete)" "delete requests"
    assert_eq "$CNAME_BEFORE" "$(cp_cname_fields)" "CNAME attributes"
}

case_check_reports_trap() {
    require_hooks
    cp_setup
    seed_dcv_cname
    assert_exit 1 cp_auth --check example.test www.example.test
    local report
    report=$(cat "$LAST_STDOUT")
    assert_contains "$report" "CNAME: $APEX -> $DCV_TARGET" "report"
    assert_contains "$report" "with --cname=remove: the CNAME is removed" "report"
    assert_contains "$report" "with --cname=follow: fails" "report"
    assert_contains "$report" "nameserver ns1.example.test: 127.0.53.1 answers" "report"
    assert_contains "$report" "renewal with --cname=fail would FAIL" "report"
    assert_contains "$(cat "$LAST_STDERR")" "1 of 2 domains would fail" "summary"
    assert_exit 0 cp_auth --cname=remove --check example.test www.example.test
    assert_exit 0 cp_auth --check www.example.test
    assert_contains "$(cat "$LAST_STDOUT")" "CNAME: none" "report without a CNAME"
    assert_exit 1 cp_auth --check www.dcv-provider.test
    assert_contains "$(cat "$LAST_STDOUT")" "$CP_NO_ZONE_MESSAGE" "report outside the account"
    assert_eq 0 "$(cp_request_count change)" "requests that create or change records"
    assert_eq 0 "$(cp_request_count delete)" "delete requests"
    assert_exit 2 cp_auth --check
}
