#include "cname.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cname_restore.h"
#include "crashpoint.h"
#include "log.h"
#include "nameservers.h"
#include "propagation.h"
#include "state.h"

#include <arpa/nameser.h>

/* How long a run waits for another run's lock of the same name. */
#define CNAME_LOCK_TIMEOUT 300.0

/* Returns the number of CNAME records in a listing of one name. */
static size_t
count_cnames(const struct record_list *list)
{
	size_t count = 0;
	size_t i;

	for (i = 0; list != NULL && i < list->count; i++)
		count += strcmp(list->items[i].type, "CNAME") == 0;
	return count;
}

/* Writes "line NAME to TARGET" items, comma-separated, for the CNAMEs of a listing; "..." ends a cut list. */
static void
describe_lines(const struct record_list *list, char *buf, size_t size)
{
	size_t used = 0;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < list->count && used < size; i++) {
		char shown[300];
		int n;

		if (strcmp(list->items[i].type, "CNAME") != 0)
			continue;
		log_escape(shown, sizeof(shown), list->items[i].content, strlen(list->items[i].content));
		n = snprintf(buf + used, size - used, "%sline %s to %s", used > 0 ? ", " : "",
		    list->items[i].line[0] != '\0' ? list->items[i].line : "(none)", shown);
		if (n < 0 || (size_t)n >= size - used) {
			if (size >= 4)
				snprintf(buf + (used < size - 4 ? used : size - 4), 4, "...");
			return;
		}
		used += (size_t)n;
	}
}

enum status
cname_explain_conflict(const char *fqdn, const struct record_list *list, struct err *e)
{
	size_t count = count_cnames(list);
	const char *them = count > 1 ? "them" : "it";
	char what[400];
	size_t i;

	if (count > 1) {
		char lines[340];

		describe_lines(list, lines, sizeof(lines));
		snprintf(what, sizeof(what), "a name with %zu CNAME records, one per resolution line (%s)", count, lines);
	} else {
		char shown[300] = "a target that the record listing does not show";

		for (i = 0; count == 1 && i < list->count; i++)
			if (strcmp(list->items[i].type, "CNAME") == 0)
				log_escape(shown, sizeof(shown), list->items[i].content, strlen(list->items[i].content));
		snprintf(what, sizeof(what), "a CNAME to %s", shown);
	}
	return err_set(e, ST_CONFLICT,
	    "%s is %s, and a TXT record cannot exist at a name that has a CNAME, "
	    "so the DNS-01 record was not created and nothing was changed. "
	    "Managed certificate services leave such a CNAME behind, for example Alibaba Cloud ESA's Managed DCV "
	    "(targets under dcv.aliyun-esa.com) or Cloudflare's delegated DCV. "
	    "To get the certificate, run again with --cname=remove, which removes %s for the few minutes of "
	    "the challenge and then restores %s exactly, or with --cname=follow, which writes the TXT record at the "
	    "CNAME's target when this account holds that zone%s. Or delete %s if the managed service no longer "
	    "needs %s.",
	    fqdn, what, count > 1 ? "every CNAME at the name" : "the CNAME", them,
	    count > 1 ? " and all of them point to the same target" : "", count > 1 ? "the CNAMEs" : "the CNAME", them);
}

enum status
cname_common_target(const char *fqdn, const struct record_list *list, char *target, size_t size, struct err *e)
{
	char first[DOMAIN_MAX + 2] = "";
	size_t i;

	target[0] = '\0';
	for (i = 0; i < list->count; i++) {
		char canonical[DOMAIN_MAX + 2];

		if (strcmp(list->items[i].type, "CNAME") != 0)
			continue;
		record_canonical_name(list->items[i].content, canonical, sizeof(canonical));
		if (first[0] == '\0') {
			snprintf(first, sizeof(first), "%s", canonical);
			snprintf(target, size, "%s", list->items[i].content);
		} else if (strcmp(first, canonical) != 0) {
			char lines[600];

			describe_lines(list, lines, sizeof(lines));
			target[0] = '\0';
			return err_set(e, ST_CONFLICT,
			    "%s has CNAME records with different targets (%s), so --cname=follow cannot choose one; "
			    "use --cname=remove, which removes every CNAME at the name for the challenge and restores them afterwards",
			    fqdn, lines);
		}
	}
	return ST_OK;
}

