#include "challenge.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "interrupt.h"
#include "log.h"
#include "nameservers.h"
#include "secret.h"
#include "state.h"

#define CHALLENGE_PREFIX "_acme-challenge."
/* Zones rarely move, and a stale entry is also dropped when the provider reports the zone as not found. */
#define ZONE_CACHE_MAX_AGE (7 * 86400.0)

enum status
challenge_open(struct challenge *c, enum hook_kind kind, const char *progname, int argc, char **argv, int *exit_now,
    struct err *e)
{
	char names[128];
	enum status st;

	memset(c, 0, sizeof(*c));
	c->cfg.progname = progname;
	/* Secrets will be in memory: keep them out of core files before anything is read. */
	secret_disable_core_dumps();
	interrupt_install();
	log_init(progname, 1);

	st = config_load(&c->cfg, kind, argc, argv, exit_now, e);
	log_init(progname, c->cfg.verbosity);
	if (st != ST_OK || *exit_now)
		return st;

	c->provider = provider_find(c->cfg.provider);
	if (c->provider == NULL) {
		provider_names(names, sizeof(names));
		return err_set(e, ST_USAGE, "unknown provider '%s'; choose one of: %s", c->cfg.provider, names);
	}
	if (c->cfg.ttl != 0 && (st = c->provider->check_ttl(c->cfg.ttl, e)) != ST_OK)
		return st;
	if ((st = state_open(c->cfg.state_dir, e)) != ST_OK)
		return st;
	return c->provider->open(&c->cfg, &c->provider_state, e);
}

static enum status
set_fqdn(struct challenge *c, struct err *e)
{
	if (strlen(CHALLENGE_PREFIX) + strlen(c->cfg.domain) > DOMAIN_MAX)
		return err_set(e, ST_USAGE, "domain '%s' is too long: _acme-challenge.%s exceeds %d octets",
		    c->cfg.domain, c->cfg.domain, DOMAIN_MAX);
	memcpy(c->fqdn, CHALLENGE_PREFIX, strlen(CHALLENGE_PREFIX));
	memcpy(c->fqdn + strlen(CHALLENGE_PREFIX), c->cfg.domain, strlen(c->cfg.domain) + 1);
	return ST_OK;
}

enum status
challenge_set_input(struct challenge *c, const char *domain, const char *validation, struct err *e)
{
	enum status st = config_read_challenge(&c->cfg, domain, validation, e);

	if (st != ST_OK)
		return st;
	return set_fqdn(c, e);
}

enum status
challenge_set_domain(struct challenge *c, const char *domain, struct err *e)
{
	enum status st = input_normalize_domain(domain, c->cfg.domain, e);

	if (st != ST_OK)
		return st;
	return set_fqdn(c, e);
}

void
challenge_forget_zone(struct challenge *c)
{
	state_zone_forget(c->cfg.state_dir, c->provider->name, c->fqdn);
	if (c->cached_zone[0] != '\0')
		state_zone_forget(c->cfg.state_dir, c->provider->name, c->cached_zone);
	c->cached_zone[0] = '\0';
	c->zone_cached = 0;
}

void
challenge_report(const struct challenge *c, enum status st, const struct err *e)
{
	if (st == ST_OK)
		return;
	if (st == ST_DECLINED)
		log_info("%s", e->msg);	/* the caller offers its next challenge type */
	else if (c->cfg.domain[0] != '\0')
		log_error("%s: %s", c->cfg.domain, e->msg);
	else
		log_error("%s", e->msg);
}

void
challenge_close(struct challenge *c)
{
	if (c->provider != NULL && c->provider_state != NULL) {
		unsigned requests = c->provider->request_count(c->provider_state);

		log_debug("%u API request%s", requests, requests == 1 ? "" : "s");
		c->provider->close(c->provider_state);
	}
	c->provider_state = NULL;
	config_free(&c->cfg);
}

/* The cached zone must also match --zone-id and --zone when they are given. */
static int
matches_options(const struct challenge *c, const struct zone *zone)
{
	return (c->cfg.zone_id[0] == '\0' || strcmp(c->cfg.zone_id, zone->id) == 0) &&
	    (c->cfg.zone[0] == '\0' || strcmp(c->cfg.zone, zone->name) == 0);
}

