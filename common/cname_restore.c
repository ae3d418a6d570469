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
	snprintf(buf, size, "%s. %d IN %s %s (provider fields: %s)", rec->name, rec->ttl, rec->type, content, raw);
}

int
cname_record_listed(const struct dns_record *saved, const struct record_list *list)
{
	char wanted[DOMAIN_MAX + 2];
	size_t i;

	record_canonical_name(saved->content, wanted, sizeof(wanted));
	for (i = 0; i < list->count; i++) {
		char have[DOMAIN_MAX + 2];

		record_canonical_name(list->items[i].content, have, sizeof(have));
		if (strcmp(list->items[i].type, "CNAME") == 0 && strcmp(have, wanted) == 0 &&
		    (saved->line[0] == '\0' || list->items[i].line[0] == '\0' ||
		    strcmp(saved->line, list->items[i].line) == 0))
			return 1;
	}
	return 0;
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

enum status
cname_restore_records(struct challenge *c, const struct zone *zone, const char *fqdn, const struct record_list *saved,
    char (*ended)[VALIDATION_MAX + 1], int ended_count, const char *kept, struct err *e)
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
		char new_id[128] = "";

		log_escape(record_text, sizeof(record_text), rec->content, strlen(rec->content));
		if (cname_record_listed(rec, &list)) {
			log_info("CNAME %s -> %s%s%s is in place already", fqdn, record_text, rec->line[0] ? " on line " : "",
			    rec->line);
		} else if (c->provider->restore_record(c->provider_state, zone, rec, new_id, sizeof(new_id), &one) == ST_OK) {
			log_info("restored CNAME %s -> %s%s%s (new id %s)", fqdn, record_text, rec->line[0] ? " on line " : "",
			    rec->line, new_id);
		} else if (failures++ == 0) {
			failed = rec;
			first = one;
		} else {
			log_error("restoring the CNAME %s -> %s%s%s failed too: %s", fqdn, record_text,
			    rec->line[0] ? " on line " : "", rec->line, one.msg);
		}
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
verify_served(struct challenge *c, const struct journal_entry *entry, struct err *e)
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
	struct err ignored;
	struct zone zone;
	enum status st;

	memset(&zone, 0, sizeof(zone));
	snprintf(zone.id, sizeof(zone.id), "%s", entry->zone_id);
	snprintf(zone.name, sizeof(zone.name), "%s", entry->zone);
	state_path(c->cfg.state_dir, "journal", entry->provider, entry->fqdn, NULL, ".json", path, sizeof(path), &ignored);
	snprintf(kept, sizeof(kept), "the journal entry %s is kept and the next run retries", path);
	st = cname_restore_records(c, &zone, entry->fqdn, &entry->records, ended, ended_count, kept, e);
	if (st != ST_OK)
		return st;
	crashpoint("cname-restored");
	st = journal_remove(c->cfg.state_dir, entry, e);
	if (st != ST_OK)
		return st;
	st = verify_served(c, entry, e);
	if (st != ST_OK)
		return err_prefix(e, "the CNAME %s was restored at the provider, but its nameservers do not serve it yet",
		    entry->fqdn);
	return ST_OK;
}

