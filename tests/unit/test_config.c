/* Unit tests for common/config.c: precedence of options, environment and file, and config_lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "secret.h"
#include "version.h"
#include "testdir.h"

#define TEST_DOMAIN "example.com"
#define TEST_VALIDATION "gfj9Xq-Rn_Az09"
#define MAX_ARGS 40

extern char **environ;

/* One test's temporary directory, configuration file and the result of the last config_load. */
struct fixture {
	char dir[256];
	char conf[512];		/* the file that DNS01_CONFIG names, empty and mode 0600 at the start */
	struct config cfg;
	struct err e;
	int exit_now;
};

/* Writes text to path with the given mode, whatever the umask. */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Unsets every variable that config_load or these tests read, so the caller's environment cannot leak in. */
static void
clear_environment(void)
{
	static const char *const prefixes[] = { "DNS01_", "CERTBOT_", "XDG_" };
	char names[256][128];
	size_t count = 0;
	char **var;
	size_t i;

	for (var = environ; *var != NULL && count < 256; var++) {
		size_t len = strcspn(*var, "=");

		for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			if (strncmp(*var, prefixes[i], strlen(prefixes[i])) != 0 || len >= sizeof(names[0]))
				continue;
			memcpy(names[count], *var, len);
			names[count][len] = '\0';
			count++;
			break;
		}
	}
	for (i = 0; i < count; i++)
		unsetenv(names[i]);
}

/*
 * Creates a temporary directory and points HOME and the XDG directories into
 * it, so that no test reads the real ~/.config. DNS01_CONFIG names an empty
 * configuration file, and certbot's variables hold a valid challenge.
 */
static int
setup_fixture(void **state)
{
	char path[600];
	struct fixture *f;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	if (testdir_create(f->dir, sizeof(f->dir), "dns01-config") != 0) {
		free(f);
		return -1;
	}
	clear_environment();
	setenv("HOME", f->dir, 1);
	snprintf(path, sizeof(path), "%s/xdg-config", f->dir);
	setenv("XDG_CONFIG_HOME", path, 1);
	snprintf(path, sizeof(path), "%s/xdg-state", f->dir);
	setenv("XDG_STATE_HOME", path, 1);

	snprintf(f->conf, sizeof(f->conf), "%s/dns01-hooks.conf", f->dir);
	write_file(f->conf, "", 0600);
	setenv("DNS01_CONFIG", f->conf, 1);
	setenv("CERTBOT_DOMAIN", TEST_DOMAIN, 1);
	setenv("CERTBOT_VALIDATION", TEST_VALIDATION, 1);
	*state = f;
	return 0;
}

static int
teardown_fixture(void **state)
{
	struct fixture *f = *state;
	int rc;

	config_free(&f->cfg);
	rc = testdir_remove(f->dir);
	clear_environment();
	free(f);
	return rc;
}

/* Runs config_load with argv[0] "dns01-auth" or "dns01-cleanup" and the given NULL-terminated options. */
static enum status
load_kind(struct fixture *f, enum hook_kind kind, ...)
{
	/* Static: cfg.args points into it after the call. */
	static char *argv[MAX_ARGS + 2];
	int argc = 0;
	const char *arg;
	enum status st;
	va_list ap;

	argv[argc++] = (char *)(kind == HOOK_AUTH ? "dns01-auth" : "dns01-cleanup");
	va_start(ap, kind);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		assert_true(argc <= MAX_ARGS);
		argv[argc++] = (char *)arg;
	}
	va_end(ap);
	argv[argc] = NULL;

	config_free(&f->cfg);
	memset(&f->cfg, 0, sizeof(f->cfg));
	f->cfg.progname = argv[0];
	memset(&f->e, 0, sizeof(f->e));
	f->exit_now = -1;
	st = config_load(&f->cfg, kind, argc, argv, &f->exit_now, &f->e);
	/* The hooks read the challenge right after the configuration. */
	if (st == ST_OK && !f->exit_now)
		st = config_read_challenge(&f->cfg, NULL, NULL, &f->e);
	return st;
}

#define load(f, ...) load_kind((f), HOOK_AUTH, __VA_ARGS__)

