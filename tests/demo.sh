#!/usr/bin/env bash
# `make demo`: builds the hooks, starts the local rig (two knot servers, the
# pebble test CA and the Cloudflare API mock, all on loopback) and has real
# certbot obtain a certificate for example.test and *.example.test through
# dns01-auth and dns01-cleanup. Everything it writes stays under build/demo.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DEMO=$REPO/build/demo
RIG=$REPO/tests/rig/rig.sh
cd "$REPO"

make -s all
started_rig=0
if ! "$RIG" status >/dev/null 2>&1; then
	"$RIG" start
	started_rig=1
fi
stop_rig() {
	exec 9>&-
	if [ "$started_rig" -eq 1 ]; then
		"$RIG" stop >/dev/null 2>&1 || true
	fi
}
trap stop_rig EXIT
eval "$("$RIG" env)"
# Take turns with test runs on the same rig, which reset the mock.
exec 9>"$RIG_DIR/run-integration.lock"
flock -w 1800 9

rm -rf "$DEMO"
mkdir -p "$DEMO/state"
# The hooks read these; certbot passes its environment on to them.
export CLOUDFLARE_DNS_API_TOKEN=$CF_TEST_TOKEN
export DNS01_STATE_DIR=$DEMO/state

echo "demo: requesting a certificate for example.test and *.example.test from pebble"
REQUESTS_CA_BUNDLE=$RIG_CA /usr/bin/certbot certonly -n --agree-tos \
	--register-unsafely-without-email --server "$PEBBLE_DIR_URL" \
	--manual --preferred-challenges dns \
	--manual-auth-hook "$REPO/build/bin/dns01-auth --provider cloudflare" \
	--manual-cleanup-hook "$REPO/build/bin/dns01-cleanup --provider cloudflare" \
	--config-dir "$DEMO/certbot/config" --work-dir "$DEMO/certbot/work" \
	--logs-dir "$DEMO/certbot/logs" \
	-d example.test -d '*.example.test'

cert=$DEMO/certbot/config/live/example.test/fullchain.pem
echo
echo "demo: certificate issued: $cert"
openssl x509 -in "$cert" -noout -subject -issuer -enddate -ext subjectAltName
echo
echo "demo: what the hooks did (from certbot's log, $DEMO/certbot/logs/letsencrypt.log):"
grep -E 'dns01-(auth|cleanup): ' "$DEMO/certbot/logs/letsencrypt.log" | sed -E 's/^.*(dns01-(auth|cleanup): )/  \1/' || true
left=$(kdig +short +norecurse @"$RIG_NS1" TXT _acme-challenge.example.test || true)
echo
if [ -z "$left" ]; then
	echo "demo: no _acme-challenge.example.test TXT record is left on the nameservers"
else
	echo "demo: TXT records still at _acme-challenge.example.test: $left" >&2
	exit 1
fi
