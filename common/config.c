#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "log.h"
#include "secret.h"
#include "version.h"

#define DEFAULT_PROPAGATION_TIMEOUT 300.0
#define DEFAULT_POLL_INTERVAL 2.0
#define SYSTEM_CONFIG_FILE "/etc/dns01-hooks/dns01-hooks.conf"
#define SYSTEM_STATE_DIR "/var/lib/dns01-hooks"

enum option_id {
	OPT_PROVIDER = 256,
	OPT_DOMAIN,
	OPT_VALIDATION,
	OPT_STATE_DIR,
	OPT_CONFIG,
	OPT_CREDENTIALS,
	OPT_ZONE_ID,
	OPT_ZONE,
	OPT_CA_BUNDLE,
	OPT_RESOLVER,
	OPT_DNSSEC_RESOLVER,
	OPT_NO_IPV6,
	OPT_TTL,
	OPT_PROPAGATION_TIMEOUT,
	OPT_POLL_INTERVAL,
	OPT_CNAME,
	OPT_CHECK,
	OPT_RESTORE,
};

static const struct option long_options[] = {
	{ "provider", required_argument, NULL, OPT_PROVIDER },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ "validation", required_argument, NULL, OPT_VALIDATION },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "credentials", required_argument, NULL, OPT_CREDENTIALS },
	{ "zone-id", required_argument, NULL, OPT_ZONE_ID },
	{ "zone", required_argument, NULL, OPT_ZONE },
	{ "ca-bundle", required_argument, NULL, OPT_CA_BUNDLE },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "dnssec-resolver", required_argument, NULL, OPT_DNSSEC_RESOLVER },
	{ "no-ipv6", no_argument, NULL, OPT_NO_IPV6 },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "propagation-timeout", required_argument, NULL, OPT_PROPAGATION_TIMEOUT },
	{ "poll-interval", required_argument, NULL, OPT_POLL_INTERVAL },
	{ "cname", required_argument, NULL, OPT_CNAME },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "restore", no_argument, NULL, OPT_RESTORE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Values given on the command line, kept apart until precedence is applied. */
struct cli_values {
	const char *provider;
	const char *domain;
	const char *validation;
	const char *state_dir;
	const char *config_file;
	const char *credentials;
	const char *zone_id;
	const char *zone;
	const char *ca_bundle;
	const char *resolvers[CONFIG_MAX_RESOLVERS];
	int resolver_count;
	const char *dnssec_resolvers[CONFIG_MAX_RESOLVERS];
	int dnssec_resolver_count;
	int no_ipv6;
	const char *ttl;
	const char *propagation_timeout;
	const char *poll_interval;
	const char *cname;
	int check;
	int restore;
	int verbose;
	int quiet;
};