/* Runs config_load with stdout sent to a file, and copies what it printed to out. */
static enum status
load_capturing_stdout(struct fixture *f, const char *option, char *out, size_t size)
{
	char path[600];
	enum status st;
	ssize_t n;
	int saved;
	int fd;

	snprintf(path, sizeof(path), "%s/stdout", f->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDOUT_FILENO) >= 0);
	st = load(f, option, NULL);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);

	n = pread(fd, out, size - 1, 0);
	close(fd);
	assert_true(n >= 0);
	out[n] = '\0';
	return st;
}

/* Formats the first resolver of the last load. */
static const char *
first_resolver(struct fixture *f)
{
	static char shown[64];

	assert_true(f->cfg.resolver_count >= 1);
	dns_format_addr(&f->cfg.resolvers[0], shown, sizeof(shown));
	return shown;
}

static void
load_defaults(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "cloudflare", NULL), ST_OK);
	assert_int_equal(f->exit_now, 0);
	assert_int_equal(f->cfg.kind, HOOK_AUTH);
	assert_string_equal(f->cfg.provider, "cloudflare");
	assert_string_equal(f->cfg.domain, TEST_DOMAIN);
	assert_string_equal(f->cfg.validation, TEST_VALIDATION);
	assert_string_equal(f->cfg.config_file, f->conf);
	assert_int_equal(f->cfg.verbosity, 1);
	assert_int_equal(f->cfg.ttl, 0);
	assert_int_equal(f->cfg.resolver_count, 0);
	assert_int_equal(f->cfg.use_ipv6, 1);
	assert_int_equal(f->cfg.remaining, -1);
	assert_float_equal(f->cfg.propagation_timeout, 300, 1e-9);
	assert_float_equal(f->cfg.poll_interval, 2, 1e-9);
	assert_string_equal(f->cfg.credentials_file, "");
	assert_string_equal(f->cfg.zone, "");
	assert_string_equal(f->cfg.zone_id, "");
}

static void
provider_precedence(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = from-file\n", 0600);
	setenv("DNS01_PROVIDER", "from-env", 1);
	assert_int_equal(load(f, "--provider", "from-option", NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "from-option");

	assert_int_equal(load(f, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "from-env");

	unsetenv("DNS01_PROVIDER");
	assert_int_equal(load(f, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "from-file");
}

static void
provider_empty_env_ignored(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = from-file\n", 0600);
	setenv("DNS01_PROVIDER", "", 1);
	assert_int_equal(load(f, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "from-file");
}

static void
provider_missing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "no DNS provider chosen"));
}

static void
provider_name_too_long(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "a-provider-name-of-more-than-31-chars", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "provider name is longer than 31"));
}

static void
state_dir_precedence(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "state-dir = /srv/state-file\n", 0600);
	setenv("DNS01_STATE_DIR", "/srv/state-env", 1);
	assert_int_equal(load(f, "--provider", "x", "--state-dir", "/srv/state-option", NULL), ST_OK);
	assert_string_equal(f->cfg.state_dir, "/srv/state-option");

	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_string_equal(f->cfg.state_dir, "/srv/state-env");

	unsetenv("DNS01_STATE_DIR");
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_string_equal(f->cfg.state_dir, "/srv/state-file");
}

static void
state_dir_default(void **state)
{
	struct fixture *f = *state;
	char expected[PATH_MAX];

	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	if (geteuid() == 0)
		snprintf(expected, sizeof(expected), "/var/lib/dns01-hooks");
	else
		snprintf(expected, sizeof(expected), "%s/xdg-state/dns01-hooks", f->dir);
	assert_string_equal(f->cfg.state_dir, expected);

	unsetenv("XDG_STATE_HOME");
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	if (geteuid() != 0)
		snprintf(expected, sizeof(expected), "%s/.local/state/dns01-hooks", f->dir);
	assert_string_equal(f->cfg.state_dir, expected);
}

static void
state_dir_without_home(void **state)
{
	struct fixture *f = *state;

	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	if (geteuid() == 0) {
		assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
		assert_string_equal(f->cfg.state_dir, "/var/lib/dns01-hooks");
	} else {
		assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
		assert_non_null(strstr(f->e.msg, "--state-dir"));
	}
}

static void
ttl_precedence(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\nttl = 300\n", 0600);
	setenv("DNS01_TTL", "600", 1);
	assert_int_equal(load(f, "--ttl", "120", NULL), ST_OK);
	assert_int_equal(f->cfg.ttl, 120);

	assert_int_equal(load(f, NULL), ST_OK);
	assert_int_equal(f->cfg.ttl, 600);

	unsetenv("DNS01_TTL");
	assert_int_equal(load(f, NULL), ST_OK);
	assert_int_equal(f->cfg.ttl, 300);
}

