#include "cname.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crashpoint.h"
#include "log.h"
#include "nameservers.h"
#include "propagation.h"
#include "state.h"

#include <arpa/nameser.h>

/* How long a run waits for another run's lock of the same name. */
#define CNAME_LOCK_TIMEOUT 300.0

enum status
cname_explain_conflict(const char *fqdn, const char *target, struct err *e)
{
	char shown[300];

	log_escape(shown, sizeof(shown), target, strlen(target));
	return err_set(e, ST_CONFLICT,
	    "%s is a CNAME to %s, and a TXT record cannot exist at a name that has a CNAME, "
	    "so the DNS-01 record was not created and nothing was changed. "
	    "Managed certificate services leave such a CNAME behind, for example Alibaba Cloud ESA's Managed DCV "
	    "(targets under dcv.aliyun-esa.com) or Cloudflare's delegated DCV. "
	    "To get the certificate, run again with --cname=remove, which removes the CNAME for the few minutes of "
	    "the challenge and then restores it exactly, or with --cname=follow, which writes the TXT record at the "
	    "CNAME's target when this account holds that zone. Or delete the CNAME if the managed service no longer "
	    "needs it.",
	    fqdn, shown);
}

/* Writes the record in zone-file form plus the provider's own fields, for the message that explains how to restore it by hand. */
static void
describe_record(const struct dns_record *rec, char *buf, size_t size)
{
	char content[300];
	char raw[400];

	log_escape(raw, sizeof(raw), rec->raw != NULL ? rec->raw : "", rec->raw != NULL ? strlen(rec->raw) : 0);
	log_escape(content, sizeof(content), rec->content, strlen(rec->content));
	snprintf(buf, size, "%s. %d IN %s %s (provider fields: %s)", rec->name, rec->ttl, rec->type, content, raw);
}

enum status
cname_remove(struct challenge *c, const struct zone *zone, const struct dns_record *cname, const struct run_id *run,
    struct err *e)
{
	struct journal_entry entry;
	char shown[300];
	enum status st;

	memset(&entry, 0, sizeof(entry));
	snprintf(entry.provider, sizeof(entry.provider), "%s", c->provider->name);
	snprintf(entry.fqdn, sizeof(entry.fqdn), "%s", c->fqdn);
	snprintf(entry.zone_id, sizeof(entry.zone_id), "%s", zone->id);
	snprintf(entry.zone, sizeof(entry.zone), "%s", zone->name);
	entry.record = *cname;
	entry.removed_at = (long long)time(NULL);
	st = journal_add_holder(&entry, c->cfg.validation, run, e);
	if (st == ST_OK)
		st = journal_save(c->cfg.state_dir, &entry, e);
	if (st != ST_OK)
		return err_prefix(e, "the CNAME %s was not removed because its journal entry could not be written", c->fqdn);
	crashpoint("journal-written");

	st = c->provider->delete_record(c->provider_state, zone, cname->id, e);
	if (st != ST_OK && st != ST_NOT_FOUND) {
		struct err ignored;

		journal_remove(c->cfg.state_dir, &entry, &ignored);
		return err_prefix(e, "removing the CNAME %s failed, so it is still in place", c->fqdn);
	}
	log_escape(shown, sizeof(shown), cname->content, strlen(cname->content));
	log_info("removed CNAME %s -> %s for the challenge (--cname=remove); it is journaled and will be restored",
	    c->fqdn, shown);
	crashpoint("cname-deleted");
	return ST_OK;
}

enum status
cname_hold(struct challenge *c, const struct run_id *run, int *is_holder, struct err *e)
{
	struct journal_entry entry;
	enum status st;

	*is_holder = 0;
	st = journal_load(c->cfg.state_dir, c->provider->name, c->fqdn, &entry, e);
	if (st == ST_NOT_FOUND)
		return ST_OK;
	if (st != ST_OK)
		return st;
	st = journal_add_holder(&entry, c->cfg.validation, run, e);
	if (st == ST_OK)
		st = journal_save(c->cfg.state_dir, &entry, e);
	journal_entry_free(&entry);
	*is_holder = st == ST_OK;
	return st;
}

/* Deletes TXT records at the name whose values belonged to runs that are over, since they would block the CNAME. */
static enum status
delete_leftover_txt(struct challenge *c, const struct zone *zone, const struct journal_entry *entry,
    const struct record_list *list, char (*ended)[VALIDATION_MAX + 1], int ended_count, struct err *e)
{
	size_t i;
	int k;

	for (i = 0; i < list->count; i++) {
		const struct dns_record *rec = &list->items[i];

		if (strcmp(rec->type, "TXT") != 0)
			continue;
		for (k = 0; k < ended_count; k++) {
			struct state_record state;
			struct err ignored;
			enum status st;

			if (!record_txt_matches(rec->content, ended[k]))
				continue;
			st = c->provider->delete_record(c->provider_state, zone, rec->id, e);
			if (st != ST_OK && st != ST_NOT_FOUND)
				return st;
			log_info("deleted TXT record %s (id %s) left by a run that ended", entry->fqdn, rec->id);
			if (state_record_load(c->cfg.state_dir, c->provider->name, entry->fqdn, ended[k], &state,
			    &ignored) == ST_OK)
				state_record_remove(c->cfg.state_dir, &state, &ignored);
			break;
		}
	}
	return ST_OK;
}

