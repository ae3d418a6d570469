# shellcheck shell=bash
# The CNAME policies with the Cloudflare provider: the case bodies of
# cname_policies_lib.sh run against the Cloudflare mock. Conventions:
# tests/lib.sh.

# shellcheck source=tests/integration/cname_policies_lib.sh
source "$LIB_REPO/tests/integration/cname_policies_lib.sh"

CP_PROVIDER=cloudflare
CP_DCV_TTL=300
CP_NO_ZONE_MESSAGE="no zone in this Cloudflare account"

# ---------------------------------------------------------------------------
# Adapter (see cname_policies_lib.sh)

cp_setup() {
    use_cloudflare_token
}

cp_seed() {
    mock_reset "{\"records\": $1}"
}

cp_seed_dcv() {
    local name=$1 target=$2 ttl=$3 remark=$4
    mock_reset "{\"records\": [{\"type\": \"CNAME\", \"name\": \"$name\", \"content\": \"$target\",
        \"ttl\": $ttl, \"proxied\": false, \"comment\": \"$remark\", \"tags\": [\"owner:esa\"]}]}"
}

cp_cname_fields() {
    mock_records | json_query '[(r["type"], r["name"], r["content"], r["ttl"], r["proxied"], r["comment"], r["tags"])
        for r in data if r["type"] == "CNAME"]'
}

cp_txt_count() {
    mock_records | json_query 'len([r for r in data if r["type"] == "TXT"])'
}

cp_request_count() {
    case $1 in
        change) echo $(($(mock_count POST '.') + $(mock_count PUT '.') + $(mock_count PATCH '.'))) ;;
        delete) mock_count DELETE '.' ;;
        *) fail "cp_request_count: unknown kind '$1'" ;;
    esac
}

cp_delay_ns2() {
    mock_config "{\"ns2_delay\": $1}"
}

cp_fail_next_create() {
    mock_fault '{"method": "POST", "path": "/dns_records$", "status": 403, "code": 10000, "count": 1}'
}

# ---------------------------------------------------------------------------
# Tests

test_remove_restores_identical_cname() {
    case_remove_restores_identical_cname
}

test_remove_failed_auth_restores() {
    case_remove_failed_auth_restores
}

test_remove_crash_restored_by_next_run() {
    case_remove_crash_restored_by_next_run
}

test_restore_failure_keeps_journal() {
    case_restore_failure_keeps_journal
}

test_remove_concurrent_runs() {
    case_remove_concurrent_runs
}

test_follow_writes_at_target() {
    case_follow_writes_at_target
}

test_follow_outside_account_fails() {
    case_follow_outside_account_fails
}

test_follow_loop_detected() {
    case_follow_loop_detected
}

test_fail_names_policies() {
    case_fail_names_policies
}

test_check_reports_trap() {
    case_check_reports_trap
}

# A hook that is a wrapper script (not exec'ing the hook) under a client named
# certbot: the run is the client, so the apex value survives the wildcard's auth.
test_remove_through_wrapper_script() {
    require_hooks
    cp_setup
    seed_dcv_cname
    local client=$TEST_TMPDIR/bin/certbot wrapper=$TEST_TMPDIR/bin/hook.sh
    mkdir -p "$TEST_TMPDIR/bin"
    cp "$LIB_REPO/tests/rig/fake_client.py" "$client"
    printf '#!/bin/sh\n%s --provider cloudflare --cname=remove\n' "$DNS01_BIN/dns01-auth" >"$wrapper"
    chmod +x "$wrapper"
    local steps
    steps=$(printf '[{"hook": "auth", "domain": "example.test", "value": "%s", "remaining": 1, "command": "%s"},
        {"hook": "auth", "domain": "example.test", "value": "%s", "remaining": 0, "command": "%s"}]' \
        "$V1" "$wrapper" "$V2" "$wrapper")
    "$LIB_PYTHON" "$client" "$steps" "$TEST_TMPDIR/auth.json" 2>>"$TEST_TMPDIR/client.log"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/auth.json")" "auth exit statuses"
    assert_not_contains "$(cat "$TEST_TMPDIR/client.log")" "left by a run that ended" "client log"
    assert_eq "$(printf '%s\n' "$V1" "$V2" | sort | tr '\n' ' ')" "$(dns_txt ns2 "$APEX" | sort | tr '\n' ' ')" \
        "both TXT values after the second auth"
    assert_eq 1 "$(mock_count DELETE '.')" "DELETE requests (the CNAME, once)"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_cleanup --cname=remove
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V2 assert_exit 0 cp_cleanup --cname=remove
    assert_cname_restored
}
