#include "cname_restore.h"

#include <arpa/nameser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashpoint.h"
#include "log.h"
#include "nameservers.h"
#include "propagation.h"
#include "state.h"

/* Writes the record in zone-file form plus the provider's own fields, for the message that explains how to restore it by hand. */
static void
describe_record(const struct dns_record *rec, char *buf, size_t size)
{
	char content[300];
	char raw[400];

	log_escape(raw, sizeof(raw), rec->raw != NULL ? rec->raw : "", rec->raw != NULL ? strlen(rec->raw) : 0);
	log_escape(content, sizeof(content), rec->content, strlen(rec->content));
	snprintf(buf, size, "%s. %d IN %s %s (%s%s%sprovider fields: %s)", rec->name, rec->ttl, rec->type, content,
	    rec->line[0] != '\0' ? "resolution line " : "", rec->line, rec->line[0] != '\0' ? "; " : "", raw);
}

/* Returns nonzero when a listed record is a CNAME on the saved record's line (any line when either has none). */
static int
on_same_line(const struct dns_record *saved, const struct dns_record *listed)
{
	return strcmp(listed->type, "CNAME") == 0 &&
	    (saved->line[0] == '\0' || listed->line[0] == '\0' || strcmp(saved->line, listed->line) == 0);
}

/* Returns the listed CNAME with the saved record's target on its line, or NULL. */
static const struct dns_record *
find_listed(const struct dns_record *saved, const struct record_list *list)
{
	char wanted[DOMAIN_MAX + 2];
	size_t i;

	record_canonical_name(saved->content, wanted, sizeof(wanted));
	for (i = 0; i < list->count; i++) {
		char have[DOMAIN_MAX + 2];

		record_canonical_name(list->items[i].content, have, sizeof(have));
		if (on_same_line(saved, &list->items[i]) && strcmp(have, wanted) == 0)
			return &list->items[i];
	}
	return NULL;
}

/* Returns a listed CNAME on the saved record's line, whatever its target, or NULL. */
static const struct dns_record *
find_on_line(const struct dns_record *saved, const struct record_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (on_same_line(saved, &list->items[i]))
			return &list->items[i];
	return NULL;
}

int
cname_record_listed(const struct dns_record *saved, const struct record_list *list)
{
	return find_listed(saved, list) != NULL;
}

/* Deletes TXT records at the name whose values belonged to runs that are over, since they would block the CNAME. */
static enum status
delete_leftover_txt(struct challenge *c, const struct zone *zone, const char *fqdn, const struct record_list *list,
    char (*ended)[VALIDATION_MAX + 1], int ended_count, struct err *e)
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
			log_info("deleted TXT record %s (id %s) left by a run that ended", fqdn, rec->id);
			if (state_record_load(c->cfg.state_dir, c->provider->name, fqdn, ended[k], &state,
			    &ignored) == ST_OK)
				state_record_remove(c->cfg.state_dir, &state, &ignored);
			break;
		}
	}
	return ST_OK;
}

/*
 * Puts one saved CNAME back unless the listing has it already. A listed copy
 * whose other attributes differ (a restore cut short between the add and
 * setting the remark or status) is deleted and added again. A CNAME with
 * another target on the line was set by someone after the remove, so it
 * stays and the saved record is dropped: *superseded is set.
 */
static enum status
restore_one(struct challenge *c, const struct zone *zone, const char *fqdn, const struct dns_record *rec,
    const struct record_list *list, int *superseded, struct err *e)
{
	const struct dns_record *listed = find_listed(rec, list);
	const char *on_line = rec->line[0] != '\0' ? " on line " : "";
	char record_text[300];
	char other_text[300];
	char new_id[128] = "";
	enum status st;

	*superseded = 0;
	log_escape(record_text, sizeof(record_text), rec->content, strlen(rec->content));
	if (listed != NULL && (c->provider->same_record == NULL || c->provider->same_record(rec, listed))) {
		log_info("CNAME %s -> %s%s%s is in place already", fqdn, record_text, on_line, rec->line);
		return ST_OK;
	}
	if (listed == NULL && find_on_line(rec, list) != NULL) {
		listed = find_on_line(rec, list);
		log_escape(other_text, sizeof(other_text), listed->content, strlen(listed->content));
		log_warn("%s%s%s has a CNAME to %s now, set after the challenge removed the CNAME to %s; "
		    "the new one is kept, and the removed one is not restored", fqdn, on_line, rec->line, other_text,
		    record_text);
		*superseded = 1;
		return ST_OK;
	}
	if (listed != NULL) {
		st = c->provider->delete_record(c->provider_state, zone, listed->id, e);
		if (st != ST_OK && st != ST_NOT_FOUND)
			return err_prefix(e, "the CNAME %s%s%s (id %s) lacks some of its saved attributes, and deleting it "
			    "to add it again failed", fqdn, on_line, rec->line, listed->id);
		log_info("deleted CNAME %s -> %s%s%s (id %s), which lacked some of its saved attributes, to add it again",
		    fqdn, record_text, on_line, rec->line, listed->id);
	}
	st = c->provider->restore_record(c->provider_state, zone, rec, new_id, sizeof(new_id), e);
	if (st == ST_OK)
		log_info("restored CNAME %s -> %s%s%s (new id %s)", fqdn, record_text, on_line, rec->line, new_id);
	return st;
}