/* Waits until the zone's nameservers serve the restored CNAME again. */
static enum status
verify_served(struct challenge *c, const struct journal_entry *entry, struct err *e)
{
	struct nameserver_set servers;
	struct propagation_item item;
	enum status st;

	st = nameservers_find(&c->cfg, entry->zone, &servers, e);
	if (st != ST_OK)
		return st;
	item.fqdn = entry->fqdn;
	item.value = entry->record.content;
	item.qtype = ns_t_cname;
	item.servers = &servers;
	st = propagation_wait(&item, 1, c->cfg.propagation_timeout, c->cfg.poll_interval, e);
	nameservers_free(&servers);
	return st;
}

/*
 * Puts the journaled CNAME back (the caller holds the name's lock and has
 * checked that no live run holds the entry), then removes the entry.
 */
static enum status
restore_entry(struct challenge *c, struct journal_entry *entry, char (*ended)[VALIDATION_MAX + 1], int ended_count,
    struct err *e)
{
	struct record_list list = { NULL, 0 };
	struct zone zone;
	char wanted[DOMAIN_MAX + 2];
	char record_text[1024];
	char new_id[128] = "";
	enum status st;
	size_t i;
	int present = 0;

	memset(&zone, 0, sizeof(zone));
	snprintf(zone.id, sizeof(zone.id), "%s", entry->zone_id);
	snprintf(zone.name, sizeof(zone.name), "%s", entry->zone);
	record_canonical_name(entry->record.content, wanted, sizeof(wanted));

	st = c->provider->list_records(c->provider_state, &zone, entry->fqdn, &list, e);
	for (i = 0; st == ST_OK && i < list.count; i++) {
		char have[DOMAIN_MAX + 2];

		record_canonical_name(list.items[i].content, have, sizeof(have));
		if (strcmp(list.items[i].type, "CNAME") == 0 && strcmp(have, wanted) == 0)
			present = 1;
	}
	if (st == ST_OK && !present)
		st = delete_leftover_txt(c, &zone, entry, &list, ended, ended_count, e);
	record_list_free(&list);
	if (st == ST_OK && !present)
		st = c->provider->restore_record(c->provider_state, &zone, &entry->record, new_id, sizeof(new_id), e);
	if (st != ST_OK) {
		char path[PATH_MAX] = "";
		struct err ignored;

		describe_record(&entry->record, record_text, sizeof(record_text));
		state_path(c->cfg.state_dir, "journal", entry->provider, entry->fqdn, NULL, ".json", path, sizeof(path),
		    &ignored);
		return err_prefix(e,
		    "restoring the CNAME %s failed; the journal entry %s is kept and the next run retries. To restore it by hand, create: %s. The reason",
		    entry->fqdn, path, record_text);
	}
	crashpoint("cname-restored");
	log_escape(record_text, sizeof(record_text), entry->record.content, strlen(entry->record.content));
	if (present)
		log_info("CNAME %s -> %s is in place already", entry->fqdn, record_text);
	else
		log_info("restored CNAME %s -> %s (new id %s)", entry->fqdn, record_text, new_id);
	st = journal_remove(c->cfg.state_dir, entry, e);
	if (st != ST_OK)
		return st;
	if (entry->record.hidden) {
		log_info("the CNAME %s is disabled or on a non-default resolution line, so no nameserver serves it to check",
		    entry->fqdn);
		return ST_OK;
	}
	st = verify_served(c, entry, e);
	if (st != ST_OK)
		return err_prefix(e, "the CNAME %s was restored at the provider, but its nameservers do not serve it yet",
		    entry->fqdn);
	return ST_OK;
}

/* Prunes ended runs from an entry and restores it when none is left. The caller holds the lock. */
static enum status
settle_entry(struct challenge *c, struct journal_entry *entry, struct err *e)
{
	char ended[JOURNAL_MAX_HOLDERS][VALIDATION_MAX + 1];
	int ended_count = 0;
	int i;

	for (i = 0; i < entry->holder_count; i++)
		if (!run_is_alive(&entry->holders[i].run))
			snprintf(ended[ended_count++], sizeof(ended[0]), "%s", entry->holders[i].value);
	if (journal_prune(entry) > 0) {
		if (ended_count > 0)
			return journal_save(c->cfg.state_dir, entry, e);
		return ST_OK;
	}
	return restore_entry(c, entry, ended, ended_count, e);
}

