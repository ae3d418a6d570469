/*
 * The cleanup step: delete exactly the TXT record that the auth step created
 * for this domain and value, and nothing else.
 */
#include "cleanup.h"

#include <stdio.h>
#include <string.h>

#include "challenge.h"
#include "log.h"
#include "state.h"

/* Reads the record id from dns01-auth's output line "record ID zone ZONE_ID". */
static void
parse_auth_output(const char *output, char *record_id, size_t id_size, char *zone_id, size_t zone_size)
{
	char rid[128] = "";
	char zid[128] = "";

	record_id[0] = '\0';
	zone_id[0] = '\0';
	if (sscanf(output, "record %127s zone %127s", rid, zid) == 2) {
		snprintf(record_id, id_size, "%s", rid);
		snprintf(zone_id, zone_size, "%s", zid);
	}
}

/*
 * Without saved state, finds our record by listing the name: type TXT and
 * exactly our value. The id from certbot's copy of auth's output is only a
 * hint among those matches, so a stale or forged id is never deleted.
 */
static enum status
find_own_record(struct challenge *c, const struct zone *zone, const char *hint, char *id, size_t id_size,
    struct err *e)
{
	struct record_list list;
	enum status st;
	size_t i;

	id[0] = '\0';
	st = c->provider->list_records(c->provider_state, zone, c->fqdn, &list, e);
	if (st != ST_OK)
		return st;
	for (i = 0; i < list.count; i++) {
		const struct dns_record *rec = &list.items[i];

		if (strcmp(rec->type, "TXT") != 0 || !record_txt_matches(rec->content, c->cfg.validation))
			continue;
		if (id[0] == '\0' || strcmp(rec->id, hint) == 0)
			snprintf(id, id_size, "%s", rec->id);
	}
	record_list_free(&list);
	return id[0] != '\0' ? ST_OK : ST_NOT_FOUND;
}

enum status
cleanup_run(struct challenge *c, struct err *e)
{
	struct state_record rec;
	struct zone zone;
	char hint_id[128];
	char hint_zone[128];
	char id[128];
	enum status st;
	int have_state;

	st = state_record_load(c->cfg.state_dir, c->provider->name, c->fqdn, c->cfg.validation, &rec, e);
	if (st != ST_OK && st != ST_NOT_FOUND)
		return st;
	have_state = st == ST_OK;
	parse_auth_output(c->cfg.auth_output, hint_id, sizeof(hint_id), hint_zone, sizeof(hint_zone));

	st = challenge_find_zone(c, have_state ? rec.zone_id : NULL, have_state ? rec.zone : NULL, &zone, e);
	if (st != ST_OK)
		return st;

	if (have_state && rec.record_id[0] != '\0') {
		snprintf(id, sizeof(id), "%s", rec.record_id);
	} else {
		st = find_own_record(c, &zone, hint_id, id, sizeof(id), e);
		if (st == ST_NOT_FOUND) {
			log_info("no TXT record %s with this value; nothing to delete", c->fqdn);
			if (have_state)
				return state_record_remove(c->cfg.state_dir, &rec, e);
			return ST_OK;
		}
		if (st != ST_OK)
			return st;
	}

	st = c->provider->delete_record(c->provider_state, &zone, id, e);
	if (st == ST_NOT_FOUND) {
		log_info("TXT record %s (id %s) is gone already; nothing to delete", c->fqdn, id);
		st = ST_OK;
	} else if (st == ST_OK) {
		log_info("deleted TXT record %s (id %s)", c->fqdn, id);
	}
	if (st == ST_OK && have_state)
		st = state_record_remove(c->cfg.state_dir, &rec, e);
	return st;
}