static void
ttl_limits(void **state)
{
	static const char *const invalid[] = { "0", "-5", "abc", "60s", "604801", "" };
	struct fixture *f = *state;
	size_t i;

	assert_int_equal(load(f, "--provider", "x", "--ttl", "1", NULL), ST_OK);
	assert_int_equal(f->cfg.ttl, 1);
	assert_int_equal(load(f, "--provider", "x", "--ttl", "604800", NULL), ST_OK);
	assert_int_equal(f->cfg.ttl, 604800);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		assert_int_equal(load(f, "--provider", "x", "--ttl", invalid[i], NULL), ST_USAGE);
		assert_non_null(strstr(f->e.msg, "invalid TTL"));
	}
}

static void
resolver_precedence(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\nresolver = 127.0.0.3\n", 0600);
	setenv("DNS01_RESOLVERS", "127.0.0.2", 1);
	assert_int_equal(load(f, "--resolver", "127.0.0.1", NULL), ST_OK);
	assert_int_equal(f->cfg.resolver_count, 1);
	assert_string_equal(first_resolver(f), "127.0.0.1");

	assert_int_equal(load(f, NULL), ST_OK);
	assert_int_equal(f->cfg.resolver_count, 1);
	assert_string_equal(first_resolver(f), "127.0.0.2");

	unsetenv("DNS01_RESOLVERS");
	assert_int_equal(load(f, NULL), ST_OK);
	assert_int_equal(f->cfg.resolver_count, 1);
	assert_string_equal(first_resolver(f), "127.0.0.3");
}

static void
resolver_list(void **state)
{
	struct fixture *f = *state;
	char shown[64];

	setenv("DNS01_RESOLVERS", "127.0.0.1:5353, [::1]:5353,127.0.0.2", 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_int_equal(f->cfg.resolver_count, 3);
	dns_format_addr(&f->cfg.resolvers[0], shown, sizeof(shown));
	assert_string_equal(shown, "127.0.0.1:5353");
	dns_format_addr(&f->cfg.resolvers[1], shown, sizeof(shown));
	assert_string_equal(shown, "[::1]:5353");
	dns_format_addr(&f->cfg.resolvers[2], shown, sizeof(shown));
	assert_string_equal(shown, "127.0.0.2");
}

static void
resolver_options_repeat(void **state)
{
	struct fixture *f = *state;
	char shown[64];

	assert_int_equal(load(f, "--provider", "x", "--resolver", "127.0.0.1", "--resolver", "::1", NULL), ST_OK);
	assert_int_equal(f->cfg.resolver_count, 2);
	dns_format_addr(&f->cfg.resolvers[1], shown, sizeof(shown));
	assert_string_equal(shown, "::1");
}

static void
dnssec_resolver_sources(void **state)
{
	struct fixture *f = *state;
	char shown[64];

	write_file(f->conf, "provider = x\ndnssec-resolver = 127.0.0.3, 127.0.0.4\n", 0600);
	assert_int_equal(load(f, NULL), ST_OK);
	assert_int_equal(f->cfg.dnssec_resolver_count, 2);
	assert_int_equal(f->cfg.resolver_count, 0);
	dns_format_addr(&f->cfg.dnssec_resolvers[1], shown, sizeof(shown));
	assert_string_equal(shown, "127.0.0.4");

	setenv("DNS01_DNSSEC_RESOLVERS", "[::1]:5353", 1);
	assert_int_equal(load(f, "--dnssec-resolver", "127.0.0.1", "--dnssec-resolver", "127.0.0.2", NULL), ST_OK);
	assert_int_equal(f->cfg.dnssec_resolver_count, 2);
	dns_format_addr(&f->cfg.dnssec_resolvers[0], shown, sizeof(shown));
	assert_string_equal(shown, "127.0.0.1");

	assert_int_equal(load(f, NULL), ST_OK);
	assert_int_equal(f->cfg.dnssec_resolver_count, 1);
	dns_format_addr(&f->cfg.dnssec_resolvers[0], shown, sizeof(shown));
	assert_string_equal(shown, "[::1]:5353");
	unsetenv("DNS01_DNSSEC_RESOLVERS");

	/* dns01-cleanup reads it too: it runs the auth step when dehydrated, uacme or lego call it. */
	assert_int_equal(load_kind(f, HOOK_CLEANUP, NULL), ST_OK);
	assert_int_equal(f->cfg.dnssec_resolver_count, 2);
	assert_int_equal(load_kind(f, HOOK_CLEANUP, "--dnssec-resolver", "127.0.0.1", NULL), ST_OK);
	assert_int_equal(f->cfg.dnssec_resolver_count, 1);

	setenv("DNS01_DNSSEC_RESOLVERS", ",", 1);
	assert_int_equal(load(f, NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "DNS01_DNSSEC_RESOLVERS ',' names no address"));
	unsetenv("DNS01_DNSSEC_RESOLVERS");

	assert_int_equal(load(f, "--dnssec-resolver", "ns.example", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "ns.example"));
}

static void
resolver_too_many(void **state)
{
	struct fixture *f = *state;

	setenv("DNS01_RESOLVERS", "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,"
	    "127.0.0.9", 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "too many addresses in DNS01_RESOLVERS"));

	assert_int_equal(load(f, "--provider", "x", "--resolver", "127.0.0.1", "--resolver", "127.0.0.1",
	    "--resolver", "127.0.0.1", "--resolver", "127.0.0.1", "--resolver", "127.0.0.1", "--resolver", "127.0.0.1",
	    "--resolver", "127.0.0.1", "--resolver", "127.0.0.1", "--resolver", "127.0.0.1", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "too many --resolver options"));
}

