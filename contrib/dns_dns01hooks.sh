# shellcheck shell=sh
#
# acme.sh DNS API for dns01-hooks: acme.sh --issue --dns dns_dns01hooks
#
# Copy this file into acme.sh's dnsapi directory (~/.acme.sh/dnsapi/). acme.sh
# sources it and calls dns_dns01hooks_add and dns_dns01hooks_rm with the
# record name _acme-challenge.<domain> and the TXT value; they run dns01-auth
# and dns01-cleanup, which read the provider and its credentials from their
# configuration file (dns01-hooks.conf(5)) or the environment.
#
# Settings, saved in acme.sh's account configuration when set,
# so that renewals from cron get them too:
#   DNS01HOOKS_BIN       directory of dns01-auth and dns01-cleanup
#                        (default: found through PATH)
#   DNS01HOOKS_PROVIDER  passed as --provider (default: DNS01_PROVIDER or
#                        the configuration file)
#   DNS01HOOKS_CONFIG    passed as --config (default: the standard path)
#
# Both functions return the exit status of the hook program (0 on success),
# or 2 when the record name or the program is not usable.
# They use only POSIX sh, and variables prefixed _dns01hooks_ because
# acme.sh calls them in its own shell.

# Usage: dns_dns01hooks_add _acme-challenge.www.example.com TXT_VALUE
dns_dns01hooks_add() {
  _dns01hooks_run dns01-auth "$1" "$2"
}

# Usage: dns_dns01hooks_rm _acme-challenge.www.example.com TXT_VALUE
dns_dns01hooks_rm() {
  _dns01hooks_run dns01-cleanup "$1" "$2"
}

# _dns01hooks_run PROGRAM FULLDOMAIN VALUE
_dns01hooks_run() {
  _dns01hooks_program=$1
  _dns01hooks_fulldomain=$2
  _dns01hooks_value=$3

  case $_dns01hooks_fulldomain in
    _acme-challenge.?* | _ACME-CHALLENGE.?*)
      _dns01hooks_domain=${_dns01hooks_fulldomain#*.}
      ;;
    *)
      _dns01hooks_error "the record name '$_dns01hooks_fulldomain' does not start with _acme-challenge.; dns01-hooks writes only the record _acme-challenge.<domain>"
      return 2
      ;;
  esac

  _dns01hooks_settings
  if [ -n "$DNS01HOOKS_BIN" ]; then
    _dns01hooks_path=$DNS01HOOKS_BIN/$_dns01hooks_program
  else
    _dns01hooks_path=$(command -v "$_dns01hooks_program") || _dns01hooks_path=
  fi
  if [ -z "$_dns01hooks_path" ] || [ ! -x "$_dns01hooks_path" ]; then
    _dns01hooks_error "$_dns01hooks_program not found; install dns01-hooks or set DNS01HOOKS_BIN to the directory that holds it"
    return 2
  fi

  set -- --domain "$_dns01hooks_domain" --validation "$_dns01hooks_value"
  if [ -n "$DNS01HOOKS_CONFIG" ]; then
    set -- --config "$DNS01HOOKS_CONFIG" "$@"
  fi
  if [ -n "$DNS01HOOKS_PROVIDER" ]; then
    set -- --provider "$DNS01HOOKS_PROVIDER" "$@"
  fi
  "$_dns01hooks_path" "$@"
}

# Reads the settings from acme.sh's account configuration when they are not
# in the environment, and saves them there; does nothing outside acme.sh.
_dns01hooks_settings() {
  if ! command -v _readaccountconf_mutable >/dev/null 2>&1; then
    return 0
  fi
  for _dns01hooks_name in DNS01HOOKS_BIN DNS01HOOKS_PROVIDER DNS01HOOKS_CONFIG; do
    eval "_dns01hooks_setting=\${$_dns01hooks_name:-}"
    if [ -z "$_dns01hooks_setting" ]; then
      _dns01hooks_setting=$(_readaccountconf_mutable "$_dns01hooks_name")
      eval "$_dns01hooks_name=\$_dns01hooks_setting"
    fi
    if [ -n "$_dns01hooks_setting" ]; then
      _saveaccountconf_mutable "$_dns01hooks_name" "$_dns01hooks_setting"
    fi
  done
}

_dns01hooks_error() {
  if command -v _err >/dev/null 2>&1; then
    _err "$1"
  else
    printf 'dns_dns01hooks: %s\n' "$1" >&2
  fi
}
