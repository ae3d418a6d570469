# shellcheck shell=bash
# Installing: `make install` with PREFIX and DESTDIR, the Debian package, the
# man pages against --help, the shipped systemd units, and the certbot
# renewal snippet of examples/ with Debian's certbot and pebble.
# Conventions: tests/lib.sh.

# Print the SYNOPSIS of a man page, one line per form, spaces squeezed.
man_synopsis() {
    MANWIDTH=200 man -l "$1" 2>/dev/null | col -b |
        sed -n '/^SYNOPSIS/,/^[A-Z]/{/^SYNOPSIS/d;/^[A-Z]/d;p}' | sed 's/^ *//; s/  */ /g; /^$/d'
}

# Print the usage lines of --help without "usage:", spaces squeezed.
help_synopsis() {
    "$1" --help | sed -n '/^usage:/,/^[^ u]/p' | grep -E '^(usage: | )' | sed 's/^usage: //; s/^ *//; s/  */ /g'
}

test_man_synopsis_matches_help() {
    require_hooks
    local program
    for program in dns01-auth dns01-cleanup; do
        assert_eq "$(help_synopsis "$DNS01_BIN/$program")" "$(man_synopsis "$LIB_REPO/man/$program.1")" \
            "SYNOPSIS of man/$program.1 against $program --help"
    done
}