static void
resolver_invalid(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "x", "--resolver", "ns1.example.com", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "invalid DNS server address 'ns1.example.com'"));
}

static void
no_ipv6_settings(void **state)
{
	static const char *const true_values[] = { "1", "yes", "TRUE", "On" };
	static const char *const false_values[] = { "0", "no", "false", "Off" };
	struct fixture *f = *state;
	size_t i;

	assert_int_equal(load(f, "--provider", "x", "--no-ipv6", NULL), ST_OK);
	assert_int_equal(f->cfg.use_ipv6, 0);
	for (i = 0; i < sizeof(true_values) / sizeof(true_values[0]); i++) {
		setenv("DNS01_NO_IPV6", true_values[i], 1);
		assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
		assert_int_equal(f->cfg.use_ipv6, 0);
	}
	for (i = 0; i < sizeof(false_values) / sizeof(false_values[0]); i++) {
		setenv("DNS01_NO_IPV6", false_values[i], 1);
		assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
		assert_int_equal(f->cfg.use_ipv6, 1);
	}
	setenv("DNS01_NO_IPV6", "maybe", 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "'maybe'"));
	unsetenv("DNS01_NO_IPV6");
	write_file(f->conf, "no-ipv6 = yes\n", 0600);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_int_equal(f->cfg.use_ipv6, 0);
}

static void
propagation_timeout_precedence(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\npropagation-timeout = 30\n", 0600);
	setenv("DNS01_PROPAGATION_TIMEOUT", "60", 1);
	assert_int_equal(load(f, "--propagation-timeout", "90.5", NULL), ST_OK);
	assert_float_equal(f->cfg.propagation_timeout, 90.5, 1e-9);

	assert_int_equal(load(f, NULL), ST_OK);
	assert_float_equal(f->cfg.propagation_timeout, 60, 1e-9);

	unsetenv("DNS01_PROPAGATION_TIMEOUT");
	assert_int_equal(load(f, NULL), ST_OK);
	assert_float_equal(f->cfg.propagation_timeout, 30, 1e-9);
}

static void
poll_interval_precedence(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\npoll-interval = 1\n", 0600);
	setenv("DNS01_POLL_INTERVAL", "3", 1);
	assert_int_equal(load(f, "--poll-interval", "0.5", NULL), ST_OK);
	assert_float_equal(f->cfg.poll_interval, 0.5, 1e-9);

	assert_int_equal(load(f, NULL), ST_OK);
	assert_float_equal(f->cfg.poll_interval, 3, 1e-9);

	unsetenv("DNS01_POLL_INTERVAL");
	assert_int_equal(load(f, NULL), ST_OK);
	assert_float_equal(f->cfg.poll_interval, 1, 1e-9);
}

