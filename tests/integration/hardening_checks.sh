# shellcheck shell=bash
# Hardening of the hooks as installed: the build without sanitizers
# (build/bin, or DNS01_PLAIN_BIN). Conventions: tests/lib.sh.
#   - compiled with _FORTIFY_SOURCE, the stack protector, as PIE, linked with
#     full RELRO and a non-executable stack (checked with readelf);
#   - the warning flags that tests/check.sh builds with -Werror;
#   - valgrind memcheck finds no error and no leak in auth plus cleanup;
#   - cppcheck finds nothing at its warning and portability levels.

HARDENING_BIN=${DNS01_PLAIN_BIN:-$LIB_REPO/build/bin}
HARDENING_V1=eZTBTTW8pQr17Zg1RE3To6dRyL0VxQ1fL00ztCWkJ54

require_plain_hooks() {
    local program
    for program in dns01-auth dns01-cleanup; do
        [[ -x $HARDENING_BIN/$program ]] || fail "$HARDENING_BIN/$program not found; run make"
    done
}

test_binaries_hardened() {
    require_plain_hooks
    local program file header dynamic segments symbols
    for program in dns01-auth dns01-cleanup; do
        file=$HARDENING_BIN/$program
        header=$(readelf -h "$file")
        dynamic=$(readelf -d "$file")
        segments=$(readelf -lW "$file")
        symbols=$(readelf --dyn-syms -W "$file")
        assert_contains "$header" "DYN (Position-Independent Executable file)" "$program: ELF type (PIE)"
        assert_contains "$dynamic" "PIE" "$program: FLAGS_1 (PIE)"
        assert_contains "$dynamic" "BIND_NOW" "$program: dynamic flags (full RELRO binds every symbol at start)"
        assert_contains "$segments" "GNU_RELRO" "$program: program headers (RELRO)"
        grep -qE 'GNU_STACK +(0x[0-9a-f]+ +){5}RW ' <<<"$segments" ||
            fail "$program: the stack segment is not RW only: $(grep GNU_STACK <<<"$segments")"
        assert_contains "$symbols" "__stack_chk_fail" "$program: dynamic symbols (stack protector)"
        grep -qE '__(snprintf|memcpy|memmove|strcpy|vsnprintf|fprintf|printf|read)_chk' <<<"$symbols" ||
            fail "$program: no __*_chk symbol, so _FORTIFY_SOURCE is not in effect"
    done
}

# The flags are those of the Makefile; tests/check.sh builds with WERROR=1.
test_warning_flags_in_build() {
    local flags flag
    flags=$(grep -E '^WARNINGS :?=' "$LIB_REPO/Makefile")
    for flag in -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes; do
        assert_contains "$flags" "$flag" "the Makefile's WARNINGS"
    done
    assert_contains "$(cat "$LIB_REPO/tests/check.sh")" "WERROR=1" "tests/check.sh build"
}

# valgrind_hook auth|cleanup DOMAIN VALUE: run under memcheck, fail on any error or leak.
valgrind_hook() {
    local hook=$1 domain=$2 value=$3 log=$TEST_TMPDIR/valgrind-$1.log
    CERTBOT_DOMAIN=$domain CERTBOT_VALIDATION=$value assert_exit 0 \
        valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --track-origins=yes --log-file="$log" \
        "$HARDENING_BIN/dns01-$hook" --provider cloudflare -vv
    grep -q 'ERROR SUMMARY: 0 errors' "$log" || fail "valgrind found errors in $hook: $(grep -A 12 -m 1 '^==[0-9]*== [A-Z]' "$log")"
}

test_valgrind_auth_cleanup() {
    require_plain_hooks
    use_cloudflare_token
    valgrind_hook auth example.test "$HARDENING_V1"
    assert_eq "$HARDENING_V1" "$(dns_txt ns2 _acme-challenge.example.test)" "TXT on ns2"
    valgrind_hook cleanup example.test "$HARDENING_V1"
    assert_eq "" "$(dns_txt ns1 _acme-challenge.example.test)" "TXT on ns1 after cleanup"
}

test_cppcheck_clean() {
    local output status=0
    output=$(cd "$LIB_REPO" && cppcheck --enable=warning,portability --std=c11 --error-exitcode=1 --inline-suppr \
        --quiet -D_GNU_SOURCE -I common -I providers -I auth-hook -I cleanup-hook \
        common providers auth-hook cleanup-hook tests/fuzz 2>&1) || status=$?
    assert_eq 0 "$status" "cppcheck exit status; findings: $(lib_excerpt "$output" 1500)"
    assert_eq "" "$output" "cppcheck findings"
}
