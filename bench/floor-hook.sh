#!/bin/sh
# The benchmark's floor: a DNS-01 hook that writes the challenge's TXT record
# straight into both rig nameservers by RFC 2136 update (knsupdate) and
# returns without waiting. It makes no provider API call.
#
# Usage:
#   floor-hook.sh auth|cleanup                 certbot manual hook: reads
#                                              CERTBOT_DOMAIN, CERTBOT_VALIDATION
#   floor-hook.sh present|cleanup FQDN VALUE   lego's exec provider, default mode
# BENCH_ZONE is the zone that contains the names. RIG_NS1 and RIG_NS2 are the
# nameservers' addresses (tests/rig/rig.sh env).
set -eu

if [ $# -eq 3 ]; then
    action=$1
    name=$2
    value=$3
else
    action=${1:-}
    name="_acme-challenge.${CERTBOT_DOMAIN#\*.}."
    value=$CERTBOT_VALIDATION
fi

case $action in
    auth | present) change="update add $name 60 TXT \"$value\"" ;;
    cleanup) change="update delete $name TXT \"$value\"" ;;
    *)
        echo "floor-hook.sh: unknown action '$action'; expected auth, present or cleanup" >&2
        exit 2
        ;;
esac

for server in "$RIG_NS1" "$RIG_NS2"; do
    printf 'server %s\nzone %s.\n%s\nsend\n' "$server" "$BENCH_ZONE" "$change" | knsupdate -t 5
done