static void
timeout_limits(void **state)
{
	static const char *const invalid_timeouts[] = { "0", "0.5", "86401", "abc", "10s", "", "nan", "inf", "-1" };
	static const char *const invalid_intervals[] = { "0", "0.05", "601", "x" };
	struct fixture *f = *state;
	size_t i;

	assert_int_equal(load(f, "--provider", "x", "--propagation-timeout", "86400", "--poll-interval", "600", NULL),
	    ST_OK);
	assert_int_equal(load(f, "--provider", "x", "--propagation-timeout", "1", "--poll-interval", "0.1", NULL),
	    ST_OK);
	for (i = 0; i < sizeof(invalid_timeouts) / sizeof(invalid_timeouts[0]); i++) {
		assert_int_equal(load(f, "--provider", "x", "--propagation-timeout", invalid_timeouts[i], NULL), ST_USAGE);
		assert_non_null(strstr(f->e.msg, "invalid propagation timeout"));
	}
	for (i = 0; i < sizeof(invalid_intervals) / sizeof(invalid_intervals[0]); i++) {
		assert_int_equal(load(f, "--provider", "x", "--poll-interval", invalid_intervals[i], NULL), ST_USAGE);
		assert_non_null(strstr(f->e.msg, "invalid poll interval"));
	}
}

static void
zone_normalized(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "x", "--zone", "Example.COM.", "--zone-id", "abc123", NULL), ST_OK);
	assert_string_equal(f->cfg.zone, "example.com");
	assert_string_equal(f->cfg.zone_id, "abc123");

	assert_int_equal(load(f, "--provider", "x", "--zone", "a..b", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "--zone: "));
}

static void
ca_bundle_checked(void **state)
{
	struct fixture *f = *state;
	char path[600];

	snprintf(path, sizeof(path), "%s/ca.pem", f->dir);
	setenv("DNS01_CA_BUNDLE", path, 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "cannot read CA bundle"));

	write_file(path, "not a certificate, but readable\n", 0644);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_string_equal(f->cfg.ca_bundle, path);
}

static void
credentials_from_file(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "credentials = /etc/creds-file.ini\n", 0600);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_string_equal(f->cfg.credentials_file, "/etc/creds-file.ini");
	assert_int_equal(load(f, "--provider", "x", "--credentials", "/etc/creds-option.ini", NULL), ST_OK);
	assert_string_equal(f->cfg.credentials_file, "/etc/creds-option.ini");
}

static void
file_sections_kept_apart(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "# test file\n[cloudflare]\nprovider = not-top-level\n", 0600);
	assert_int_equal(load(f, NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "no DNS provider chosen"));
}

