# shellcheck shell=bash
# End to end: Debian's certbot obtains certificates from pebble while
# _acme-challenge.example.test is a CNAME, as a managed DCV service leaves
# it, with each CNAME policy and each provider (the Cloudflare mock and the
# alidns mock). pebble checks the records on ns2 only. Conventions:
# tests/lib.sh; alidns helpers: tests/mock/alidns_lib.sh.

# shellcheck source=../mock/alidns_lib.sh
source "$LIB_REPO/tests/mock/alidns_lib.sh"

ACME_NAME=_acme-challenge.example.test
# Like the targets of Alibaba Cloud ESA's Managed DCV, in a zone outside the account.
DCV_TARGET=example.test.12345.dcv-provider.test
DCV_REMARK="ESA managed DCV"
# A delegation to the second zone of the account, for --cname=follow.
FOLLOW_TARGET=example-test.auth.other.test

# ---------------------------------------------------------------------------
# Each provider's mock, chosen by the first argument

# provider_setup PROVIDER: credentials, a state directory and an empty mock.
provider_setup() {
    case $1 in
        cloudflare) use_cloudflare_token ;;
        alidns) alidns_begin ;;
        *) fail "unknown provider '$1'" ;;
    esac
}

# seed_cname PROVIDER TARGET: reset the mock with one CNAME at $ACME_NAME,
# with a TTL and remark set and the provider's own fields as a DCV service sets them.
seed_cname() {
    case $1 in
        cloudflare)
            mock_reset "{\"records\": [{\"type\": \"CNAME\", \"name\": \"$ACME_NAME\", \"content\": \"$2\",
                \"ttl\": 300, \"proxied\": false, \"comment\": \"$DCV_REMARK\", \"tags\": [\"owner:esa\"]}]}"
            ;;
        alidns)
            alidns_reset "{\"records\": [{\"name\": \"$ACME_NAME\", \"type\": \"CNAME\", \"value\": \"$2\",
                \"ttl\": 1200, \"line\": \"default\", \"remark\": \"$DCV_REMARK\"}]}"
            ;;
    esac
}

# cname_fields PROVIDER: every field of the CNAME records that a client can set, as the mock stores them.
cname_fields() {
    case $1 in
        cloudflare)
            mock_records | json_query '[(r["type"], r["name"], r["content"], r["ttl"], r["proxied"], r["comment"], r["tags"])
                for r in data if r["type"] == "CNAME"]'
            ;;
        alidns)
            alidns_records | json_query '[(r["Type"], r["Name"], r["Value"], r["TTL"], r["Line"], r["Remark"], r["Status"])
                for r in data if r["Type"] == "CNAME"]'
            ;;
    esac
}

# cname_id PROVIDER: the provider's id of the CNAME at $ACME_NAME.
cname_id() {
    case $1 in
        cloudflare) mock_records | json_query '[r["id"] for r in data if r["type"] == "CNAME"]' ;;
        alidns) alidns_records | json_query '[r["RecordId"] for r in data if r["Type"] == "CNAME"]' ;;
    esac
}

txt_count() {
    case $1 in
        cloudflare) mock_records | json_query 'len([r for r in data if r["type"] == "TXT"])' ;;
        alidns) alidns_records | json_query 'len([r for r in data if r["Type"] == "TXT"])' ;;
    esac
}

# txt_names_written PROVIDER: the name of each TXT record that the hooks asked to create, one per line.
txt_names_written() {
    case $1 in
        cloudflare)
            mock_requests 'method=POST&path=/dns_records$' |
                json_query '[e["body"]["name"] for e in data if e["body"]["type"] == "TXT"]'
            ;;
        alidns)
            alidns_requests action=AddDomainRecord |
                json_query '["%s.%s" % (e["params"]["RR"], e["params"]["DomainName"]) for e in data if e["params"]["Type"] == "TXT"]'
            ;;
    esac
}