void
config_usage(enum hook_kind kind, const char *progname, void *stream)
{
	FILE *f = stream;

	fprintf(f, "usage: %s --provider NAME [options]\n", progname);
	if (kind == HOOK_AUTH)
		fprintf(f, "       %s --provider NAME --check [options] DOMAIN...\n", progname);
	else
		fprintf(f, "       %s --provider NAME --restore [options]\n", progname);
	fprintf(f, "%s",
	    kind == HOOK_AUTH ?
	    "Creates the DNS-01 TXT record _acme-challenge.DOMAIN and waits until every\n"
	    "authoritative nameserver of its zone serves it. Run by certbot as --manual-auth-hook.\n" :
	    "Deletes the DNS-01 TXT record that dns01-auth created. Run by certbot as\n"
	    "--manual-cleanup-hook.\n");
	fprintf(f, "%s",
	    "\n"
	    "Input (certbot sets the variables):\n"
	    "  --domain D                 domain to validate (CERTBOT_DOMAIN)\n"
	    "  --validation V             TXT value (CERTBOT_VALIDATION)\n"
	    "\n"
	    "Options:\n"
	    "  --provider NAME            DNS provider API: alidns or cloudflare (DNS01_PROVIDER)\n"
	    "  --credentials FILE         provider credentials file, mode 0600\n"
	    "  --config FILE              configuration file (DNS01_CONFIG; default\n"
	    "                             " SYSTEM_CONFIG_FILE " for root,\n"
	    "                             ~/.config/dns01-hooks/dns01-hooks.conf otherwise)\n"
	    "  --zone-id ID               provider zone id; skips the zone lookup\n"
	    "  --zone NAME                zone that holds the record; skips the zone lookup\n"
	    "  --state-dir DIR            where auth leaves what cleanup needs (DNS01_STATE_DIR;\n"
	    "                             default " SYSTEM_STATE_DIR " for root,\n"
	    "                             ~/.local/state/dns01-hooks otherwise)\n"
	    "  --ca-bundle FILE           CA certificates to trust for the provider API: a PEM\n"
	    "                             file, or a directory indexed by `openssl rehash`\n"
	    "                             (DNS01_CA_BUNDLE); verification is always on\n"
	    "  --resolver ADDR[:PORT]     resolver used to find the zone's nameservers; repeat\n"
	    "                             for several (DNS01_RESOLVERS, comma-separated;\n"
	    "                             default: /etc/resolv.conf)\n"
	    "  --dnssec-resolver ADDR[:PORT]\n"
	    "                             after the nameservers serve the record, ask this\n"
	    "                             validating resolver too, and fail with a clear message\n"
	    "                             when the zone's DNSSEC does not validate; repeat for\n"
	    "                             several (DNS01_DNSSEC_RESOLVERS, comma-separated; at\n"
	    "                             most 8; default: no DNSSEC check)\n"
	    "  --cname POLICY             what to do about a CNAME at _acme-challenge: fail (change\n"
	    "                             nothing, explain), remove (remove it during the challenge\n"
	    "                             and restore it exactly), follow (write the TXT at its\n"
	    "                             target when the account holds that zone) (DNS01_CNAME;\n"
	    "                             default fail)\n"
	    "  --no-ipv6                  do not query nameservers over IPv6 (DNS01_NO_IPV6=1)\n"
	    "  --propagation-timeout SEC  how long to wait for every nameserver to serve the\n"
	    "                             record (DNS01_PROPAGATION_TIMEOUT; default 300)\n"
	    "  --poll-interval SEC        longest pause between checks; pauses start at 0.1 s\n"
	    "                             and grow slowly to this (DNS01_POLL_INTERVAL; default 2)\n"
	    );
	if (kind == HOOK_AUTH)
		fprintf(f, "%s",
		    "  --ttl SECONDS              TTL of the TXT record (DNS01_TTL; default per provider)\n"
		    "  --check                    report for each DOMAIN whether a renewal would succeed,\n"
		    "                             with read-only API calls; exit 1 if not\n");
	else
		fprintf(f, "%s",
		    "  --restore                  put back every CNAME that a crashed run removed and no\n"
		    "                             live run still needs\n");
	fprintf(f, "%s",
	    "  -v, --verbose              more detail; -vv also shows API requests\n"
	    "  -q, --quiet                errors only\n"
	    "  -h, --help                 show this help\n"
	    "  -V, --version              show the version\n"
	    "\n"
	    "Exit status: 0 success, 1 failure, 2 usage or configuration error.\n");
}

static enum status
copy_setting(char *dst, size_t size, const char *value, const char *what, struct err *e)
{
	if (strlen(value) >= size)
		return err_set(e, ST_USAGE, "%s is longer than %zu characters", what, size - 1);
	memcpy(dst, value, strlen(value) + 1);
	return ST_OK;
}

static enum status
parse_seconds(const char *text, const char *what, double min, double max, double *out, struct err *e)
{
	char *end = NULL;
	double value;

	errno = 0;
	value = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(value >= min && value <= max))
		return err_set(e, ST_USAGE, "invalid %s '%s'; expected a number of seconds from %g to %g",
		    what, text, min, max);
	*out = value;
	return ST_OK;
}

/* Appends one value of a repeatable address option; fails when the list is full. */
static enum status
add_address_option(const char **list, int *count, const char *value, const char *option, struct err *e)
{
	if (*count == CONFIG_MAX_RESOLVERS)
		return err_set(e, ST_USAGE, "too many --%s options; at most %d are allowed", option, CONFIG_MAX_RESOLVERS);
	list[(*count)++] = value;
	return ST_OK;
}