static void
file_last_value_wins(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = first\nprovider = second\n", 0600);
	assert_int_equal(load(f, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "second");
}

static void
file_mode_0644_rejected(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\n", 0644);
	assert_int_equal(load(f, NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "configuration file"));
	assert_non_null(strstr(f->e.msg, f->conf));
	assert_non_null(strstr(f->e.msg, "chmod 600"));
}

static void
file_mode_0640_rejected(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\n", 0640);
	assert_int_equal(load(f, NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "chmod 600"));
}

static void
file_mode_0600_accepted(void **state)
{
	struct fixture *f = *state;

	write_file(f->conf, "provider = x\n", 0600);
	assert_int_equal(load(f, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "x");
}

static void
file_named_missing(void **state)
{
	struct fixture *f = *state;
	char path[600];

	snprintf(path, sizeof(path), "%s/missing.conf", f->dir);
	setenv("DNS01_CONFIG", path, 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "missing.conf"));

	unsetenv("DNS01_CONFIG");
	assert_int_equal(load(f, "--provider", "x", "--config", path, NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "missing.conf"));
}

static void
file_option_beats_env(void **state)
{
	struct fixture *f = *state;
	char other[600];

	snprintf(other, sizeof(other), "%s/other.conf", f->dir);
	write_file(other, "provider = from-option-file\n", 0600);
	write_file(f->conf, "provider = from-env-file\n", 0600);
	assert_int_equal(load(f, "--config", other, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "from-option-file");
	assert_string_equal(f->cfg.config_file, other);
}

static void
file_default_location(void **state)
{
	struct fixture *f = *state;
	char path[600];

	unsetenv("DNS01_CONFIG");
	snprintf(path, sizeof(path), "%s/xdg-config", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/xdg-config/dns01-hooks", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/xdg-config/dns01-hooks/dns01-hooks.conf", f->dir);
	write_file(path, "provider = from-xdg\n", 0600);

	assert_int_equal(load(f, "--provider", "from-option", NULL), ST_OK);
	if (geteuid() == 0) {
		/* For root, config_load reads only the system-wide file. */
		assert_string_equal(f->cfg.config_file, "/etc/dns01-hooks/dns01-hooks.conf");
		return;
	}
	assert_string_equal(f->cfg.config_file, path);
	assert_int_equal(load(f, NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "from-xdg");
}

static void
file_default_missing(void **state)
{
	struct fixture *f = *state;

	unsetenv("DNS01_CONFIG");
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_int_equal(f->cfg.file_entry_count, 0);
}

static void
file_syntax_error(void **state)
{
	struct fixture *f = *state;
	char expected[700];

	write_file(f->conf, "provider = x\nnot a setting\n", 0600);
	assert_int_equal(load(f, NULL), ST_USAGE);
	snprintf(expected, sizeof(expected), "%s:2: invalid line", f->conf);
	assert_non_null(strstr(f->e.msg, expected));
}

static void
file_too_many_settings(void **state)
{
	struct fixture *f = *state;
	char text[4096];
	size_t used = 0;
	int i;

	for (i = 0; i <= CONFIG_MAX_FILE_KEYS; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "key%d = %d\n", i, i);
	write_file(f->conf, text, 0600);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "more than 64 settings"));
}

static void
unknown_option(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "x", "--bogus", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "unknown option '--bogus'"));
	assert_int_equal(load(f, "--provider", "x", "-x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "unknown option '-x'"));
	assert_int_equal(load(f, "--provider", "x", "--no-ipv6=1", NULL), ST_USAGE);
}

static void
stray_argument(void **state)
{
	struct fixture *f = *state;

	/* Operands are kept for the hook to interpret; it rejects those it does not expect. */
	assert_int_equal(load(f, "--provider", "x", "my-secret-token", NULL), ST_OK);
	assert_int_equal(f->cfg.arg_count, 1);
	assert_string_equal(f->cfg.args[0], "my-secret-token");
	/* Options end at the first operand, so a value that starts with '-' stays an operand. */
	assert_int_equal(load(f, "--provider", "x", "stray", "-value", NULL), ST_OK);
	assert_int_equal(f->cfg.arg_count, 2);
	assert_string_equal(f->cfg.args[0], "stray");
	assert_string_equal(f->cfg.args[1], "-value");
}

static void
option_missing_value(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "option '--provider' needs a value"));
}

static void
help_sets_exit_now(void **state)
{
	struct fixture *f = *state;
	char out[8192];

	assert_int_equal(load_capturing_stdout(f, "--help", out, sizeof(out)), ST_OK);
	assert_int_equal(f->exit_now, 1);
	assert_non_null(strstr(out, "usage: dns01-auth --provider NAME"));
	assert_non_null(strstr(out, "Exit status:"));

	assert_int_equal(load_capturing_stdout(f, "-h", out, sizeof(out)), ST_OK);
	assert_int_equal(f->exit_now, 1);
}

static void
version_sets_exit_now(void **state)
{
	struct fixture *f = *state;
	char out[256];

	assert_int_equal(load_capturing_stdout(f, "--version", out, sizeof(out)), ST_OK);
	assert_int_equal(f->exit_now, 1);
	assert_string_equal(out, "dns01-auth " DNS01_VERSION "\n");

	assert_int_equal(load_capturing_stdout(f, "-V", out, sizeof(out)), ST_OK);
	assert_int_equal(f->exit_now, 1);
}

static void
help_before_invalid_setting(void **state)
{
	struct fixture *f = *state;
	char out[8192];

	unsetenv("CERTBOT_DOMAIN");
	write_file(f->conf, "provider = x\n", 0644);
	assert_int_equal(load_capturing_stdout(f, "--help", out, sizeof(out)), ST_OK);
	assert_int_equal(f->exit_now, 1);
}

static void
verbosity_flags(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "x", "-v", "--verbose", NULL), ST_OK);
	assert_int_equal(f->cfg.verbosity, 3);
	assert_int_equal(load(f, "--provider", "x", "-vv", NULL), ST_OK);
	assert_int_equal(f->cfg.verbosity, 3);
	assert_int_equal(load(f, "--provider", "x", "-q", NULL), ST_OK);
	assert_int_equal(f->cfg.verbosity, 0);
}

static void
domain_option_beats_certbot(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "--provider", "x", "--domain", "*.Other.Example.", "--validation", "abc", NULL), ST_OK);
	assert_string_equal(f->cfg.domain, "other.example");
	assert_string_equal(f->cfg.validation, "abc");
}