enum status
cname_release(struct challenge *c, struct err *e)
{
	struct journal_entry entry;
	char ended[JOURNAL_MAX_HOLDERS + 1][VALIDATION_MAX + 1];
	int ended_count = 0;
	enum status st;
	int i;

	st = journal_load(c->cfg.state_dir, c->provider->name, c->fqdn, &entry, e);
	if (st == ST_NOT_FOUND)
		return ST_OK;
	if (st != ST_OK)
		return st;
	if (journal_remove_holder(&entry, c->cfg.validation)) {
		/* This value, and those of runs that ended without their cleanup, leave TXT records that block the CNAME. */
		snprintf(ended[ended_count++], sizeof(ended[0]), "%s", c->cfg.validation);
		for (i = 0; i < entry.holder_count; i++)
			if (!run_is_alive(&entry.holders[i].run))
				snprintf(ended[ended_count++], sizeof(ended[0]), "%s", entry.holders[i].value);
		if (journal_prune(&entry) == 0) {
			st = restore_entry(c, &entry, ended, ended_count, e);
		} else {
			log_info("CNAME %s stays removed: %d more challenge(s) of a running client need the name", c->fqdn,
			    entry.holder_count);
			st = journal_save(c->cfg.state_dir, &entry, e);
		}
	} else {
		st = settle_entry(c, &entry, e);
	}
	journal_entry_free(&entry);
	return st;
}

enum status
cname_recover(struct challenge *c, struct err *e)
{
	static char providers[JOURNAL_MAX_ENTRIES][32];
	static char fqdns[JOURNAL_MAX_ENTRIES][DOMAIN_MAX + 1];
	enum status first = ST_OK;
	int failures = 0;
	int count;
	int i;

	count = journal_list(c->cfg.state_dir, providers, fqdns, JOURNAL_MAX_ENTRIES);
	if (count < 0)
		return err_set(e, ST_SYSTEM, "cannot read the journal in %s/journal", c->cfg.state_dir);
	for (i = 0; i < count; i++) {
		struct journal_entry entry;
		struct err one = { ST_OK, "" };
		enum status st;
		int fd = -1;

		if (strcmp(providers[i], c->provider->name) != 0)
			continue;
		st = journal_lock(c->cfg.state_dir, providers[i], fqdns[i], CNAME_LOCK_TIMEOUT, &fd, &one);
		if (st == ST_OK) {
			st = journal_load(c->cfg.state_dir, providers[i], fqdns[i], &entry, &one);
			if (st == ST_OK) {
				st = settle_entry(c, &entry, &one);
				journal_entry_free(&entry);
			} else if (st == ST_NOT_FOUND) {
				st = ST_OK;	/* another run restored it meanwhile */
			}
		}
		journal_unlock(fd);
		if (st == ST_OK)
			continue;
		log_error("%s", one.msg);
		failures++;
		first = st;
	}
	if (failures > 0)
		return err_set(e, first, "%d removed CNAME record(s) could not be restored; see the messages above", failures);
	return ST_OK;
}

enum status
cname_follow(struct challenge *c, const char *target, struct zone *zone, char *name, size_t size, struct err *e)
{
	char visited[CNAME_MAX_DEPTH][DOMAIN_MAX + 2];
	char current[DOMAIN_MAX + 2];
	char shown[300];
	int depth;

	record_canonical_name(target, current, sizeof(current));
	for (depth = 0; depth < CNAME_MAX_DEPTH; depth++) {
		struct record_list list = { NULL, 0 };
		char next[DOMAIN_MAX + 2] = "";
		enum status st;
		size_t i;
		int k;

		log_escape(shown, sizeof(shown), current, strlen(current));
		for (k = 0; k < depth; k++)
			if (strcmp(visited[k], current) == 0)
				return err_set(e, ST_CONFLICT,
				    "the CNAME chain from %s loops back to %s; fix the CNAME records, or use --cname=remove",
				    c->fqdn, shown);
		snprintf(visited[depth], sizeof(visited[depth]), "%s", current);

		st = c->provider->find_zone(c->provider_state, current, zone, e);
		if (st == ST_NOT_FOUND)
			return err_set(e, ST_CONFLICT,
			    "%s is a CNAME whose chain leads to %s, which is not in a zone of this %s account, so --cname=follow cannot write the TXT record there. "
			    "This is the case with managed certificate services such as Alibaba Cloud ESA's Managed DCV; use --cname=remove, which removes the CNAME for the challenge and restores it afterwards",
			    c->fqdn, shown, c->provider->name);
		if (st != ST_OK)
			return st;
		st = c->provider->list_records(c->provider_state, zone, current, &list, e);
		if (st != ST_OK)
			return st;
		for (i = 0; i < list.count; i++)
			if (strcmp(list.items[i].type, "CNAME") == 0)
				record_canonical_name(list.items[i].content, next, sizeof(next));
		record_list_free(&list);
		if (next[0] == '\0') {
			snprintf(name, size, "%s", current);
			log_escape(shown, sizeof(shown), current, strlen(current));
			log_info("following CNAME %s to %s in zone %s (--cname=follow)", c->fqdn, shown, zone->name);
			return ST_OK;
		}
		snprintf(current, sizeof(current), "%s", next);
	}
	return err_set(e, ST_CONFLICT, "the CNAME chain from %s is longer than %d links; use --cname=remove", c->fqdn,
	    CNAME_MAX_DEPTH);
}
