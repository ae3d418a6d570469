/*
 * The auth step: create the TXT record _acme-challenge.<domain> and wait
 * until every authoritative nameserver of its zone serves it.
 */
#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "challenge.h"
#include "cname.h"
#include "log.h"
#include "nameservers.h"
#include "propagation.h"
#include "state.h"

/*
 * Looks at the records already at the name: a CNAME blocks the TXT record,
 * and a TXT with our value is reused. Sets existing_id when one is reused.
 */
static enum status
inspect_name(struct challenge *c, const struct zone *zone, char *existing_id, size_t id_size, struct err *e)
{
	struct record_list list;
	enum status st;
	size_t i;

	existing_id[0] = '\0';
	st = c->provider->list_records(c->provider_state, zone, c->fqdn, &list, e);
	if (st != ST_OK)
		return st;
	for (i = 0; i < list.count; i++) {
		const struct dns_record *rec = &list.items[i];

		if (strcmp(rec->type, "CNAME") == 0) {
			st = cname_explain_conflict(c->fqdn, rec->content, e);
			break;
		}
		if (strcmp(rec->type, "TXT") == 0 && record_txt_matches(rec->content, c->cfg.validation))
			snprintf(existing_id, id_size, "%s", rec->id);
	}
	record_list_free(&list);
	return st;
}

/* Creates the record, saving state first so that a crash between the two leaves a trace cleanup can follow. */
static enum status
create_record(struct challenge *c, const struct zone *zone, struct state_record *rec, struct err *e)
{
	int ttl = c->cfg.ttl != 0 ? c->cfg.ttl : c->provider->default_ttl;
	enum status st;

	st = state_record_save(c->cfg.state_dir, rec, e);
	if (st != ST_OK)
		return st;
	st = c->provider->create_txt(c->provider_state, zone, c->fqdn, c->cfg.validation, ttl, rec->record_id,
	    sizeof(rec->record_id), e);
	if (st == ST_EXISTS) {
		log_info("TXT record %s with this value exists already (id %s); using it", c->fqdn, rec->record_id);
		st = ST_OK;
	} else if (st == ST_CONFLICT) {
		/* The CNAME appeared after the listing, or the listing did not show it. */
		st = cname_explain_conflict(c->fqdn, "(target not listed)", e);
	}
	if (st != ST_OK) {
		struct err ignored;

		state_record_remove(c->cfg.state_dir, rec, &ignored);
		return st;
	}
	log_info("created TXT record %s (id %s, TTL %d)", c->fqdn, rec->record_id, ttl);
	return state_record_save(c->cfg.state_dir, rec, e);
}

static enum status
wait_for_nameservers(struct challenge *c, const struct zone *zone, struct err *e)
{
	struct nameserver_set servers;
	struct propagation_item item;
	enum status st;

	st = nameservers_find(&c->cfg, zone->name, &servers, e);
	if (st != ST_OK)
		return st;
	item.fqdn = c->fqdn;
	item.value = c->cfg.validation;
	item.servers = &servers;
	st = propagation_wait(&item, 1, c->cfg.propagation_timeout, c->cfg.poll_interval, e);
	nameservers_free(&servers);
	return st;
}

/* Deletes the record this run created after a later step failed, so nothing is left behind. */
static void
roll_back(struct challenge *c, const struct zone *zone, struct state_record *rec)
{
	struct err e2 = { ST_OK, "" };
	enum status st;

	st = c->provider->delete_record(c->provider_state, zone, rec->record_id, &e2);
	if (st == ST_OK || st == ST_NOT_FOUND) {
		log_info("deleted TXT record %s (id %s) again", c->fqdn, rec->record_id);
		state_record_remove(c->cfg.state_dir, rec, &e2);
	} else {
		log_error("%s: could not delete TXT record id %s after the failure: %s; dns01-cleanup will retry",
		    c->cfg.domain, rec->record_id, e2.msg);
	}
}

enum status
auth_run(struct challenge *c, struct err *e)
{
	struct state_record rec;
	struct zone zone;
	char existing_id[128];
	enum status st;
	int created = 0;

	st = challenge_find_zone(c, NULL, NULL, &zone, e);
	if (st != ST_OK)
		return st;
	st = inspect_name(c, &zone, existing_id, sizeof(existing_id), e);
	if (st != ST_OK)
		return st;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.provider, sizeof(rec.provider), "%s", c->provider->name);
	snprintf(rec.fqdn, sizeof(rec.fqdn), "%s", c->fqdn);
	snprintf(rec.value, sizeof(rec.value), "%s", c->cfg.validation);
	snprintf(rec.zone_id, sizeof(rec.zone_id), "%s", zone.id);
	snprintf(rec.zone, sizeof(rec.zone), "%s", zone.name);
	rec.created_at = (long long)time(NULL);
	if (existing_id[0] != '\0') {
		log_info("TXT record %s with this value exists already (id %s); using it", c->fqdn, existing_id);
		snprintf(rec.record_id, sizeof(rec.record_id), "%s", existing_id);
		st = state_record_save(c->cfg.state_dir, &rec, e);
	} else {
		st = create_record(c, &zone, &rec, e);
		created = st == ST_OK;
	}
	if (st != ST_OK)
		return st;

	/* certbot passes this line back to dns01-cleanup in CERTBOT_AUTH_OUTPUT. */
	printf("record %s zone %s\n", rec.record_id, zone.id);
	fflush(stdout);

	st = wait_for_nameservers(c, &zone, e);
	if (st != ST_OK && created)
		roll_back(c, &zone, &rec);
	return st;
}