enum status
cname_restore_records(struct challenge *c, const struct zone *zone, const char *fqdn, const struct record_list *saved,
    char (*ended)[VALIDATION_MAX + 1], int ended_count, const char *kept, unsigned char *superseded, struct err *e)
{
	struct record_list list = { NULL, 0 };
	struct err first = { ST_OK, "" };
	const struct dns_record *failed = NULL;
	char record_text[1024];
	int failures = 0;
	enum status st;
	size_t missing = 0;
	size_t i;

	st = c->provider->list_records(c->provider_state, zone, fqdn, &list, &first);
	for (i = 0; st == ST_OK && i < saved->count; i++)
		missing += !cname_record_listed(&saved->items[i], &list);
	if (st == ST_OK && missing > 0)
		st = delete_leftover_txt(c, zone, fqdn, &list, ended, ended_count, &first);
	for (i = 0; st == ST_OK && i < saved->count; i++) {
		const struct dns_record *rec = &saved->items[i];
		struct err one = { ST_OK, "" };
		int dropped = 0;

		if (restore_one(c, zone, fqdn, rec, &list, &dropped, &one) != ST_OK) {
			if (failures++ == 0) {
				failed = rec;
				first = one;
			} else {
				log_error("restoring the CNAME %s failed too: %s", fqdn, one.msg);
			}
		}
		if (superseded != NULL)
			superseded[i] = (unsigned char)dropped;
	}
	record_list_free(&list);
	if (st == ST_OK && failures == 0)
		return ST_OK;
	if (failed == NULL) {
		/* The listing or a TXT delete failed, so no record was tried: each still needs restoring. */
		failed = &saved->items[0];
		failures = (int)saved->count;
	}
	describe_record(failed, record_text, sizeof(record_text));
	if (saved->count == 1)
		return err_set(e, first.status, "restoring the CNAME %s failed; %s. To restore it by hand, create: %s. The reason: %s",
		    fqdn, kept, record_text, first.msg);
	return err_set(e, first.status,
	    "restoring %d of the %zu CNAME records at %s failed; %s. To restore them by hand, create: %s%s. The reason: %s",
	    failures, saved->count, fqdn, kept, record_text,
	    failures > 1 ? ", and the other records of the journal entry" : "", first.msg);
}

/* Waits until the zone's nameservers serve the restored CNAMEs that they can serve (enabled, default line). */
static enum status
verify_served(struct challenge *c, const struct journal_entry *entry, const unsigned char *superseded, struct err *e)
{
	struct nameserver_set servers;
	struct propagation_item *items;
	size_t count = 0;
	enum status st;
	size_t i;

	items = calloc(entry->records.count, sizeof(*items));
	if (items == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	for (i = 0; i < entry->records.count; i++) {
		const struct dns_record *rec = &entry->records.items[i];

		if (superseded[i])
			continue;
		if (rec->hidden) {
			log_info("the CNAME %s%s%s is disabled or on a non-default resolution line, so no nameserver serves it to check",
			    entry->fqdn, rec->line[0] ? " on line " : "", rec->line);
			continue;
		}
		items[count].fqdn = entry->fqdn;
		items[count].value = rec->content;
		items[count].qtype = ns_t_cname;
		count++;
	}
	st = count == 0 ? ST_OK : nameservers_find(&c->cfg, entry->zone, &servers, e);
	if (count > 0 && st == ST_OK) {
		for (i = 0; i < count; i++)
			items[i].servers = &servers;
		st = propagation_wait(items, count, c->cfg.propagation_timeout, c->cfg.poll_interval, e);
		nameservers_free(&servers);
	}
	free(items);
	return st;
}

enum status
cname_restore_entry(struct challenge *c, struct journal_entry *entry, char (*ended)[VALIDATION_MAX + 1], int ended_count,
    struct err *e)
{
	char path[PATH_MAX] = "";
	char kept[PATH_MAX + 64];
	unsigned char *superseded;
	struct err ignored;
	struct zone zone;
	enum status st;

	superseded = calloc(entry->records.count + 1, 1);
	if (superseded == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	memset(&zone, 0, sizeof(zone));
	snprintf(zone.id, sizeof(zone.id), "%s", entry->zone_id);
	snprintf(zone.name, sizeof(zone.name), "%s", entry->zone);
	state_path(c->cfg.state_dir, "journal", entry->provider, entry->fqdn, NULL, ".json", path, sizeof(path), &ignored);
	snprintf(kept, sizeof(kept), "the journal entry %s is kept and the next run retries", path);
	st = cname_restore_records(c, &zone, entry->fqdn, &entry->records, ended, ended_count, kept, superseded, e);
	if (st == ST_OK) {
		crashpoint("cname-restored");
		st = journal_remove(c->cfg.state_dir, entry, e);
	}
	if (st == ST_OK) {
		st = verify_served(c, entry, superseded, e);
		if (st != ST_OK)
			err_prefix(e, "the CNAME %s was restored at the provider, but its nameservers do not serve it yet",
			    entry->fqdn);
	}
	free(superseded);
	return st;
}

