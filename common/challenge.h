/*
 * Set-up shared by both hooks: the configuration and the challenge, logging,
 * the provider and the state directory.
 */
#ifndef DNS01_CHALLENGE_H
#define DNS01_CHALLENGE_H

#include "config.h"
#include "provider.h"
#include "status.h"

struct challenge {
	struct config cfg;
	const struct provider_ops *provider;
	void *provider_state;			/* NULL until the provider is open */
	char fqdn[DOMAIN_MAX + 1];		/* _acme-challenge.<domain> */
	int zone_cached;			/* the last challenge_find_zone came from the state directory's cache */
	char cached_zone[DOMAIN_MAX + 1];	/* the zone name that the cache returned then, else "" */
};

/*
 * Prepares a hook run: configuration, logging, the state directory and the
 * provider. Sets *exit_now when --help or --version was handled. On failure
 * e describes what to fix; c must be closed either way.
 */
enum status challenge_open(struct challenge *c, enum hook_kind kind, const char *progname, int argc, char **argv,
    int *exit_now, struct err *e);

/*
 * Validates the challenge input (domain and value, NULL for each takes the
 * options, then certbot's variables) and sets c->fqdn.
 */
enum status challenge_set_input(struct challenge *c, const char *domain, const char *validation, struct err *e);

/* Sets c->cfg.domain and c->fqdn for a domain given by name only (the pre-flight check). */
enum status challenge_set_domain(struct challenge *c, const char *domain, struct err *e);

/*
 * Prints the outcome of a run once, where the domain is known: an error line
 * prefixed with the domain, or an information line for a declined challenge
 * type, which is no failure. Prints nothing for ST_OK.
 */
void challenge_report(const struct challenge *c, enum status st, const struct err *e);

/* Closes the provider and wipes the configuration. */
void challenge_close(struct challenge *c);

/*
 * Finds the zone: from zone_id and zone_name when both are known (saved
 * state), else from the state directory's cache of earlier lookups (at most
 * 7 days old), else through the provider, whose result is then cached
 * unless --zone or --zone-id chose it. A cached zone, from the name's own
 * earlier lookup or one that encloses the name, is used only when an SOA
 * query confirms that DNS places the name in it (not needed with --zone).
 */
enum status challenge_find_zone(struct challenge *c, const char *zone_id, const char *zone_name, struct zone *zone,
    struct err *e);

/*
 * Drops the cache entries that served the last challenge_find_zone (the
 * name's own and the zone's), after the provider reported that the zone no
 * longer exists.
 */
void challenge_forget_zone(struct challenge *c);

#endif