# write_count PROVIDER: how many requests created, changed or deleted a record.
write_count() {
    case $1 in
        cloudflare) echo $(($(mock_count POST '.') + $(mock_count PUT '.') + $(mock_count PATCH '.') + $(mock_count DELETE '.'))) ;;
        alidns)
            local action total=0
            for action in AddDomainRecord UpdateDomainRecord UpdateDomainRecordRemark SetDomainRecordStatus DeleteDomainRecord; do
                total=$((total + $(alidns_count "$action")))
            done
            echo "$total"
            ;;
    esac
}

# ---------------------------------------------------------------------------
# A CA that follows CNAME records into other zones
#
# The rig's pebble queries ns2 directly, and knot answers a CNAME into
# another zone without the records at the target, so that pebble finds no
# TXT record when the challenge name is delegated. A real CA queries a
# recursive resolver, which follows the CNAME. For --cname=follow the test therefore starts its
# own pebble on other ports, whose DNS server is the resolver below.

CHASE_RESOLVER=127.0.0.1:18553
CHASE_PEBBLE_LISTEN=127.0.0.1:14100
CHASE_PEBBLE_MANAGEMENT=127.0.0.1:15100

# write_chase_resolver FILE: write a DNS server (Python standard library) that
# answers each query by asking ns2 without recursion and following CNAME
# records, at most 8, as a recursive resolver does. Only answer sections are
# returned. Usage: python3 FILE LISTEN_ADDRESS:PORT UPSTREAM_ADDRESS.
write_chase_resolver() {
    cat >"$1" <<'PYTHON'
import socket, socketserver, struct, sys, threading

UPSTREAM = (sys.argv[2], 53)
MAX_LINKS = 8
# RR type numbers (RFC 1035 section 3.2.2) of the types whose rdata contains names.
TYPE_CNAME = 5
TYPE_SOA = 6
TYPE_MX = 15
NAME_RDATA = (2, TYPE_CNAME, 12)  # NS, CNAME, PTR: the rdata is one name


def read_name(message, offset):
    """Return (lowercase name without the final dot, offset after the name in place)."""
    labels, end, jumps = [], None, 0
    while True:
        length = message[offset]
        if length & 0xC0 == 0xC0:
            if end is None:
                end = offset + 2
            offset = ((length & 0x3F) << 8) | message[offset + 1]
            jumps += 1
            if jumps > 64:
                raise ValueError("compression loop")
            continue
        offset += 1
        if length == 0:
            break
        labels.append(message[offset:offset + length].decode("ascii").lower())
        offset += length
    return ".".join(labels), (end if end is not None else offset)


def encode_name(name):
    wire = b"".join(bytes([len(label)]) + label.encode("ascii") for label in name.split(".") if label)
    return wire + b"\0"


def ask(name, qtype):
    """Send one non-recursive query over TCP; return (rcode, [(name, type, class, ttl, rdata)])."""
    query = struct.pack("!HHHHHH", 0x4242, 0, 1, 0, 0, 0) + encode_name(name) + struct.pack("!HH", qtype, 1)
    with socket.create_connection(UPSTREAM, timeout=5) as connection:
        connection.sendall(struct.pack("!H", len(query)) + query)
        data = b""
        while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
            chunk = connection.recv(65535)
            if not chunk:
                raise ConnectionError("upstream closed the connection")
            data += chunk
    message = data[2:]
    flags, qdcount, ancount = struct.unpack("!HHH", message[2:8])
    offset = 12
    for _ in range(qdcount):
        _, offset = read_name(message, offset)
        offset += 4
    records = []
    for _ in range(ancount):
        owner, offset = read_name(message, offset)
        rtype, rclass, ttl, length = struct.unpack("!HHIH", message[offset:offset + 10])
        offset += 10
        rdata = message[offset:offset + length]
        # Names in rdata may point into this message, so they are written out again.
        if rtype in NAME_RDATA:
            target, _ = read_name(message, offset)
            rdata = encode_name(target)
        elif rtype == TYPE_MX:
            target, _ = read_name(message, offset + 2)
            rdata = rdata[:2] + encode_name(target)
        elif rtype == TYPE_SOA:
            primary, after = read_name(message, offset)
            mailbox, after = read_name(message, after)
            rdata = encode_name(primary) + encode_name(mailbox) + message[after:after + 20]
        offset += length
        records.append((owner, rtype, rclass, ttl, rdata))
    return flags & 0xF, records


def resolve(query):
    """Answer a query message: the records of the name and those of each CNAME target after it."""
    qid, flags = struct.unpack("!HH", query[:4])
    name, offset = read_name(query, 12)
    qtype, = struct.unpack("!H", query[offset:offset + 2])
    question = query[12:offset + 4]
    answers, current, rcode = [], name, 0
    for _ in range(MAX_LINKS):
        rcode, records = ask(current, qtype)
        answers += [r for r in records if r not in answers]
        if any(r[0] == current and r[1] == qtype for r in records):
            break
        targets = [r for r in records if r[0] == current and r[1] == TYPE_CNAME]
        if not targets or qtype == TYPE_CNAME:
            break
        current, _ = read_name(targets[0][4], 0)
    body = b"".join(encode_name(owner) + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata
                    for owner, rtype, rclass, ttl, rdata in answers)
    # QR set, RD copied from the query, RA set.
    header = struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x0100) | 0x0080 | rcode, 1, len(answers), 0, 0)
    return header + question + body


