/*
 * The cleanup step: delete exactly the TXT record that the auth step created
 * for this domain and value, and nothing else.
 */
#include "cleanup.h"

#include <stdio.h>
#include <string.h>

#include "cname.h"
#include "journal.h"

#include "challenge.h"
#include "log.h"
#include "state.h"

/* How long cleanup waits for another run that holds the same name. */
#define CLEANUP_LOCK_TIMEOUT 300.0

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
find_own_record(struct challenge *c, const struct zone *zone, const char *name, const char *hint, char *id,
    size_t id_size, struct err *e)
{
	struct record_list list;
	enum status st;
	size_t i;

	id[0] = '\0';
	st = c->provider->list_records(c->provider_state, zone, name, &list, e);
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

/*
 * Without saved state, finds where auth wrote: the challenge name, or with
 * --cname=follow the end of the CNAME chain that starts there.
 */
static enum status
locate_without_state(struct challenge *c, struct zone *zone, char *name, size_t size, struct err *e)
{
	struct record_list list = { NULL, 0 };
	char target[DOMAIN_MAX + 1] = "";
	struct err differ = { ST_OK, "" };
	enum status st;

	snprintf(name, size, "%s", c->fqdn);
	st = challenge_find_zone(c, NULL, NULL, zone, e);
	if (st != ST_OK || c->cfg.cname != CNAME_FOLLOW)
		return st;
	st = c->provider->list_records(c->provider_state, zone, c->fqdn, &list, e);
	if (st == ST_OK && cname_common_target(c->fqdn, &list, target, sizeof(target), &differ) != ST_OK)
		/* Auth writes nothing when the CNAMEs point to different targets, so only the name itself can have a record. */
		log_debug("%s; looking for the TXT record at %s itself", differ.msg, c->fqdn);
	record_list_free(&list);
	if (st != ST_OK || target[0] == '\0')
		return st;
	return cname_follow(c, target, zone, name, size, e);
}

/* Deletes this challenge's TXT record, by saved id or found by exact value. */
static enum status
delete_own_txt(struct challenge *c, struct err *e)
{
	struct state_record rec;
	struct zone zone;
	char name[DOMAIN_MAX + 1];
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

	if (have_state) {
		snprintf(name, sizeof(name), "%s", rec.target[0] != '\0' ? rec.target : c->fqdn);
		st = challenge_find_zone(c, rec.zone_id, rec.zone, &zone, e);
	} else {
		st = locate_without_state(c, &zone, name, sizeof(name), e);
	}
	if (st != ST_OK)
		return st;

	if (have_state && rec.record_id[0] != '\0') {
		snprintf(id, sizeof(id), "%s", rec.record_id);
	} else {
		st = find_own_record(c, &zone, name, hint_id, id, sizeof(id), e);
		if (st == ST_NOT_FOUND) {
			log_info("no TXT record %s with this value; nothing to delete", name);
			if (have_state)
				return state_record_remove(c->cfg.state_dir, &rec, e);
			return ST_OK;
		}
		if (st != ST_OK)
			return st;
	}

	st = c->provider->delete_record(c->provider_state, &zone, id, e);
	if (st == ST_NOT_FOUND) {
		log_info("TXT record %s (id %s) is gone already; nothing to delete", name, id);
		st = ST_OK;
	} else if (st == ST_OK) {
		log_info("deleted TXT record %s (id %s)", name, id);
	}
	if (st == ST_OK && have_state)
		st = state_record_remove(c->cfg.state_dir, &rec, e);
	return st;
}

enum status
cleanup_run(struct challenge *c, struct err *e)
{
	struct err ignored;
	enum status st;
	int fd = -1;

	st = journal_lock(c->cfg.state_dir, c->provider->name, c->fqdn, CLEANUP_LOCK_TIMEOUT, &fd, e);
	if (st != ST_OK)
		return st;
	st = delete_own_txt(c, e);
	/* The last challenge at the name puts back a CNAME that auth removed; a TXT still there would block it. */
	if (st == ST_OK)
		st = cname_release(c, e);
	journal_unlock(fd);

	/* A crashed run may have left other CNAMEs removed; errors are logged there. */
	cname_recover(c, &ignored);
	return st;
}