static enum status
parse_cli(struct cli_values *cli, enum hook_kind kind, const char *progname, int argc, char **argv,
    int *exit_now, struct err *e)
{
	int c;

	/* 0 also resets glibc's position inside a group of short options. */
	optind = 0;
	opterr = 0;
	/*
	 * "+" stops at the first operand instead of reordering argv: other ACME
	 * clients pass TXT values and tokens as operands, and a base64url value
	 * may start with '-'.
	 */
	while ((c = getopt_long(argc, argv, "+:vqhV", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_PROVIDER: cli->provider = optarg; break;
		case OPT_DOMAIN: cli->domain = optarg; break;
		case OPT_VALIDATION: cli->validation = optarg; break;
		case OPT_STATE_DIR: cli->state_dir = optarg; break;
		case OPT_CONFIG: cli->config_file = optarg; break;
		case OPT_CREDENTIALS: cli->credentials = optarg; break;
		case OPT_ZONE_ID: cli->zone_id = optarg; break;
		case OPT_ZONE: cli->zone = optarg; break;
		case OPT_CA_BUNDLE: cli->ca_bundle = optarg; break;
		case OPT_NO_IPV6: cli->no_ipv6 = 1; break;
		case OPT_TTL: cli->ttl = optarg; break;
		case OPT_PROPAGATION_TIMEOUT: cli->propagation_timeout = optarg; break;
		case OPT_POLL_INTERVAL: cli->poll_interval = optarg; break;
		case OPT_CNAME: cli->cname = optarg; break;
		case OPT_CHECK:
			if (kind != HOOK_AUTH)
				return err_set(e, ST_USAGE, "--check is an option of dns01-auth");
			cli->check = 1;
			break;
		case OPT_RESTORE:
			if (kind != HOOK_CLEANUP)
				return err_set(e, ST_USAGE, "--restore is an option of dns01-cleanup");
			cli->restore = 1;
			break;
		case OPT_RESOLVER:
			if (add_address_option(cli->resolvers, &cli->resolver_count, optarg, "resolver", e))
				return ST_USAGE;
			break;
		case OPT_DNSSEC_RESOLVER:
			if (add_address_option(cli->dnssec_resolvers, &cli->dnssec_resolver_count, optarg,
			    "dnssec-resolver", e))
				return ST_USAGE;
			break;
		case 'v': cli->verbose++; break;
		case 'q': cli->quiet = 1; break;
		case 'h':
			config_usage(kind, progname, stdout);
			*exit_now = 1;
			return ST_OK;
		case 'V':
			printf("%s %s\n", progname, DNS01_VERSION);
			*exit_now = 1;
			return ST_OK;
		case ':':
			return err_set(e, ST_USAGE, "option '%s' needs a value; see --help", argv[optind - 1]);
		default:
			return err_set(e, ST_USAGE, "unknown option '%s'; see --help", argv[optind - 1]);
		}
	}
	return ST_OK;
}

/* Every key the configuration file may contain; others are reported, since they are most likely typos. */
static const char *const known_file_keys[] = { "provider", "state-dir", "credentials", "zone", "ca-bundle", "resolver",
	"dnssec-resolver", "no-ipv6", "ttl", "propagation-timeout", "poll-interval", "cname", "cloudflare.api_token", "cloudflare.email",
	"cloudflare.api_key", "cloudflare.base_url", "cloudflare.zone_id", "alidns.access_key_id",
	"alidns.access_key_secret", "alidns.security_token", "alidns.endpoint", "alidns.signature_version", NULL };

static int
is_known_file_key(const char *key)
{
	const char *const *known;

	for (known = known_file_keys; *known != NULL; known++)
		if (strcmp(*known, key) == 0)
			return 1;
	return 0;
}

static enum status
store_file_entry(void *ctx, const char *section, const char *key, const char *value, int line, struct err *e)
{
	struct config *cfg = ctx;
	struct config_entry *entry;
	int i;

	if (cfg->file_entry_count == CONFIG_MAX_FILE_KEYS)
		return err_set(e, ST_USAGE, "%s:%d: more than %d settings", cfg->config_file, line,
		    CONFIG_MAX_FILE_KEYS);
	entry = &cfg->file_entries[cfg->file_entry_count];
	if (section[0] != '\0')
		snprintf(entry->key, sizeof(entry->key), "%s.%s", section, key);
	else
		snprintf(entry->key, sizeof(entry->key), "%s", key);
	if (!is_known_file_key(entry->key))
		log_warn("%s:%d: unknown setting '%s' is ignored; see dns01-hooks.conf(5)", cfg->config_file, line,
		    entry->key);
	for (i = 0; i < cfg->file_entry_count; i++)
		if (strcmp(cfg->file_entries[i].key, entry->key) == 0)
			log_warn("%s:%d: '%s' is set again; this later value is used", cfg->config_file, line, entry->key);
	entry->value = strdup(value);
	if (entry->value == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	cfg->file_entry_count++;
	return ST_OK;
}

static const char *
file_value(const struct config *cfg, const char *key)
{
	int i;

	for (i = cfg->file_entry_count - 1; i >= 0; i--)
		if (strcmp(cfg->file_entries[i].key, key) == 0)
			return cfg->file_entries[i].value;
	return NULL;
}

/* Reads the configuration file. A missing default file is fine; a missing named file is not. */
static enum status
read_config_file(struct config *cfg, const char *named, struct err *e)
{
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *text = NULL;
	enum status st;

	if (named != NULL && named[0] != '\0') {
		if ((st = copy_setting(cfg->config_file, sizeof(cfg->config_file), named, "configuration file path", e)))
			return st;
	} else if (geteuid() == 0) {
		snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", SYSTEM_CONFIG_FILE);
	} else if (xdg != NULL && xdg[0] == '/') {
		snprintf(cfg->config_file, sizeof(cfg->config_file), "%s/dns01-hooks/dns01-hooks.conf", xdg);
	} else if (home != NULL && home[0] == '/') {
		snprintf(cfg->config_file, sizeof(cfg->config_file), "%s/.config/dns01-hooks/dns01-hooks.conf", home);
	}
	if (cfg->config_file[0] == '\0')
		return ST_OK;
	if ((named == NULL || named[0] == '\0') && access(cfg->config_file, F_OK) != 0)
		return ST_OK;
	/* The file may hold API secrets, so it gets the same mode check as a credentials file. */
	st = secret_read_file(cfg->config_file, 1, &text, e);
	if (st != ST_OK)
		return err_prefix(e, "configuration file");
	st = ini_parse(text, cfg->config_file, store_file_entry, cfg, e);
	secret_free(text);
	return st;
}

/* Picks the command-line value, else the first set variable, else the file's value; NULL if none. */
static const char *
pick(const char *cli_value, const char *env_name, const struct config *cfg, const char *file_key)
{
	const char *value;

	if (cli_value != NULL)
		return cli_value;
	value = env_name != NULL ? getenv(env_name) : NULL;
	if (value != NULL && value[0] != '\0')
		return value;
	return file_key != NULL ? file_value(cfg, file_key) : NULL;
}

static enum status
default_state_dir(struct config *cfg, struct err *e)
{
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_STATE_HOME");

	if (geteuid() == 0)
		snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", SYSTEM_STATE_DIR);
	else if (xdg != NULL && xdg[0] == '/')
		snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/dns01-hooks", xdg);
	else if (home != NULL && home[0] == '/')
		snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/.local/state/dns01-hooks", home);
	else
		return err_set(e, ST_USAGE, "no state directory: HOME is not set; pass --state-dir DIR");
	return ST_OK;
}

/* Appends the comma-separated resolver addresses in list to out; what names the setting in errors. */
static enum status
parse_resolver_list(struct dns_server_addr *out, int *count, const char *list, const char *what, struct err *e)
{
	char copy[1024];
	char *save = NULL;
	char *item;

	if (strlen(list) >= sizeof(copy))
		return err_set(e, ST_USAGE, "%s is too long: at most %zu characters", what, sizeof(copy) - 1);
	snprintf(copy, sizeof(copy), "%s", list);
	if (strspn(list, ", \t") == strlen(list))
		return err_set(e, ST_USAGE, "%s '%s' names no address; give addresses such as 192.0.2.53, separated by commas",
		    what, list);
	for (item = strtok_r(copy, ", \t", &save); item != NULL; item = strtok_r(NULL, ", \t", &save)) {
		enum status st;

		if (*count == CONFIG_MAX_RESOLVERS)
			return err_set(e, ST_USAGE, "too many addresses in %s; at most %d are allowed", what,
			    CONFIG_MAX_RESOLVERS);
		st = dns_parse_server_addr(item, &out[*count], e);
		if (st != ST_OK)
			return err_prefix(e, "%s", what);
		(*count)++;
	}
	return ST_OK;
}

/* Appends the command line's addresses when there are any, otherwise the list from env_name or file_key. */
static enum status
apply_resolvers(struct config *cfg, struct dns_server_addr *out, int *count, const char *const *cli_list,
    int cli_count, const char *env_name, const char *file_key, struct err *e)
{
	char what[64];
	const char *value;
	enum status st;
	int i;

	for (i = 0; i < cli_count; i++) {
		if ((st = dns_parse_server_addr(cli_list[i], &out[*count], e)) != ST_OK)
			return err_prefix(e, "--%s", file_key);
		(*count)++;
	}
	if (cli_count > 0)
		return ST_OK;
	value = pick(NULL, env_name, cfg, file_key);
	if (value == NULL)
		return ST_OK;
	snprintf(what, sizeof(what), "%s", getenv(env_name) != NULL ? env_name : file_key);
	return parse_resolver_list(out, count, value, what, e);
}

static int
is_false(const char *value)
{
	return value != NULL && (strcmp(value, "0") == 0 || strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "false") == 0 || strcasecmp(value, "off") == 0);
}

static int
is_true(const char *value)
{
	return value != NULL && (strcmp(value, "1") == 0 || strcasecmp(value, "yes") == 0 ||
	    strcasecmp(value, "true") == 0 || strcasecmp(value, "on") == 0);
}

/* Applies the general settings in precedence order: command line, environment, file. */
static enum status
apply_settings(struct config *cfg, const struct cli_values *cli, struct err *e)
{
	const char *value;
	enum status st;

	value = pick(cli->provider, "DNS01_PROVIDER", cfg, "provider");
	if (value == NULL)
		return err_set(e, ST_USAGE, "no DNS provider chosen; pass --provider cloudflare or set DNS01_PROVIDER");
	if ((st = copy_setting(cfg->provider, sizeof(cfg->provider), value, "provider name", e)))
		return st;

	value = pick(cli->state_dir, "DNS01_STATE_DIR", cfg, "state-dir");
	if (value != NULL)
		st = copy_setting(cfg->state_dir, sizeof(cfg->state_dir), value, "state directory", e);
	else
		st = default_state_dir(cfg, e);
	if (st != ST_OK)
		return st;

	value = pick(cli->credentials, NULL, cfg, "credentials");
	if (value != NULL && (st = copy_setting(cfg->credentials_file, sizeof(cfg->credentials_file), value,
	    "credentials file path", e)))
		return st;
	if (cli->zone_id != NULL && (st = copy_setting(cfg->zone_id, sizeof(cfg->zone_id), cli->zone_id, "zone id", e)))
		return st;
	value = pick(cli->zone, "DNS01_ZONE", cfg, "zone");
	if (value != NULL) {
		st = input_normalize_domain(value, cfg->zone, e);
		if (st != ST_OK)
			return err_prefix(e, "--zone");
	}
	value = pick(cli->ca_bundle, "DNS01_CA_BUNDLE", cfg, "ca-bundle");
	if (value != NULL) {
		if ((st = copy_setting(cfg->ca_bundle, sizeof(cfg->ca_bundle), value, "CA bundle path", e)))
			return st;
		if (access(cfg->ca_bundle, R_OK) != 0)
			return err_set(e, ST_USAGE, "cannot read CA bundle '%s': %s", cfg->ca_bundle, strerror(errno));
	}

	st = apply_resolvers(cfg, cfg->resolvers, &cfg->resolver_count, cli->resolvers, cli->resolver_count,
	    "DNS01_RESOLVERS", "resolver", e);
	/* Both programs: either one runs the auth step for dehydrated, uacme and lego. */
	if (st == ST_OK)
		st = apply_resolvers(cfg, cfg->dnssec_resolvers, &cfg->dnssec_resolver_count, cli->dnssec_resolvers,
		    cli->dnssec_resolver_count, "DNS01_DNSSEC_RESOLVERS", "dnssec-resolver", e);
	if (st != ST_OK)
		return st;
	value = pick(cli->cname, "DNS01_CNAME", cfg, "cname");
	if (value == NULL || strcmp(value, "fail") == 0)
		cfg->cname = CNAME_FAIL;
	else if (strcmp(value, "remove") == 0)
		cfg->cname = CNAME_REMOVE;
	else if (strcmp(value, "follow") == 0)
		cfg->cname = CNAME_FOLLOW;
	else
		return err_set(e, ST_USAGE, "invalid CNAME policy '%s'; use fail, remove or follow", value);
	value = pick(NULL, "DNS01_NO_IPV6", cfg, "no-ipv6");
	if (value != NULL && !is_true(value) && !is_false(value))
		return err_set(e, ST_USAGE, "invalid DNS01_NO_IPV6 or no-ipv6 value '%s'; use 1 or 0 (yes or no)", value);
	cfg->use_ipv6 = !(cli->no_ipv6 || is_true(value));

	value = pick(cli->ttl, "DNS01_TTL", cfg, "ttl");
	if (value != NULL) {
		long ttl = input_parse_count(value, 604800);

		if (ttl < 1)
			return err_set(e, ST_USAGE, "invalid TTL '%s'; expected a whole number of seconds", value);
		cfg->ttl = (int)ttl;
	}
	cfg->propagation_timeout = DEFAULT_PROPAGATION_TIMEOUT;
	value = pick(cli->propagation_timeout, "DNS01_PROPAGATION_TIMEOUT", cfg, "propagation-timeout");
	if (value != NULL && (st = parse_seconds(value, "propagation timeout", 1, 86400, &cfg->propagation_timeout, e)))
		return st;
	cfg->poll_interval = DEFAULT_POLL_INTERVAL;
	value = pick(cli->poll_interval, "DNS01_POLL_INTERVAL", cfg, "poll-interval");
	if (value != NULL && (st = parse_seconds(value, "poll interval", 0.1, 600, &cfg->poll_interval, e)))
		return st;
	return ST_OK;
}

const char *
config_cname_policy_name(enum cname_policy policy)
{
	switch (policy) {
	case CNAME_REMOVE:
		return "remove";
	case CNAME_FOLLOW:
		return "follow";
	default:
		return "fail";
	}
}

enum status
config_read_challenge(struct config *cfg, const char *domain, const char *validation, struct err *e)
{
	const char *value;
	enum status st;

	if (domain == NULL)
		domain = cfg->cli_domain != NULL ? cfg->cli_domain : getenv("CERTBOT_DOMAIN");
	if (validation == NULL)
		validation = cfg->cli_validation != NULL ? cfg->cli_validation : getenv("CERTBOT_VALIDATION");
	st = input_normalize_domain(domain, cfg->domain, e);
	if (st != ST_OK)
		return st;
	st = input_check_validation(validation, e);
	if (st != ST_OK)
		return st;
	memcpy(cfg->validation, validation, strlen(validation) + 1);

	cfg->remaining = -1;
	value = getenv("CERTBOT_REMAINING_CHALLENGES");
	if (value != NULL && value[0] != '\0') {
		cfg->remaining = input_parse_count(value, 1000000);
		if (cfg->remaining < 0)
			return err_set(e, ST_USAGE, "invalid CERTBOT_REMAINING_CHALLENGES '%s'; expected a whole number", value);
	}
	value = getenv("CERTBOT_ALL_DOMAINS");
	if (value != NULL)
		snprintf(cfg->all_domains, sizeof(cfg->all_domains), "%s", value);
	value = getenv("CERTBOT_AUTH_OUTPUT");
	if (cfg->kind == HOOK_CLEANUP && value != NULL)
		snprintf(cfg->auth_output, sizeof(cfg->auth_output), "%s", value);
	return ST_OK;
}

enum status
config_load(struct config *cfg, enum hook_kind kind, int argc, char **argv, int *exit_now, struct err *e)
{
	struct cli_values cli;
	enum status st;

	memset(&cli, 0, sizeof(cli));
	*exit_now = 0;
	cfg->kind = kind;
	cfg->verbosity = 1;
	st = parse_cli(&cli, kind, cfg->progname, argc, argv, exit_now, e);
	if (st != ST_OK || *exit_now)
		return st;
	cfg->verbosity = cli.quiet ? 0 : 1 + cli.verbose;

	st = read_config_file(cfg, cli.config_file != NULL ? cli.config_file : getenv("DNS01_CONFIG"), e);
	if (st != ST_OK)
		return st;
	st = apply_settings(cfg, &cli, e);
	if (st != ST_OK)
		return st;
	cfg->mode = MODE_HOOK;
	if (cli.check)
		cfg->mode = MODE_CHECK;
	else if (cli.restore)
		cfg->mode = MODE_RESTORE;
	cfg->cli_domain = cli.domain;
	cfg->cli_validation = cli.validation;
	cfg->args = argv + optind;
	cfg->arg_count = argc - optind;
	return ST_OK;
}

void
config_free(struct config *cfg)
{
	int i;

	for (i = 0; i < cfg->file_entry_count; i++) {
		secret_free(cfg->file_entries[i].value);
		cfg->file_entries[i].value = NULL;
	}
	cfg->file_entry_count = 0;
}

enum status
config_lookup(const struct config *cfg, const char *const *env_names, const char *file_key, char **out,
    struct err *e)
{
	const char *value;
	enum status st;

	*out = NULL;
	for (; env_names != NULL && *env_names != NULL; env_names++) {
		st = secret_from_env(*env_names, out, e);
		if (st != ST_OK || *out != NULL)
			return st;
	}
	value = file_key != NULL ? file_value(cfg, file_key) : NULL;
	if (value == NULL || value[0] == '\0')
		return ST_OK;
	*out = strdup(value);
	if (*out == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	return ST_OK;
}
