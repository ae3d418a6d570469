# shellcheck shell=bash
# The CNAME policies with the Alibaba Cloud DNS provider: the case bodies of
# cname_policies_lib.sh run against the alidns mock, then what only alidns
# has: the CNAME of Alibaba Cloud ESA's Managed DCV with the
# DomainRecordConflict it causes, a record's Line, Remark and Status,
# which the restore sets with three different actions, and CNAMEs on
# several resolution lines at one name. Conventions:
# tests/lib.sh; alidns helpers: tests/mock/alidns_lib.sh.

# shellcheck source=tests/mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"
# shellcheck source=tests/integration/cname_policies_lib.sh
source "$LIB_REPO/tests/integration/cname_policies_lib.sh"

CP_PROVIDER=alidns
# The free edition's minimum TTL is 600, so Cloudflare's 300 would be rejected.
CP_DCV_TTL=1200
CP_NO_ZONE_MESSAGE="no domain of this Alibaba Cloud account contains"

# ---------------------------------------------------------------------------
# Adapter (see cname_policies_lib.sh)

cp_setup() {
    alidns_begin
}

cp_seed() {
    local seeds
    seeds=$("$LIB_PYTHON" -c '
import json, sys
records = [dict({"name": r["name"], "type": r["type"], "value": r["content"]},
                **({"ttl": r["ttl"]} if "ttl" in r else {}))
           for r in json.loads(sys.argv[1])]
print(json.dumps({"records": records}))' "$1")
    alidns_reset "$seeds"
}

cp_seed_dcv() {
    local name=$1 target=$2 ttl=$3 remark=$4
    alidns_reset "{\"records\": [{\"name\": \"$name\", \"type\": \"CNAME\", \"value\": \"$target\",
        \"ttl\": $ttl, \"line\": \"default\", \"remark\": \"$remark\"}]}"
}

cp_cname_fields() {
    alidns_records | json_query '[(r["Type"], r["Name"], r["Value"], r["TTL"], r["Line"], r["Remark"], r["Status"])
        for r in data if r["Type"] == "CNAME"]'
}

cp_txt_count() {
    alidns_records | json_query 'len([r for r in data if r["Type"] == "TXT"])'
}

cp_request_count() {
    local action total=0
    case $1 in
        change)
            for action in AddDomainRecord UpdateDomainRecord UpdateDomainRecordRemark SetDomainRecordStatus; do
                total=$((total + $(alidns_count "$action")))
            done
            echo "$total"
            ;;
        delete) alidns_count DeleteDomainRecord ;;
        *) fail "cp_request_count: unknown kind '$1'" ;;
    esac
}

cp_delay_ns2() {
    alidns_config "{\"ns2_delay\": $1}"
}

cp_fail_next_create() {
    alidns_fault '{"path": "AddDomainRecord$", "status": 400, "code": "Forbidden.RAM", "count": 1}'
}

# ---------------------------------------------------------------------------
# The shared cases

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

# ---------------------------------------------------------------------------
# Alibaba Cloud DNS only

# Seeds the DCV CNAME hidden from the next listing, like an API whose listings lag behind its writes.
seed_unlisted_dcv_cname() {
    alidns_reset "{\"records\": [{\"name\": \"$APEX\", \"type\": \"CNAME\", \"value\": \"$DCV_TARGET\",
        \"ttl\": $CP_DCV_TTL, \"remark\": \"$DCV_REMARK\", \"unlisted\": 1}]}"
    CNAME_BEFORE=$(cp_cname_fields)
}