class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        try:
            sock.sendto(resolve(data), self.client_address)
        except (OSError, ValueError, IndexError, struct.error) as error:
            print("query failed: %s" % error, file=sys.stderr)


class Tcp(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            length, = struct.unpack("!H", self.rfile.read(2))
            response = resolve(self.rfile.read(length))
            self.wfile.write(struct.pack("!H", len(response)) + response)
        except (OSError, ValueError, IndexError, struct.error) as error:
            print("query failed: %s" % error, file=sys.stderr)


host, port = sys.argv[1].rsplit(":", 1)
socketserver.ThreadingUDPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer.allow_reuse_address = True
udp = socketserver.ThreadingUDPServer((host, int(port)), Udp)
tcp = socketserver.ThreadingTCPServer((host, int(port)), Tcp)
threading.Thread(target=udp.serve_forever, daemon=True).start()
print("ready", flush=True)
tcp.serve_forever()
PYTHON
}

# start_chasing_ca: start the resolver and a pebble that uses it, both
# stopped when the test ends, and set CHASE_PEBBLE_DIR_URL.
start_chasing_ca() {
    local dir=$TEST_TMPDIR/chasing-ca
    mkdir -p "$dir"
    write_chase_resolver "$dir/resolver.py"
    "$LIB_PYTHON" "$dir/resolver.py" "$CHASE_RESOLVER" "$RIG_NS2" >"$dir/resolver.log" 2>&1 &
    CHASE_PIDS=$!
    trap 'kill $CHASE_PIDS 2>/dev/null || true' EXIT
    wait_until 10 "the CNAME-following resolver" grep -q '^ready' "$dir/resolver.log"

    cat >"$dir/pebble-config.json" <<JSON
{
  "pebble": {
    "listenAddress": "$CHASE_PEBBLE_LISTEN",
    "managementListenAddress": "$CHASE_PEBBLE_MANAGEMENT",
    "certificate": "$(dirname "$RIG_CA")/server.pem",
    "privateKey": "$(dirname "$RIG_CA")/server.key",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON
    PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 pebble -config "$dir/pebble-config.json" \
        -dnsserver "$CHASE_RESOLVER" >"$dir/pebble.log" 2>&1 &
    CHASE_PIDS="$CHASE_PIDS $!"
    CHASE_PEBBLE_DIR_URL=https://$CHASE_PEBBLE_LISTEN/dir
    wait_until 30 "the second pebble" curl -fsS --max-time 2 --cacert "$RIG_CA" "$CHASE_PEBBLE_DIR_URL"
}

# ---------------------------------------------------------------------------
# certbot

# run_certbot PROVIDER LABEL POLICY DOMAIN...: request one certificate with
# --cname=POLICY, keeping certbot's state under $TEST_TMPDIR/LABEL. The
# hooks of every run share DNS01_STATE_DIR. ACME_SERVER replaces the rig's
# pebble.
run_certbot() {
    local provider=$1 label=$2 policy=$3 domain domain_args=() auth_hook cleanup_hook
    shift 3
    for domain in "$@"; do
        domain_args+=(-d "$domain")
    done
    auth_hook="$(printf '%q' "$DNS01_BIN/dns01-auth") --provider $provider --cname=$policy --propagation-timeout 60"
    cleanup_hook="$(printf '%q' "$DNS01_BIN/dns01-cleanup") --provider $provider --cname=$policy"
    REQUESTS_CA_BUNDLE=$RIG_CA /usr/bin/certbot certonly -n --agree-tos \
        --register-unsafely-without-email --server "${ACME_SERVER:-$PEBBLE_DIR_URL}" \
        --manual --preferred-challenges dns \
        --manual-auth-hook "$auth_hook" --manual-cleanup-hook "$cleanup_hook" \
        --config-dir "$TEST_TMPDIR/$label/config" --work-dir "$TEST_TMPDIR/$label/work" \
        --logs-dir "$TEST_TMPDIR/$label/logs" "${domain_args[@]}"
}

# assert_certificate LABEL NAME SAN...: the certificate in LABEL's live/NAME names every SAN.
assert_certificate() {
    local certificate=$TEST_TMPDIR/$1/config/live/$2/cert.pem san name
    shift 2
    [[ -s $certificate ]] || fail "certbot reported success but wrote no certificate at $certificate"
    san=$(openssl x509 -in "$certificate" -noout -ext subjectAltName)
    for name in "$@"; do
        assert_contains "$san" "DNS:$name" "subjectAltName"
    done
}

# assert_cname_back PROVIDER FIELDS_BEFORE: the CNAME is back with the same
# attributes and served, and no TXT record or journal entry is left.
assert_cname_back() {
    assert_eq "$2" "$(cname_fields "$1")" "CNAME attributes after the run"
    assert_eq "$DCV_TARGET" "$(dns_cname ns1 "$ACME_NAME")" "CNAME on ns1"
    assert_eq "$DCV_TARGET" "$(dns_cname ns2 "$ACME_NAME")" "CNAME on ns2"
    assert_eq 0 "$(txt_count "$1")" "TXT records left in the mock"
    assert_eq "" "$(dns_txt ns1 "$ACME_NAME")" "TXT left on ns1"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT left on ns2"
    assert_eq "" "$(ls "$DNS01_STATE_DIR/journal")" "journal entries left"
}

# ---------------------------------------------------------------------------
# Cases, run once per provider

# --cname=remove: the certificate is issued, and the CNAME comes back with a
# new id but otherwise identical.
case_remove_issues() {
    local provider=$1 before id_before
    require_hooks
    provider_setup "$provider"
    seed_cname "$provider" "$DCV_TARGET"
    before=$(cname_fields "$provider")
    id_before=$(cname_id "$provider")

    assert_exit 0 run_certbot "$provider" certbot remove example.test '*.example.test'
    assert_certificate certbot example.test example.test '*.example.test'
    assert_eq "$ACME_NAME $ACME_NAME" "$(txt_names_written "$provider" | tr '\n' ' ' | sed 's/ $//')" \
        "TXT records created (one per challenge value)"
    assert_ne "$id_before" "$(cname_id "$provider")" "CNAME id (deleted and recreated)"
    assert_cname_back "$provider" "$before"
}

# The default policy: certbot fails and nothing is changed.
case_fail_changes_nothing() {
    local provider=$1 before id_before log
    require_hooks
    provider_setup "$provider"
    seed_cname "$provider" "$DCV_TARGET"
    before=$(cname_fields "$provider")
    id_before=$(cname_id "$provider")

    assert_exit 1 run_certbot "$provider" certbot fail example.test '*.example.test'
    # certbot copies the hook's standard error into letsencrypt.log.
    log=$(cat "$TEST_TMPDIR/certbot/logs/letsencrypt.log")
    assert_contains "$log" "$ACME_NAME is a CNAME to $DCV_TARGET" "letsencrypt.log"
    assert_contains "$log" "--cname=remove" "letsencrypt.log"
    [[ ! -e $TEST_TMPDIR/certbot/config/live/example.test/cert.pem ]] ||
        fail "certbot issued a certificate although _acme-challenge is a CNAME"
    assert_eq 0 "$(write_count "$provider")" "requests that create, change or delete records"
    assert_eq "$before" "$(cname_fields "$provider")" "CNAME attributes"
    assert_eq "$id_before" "$(cname_id "$provider")" "CNAME id"
    assert_eq "$DCV_TARGET" "$(dns_cname ns2 "$ACME_NAME")" "CNAME on ns2"
    assert_eq "" "$(dns_txt ns2 "$ACME_NAME")" "TXT on ns2"
}

# --cname=follow with a delegation to other.test, a zone of the same
# account: the TXT records go to the target and the CNAME stays.
case_follow_issues() {
    local provider=$1 before id_before
    require_hooks
    provider_setup "$provider"
    seed_cname "$provider" "$FOLLOW_TARGET"
    before=$(cname_fields "$provider")
    id_before=$(cname_id "$provider")
    start_chasing_ca

    ACME_SERVER=$CHASE_PEBBLE_DIR_URL assert_exit 0 run_certbot "$provider" certbot follow example.test '*.example.test'
    assert_certificate certbot example.test example.test '*.example.test'
    assert_eq "$FOLLOW_TARGET $FOLLOW_TARGET" "$(txt_names_written "$provider" | tr '\n' ' ' | sed 's/ $//')" \
        "TXT records created at the target"
    assert_eq "$before" "$(cname_fields "$provider")" "CNAME attributes"
    assert_eq "$id_before" "$(cname_id "$provider")" "CNAME id"
    assert_eq "$FOLLOW_TARGET" "$(dns_cname ns2 "$ACME_NAME")" "CNAME on ns2"
    assert_eq 0 "$(txt_count "$provider")" "TXT records left in the mock"
    assert_eq "" "$(dns_txt ns2 "$FOLLOW_TARGET")" "TXT left at the target on ns2"
}

# Two certbot processes at once, for two certificates that share the name
# example.test, with one state directory: both are issued, and the CNAME
# comes back once neither needs the name.
case_remove_concurrent_certbots() {
    local provider=$1 before first second status1=0 status2=0
    require_hooks
    provider_setup "$provider"
    seed_cname "$provider" "$DCV_TARGET"
    before=$(cname_fields "$provider")

    run_certbot "$provider" first remove example.test '*.example.test' >"$TEST_TMPDIR/first.out" 2>&1 &
    first=$!
    run_certbot "$provider" second remove example.test www.example.test >"$TEST_TMPDIR/second.out" 2>&1 &
    second=$!
    wait "$first" || status1=$?
    wait "$second" || status2=$?
    sed 's/^/first certbot: /' "$TEST_TMPDIR/first.out" >&2
    sed 's/^/second certbot: /' "$TEST_TMPDIR/second.out" >&2
    assert_eq 0 "$status1" "exit status of the first certbot"
    assert_eq 0 "$status2" "exit status of the second certbot"
    assert_certificate first example.test example.test '*.example.test'
    assert_certificate second example.test example.test www.example.test
    assert_cname_back "$provider" "$before"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.www.example.test)" "TXT left at www on ns2"
}

# ---------------------------------------------------------------------------
# Tests

test_cloudflare_remove_issues() {
    case_remove_issues cloudflare
}

test_cloudflare_fail_changes_nothing() {
    case_fail_changes_nothing cloudflare
}

test_cloudflare_follow_issues() {
    case_follow_issues cloudflare
}

test_cloudflare_remove_concurrent_certbots() {
    case_remove_concurrent_certbots cloudflare
}

test_alidns_remove_issues() {
    case_remove_issues alidns
}

test_alidns_fail_changes_nothing() {
    case_fail_changes_nothing alidns
}

test_alidns_follow_issues() {
    case_follow_issues alidns
}

test_alidns_remove_concurrent_certbots() {
    case_remove_concurrent_certbots alidns
}