static void
domain_missing(void **state)
{
	struct fixture *f = *state;

	unsetenv("CERTBOT_DOMAIN");
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "CERTBOT_DOMAIN"));
}

static void
validation_invalid(void **state)
{
	struct fixture *f = *state;

	setenv("CERTBOT_VALIDATION", "abc+def=", 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "validation value"));
}

static void
certbot_variables(void **state)
{
	struct fixture *f = *state;

	setenv("CERTBOT_REMAINING_CHALLENGES", "2", 1);
	setenv("CERTBOT_ALL_DOMAINS", "example.com,*.example.com", 1);
	setenv("CERTBOT_AUTH_OUTPUT", "auth said this", 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_int_equal(f->cfg.remaining, 2);
	assert_string_equal(f->cfg.all_domains, "example.com,*.example.com");
	assert_string_equal(f->cfg.auth_output, "");

	assert_int_equal(load_kind(f, HOOK_CLEANUP, "--provider", "x", NULL), ST_OK);
	assert_int_equal(f->cfg.kind, HOOK_CLEANUP);
	assert_string_equal(f->cfg.auth_output, "auth said this");
}

static void
remaining_challenges_invalid(void **state)
{
	struct fixture *f = *state;

	setenv("CERTBOT_REMAINING_CHALLENGES", "two", 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_USAGE);
	assert_non_null(strstr(f->e.msg, "CERTBOT_REMAINING_CHALLENGES"));
}

/* Loads a configuration file with sections for the config_lookup tests. */
static void
load_lookup_file(struct fixture *f)
{
	write_file(f->conf,
	    "provider = cloudflare\n"
	    "api_token = top-level-token\n"
	    "[cloudflare]\n"
	    "api_token = \"file-token\"\n"
	    "empty =\n"
	    "[other]\n"
	    "api_token = other-token\n", 0600);
	assert_int_equal(load(f, NULL), ST_OK);
}

static void
lookup_file_key(void **state)
{
	static const char *const names[] = { "DNS01_TEST_TOKEN", NULL };
	struct fixture *f = *state;
	char *out = NULL;

	load_lookup_file(f);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "file-token");
	secret_free(out);

	assert_int_equal(config_lookup(&f->cfg, names, "other.api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "other-token");
	secret_free(out);

	assert_int_equal(config_lookup(&f->cfg, NULL, "api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "top-level-token");
	secret_free(out);
}

static void
lookup_env_beats_file(void **state)
{
	static const char *const names[] = { "DNS01_TEST_TOKEN", NULL };
	struct fixture *f = *state;
	char *out = NULL;

	load_lookup_file(f);
	setenv("DNS01_TEST_TOKEN", "env-token", 1);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "env-token");
	secret_free(out);
}

static void
lookup_first_env_name_wins(void **state)
{
	static const char *const names[] = { "DNS01_TEST_FIRST", "DNS01_TEST_SECOND", NULL };
	struct fixture *f = *state;
	char *out = NULL;

	load_lookup_file(f);
	setenv("DNS01_TEST_SECOND", "second", 1);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "second");
	secret_free(out);

	setenv("DNS01_TEST_FIRST", "first", 1);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "first");
	secret_free(out);
}

static void
lookup_name_file(void **state)
{
	static const char *const names[] = { "DNS01_TEST_FIRST", "DNS01_TEST_SECOND", NULL };
	struct fixture *f = *state;
	char path[600];
	char *out = NULL;

	load_lookup_file(f);
	snprintf(path, sizeof(path), "%s/token", f->dir);
	write_file(path, "token-from-file\r\n", 0600);
	setenv("DNS01_TEST_SECOND", "second", 1);
	setenv("DNS01_TEST_FIRST_FILE", path, 1);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.api_token", &out, &f->e), ST_OK);
	assert_non_null(out);
	assert_string_equal(out, "token-from-file");
	secret_free(out);
}

static void
lookup_name_file_missing(void **state)
{
	static const char *const names[] = { "DNS01_TEST_TOKEN", NULL };
	struct fixture *f = *state;
	char path[600];
	char *out = NULL;

	load_lookup_file(f);
	snprintf(path, sizeof(path), "%s/no-token", f->dir);
	setenv("DNS01_TEST_TOKEN_FILE", path, 1);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.api_token", &out, &f->e), ST_USAGE);
	assert_null(out);
	assert_non_null(strstr(f->e.msg, "DNS01_TEST_TOKEN_FILE"));
}

static void
lookup_nothing_set(void **state)
{
	static const char *const names[] = { "DNS01_TEST_TOKEN", NULL };
	struct fixture *f = *state;
	char *out = (char *)"sentinel";

	load_lookup_file(f);
	assert_int_equal(config_lookup(&f->cfg, names, "cloudflare.missing", &out, &f->e), ST_OK);
	assert_null(out);
	out = (char *)"sentinel";
	assert_int_equal(config_lookup(&f->cfg, names, NULL, &out, &f->e), ST_OK);
	assert_null(out);
}

static void
lookup_empty_file_value(void **state)
{
	struct fixture *f = *state;
	char *out = (char *)"sentinel";

	load_lookup_file(f);
	assert_int_equal(config_lookup(&f->cfg, NULL, "cloudflare.empty", &out, &f->e), ST_OK);
	assert_null(out);
}

static void
load_after_help_in_option_group(void **state)
{
	struct fixture *f = *state;
	char out[8192];

	(void)out;
	assert_int_equal(load_capturing_stdout(f, "-hq", out, sizeof(out)), ST_OK);
	assert_int_equal(f->exit_now, 1);
	assert_int_equal(load(f, "--provider", "x", NULL), ST_OK);
	assert_string_equal(f->cfg.provider, "x");
}

#define CONFIG_TEST(f) cmocka_unit_test_setup_teardown(f, setup_fixture, teardown_fixture)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CONFIG_TEST(load_defaults),
		CONFIG_TEST(provider_precedence),
		CONFIG_TEST(provider_empty_env_ignored),
		CONFIG_TEST(provider_missing),
		CONFIG_TEST(provider_name_too_long),
		CONFIG_TEST(state_dir_precedence),
		CONFIG_TEST(state_dir_default),
		CONFIG_TEST(state_dir_without_home),
		CONFIG_TEST(ttl_precedence),
		CONFIG_TEST(ttl_limits),
		CONFIG_TEST(resolver_precedence),
		CONFIG_TEST(resolver_list),
		CONFIG_TEST(resolver_options_repeat),
		CONFIG_TEST(resolver_too_many),
		CONFIG_TEST(dnssec_resolver_sources),
		CONFIG_TEST(resolver_invalid),
		CONFIG_TEST(no_ipv6_settings),
		CONFIG_TEST(propagation_timeout_precedence),
		CONFIG_TEST(poll_interval_precedence),
		CONFIG_TEST(timeout_limits),
		CONFIG_TEST(zone_normalized),
		CONFIG_TEST(ca_bundle_checked),
		CONFIG_TEST(credentials_from_file),
		CONFIG_TEST(file_sections_kept_apart),
		CONFIG_TEST(file_last_value_wins),
		CONFIG_TEST(file_mode_0644_rejected),
		CONFIG_TEST(file_mode_0640_rejected),
		CONFIG_TEST(file_mode_0600_accepted),
		CONFIG_TEST(file_named_missing),
		CONFIG_TEST(file_option_beats_env),
		CONFIG_TEST(file_default_location),
		CONFIG_TEST(file_default_missing),
		CONFIG_TEST(file_syntax_error),
		CONFIG_TEST(file_too_many_settings),
		CONFIG_TEST(unknown_option),
		CONFIG_TEST(stray_argument),
		CONFIG_TEST(option_missing_value),
		CONFIG_TEST(help_sets_exit_now),
		CONFIG_TEST(version_sets_exit_now),
		CONFIG_TEST(help_before_invalid_setting),
		CONFIG_TEST(verbosity_flags),
		CONFIG_TEST(domain_option_beats_certbot),
		CONFIG_TEST(domain_missing),
		CONFIG_TEST(validation_invalid),
		CONFIG_TEST(certbot_variables),
		CONFIG_TEST(remaining_challenges_invalid),
		CONFIG_TEST(lookup_file_key),
		CONFIG_TEST(lookup_env_beats_file),
		CONFIG_TEST(lookup_first_env_name_wins),
		CONFIG_TEST(lookup_name_file),
		CONFIG_TEST(lookup_name_file_missing),
		CONFIG_TEST(lookup_nothing_set),
		CONFIG_TEST(lookup_empty_file_value),
		/* Runs last because, while the bug is present, it leaves getopt in the middle of an option group. */
		CONFIG_TEST(load_after_help_in_option_group),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