# The ESA CNAME with the default policy: the listing shows it, so nothing is
# written. When the listing lags and does not show it yet, AddDomainRecord
# gets DomainRecordConflict, which is explained the same way. Cleanup then
# changes nothing.
test_esa_cname_default_policy() {
    require_hooks
    cp_setup
    seed_dcv_cname
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "$APEX is a CNAME to $DCV_TARGET" "message"
    assert_contains "$stderr" "--cname=remove" "message"
    assert_eq 0 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests with the CNAME listed"

    seed_unlisted_dcv_cname
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth
    stderr=$(cat "$LAST_STDERR")
    # The conflict makes auth list the name again, and the second listing shows the CNAME.
    assert_eq DomainRecordConflict "$(alidns_codes AddDomainRecord)" "AddDomainRecord responses with the CNAME unlisted"
    assert_contains "$stderr" "listing $APEX again" "log"
    assert_contains "$stderr" "a TXT record cannot exist at a name that has a CNAME" "message"
    assert_contains "$stderr" "--cname=remove" "message"
    assert_eq 1 "$(grep -c 'error' "$LAST_STDERR")" "error lines"

    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_cleanup
    assert_eq 0 "$(cp_request_count delete)" "delete requests"
    assert_eq "$CNAME_BEFORE" "$(cp_cname_fields)" "CNAME attributes"
    assert_eq "$DCV_TARGET" "$(dns_cname ns1 "$APEX")" "CNAME on ns1"
    assert_eq "$DCV_TARGET" "$(dns_cname ns2 "$APEX")" "CNAME on ns2"
    assert_eq 0 "$(cp_txt_count)" "TXT records in the mock"
    alidns_assert_clean
}

# The ESA CNAME with --cname=remove: it is journaled and deleted, the TXT is
# created without a conflict, and cleanup recreates the CNAME with its TTL,
# Line and Remark. A CNAME that the first listing did not show makes
# AddDomainRecord fail with DomainRecordConflict; auth lists the name again,
# finds the CNAME and removes it through the journal as usual.
test_esa_cname_remove() {
    require_hooks
    cp_setup
    seed_dcv_cname
    local cname_id output
    cname_id=$(alidns_records | json_query '[r["RecordId"] for r in data if r["Type"] == "CNAME"]')
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_auth --cname=remove
    output=$(cat "$LAST_STDOUT")
    assert_eq "$cname_id" "$(alidns_param DeleteDomainRecord RecordId)" "record deleted by auth"
    assert_eq "TXT OK" "$(alidns_requests action=AddDomainRecord | json_query '["%s %s" % (e["params"]["Type"], e["code"] or "OK") for e in data]')" \
        "AddDomainRecord requests of auth"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_eq "" "$(dns_cname ns2 "$APEX")" "CNAME on ns2 during the challenge"
    assert_contains "$(cat "$DNS01_STATE_DIR"/journal/*)" "$DCV_REMARK" "journal entry"

    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 CERTBOT_AUTH_OUTPUT=$output assert_exit 0 cp_cleanup --cname=remove
    assert_eq "_acme-challenge CNAME $DCV_TARGET $CP_DCV_TTL default" \
        "$(alidns_requests action=AddDomainRecord | json_query '["%s %s %s %s %s" % tuple(e["params"].get(k, "") for k in ("RR", "Type", "Value", "TTL", "Line")) for e in data][1:]')" \
        "AddDomainRecord request of the restore"
    assert_eq "$DCV_REMARK" "$(alidns_param UpdateDomainRecordRemark Remark)" "remark restored"
    assert_eq 0 "$(alidns_count SetDomainRecordStatus)" "status requests for an enabled record"
    assert_cname_restored
    alidns_assert_clean

    seed_unlisted_dcv_cname
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V2 assert_exit 0 cp_auth --cname=remove
    assert_eq "$(printf 'DomainRecordConflict\nOK')" "$(alidns_codes AddDomainRecord)" \
        "AddDomainRecord responses with the CNAME unlisted at first"
    assert_contains "$(cat "$LAST_STDERR")" "listing $APEX again" "log"
    assert_eq 1 "$(cp_request_count delete)" "delete requests with the CNAME unlisted at first"
    assert_eq "$V2" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V2 assert_exit 0 cp_cleanup --cname=remove
    assert_cname_restored
}