/*
 * Puts back the CNAMEs that cname_remove deleted before a delete failed, and
 * takes this challenge's additions out of the journal entry again: the
 * records from index first_added on and, unless it held the entry before, its
 * holder. An entry that had nothing before is removed. When a restore
 * fails, the entry keeps every record and loses only this holder, so the
 * next run of either hook restores what is missing.
 */
static enum status
undo_remove(struct challenge *c, const struct zone *zone, struct journal_entry *entry, size_t first_added,
    int was_holder, const struct record_list *deleted, struct err *e)
{
	char kept[PATH_MAX + 96];
	char path[PATH_MAX] = "";
	struct err ignored;
	enum status st;
	size_t i;

	state_path(c->cfg.state_dir, "journal", entry->provider, entry->fqdn, NULL, ".json", path, sizeof(path), &ignored);
	snprintf(kept, sizeof(kept), "the journal entry %s is kept, and dns01-cleanup --restore or the next run retries",
	    path);
	st = cname_restore_records(c, zone, entry->fqdn, deleted, NULL, 0, kept, NULL, e);
	if (!was_holder)
		journal_remove_holder(entry, c->cfg.validation);
	if (st != ST_OK) {
		journal_save(c->cfg.state_dir, entry, &ignored);
		return st;
	}
	if (first_added == 0) {
		journal_remove(c->cfg.state_dir, entry, &ignored);
		return ST_OK;
	}
	for (i = first_added; i < entry->records.count; i++) {
		free(entry->records.items[i].content);
		free(entry->records.items[i].raw);
	}
	entry->records.count = first_added;
	journal_save(c->cfg.state_dir, entry, &ignored);
	return ST_OK;
}

/*
 * Deletes the CNAMEs in list one by one and copies each one deleted to
 * deleted. On failure, *failed is the record whose delete failed, and e has
 * the provider's error.
 */
static enum status
delete_cnames(struct challenge *c, const struct zone *zone, const struct record_list *list,
    struct record_list *deleted, const struct dns_record **failed, struct err *e)
{
	char shown[300];
	enum status st;
	size_t i;

	*failed = NULL;
	for (i = 0; i < list->count; i++) {
		const struct dns_record *rec = &list->items[i];

		if (strcmp(rec->type, "CNAME") != 0)
			continue;
		st = c->provider->delete_record(c->provider_state, zone, rec->id, e);
		if (st != ST_OK && st != ST_NOT_FOUND) {
			*failed = rec;
			return st;
		}
		st = record_list_add_copy(deleted, rec, e);
		if (st != ST_OK)
			return st;
		log_escape(shown, sizeof(shown), rec->content, strlen(rec->content));
		log_info("removed CNAME %s -> %s%s%s for the challenge (--cname=remove); it is journaled and will be restored",
		    c->fqdn, shown, rec->line[0] ? " on line " : "", rec->line);
		crashpoint(deleted->count == 1 ? "cname-deleted" : "cname-deleted-again");
	}
	return ST_OK;
}

/*
 * Undoes a remove whose delete failed part way and writes the one message
 * about it: which delete failed, and whether the CNAMEs deleted before it
 * are back.
 */
static enum status
fail_remove(struct challenge *c, const struct zone *zone, struct journal_entry *entry, size_t first_added, int was_holder,
    size_t count, const struct record_list *deleted, const struct dns_record *failed, struct err *e)
{
	struct err reason = *e;
	struct err undo = { ST_OK, "" };
	char what[DOMAIN_MAX + 400];
	char shown[300];

	if (count == 1) {
		snprintf(what, sizeof(what), "removing the CNAME %s", c->fqdn);
	} else if (failed == NULL) {
		snprintf(what, sizeof(what), "removing the CNAME records at %s", c->fqdn);
	} else {
		log_escape(shown, sizeof(shown), failed->content, strlen(failed->content));
		snprintf(what, sizeof(what), "removing the CNAME %s -> %s%s%s", c->fqdn, shown,
		    failed->line[0] ? " on line " : "", failed->line);
	}
	if (undo_remove(c, zone, entry, first_added, was_holder, deleted, &undo) != ST_OK)
		/* The instructions for a restore by hand come before the delete's error, so a long message loses only its end. */
		return err_set(e, reason.status, "%s failed, and putting back the CNAME records removed before it failed too: %s. "
		    "The delete failed with: %s", what, undo.msg, reason.msg);
	if (deleted->count == 0 && count == 1)
		return err_set(e, reason.status, "%s failed, so it is still in place: %s", what, reason.msg);
	if (deleted->count == 0)
		return err_set(e, reason.status, "%s failed, so nothing was changed: %s", what, reason.msg);
	return err_set(e, reason.status,
	    "%s failed, so the %zu CNAME record(s) removed before it were restored and nothing was changed: %s", what,
	    deleted->count, reason.msg);
}

