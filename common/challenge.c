#include "challenge.h"

#include <stdio.h>
#include <string.h>

#include "interrupt.h"
#include "log.h"
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
	c->zone_cached = 0;
}

void
challenge_close(struct challenge *c)
{
	if (c->provider != NULL && c->provider_state != NULL) {
		log_debug("%u API requests", c->provider->request_count(c->provider_state));
		c->provider->close(c->provider_state);
	}
	c->provider_state = NULL;
	config_free(&c->cfg);
}

enum status
challenge_find_zone(struct challenge *c, const char *zone_id, const char *zone_name, struct zone *zone,
    struct err *e)
{
	enum status st;

	memset(zone, 0, sizeof(*zone));
	if (zone_id != NULL && zone_id[0] != '\0' && zone_name != NULL && zone_name[0] != '\0') {
		snprintf(zone->id, sizeof(zone->id), "%s", zone_id);
		snprintf(zone->name, sizeof(zone->name), "%s", zone_name);
		return ST_OK;
	}
	if (state_zone_load(c->cfg.state_dir, c->provider->name, c->fqdn, ZONE_CACHE_MAX_AGE, zone->id, sizeof(zone->id),
	    zone->name, sizeof(zone->name), NULL) == ST_OK &&
	    (c->cfg.zone_id[0] == '\0' || strcmp(c->cfg.zone_id, zone->id) == 0) &&
	    (c->cfg.zone[0] == '\0' || strcmp(c->cfg.zone, zone->name) == 0)) {
		log_debug("zone %s (id %s) contains %s (cached)", zone->name, zone->id, c->fqdn);
		c->zone_cached = 1;
		return ST_OK;
	}
	st = c->provider->find_zone(c->provider_state, c->fqdn, zone, e);
	if (st != ST_OK)
		return st;
	log_debug("zone %s (id %s) contains %s", zone->name, zone->id, c->fqdn);
	c->zone_cached = 0;
	/* A zone named with --zone needs no lookup, so there is nothing worth remembering for runs without it. */
	if (c->cfg.zone[0] == '\0')
		state_zone_save(c->cfg.state_dir, c->provider->name, c->fqdn, zone->id, zone->name, NULL);
	return ST_OK;
}