# A disabled CNAME of the line "telecom" comes back disabled, on that line,
# with its remark. The rig's nameservers serve neither a disabled record nor
# another line, as for a resolver on the default line.
test_remove_restores_line_and_status() {
    require_hooks
    cp_setup
    alidns_reset "{\"records\": [{\"name\": \"$APEX\", \"type\": \"CNAME\", \"value\": \"$DCV_TARGET\",
        \"ttl\": $CP_DCV_TTL, \"line\": \"telecom\", \"remark\": \"$DCV_REMARK\", \"status\": \"Disable\"}]}"
    CNAME_BEFORE=$(cp_cname_fields)
    assert_eq "" "$(dns_cname ns2 "$APEX")" "disabled CNAME on ns2"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_auth --cname=remove
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"

    # No nameserver serves a disabled record or another line, so cleanup does not wait for it.
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_cleanup --cname=remove
    assert_contains "$(cat "$LAST_STDERR")" "disabled or on a non-default resolution line" "message"
    assert_eq telecom "$(alidns_param AddDomainRecord Line | tail -n 1)" "Line of the restore"
    assert_eq "$DCV_REMARK" "$(alidns_param UpdateDomainRecordRemark Remark)" "remark restored"
    assert_eq Disable "$(alidns_param SetDomainRecordStatus Status)" "status restored"
    assert_eq "$CNAME_BEFORE" "$(cp_cname_fields)" "CNAME attributes after restore"
    assert_eq "" "$(ls "$DNS01_STATE_DIR/journal")" "journal entries left"
    assert_eq 0 "$(cp_txt_count)" "TXT left in the mock"
    assert_eq "" "$(dns_txt ns2 "$APEX")" "TXT left on ns2"
    assert_eq "" "$(dns_cname ns2 "$APEX")" "disabled CNAME on ns2 after restore"
    alidns_assert_clean
}

# When setting the remark fails after AddDomainRecord, the new CNAME is
# deleted again and the journal kept, so the next restore recreates it with
# every attribute rather than leaving one without its remark.
test_restore_undone_when_remark_fails() {
    require_hooks
    cp_setup
    seed_dcv_cname
    run_client "$TEST_TMPDIR/crash.json" \
        "$(hook_step auth example.test "$V1" 0 --cname=remove env:DNS01_TEST_CRASH_AT=txt-created)"
    alidns_fault '{"path": "UpdateDomainRecordRemark$", "status": 400, "code": "Forbidden.RAM", "count": 1}'
    assert_exit 1 cp_cleanup --restore
    local message
    message=$(cat "$LAST_STDERR")
    assert_contains "$message" "was deleted again after an error: setting its remark failed" "message"
    assert_contains "$message" "To restore it by hand, create: $APEX. $CP_DCV_TTL IN CNAME $DCV_TARGET" "message"
    assert_eq "" "$(cp_cname_fields)" "CNAME records after the failed restore"
    [[ -n $(ls "$DNS01_STATE_DIR/journal") ]] || fail "the journal entry was dropped after a failed restore"

    assert_exit 0 cp_cleanup --restore
    assert_cname_restored
    alidns_assert_clean
}

# ---------------------------------------------------------------------------
# CNAMEs on several resolution lines at one name

TELECOM_TARGET=telecom.example.test.12345.dcv-provider.test
TELECOM_REMARK="ESA managed DCV, telecom line"

# Seeds the DCV CNAME on the line "default" and another one, disabled, with
# its own target, TTL and remark, on the line "telecom".
seed_cnames_on_two_lines() {
    alidns_reset "{\"records\": [
        {\"name\": \"$APEX\", \"type\": \"CNAME\", \"value\": \"$DCV_TARGET\", \"ttl\": $CP_DCV_TTL,
         \"line\": \"default\", \"remark\": \"$DCV_REMARK\"},
        {\"name\": \"$APEX\", \"type\": \"CNAME\", \"value\": \"$TELECOM_TARGET\", \"ttl\": 3600,
         \"line\": \"telecom\", \"remark\": \"$TELECOM_REMARK\", \"status\": \"Disable\"}]}"
    CNAME_BEFORE=$(cname_fields_sorted)
}

# Every CNAME's attributes as the mock stores them, in a fixed order, because a restore gives new RecordIds.
cname_fields_sorted() {
    alidns_records | json_query 'sorted([(r["Type"], r["Name"], r["Value"], r["TTL"], r["Line"], r["Remark"], r["Status"])
        for r in data if r["Type"] == "CNAME"])'
}

