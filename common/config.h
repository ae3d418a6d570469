/*
 * The settings of one hook run, gathered from the command line, the
 * environment and the configuration file, in that order of precedence.
 */
#ifndef DNS01_CONFIG_H
#define DNS01_CONFIG_H

#include <limits.h>

#include "dns.h"
#include "input.h"
#include "status.h"

#define CONFIG_MAX_RESOLVERS 8
#define CONFIG_MAX_FILE_KEYS 64

enum hook_kind {
	HOOK_AUTH,
	HOOK_CLEANUP,
};

/* Policy for a CNAME at _acme-challenge.<domain>, where no TXT record can be added. */
enum cname_policy {
	CNAME_FAIL,		/* change nothing and explain */
	CNAME_REMOVE,		/* remove it for the challenge, then restore it exactly */
	CNAME_FOLLOW,		/* write the TXT at the CNAME's target when the account holds it */
};

/* Mode of a run: the plain hook step, or one of the maintenance commands. */
enum hook_mode {
	MODE_HOOK,		/* auth or cleanup of one challenge */
	MODE_CHECK,		/* dns01-auth --check NAME...: pre-flight report */
	MODE_RESTORE,		/* dns01-cleanup --restore: put back journaled CNAMEs */
};

struct config_entry {
	char key[96];		/* "key" at top level, "section.key" inside a section */
	char *value;		/* wiped when freed: it may be a secret */
};

struct config {
	enum hook_kind kind;
	enum hook_mode mode;
	const char *progname;
	int verbosity;		/* 0 with -q, 1 by default, +1 for each -v */
	char **args;		/* operands after the options (points into argv) */
	int arg_count;
	const char *cli_domain;		/* --domain, or NULL */
	const char *cli_validation;	/* --validation, or NULL */
	enum cname_policy cname;

	char provider[32];
	char domain[DOMAIN_MAX + 1];		/* normalized: lowercase A-labels, no "*." */
	char validation[VALIDATION_MAX + 1];
	long remaining;				/* CERTBOT_REMAINING_CHALLENGES, -1 when absent */
	char all_domains[4096];			/* CERTBOT_ALL_DOMAINS, "" when absent */
	char auth_output[1024];			/* CERTBOT_AUTH_OUTPUT in cleanup, "" when absent */

	char state_dir[PATH_MAX];
	char config_file[PATH_MAX];
	char credentials_file[PATH_MAX];
	char zone_id[128];			/* from --zone-id only; providers add their own variables */
	char zone[DOMAIN_MAX + 1];		/* from --zone only */
	char ca_bundle[PATH_MAX];

	struct dns_server_addr resolvers[CONFIG_MAX_RESOLVERS];
	int resolver_count;			/* 0: the system resolvers from /etc/resolv.conf */
	struct dns_server_addr dnssec_resolvers[CONFIG_MAX_RESOLVERS];
	int dnssec_resolver_count;		/* 0: no DNSSEC check */
	int use_ipv6;

	int ttl;				/* 0: the provider's default */
	double propagation_timeout;		/* seconds */
	double poll_interval;			/* seconds, the first interval; it grows */

	struct config_entry file_entries[CONFIG_MAX_FILE_KEYS];
	int file_entry_count;
};

/*
 * Fills cfg from argv, the environment and the configuration file. Operands
 * are left in cfg->args for the caller to interpret. Prints --help or
 * --version and sets *exit_now when the run should end at once with ST_OK.
 */
enum status config_load(struct config *cfg, enum hook_kind kind, int argc, char **argv, int *exit_now,
    struct err *e);

/*
 * Validates and stores one challenge: domain and value (NULL for each takes
 * --domain/--validation, then CERTBOT_DOMAIN/CERTBOT_VALIDATION), and reads
 * CERTBOT_REMAINING_CHALLENGES, CERTBOT_ALL_DOMAINS and CERTBOT_AUTH_OUTPUT.
 */
enum status config_read_challenge(struct config *cfg, const char *domain, const char *validation, struct err *e);

/* Returns the name of a CNAME policy: "fail", "remove" or "follow". */
const char *config_cname_policy_name(enum cname_policy policy);

/* Releases what config_load allocated and wipes configuration values. */
void config_free(struct config *cfg);

/*
 * Returns the first value found for a setting that a provider defines: the
 * first set variable of env_names (a NULL-terminated list; each also tried as
 * NAME_FILE, which must name a readable file), then file_key in the
 * configuration file ("section.key"). Sets *out to a copy (release with
 * secret_free) or NULL when nothing is set.
 */
enum status config_lookup(const struct config *cfg, const char *const *env_names, const char *file_key,
    char **out, struct err *e);

/* Prints the usage text for the hook to stream f. */
void config_usage(enum hook_kind kind, const char *progname, void *f);

#endif
