# shellcheck shell=bash
# One wait per certbot run, and few API calls: counted, never timed.
# The hooks run under tests/rig/fake_client.py, one process per ACME run.
# Conventions: tests/lib.sh.

V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54
V2=MPeP-mZLHmq8WH1YyQoRl9X2If-B2jRceEI3LBxU5BU

# step HOOK DOMAIN VALUE REMAINING: one fake_client step with the Cloudflare provider.
step() {
    printf '{"hook": "%s", "domain": "%s", "value": "%s", "remaining": %d, "command": "%s --provider cloudflare -v"}' \
        "$1" "$2" "$3" "$4" "$DNS01_BIN/dns01-$1"
}

run_client() {
    local result=$1 IFS=,
    shift
    "$LIB_PYTHON" "$LIB_REPO/tests/rig/fake_client.py" "[$*]" "$result" 2>/dev/null
}

statuses() {
    json_query '" ".join(str(r["status"]) for r in data)' <"$1"
}

# stderr of hook step N (from 0) of a result file.
step_log() {
    json_query "data[$2]['stderr']" <"$1"
}

# C15: 8 names, R=7..0: the first seven write and return, the last waits once for all eight.
test_last_challenge_waits_for_all() {
    require_hooks
    use_cloudflare_token
    local steps=() i value
    for i in 1 2 3 4 5 6 7 8; do
        value=$(printf 'value%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "$i")
        steps+=("$(step auth "a$i.example.test" "$value" $((8 - i)))")
    done
    mock_config '{"ns2_delay": 1}'
    run_client "$TEST_TMPDIR/auth.json" "${steps[@]}"
    assert_eq "0 0 0 0 0 0 0 0" "$(statuses "$TEST_TMPDIR/auth.json")" "auth exit statuses"
    for i in 0 1 2 3 4 5 6; do
        assert_contains "$(step_log "$TEST_TMPDIR/auth.json" "$i")" "the last one waits" "auth $i log"
        assert_not_contains "$(step_log "$TEST_TMPDIR/auth.json" "$i")" "every nameserver serves" "auth $i log"
        assert_eq 0 "$(step_log "$TEST_TMPDIR/auth.json" "$i" | grep -c 'ns[12].example.test serves' || true)" \
            "nameserver checks by auth $i"
    done
    local last
    last=$(step_log "$TEST_TMPDIR/auth.json" 7)
    assert_contains "$last" "waiting for the 8 records of this run" "last auth log"
    assert_contains "$last" "every nameserver serves the records" "last auth log"
    # Each record is confirmed once on each of the two nameservers.
    assert_eq 16 "$(grep -c 'ns[12].example.test serves' <<<"$last")" "confirmations"
    local rounds queries
    rounds=$(sed -nE 's/.*\(([0-9]+) rounds?, ([0-9]+) queries\).*/\1/p' <<<"$last")
    queries=$(sed -nE 's/.*\(([0-9]+) rounds?, ([0-9]+) queries\).*/\2/p' <<<"$last")
    [[ -n $rounds && -n $queries ]] || fail "no query count in the last auth log: $last"
    # Round one asks all 16 record and nameserver pairs; later rounds ask only ns2 for the records it still lacks.
    ((queries >= 16 && queries <= 16 + 8 * (rounds - 1))) ||
        fail "DNS queries: $queries over $rounds rounds, expected 16 to $((16 + 8 * (rounds - 1)))"
    for i in 1 2 3 4 5 6 7 8; do
        assert_eq "$(printf 'value%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "$i")" "$(dns_txt ns2 "_acme-challenge.a$i.example.test")" \
            "TXT of a$i on ns2"
    done
}

# Without CERTBOT_REMAINING_CHALLENGES (other callers), every call waits for its own record.
test_without_remaining_each_call_waits() {
    require_hooks
    use_cloudflare_token
    assert_exit 0 env -u CERTBOT_REMAINING_CHALLENGES CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 \
        "$DNS01_BIN/dns01-auth" --provider cloudflare
    assert_contains "$(cat "$LAST_STDERR")" "every nameserver serves the record" "log"
}

# API calls: zone lookup once, then cached; the record id goes to cleanup, so cleanup makes one call.
test_api_calls_counted() {
    require_hooks
    use_cloudflare_token
    run_client "$TEST_TMPDIR/first.json" "$(step auth example.test "$V1" 1)" "$(step auth example.test "$V2" 0)"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/first.json")" "first run auth"
    assert_eq 1 "$(mock_count GET '/zones$')" "zone lookups of the first run"
    assert_eq 5 "$(mock_count '*' '.')" "API calls of the first run's two auths"
    run_client "$TEST_TMPDIR/cleanup.json" "$(step cleanup example.test "$V1" 1)" "$(step cleanup example.test "$V2" 0)"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/cleanup.json")" "cleanups"
    assert_eq 7 "$(mock_count '*' '.')" "API calls after one call per cleanup"

    # A renewal days later finds the zone in the cache: two calls per auth, one per cleanup.
    run_client "$TEST_TMPDIR/renewal.json" "$(step auth example.test "$V1" 0)" "$(step cleanup example.test "$V1" 0)"
    assert_eq "0 0" "$(statuses "$TEST_TMPDIR/renewal.json")" "renewal"
    assert_eq 10 "$(mock_count '*' '.')" "API calls after the renewal"
    assert_eq 1 "$(mock_count GET '/zones$')" "zone lookups in total"
}

# A cached zone that no longer exists is looked up again.
test_stale_zone_cache_refreshed() {
    require_hooks
    use_cloudflare_token
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_auth
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
    local cache
    # Two entries: the name's own and the zone's, which serves other names below it.
    assert_eq 2 "$(find "$DNS01_STATE_DIR/zones" -name '*.json' | wc -l)" "zone cache entries"
    for cache in "$DNS01_STATE_DIR"/zones/*.json; do
        sed -i 's/"zone_id": *"[0-9a-f]*"/"zone_id":"0123456789abcdef0123456789abcdef"/' "$cache"
    done
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V2 assert_exit 0 run_auth
    assert_contains "$(cat "$LAST_STDERR")" "no longer exists" "log"
    assert_eq "$V2" "$(dns_txt ns2 _acme-challenge.example.test)" "TXT on ns2"
    CERTBOT_DOMAIN=example.test CERTBOT_VALIDATION=$V2 assert_exit 0 run_cleanup
}

# zone_queries NAME: print how many zone lookups for NAME the mock's request log contains.
zone_queries() {
    mock_requests 'method=GET&path=/zones%24' | json_query "len([e for e in data if e['params'].get('name') == ['$1']])"
}

# Names under one zone share its cache entry: one zone lookup for a whole certificate.
test_zone_lookup_once_for_many_names() {
    require_hooks
    use_cloudflare_token
    local auth_steps=() cleanup_steps=() i value
    for i in 1 2 3 4 5 6; do
        value=$(printf 'zonecache%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "$i")
        auth_steps+=("$(step auth "z$i.example.test" "$value" $((6 - i)))")
        cleanup_steps+=("$(step cleanup "z$i.example.test" "$value" $((6 - i)))")
    done
    run_client "$TEST_TMPDIR/auth.json" "${auth_steps[@]}"
    assert_eq "0 0 0 0 0 0" "$(statuses "$TEST_TMPDIR/auth.json")" "auth exit statuses"
    # The first name looks up z1.example.test, then example.test. The other five look up nothing.
    assert_eq 1 "$(zone_queries example.test)" "lookups of example.test for six names"
    assert_eq 2 "$(mock_count GET '/zones$')" "zone lookups for six names"
    assert_contains "$(step_log "$TEST_TMPDIR/auth.json" 5)" "apex confirmed by DNS" "last auth log"
    assert_eq "$(printf 'zonecache%02dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' 6)" "$(dns_txt ns2 _acme-challenge.z6.example.test)" \
        "TXT of z6 on ns2"
    run_client "$TEST_TMPDIR/cleanup.json" "${cleanup_steps[@]}"
    assert_eq "0 0 0 0 0 0" "$(statuses "$TEST_TMPDIR/cleanup.json")" "cleanup exit statuses"
    assert_eq 2 "$(mock_count GET '/zones$')" "zone lookups after the cleanups"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.z1.example.test)" "TXT of z1 on ns2 after cleanup"
}

# A cached parent zone never serves a name in a delegated child zone of the account (sub.example.test).
test_zone_cache_skips_delegated_child() {
    require_hooks
    use_cloudflare_token
    local sub_zone_id created_in_sub
    sub_zone_id=$(lib_mock_call GET zones | json_query '[z["id"] for z in data if z["name"] == "sub.example.test"]')
    [[ -n $sub_zone_id ]] || fail "the mock has no zone sub.example.test"
    created_in_sub="^/client/v4/zones/$sub_zone_id/dns_records\$"

    CERTBOT_DOMAIN=a.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_auth
    assert_eq 1 "$(zone_queries example.test)" "lookups of example.test"

    CERTBOT_DOMAIN=x.sub.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 run_auth -v
    assert_contains "$(cat "$LAST_STDERR")" "DNS places it in zone sub.example.test" "log of the child's auth"
    assert_eq 1 "$(zone_queries sub.example.test)" "lookups of sub.example.test"
    assert_eq 1 "$(mock_count POST "$created_in_sub")" "records created in the child zone"
    assert_eq "$V2" "$(dns_txt ns2 _acme-challenge.x.sub.example.test)" "TXT of x.sub on ns2"

    # Now the child zone is cached too, and serves its other names.
    CERTBOT_DOMAIN=y.sub.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_auth
    assert_eq 1 "$(zone_queries sub.example.test)" "lookups of sub.example.test after a second name"
    assert_eq 2 "$(mock_count POST "$created_in_sub")" "records created in the child zone"
    assert_eq "$V1" "$(dns_txt ns2 _acme-challenge.y.sub.example.test)" "TXT of y.sub on ns2"

    CERTBOT_DOMAIN=a.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
    CERTBOT_DOMAIN=x.sub.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 run_cleanup
    CERTBOT_DOMAIN=y.sub.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
}

# An entry for the name itself that points at the parent, as one saved before the child zone joined the
# account, is checked against DNS like any other and not used.
test_zone_cache_entry_of_name_checked() {
    require_hooks
    use_cloudflare_token
    local entry sub_zone_id
    sub_zone_id=$(mock_zone_id sub.example.test)
    CERTBOT_DOMAIN=x.sub.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 run_auth
    CERTBOT_DOMAIN=x.sub.example.test CERTBOT_VALIDATION=$V2 assert_exit 0 run_cleanup
    entry=$(grep -l '"fqdn":"_acme-challenge.x.sub.example.test"' "$DNS01_STATE_DIR"/zones/*.json)
    [[ -n $entry ]] || fail "no zone cache entry for _acme-challenge.x.sub.example.test"
    "$LIB_PYTHON" - "$entry" "$(mock_zone_id example.test)" <<'PY'
import json, sys
path, parent_id = sys.argv[1], sys.argv[2]
with open(path) as f:
    entry = json.load(f)
entry.update(zone_id=parent_id, zone="example.test")
with open(path, "w") as f:
    json.dump(entry, f)
PY
    CERTBOT_DOMAIN=x.sub.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_auth -v
    assert_contains "$(cat "$LAST_STDERR")" "cached zone example.test not used" "auth log"
    assert_eq 2 "$(mock_count POST "^/client/v4/zones/$sub_zone_id/dns_records\$")" "records created in the child zone"
    assert_eq 0 "$(mock_count POST "^/client/v4/zones/$(mock_zone_id example.test)/dns_records\$")" \
        "records created in the parent zone"
    CERTBOT_DOMAIN=x.sub.example.test CERTBOT_VALIDATION=$V1 assert_exit 0 run_cleanup
}