assert_both_lines_restored() {
    assert_eq "$CNAME_BEFORE" "$(cname_fields_sorted)" "CNAME attributes after restore${1:-}"
    assert_eq 2 "$(alidns_records | json_query 'len([r for r in data if r["Type"] == "CNAME"])')" "CNAME records${1:-}"
    assert_eq "$DCV_TARGET" "$(dns_cname ns2 "$APEX")" "CNAME on ns2${1:-}"
    assert_eq 0 "$(cp_txt_count)" "TXT left in the mock${1:-}"
    assert_eq "" "$(ls "$DNS01_STATE_DIR/journal")" "journal entries left${1:-}"
}

# --cname=remove takes away the CNAMEs of both lines, journaled in one entry,
# and cleanup brings both back with their line, TTL, remark and status.
test_remove_every_line_restored() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    local output
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_auth --cname=remove
    output=$(cat "$LAST_STDOUT")
    assert_eq 2 "$(alidns_count DeleteDomainRecord)" "DeleteDomainRecord requests of auth"
    assert_eq "" "$(cname_fields_sorted)" "CNAME records during the challenge"
    assert_eq "$V1" "$(dns_txt ns2 "$APEX")" "TXT on ns2"
    assert_eq 1 "$(ls "$DNS01_STATE_DIR/journal" | wc -l)" "journal entries during the challenge"
    local journal
    journal=$(cat "$DNS01_STATE_DIR"/journal/*)
    assert_contains "$journal" "$DCV_TARGET" "journal entry"
    assert_contains "$journal" "$TELECOM_TARGET" "journal entry"
    assert_contains "$(cat "$LAST_STDERR")" "removed CNAME $APEX -> $TELECOM_TARGET on line telecom" "log"

    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 CERTBOT_AUTH_OUTPUT=$output assert_exit 0 cp_cleanup --cname=remove
    assert_eq "$(printf 'default\ntelecom')" "$(alidns_param AddDomainRecord Line | tail -n 2 | sort)" "Lines of the restore"
    assert_eq Disable "$(alidns_param SetDomainRecordStatus Status)" "status restored"
    assert_both_lines_restored
    alidns_assert_clean
}

# When the second delete fails, auth puts the first CNAME back, creates no
# TXT record and fails with one message.
test_remove_partial_delete_failure() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    alidns_fault '{"path": "DeleteDomainRecord$", "status": 400, "code": "Forbidden.RAM", "count": 1, "after": 1}'
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth --cname=remove
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_eq "OK Forbidden.RAM" "$(alidns_codes DeleteDomainRecord | tr '\n' ' ' | sed 's/ $//')" "DeleteDomainRecord responses"
    assert_contains "$stderr" "on line telecom failed, so the 1 CNAME record(s) removed before it were restored and nothing was changed" "message"
    assert_eq 1 "$(grep -c 'error' "$LAST_STDERR")" "error lines"
    assert_eq CNAME "$(alidns_param AddDomainRecord Type)" "AddDomainRecord requests: only the restore"
    assert_both_lines_restored
    alidns_assert_clean
}

# When the second delete fails and putting the first CNAME back fails too,
# the journal entry stays without this run as a holder, so the next restore
# brings the first CNAME back and leaves the second alone.
test_remove_partial_failure_undo_fails() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    alidns_fault '{"path": "DeleteDomainRecord$", "status": 400, "code": "Forbidden.RAM", "count": 1, "after": 1}'
    alidns_fault '{"path": "AddDomainRecord$", "status": 400, "code": "Forbidden.RAM", "count": 1}'
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth --cname=remove
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "on line telecom failed, and putting back the CNAME records removed before it failed too" "message"
    assert_contains "$stderr" "To restore it by hand, create: $APEX. $CP_DCV_TTL IN CNAME $DCV_TARGET" "message"
    assert_contains "$stderr" "$DCV_REMARK" "message keeps the provider fields"
    assert_eq 1 "$(grep -c 'error' "$LAST_STDERR")" "error lines"
    assert_eq 0 "$(cp_txt_count)" "TXT records in the mock"
    assert_contains "$(cat "$DNS01_STATE_DIR"/journal/*)" '"holders": []' "journal entry without holders"

    assert_exit 0 cp_cleanup --restore
    assert_contains "$(cat "$LAST_STDERR")" "on line telecom is in place already" "restore log"
    assert_both_lines_restored
    alidns_assert_clean
}

# A SIGKILL after the journal write, after the first delete, after the second
# delete or after the TXT record: cleanup --restore brings back every CNAME
# that is missing and duplicates none that is still there.
test_remove_crash_every_line_restored() {
    require_hooks
    cp_setup
    local step
    for step in journal-written cname-deleted cname-deleted-again txt-created; do
        seed_cnames_on_two_lines
        rm -rf "$DNS01_STATE_DIR"
        crash_auth_at "$step"
        assert_exit 0 cp_cleanup --restore
        if [[ $step == cname-deleted ]]; then
            assert_contains "$(cat "$LAST_STDERR")" "CNAME $APEX -> $TELECOM_TARGET on line telecom is in place already" \
                "restore log after $step"
        fi
        assert_both_lines_restored " after a crash at $step"
    done
}

# Rewrites the journal entry in the format of the releases that journaled one
# CNAME (version 1, a "record" object without "line"), as an upgrade in the
# middle of a challenge finds it.
rewrite_journal_version_1() {
    local file
    file=$(ls "$DNS01_STATE_DIR"/journal/*.json)
    "$LIB_PYTHON" -c '
import json, sys
path = sys.argv[1]
with open(path) as f:
    entry = json.load(f)
record = entry.pop("records")[0]
record.pop("line")
entry["record"] = record
entry["version"] = 1
with open(path, "w") as f:
    json.dump(entry, f, indent=2)' "$file"
}

# A version 1 journal entry is still restored: recreated when the CNAME is
# missing, and left alone when it is still there.
test_old_journal_format_restored() {
    require_hooks
    cp_setup
    local step
    for step in cname-deleted journal-written; do
        seed_dcv_cname
        rm -rf "$DNS01_STATE_DIR"
        crash_auth_at "$step"
        rewrite_journal_version_1
        assert_contains "$(cat "$DNS01_STATE_DIR"/journal/*)" '"record":' "journal entry in version 1"
        assert_exit 0 cp_cleanup --restore
        if [[ $step == cname-deleted ]]; then
            assert_eq CNAME "$(alidns_param AddDomainRecord Type)" "AddDomainRecord requests with the CNAME missing"
        else
            assert_eq 0 "$(alidns_count AddDomainRecord)" "AddDomainRecord requests with the CNAME still there"
            assert_contains "$(cat "$LAST_STDERR")" "is in place already" "restore log with the CNAME still there"
        fi
        assert_cname_restored
    done
}

# --cname=follow with a CNAME on each of two lines: one target is followed,
# two different targets fail with a message that names both, and --check
# reports the same.
test_follow_several_lines() {
    require_hooks
    cp_setup
    alidns_reset '{"records": [
        {"name": "_acme-challenge.app.example.test", "type": "CNAME", "value": "app.auth.other.test", "line": "default"},
        {"name": "_acme-challenge.app.example.test", "type": "CNAME", "value": "app.auth.other.test.", "line": "telecom"},
        {"name": "_acme-challenge.split.example.test", "type": "CNAME", "value": "a.other.test", "line": "default"},
        {"name": "_acme-challenge.split.example.test", "type": "CNAME", "value": "b.other.test", "line": "telecom"}]}'
    CERTBOT_DOMAIN=app.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_auth --cname=follow
    assert_eq "$V1" "$(dns_txt ns2 app.auth.other.test)" "TXT at the shared target on ns2"
    CERTBOT_DOMAIN=app.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_cleanup --cname=follow
    assert_eq "" "$(dns_txt ns2 app.auth.other.test)" "TXT at the shared target after cleanup"

    local changes deletes
    changes=$(cp_request_count change)
    deletes=$(cp_request_count delete)
    CERTBOT_DOMAIN=split.example.test CERTBOT_VALIDATION=$V2 assert_exit 1 cp_auth --cname=follow
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "has CNAME records with different targets (line default to a.other.test, line telecom to b.other.test)" "message"
    assert_contains "$stderr" "use --cname=remove" "message"
    assert_eq "$changes" "$(cp_request_count change)" "requests that create or change records"
    assert_eq "$deletes" "$(cp_request_count delete)" "delete requests of the failed follow"
    CERTBOT_DOMAIN=split.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 cp_cleanup --cname=follow

    assert_exit 1 cp_auth --cname=follow --check split.example.test app.example.test
    local report
    report=$(cat "$LAST_STDOUT")
    assert_contains "$report" "CNAME: _acme-challenge.split.example.test -> b.other.test (resolution line telecom)" "report"
    assert_contains "$report" "with --cname=remove: all 2 CNAMEs are removed" "report"
    assert_contains "$report" "with --cname=follow: fails: _acme-challenge.split.example.test has CNAME records with different targets" "report"
    assert_contains "$report" "with --cname=follow: the TXT record is written at app.auth.other.test" "report"
    assert_contains "$(cat "$LAST_STDERR")" "1 of 2 domains would fail" "summary"
}

# The default policy names how many CNAMEs there are and on which lines, in one message.
test_fail_several_lines() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 1 cp_auth
    local stderr
    stderr=$(cat "$LAST_STDERR")
    assert_contains "$stderr" "$APEX is a name with 2 CNAME records, one per resolution line (line default to $DCV_TARGET, line telecom to $TELECOM_TARGET)" "message"
    assert_contains "$stderr" "--cname=remove, which removes every CNAME at the name" "message"
    assert_eq 1 "$(grep -c 'error' "$LAST_STDERR")" "error lines"
    assert_eq 0 "$(cp_request_count change)" "requests that create or change records"
    assert_eq 0 "$(cp_request_count delete)" "delete requests"
    assert_eq "$CNAME_BEFORE" "$(cname_fields_sorted)" "CNAME attributes"
}

# A restore cut short after AddDomainRecord leaves the CNAME enabled and
# without its remark. The next restore finds it by target and line, compares
# the attributes, and deletes it and adds it again with all of them.
test_restore_finishes_cut_short_restore() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    crash_auth_at txt-created
    alidns_fault '{"path": "SetDomainRecordStatus$", "status": 400, "code": "Forbidden.RAM", "count": 1}'
    alidns_fault '{"path": "DeleteDomainRecord$", "status": 400, "code": "Forbidden.RAM", "count": 1, "after": 1}'
    assert_exit 1 cp_cleanup --restore
    assert_eq Enable "$(alidns_records | json_query '[r["Status"] for r in data if r["Line"] == "telecom"][0]')" \
        "telecom CNAME after the cut-short restore"
    [[ -n $(ls "$DNS01_STATE_DIR/journal") ]] || fail "the journal entry is gone after a failed restore"

    assert_exit 0 cp_cleanup --restore
    assert_contains "$(cat "$LAST_STDERR")" "which lacked some of its saved attributes, to add it again" "restore log"
    assert_both_lines_restored
    alidns_assert_clean
}

# A CNAME that someone sets on a line after auth removed that line's CNAME is
# kept: cleanup warns, restores the other line and leaves no journal entry.
test_restore_keeps_newer_cname() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    local output newer=new-telecom.dcv-provider.test
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 cp_auth --cname=remove
    output=$(cat "$LAST_STDOUT")
    alidns_control POST records "{\"records\": [{\"name\": \"$APEX\", \"type\": \"CNAME\", \"value\": \"$newer\",
        \"ttl\": 600, \"line\": \"telecom\"}]}" >/dev/null
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 CERTBOT_AUTH_OUTPUT=$output assert_exit 0 cp_cleanup --cname=remove
    assert_contains "$(cat "$LAST_STDERR")" "$APEX on line telecom has a CNAME to $newer now" "warning"
    assert_eq "$(printf '%s\n%s' "$DCV_TARGET" "$newer")" \
        "$(alidns_records | json_query '"\n".join(sorted(r["Value"] for r in data if r["Type"] == "CNAME"))')" \
        "CNAME targets after cleanup"
    assert_eq "" "$(ls "$DNS01_STATE_DIR/journal")" "journal entries left"
    assert_eq 0 "$(cp_txt_count)" "TXT left in the mock"
    alidns_assert_clean
}

# A damaged journal file (cut short, or edited so that the name inside no
# longer fits its file name) is never taken for "nothing to restore":
# --restore names it and fails, and --check reports the cut-short one.
test_restore_reports_damaged_journal() {
    require_hooks
    cp_setup
    local damage file
    for damage in truncated renamed; do
        seed_cnames_on_two_lines
        rm -rf "$DNS01_STATE_DIR"
        crash_auth_at cname-deleted
        file=$(ls "$DNS01_STATE_DIR"/journal/*.json)
        if [[ $damage == truncated ]]; then
            head -c 200 "$file" >"$file.tmp" && mv "$file.tmp" "$file"
        else
            sed -i 's/"fqdn": "_acme-challenge.example.test"/"fqdn": "_acme-challenge.other.example.test"/' "$file"
            assert_contains "$(cat "$file")" "other.example.test" "edited journal file"
        fi
        assert_exit 1 cp_cleanup --restore
        assert_contains "$(cat "$LAST_STDERR")" "journal file '$file' is damaged" "message ($damage)"
        assert_not_contains "$(cat "$LAST_STDERR")" "no removed CNAME is left" "message ($damage)"
    done
    file=$(ls "$DNS01_STATE_DIR"/journal/*.json)
    head -c 200 "$file" >"$file.tmp" && mv "$file.tmp" "$file"
    assert_exit 1 cp_auth --check --cname=remove example.test
    assert_contains "$(cat "$LAST_STDOUT")" "journal: journal file '$file' is damaged" "check report"
    assert_contains "$(cat "$LAST_STDOUT")" "renewal with --cname=remove would FAIL" "check verdict"
}

# --check names a journal entry that is still waiting, without failing.
test_check_reports_pending_journal() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    crash_auth_at cname-deleted-again
    assert_exit 0 cp_auth --check --cname=remove example.test
    assert_contains "$(cat "$LAST_STDOUT")" "journal: 2 CNAME record(s) removed by an earlier challenge are not restored yet" \
        "check report"
    assert_exit 0 cp_cleanup --restore
    assert_both_lines_restored
}

# A script that runs the hooks in command substitutions with a redirection
# forks a subshell for each call. The subshell ends with the call, and must
# not be taken for the run: otherwise the wildcard's auth takes the apex's
# record for one that a crashed run left, and deletes it.
test_remove_from_script_subshells() {
    require_hooks
    cp_setup
    seed_cnames_on_two_lines
    local script=$TEST_TMPDIR/renew.sh
    cat >"$script" <<'SCRIPT'
#!/bin/bash
set -eu
auth="$DNS01_BIN/dns01-auth --provider alidns --cname=remove"
o1=$(CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 CERTBOT_REMAINING_CHALLENGES=1 $auth 2>>"$LOG")
o2=$(CERTBOT_DOMAIN='*.example.test' CERTBOT_VALIDATION=$V2 CERTBOT_REMAINING_CHALLENGES=0 $auth 2>>"$LOG")
printf '%s\n%s\n' "$o1" "$o2" >"$OUT"
SCRIPT
    chmod 755 "$script"
    LOG=$TEST_TMPDIR/renew.log OUT=$TEST_TMPDIR/renew.out V1=$V1 V2=$V2 assert_exit 0 "$script"
    assert_not_contains "$(cat "$TEST_TMPDIR/renew.log")" "left by a run that ended" "auth log"
    assert_eq "$(printf '%s\n%s' "$V1" "$V2" | sort)" "$(dns_txt ns2 "$APEX" | sort)" "TXT records on ns2"
    assert_eq "" "$(cname_fields_sorted)" "CNAME records during the challenge"

    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 CERTBOT_AUTH_OUTPUT=$(sed -n 1p "$TEST_TMPDIR/renew.out") \
        assert_exit 0 cp_cleanup --cname=remove
    CERTBOT_DOMAIN='*.example.test' CERTBOT_VALIDATION=$V2 CERTBOT_AUTH_OUTPUT=$(sed -n 2p "$TEST_TMPDIR/renew.out") \
        assert_exit 0 cp_cleanup --cname=remove
    assert_both_lines_restored
    alidns_assert_clean
}
