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