/* Loads the entry of c->fqdn, or starts an empty one for zone. */
static enum status
open_entry(struct challenge *c, const struct zone *zone, struct journal_entry *entry, struct err *e)
{
	enum status st;

	st = journal_load(c->cfg.state_dir, c->provider->name, c->fqdn, entry, e);
	if (st != ST_NOT_FOUND)
		return st;
	memset(entry, 0, sizeof(*entry));
	snprintf(entry->provider, sizeof(entry->provider), "%s", c->provider->name);
	snprintf(entry->fqdn, sizeof(entry->fqdn), "%s", c->fqdn);
	snprintf(entry->zone_id, sizeof(entry->zone_id), "%s", zone->id);
	snprintf(entry->zone, sizeof(entry->zone), "%s", zone->name);
	entry->removed_at = (long long)time(NULL);
	return ST_OK;
}

enum status
cname_remove(struct challenge *c, const struct zone *zone, const struct record_list *list, const struct run_id *run,
    struct err *e)
{
	struct record_list deleted = { NULL, 0 };
	const struct dns_record *failed = NULL;
	struct journal_entry entry;
	size_t count = count_cnames(list);
	size_t first_added;
	size_t i;
	enum status st;
	int was_holder = 0;
	int h;

	/*
	 * An entry can exist already: a restore that put back only some of the
	 * records, or another run's. Its records stay, and a listed CNAME that
	 * it has already is not saved twice.
	 */
	st = open_entry(c, zone, &entry, e);
	if (st != ST_OK)
		return err_prefix(e, "the CNAME records at %s were not removed", c->fqdn);
	first_added = entry.records.count;
	for (h = 0; h < entry.holder_count; h++)
		was_holder |= strcmp(entry.holders[h].value, c->cfg.validation) == 0;
	for (i = 0; st == ST_OK && i < list->count; i++)
		if (strcmp(list->items[i].type, "CNAME") == 0 && !cname_record_listed(&list->items[i], &entry.records))
			st = record_list_add_copy(&entry.records, &list->items[i], e);
	if (st == ST_OK)
		st = journal_add_holder(&entry, c->cfg.validation, run, e);
	if (st == ST_OK)
		st = journal_save(c->cfg.state_dir, &entry, e);
	if (st != ST_OK) {
		journal_entry_free(&entry);
		if (count == 1)
			return err_prefix(e, "the CNAME %s was not removed because its journal entry could not be written",
			    c->fqdn);
		return err_prefix(e, "the CNAME records at %s were not removed because their journal entry could not be written",
		    c->fqdn);
	}
	crashpoint("journal-written");

	st = delete_cnames(c, zone, list, &deleted, &failed, e);
	if (st != ST_OK)
		st = fail_remove(c, zone, &entry, first_added, was_holder, count, &deleted, failed, e);
	record_list_free(&deleted);
	journal_entry_free(&entry);
	return st;
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
	return cname_restore_entry(c, entry, ended, ended_count, e);
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
			st = cname_restore_entry(c, &entry, ended, ended_count, e);
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

	count = journal_list(c->cfg.state_dir, providers, fqdns, JOURNAL_MAX_ENTRIES, &failures);
	if (count < 0)
		return err_set(e, ST_SYSTEM, "cannot read the journal in %s/journal", c->cfg.state_dir);
	if (failures > 0)
		first = ST_CONFLICT;
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
		char link[DOMAIN_MAX + 2];
		char next[DOMAIN_MAX + 2];
		enum status st;
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
		st = cname_common_target(current, &list, link, sizeof(link), e);
		record_list_free(&list);
		if (st != ST_OK)
			return st;
		record_canonical_name(link, next, sizeof(next));
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