test_man_pages_render_cleanly() {
    local page warnings
    for page in "$LIB_REPO"/man/*.[0-9]; do
        warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        assert_eq "" "$warnings" "groff warnings for $page"
    done
}

test_make_install_honours_prefix_and_destdir() {
    local root=$TEST_TMPDIR/root prefix=/opt/dns01 file
    make -C "$LIB_REPO" -j"$(nproc)" BUILD="$TEST_TMPDIR/build" PREFIX=$prefix DESTDIR="$root" install \
        >"$TEST_TMPDIR/install.log" 2>&1 || fail "make install failed: $(tail -n 5 "$TEST_TMPDIR/install.log")"
    for file in bin/dns01-auth bin/dns01-cleanup share/man/man1/dns01-auth.1 share/man/man1/dns01-cleanup.1 \
        share/man/man5/dns01-hooks.conf.5 share/dns01-hooks/acme.sh/dns_dns01hooks.sh \
        share/doc/dns01-hooks/examples/dns01-hooks.conf share/doc/dns01-hooks/examples/certbot-renewal.conf \
        share/doc/dns01-hooks/examples/systemd/dns01-hooks-renew.service \
        share/doc/dns01-hooks/examples/systemd/dns01-hooks-renew.timer \
        share/doc/dns01-hooks/examples/cron.d/dns01-hooks; do
        [[ -f $root$prefix/$file ]] || fail "make install did not install $prefix/$file under DESTDIR"
    done
    [[ -x $root$prefix/bin/dns01-auth ]] || fail "$prefix/bin/dns01-auth is not executable"
    assert_contains "$("$root$prefix/bin/dns01-auth" --version)" "dns01-auth " "installed --version"
    [[ ! -e $prefix ]] || fail "make install wrote to $prefix outside DESTDIR"

    make -C "$LIB_REPO" BUILD="$TEST_TMPDIR/build" PREFIX=$prefix DESTDIR="$root" uninstall \
        >>"$TEST_TMPDIR/install.log" 2>&1 || fail "make uninstall failed"
    assert_eq "" "$(find "$root" -type f)" "files left after make uninstall"
}

# dpkg-buildpackage -us -uc on a copy of the tree, then a real dpkg install
# into a throw-away root (dependencies are not in that root, so they are not
# checked there; the host has them).
test_deb_builds_and_installs() {
    local package_dir=$TEST_TMPDIR/package root=$TEST_TMPDIR/dpkg-root deb
    make -C "$LIB_REPO" PACKAGE_DIR="$package_dir" deb >"$TEST_TMPDIR/deb.log" 2>&1 ||
        fail "make deb failed: $(tail -n 8 "$TEST_TMPDIR/deb.log")"
    deb=$(find "$package_dir" -maxdepth 1 -name 'dns01-hooks_*_*.deb')
    [[ -n $deb && -f $deb ]] || fail "no dns01-hooks .deb in $package_dir"
    assert_contains "$(cat "$TEST_TMPDIR/deb.log")" "unit: " "package build log (unit tests)"
    assert_contains "$(dpkg-deb -f "$deb" Depends)" "libcurl4" "Depends"

    mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
    : >"$root/var/lib/dpkg/status"
    dpkg --root="$root" --force-depends --force-not-root -i "$deb" >"$TEST_TMPDIR/dpkg.log" 2>&1 ||
        fail "dpkg -i into $root failed: $(tail -n 5 "$TEST_TMPDIR/dpkg.log")"
    assert_contains "$(dpkg --root="$root" -l dns01-hooks | tail -n 1)" "ii  dns01-hooks" "dpkg status"
    assert_eq "dns01-auth $(dpkg-deb -f "$deb" Version)" "$("$root/usr/bin/dns01-auth" --version)" "--version"
    assert_contains "$("$root/usr/bin/dns01-cleanup" --help)" "usage: dns01-cleanup" "--help"
    local file
    for file in usr/share/man/man1/dns01-auth.1.gz usr/share/man/man5/dns01-hooks.conf.5.gz \
        usr/share/dns01-hooks/acme.sh/dns_dns01hooks.sh usr/share/doc/dns01-hooks/examples/dns01-hooks.conf \
        usr/share/doc/dns01-hooks/examples/systemd/dns01-hooks-renew.service; do
        [[ -f $root/$file ]] || fail "the package did not install /$file"
    done
}

test_systemd_units_verify() {
    command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing"
    local output
    output=$(systemd-analyze verify --man=no "$LIB_REPO/examples/systemd/dns01-hooks-renew.service" \
        "$LIB_REPO/examples/systemd/dns01-hooks-renew.timer" 2>&1) ||
        fail "systemd-analyze verify: $(lib_excerpt "$output" 800)"
}

# The service's check command, run by sh as systemd runs it (after turning
# systemd's "$$" into "$"), with and without domains.
test_systemd_check_command() {
    require_hooks
    local command
    command=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'$/\1/p" "$LIB_REPO/examples/systemd/dns01-hooks-renew.service")
    [[ -n $command ]] || fail "no sh -c ExecStart line in dns01-hooks-renew.service"
    command=${command//'$$'/'$'}
    PATH=$TEST_TMPDIR/none:/usr/bin:/bin DNS01_CHECK_DOMAINS="" assert_exit 0 sh -c "$command"
    mkdir -p "$TEST_TMPDIR/fake-bin"
    printf '#!/bin/sh\nprintf "%%s\\n" "$*" >"%s/check-args"\n' "$TEST_TMPDIR" >"$TEST_TMPDIR/fake-bin/dns01-auth"
    chmod +x "$TEST_TMPDIR/fake-bin/dns01-auth"
    PATH=$TEST_TMPDIR/fake-bin:/usr/bin:/bin DNS01_CHECK_DOMAINS="example.com www.example.com" \
        assert_exit 0 sh -c "$command"
    assert_eq "-q --check example.com www.example.com" "$(cat "$TEST_TMPDIR/check-args")" "check arguments"
}

# certbot renews a certificate whose renewal configuration contains the keys of
# examples/certbot-renewal.conf, with the hooks found through PATH.
test_certbot_renewal_snippet() {
    require_hooks
    use_cloudflare_token
    local dirs=(--config-dir "$TEST_TMPDIR/certbot/config" --work-dir "$TEST_TMPDIR/certbot/work"
        --logs-dir "$TEST_TMPDIR/certbot/logs")
    REQUESTS_CA_BUNDLE=$RIG_CA assert_exit 0 /usr/bin/certbot certonly -n --agree-tos \
        --register-unsafely-without-email --server "$PEBBLE_DIR_URL" --manual --preferred-challenges dns \
        --manual-auth-hook "$DNS01_BIN/dns01-auth --provider cloudflare" \
        --manual-cleanup-hook "$DNS01_BIN/dns01-cleanup --provider cloudflare" "${dirs[@]}" -d example.test

    local conf=$TEST_TMPDIR/certbot/config/renewal/example.test.conf snippet
    [[ -f $conf ]] || fail "certbot wrote no renewal configuration at $conf"
    snippet=$(sed -n '/^\[renewalparams\]/,${/^\[renewalparams\]/d;/^[a-z_]* = /p}' \
        "$LIB_REPO/examples/certbot-renewal.conf")
    [[ -n $snippet ]] || fail "no keys under [renewalparams] in examples/certbot-renewal.conf"
    sed -i '/^\(authenticator\|manual_auth_hook\|manual_cleanup_hook\|pref_challs\) = /d' "$conf"
    "$LIB_PYTHON" - "$conf" "$snippet" <<'PYTHON'
import sys
path, snippet = sys.argv[1], sys.argv[2]
text = open(path).read()
open(path, "w").write(text.replace("[renewalparams]\n", "[renewalparams]\n" + snippet + "\n", 1))
PYTHON
    assert_contains "$(cat "$conf")" "manual_auth_hook = dns01-auth --provider cloudflare" "renewal configuration"

    local before after
    before=$(openssl x509 -in "$TEST_TMPDIR/certbot/config/live/example.test/cert.pem" -noout -serial)
    PATH=$DNS01_BIN:$PATH REQUESTS_CA_BUNDLE=$RIG_CA assert_exit 0 /usr/bin/certbot renew -n \
        --force-renewal --no-random-sleep-on-renew --server "$PEBBLE_DIR_URL" "${dirs[@]}"
    after=$(openssl x509 -in "$TEST_TMPDIR/certbot/config/live/example.test/cert.pem" -noout -serial)
    assert_ne "$before" "$after" "certificate serial after renew"
    assert_eq "" "$(dns_txt ns2 _acme-challenge.example.test)" "TXT on ns2 after renewal"
}