/* Returns 1 when DNS reports zone as the apex of the challenge name, so a cached zone may serve it. */
static int
apex_confirms(struct challenge *c, const struct zone *zone)
{
	char apex[DOMAIN_MAX + 1];
	struct err e = { ST_OK, "" };

	if (nameservers_find_apex(&c->cfg, c->fqdn, apex, sizeof(apex), &e) != ST_OK) {
		log_debug("cached zone %s not used for %s: %s", zone->name, c->fqdn, e.msg);
		return 0;
	}
	if (strcasecmp(apex, zone->name) != 0) {
		log_debug("cached zone %s not used for %s: DNS places it in zone %s", zone->name, c->fqdn, apex);
		return 0;
	}
	return 1;
}

/*
 * Finds a cached zone for a name that was never looked up itself, such as
 * the next name of a certificate under the same zone. The provider's lookup
 * takes the longest suffix that is a zone of the account, and only the
 * suffixes between the name and a cached zone could be zones unknown to the
 * cache. An SOA query shows whether one of them is delegated, so the cached
 * zone is used only when DNS reports that zone as the apex of the name.
 * Entries for zone apexes are kept under the zone's own name, whose zone is
 * the zone itself.
 */
static int
load_enclosing_zone(struct challenge *c, struct zone *zone)
{
	const char *suffix;

	for (suffix = strchr(c->fqdn, '.'); suffix != NULL; suffix = strchr(suffix, '.')) {
		suffix++;
		if (strchr(suffix, '.') == NULL)
			return 0;	/* never a single-label zone */
		if (state_zone_load(c->cfg.state_dir, c->provider->name, suffix, ZONE_CACHE_MAX_AGE, zone->id,
		    sizeof(zone->id), zone->name, sizeof(zone->name), NULL) == ST_OK &&
		    strcmp(zone->name, suffix) == 0)
			break;
	}
	return suffix != NULL && matches_options(c, zone) && apex_confirms(c, zone);
}

/* Remembers a looked-up zone for this name and, under the zone's own name, for the names below it. */
static void
save_zone(struct challenge *c, const struct zone *zone)
{
	state_zone_save(c->cfg.state_dir, c->provider->name, c->fqdn, zone->id, zone->name, NULL);
	state_zone_save(c->cfg.state_dir, c->provider->name, zone->name, zone->id, zone->name, NULL);
}

enum status
challenge_find_zone(struct challenge *c, const char *zone_id, const char *zone_name, struct zone *zone,
    struct err *e)
{
	enum status st;

	memset(zone, 0, sizeof(*zone));
	c->cached_zone[0] = '\0';
	if (zone_id != NULL && zone_id[0] != '\0' && zone_name != NULL && zone_name[0] != '\0') {
		snprintf(zone->id, sizeof(zone->id), "%s", zone_id);
		snprintf(zone->name, sizeof(zone->name), "%s", zone_name);
		return ST_OK;
	}
	/*
	 * The entry of the name itself is checked against DNS too: it may date from before a child zone joined
	 * the account. A zone named with --zone is taken as given.
	 */
	if (state_zone_load(c->cfg.state_dir, c->provider->name, c->fqdn, ZONE_CACHE_MAX_AGE, zone->id, sizeof(zone->id),
	    zone->name, sizeof(zone->name), NULL) == ST_OK && matches_options(c, zone) &&
	    (c->cfg.zone[0] != '\0' || apex_confirms(c, zone))) {
		log_debug("zone %s (id %s) contains %s (cached)", zone->name, zone->id, c->fqdn);
		snprintf(c->cached_zone, sizeof(c->cached_zone), "%s", zone->name);
		c->zone_cached = 1;
		return ST_OK;
	}
	/* A zone named with --zone needs no lookup, so runs with it neither read nor fill the shared entries. */
	if (c->cfg.zone[0] == '\0' && load_enclosing_zone(c, zone)) {
		log_debug("zone %s (id %s) contains %s (cached for the zone, apex confirmed by DNS)", zone->name, zone->id,
		    c->fqdn);
		snprintf(c->cached_zone, sizeof(c->cached_zone), "%s", zone->name);
		c->zone_cached = 1;
		return ST_OK;
	}
	memset(zone, 0, sizeof(*zone));
	st = c->provider->find_zone(c->provider_state, c->fqdn, zone, e);
	if (st != ST_OK)
		return st;
	log_debug("zone %s (id %s) contains %s", zone->name, zone->id, c->fqdn);
	c->zone_cached = 0;
	/* A zone chosen with --zone or --zone-id does not apply to runs without them, so it is not cached. */
	if (c->cfg.zone[0] == '\0' && c->cfg.zone_id[0] == '\0')
		save_zone(c, zone);
	return ST_OK;
}
