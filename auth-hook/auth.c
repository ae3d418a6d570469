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
#include "crashpoint.h"
#include "dnssec.h"
#include "journal.h"
#include "log.h"
#include "nameservers.h"
#include "propagation.h"
#include "run.h"
#include "state.h"

/* How long auth waits for the lock of a name that another run has taken. */
#define AUTH_LOCK_TIMEOUT 300.0
/* Maximum number of records that the last challenge of a run waits for together. */
#define AUTH_MAX_BATCH 128
/* A validating resolver without the record after this long most likely caches an earlier negative answer. */
#define DNSSEC_CHECK_TIMEOUT 10.0

/* The plan of an auth run: the name and zone of the TXT record, and what the run changed to get there. */
struct auth_plan {
	struct zone zone;			/* zone of name */
	char name[DOMAIN_MAX + 1];		/* c->fqdn, or the CNAME target with --cname=follow */
	char existing_id[128];			/* an identical TXT record already there, or "" */
	int cname_seen;				/* the listing showed a CNAME at c->fqdn */
	int holds_journal;			/* the name's CNAMEs are away and this challenge holds their journal entry */
};

/* Finds a TXT record with the challenge value in a listing. */
static void
find_txt(const struct record_list *list, const char *value, char *id, size_t size)
{
	size_t i;

	id[0] = '\0';
	for (i = 0; i < list->count; i++)
		if (strcmp(list->items[i].type, "TXT") == 0 && record_txt_matches(list->items[i].content, value))
			snprintf(id, size, "%s", list->items[i].id);
}

/* With --cname=follow, decides the target name and looks for our value there. */
static enum status
plan_follow(struct challenge *c, const char *target, struct auth_plan *plan, struct err *e)
{
	struct record_list list = { NULL, 0 };
	enum status st;

	st = cname_follow(c, target, &plan->zone, plan->name, sizeof(plan->name), e);
	if (st != ST_OK)
		return st;
	st = c->provider->list_records(c->provider_state, &plan->zone, plan->name, &list, e);
	if (st == ST_OK)
		find_txt(&list, c->cfg.validation, plan->existing_id, sizeof(plan->existing_id));
	record_list_free(&list);
	return st;
}

/*
 * Decides where the TXT record goes, applying the CNAME policy to a CNAME at
 * the name. The caller holds the name's lock.
 */
static enum status
plan_write(struct challenge *c, const struct run_id *run, struct auth_plan *plan, struct err *e)
{
	struct record_list list = { NULL, 0 };
	char target[DOMAIN_MAX + 2];
	enum status st;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->name, sizeof(plan->name), "%s", c->fqdn);
	st = challenge_find_zone(c, NULL, NULL, &plan->zone, e);
	if (st != ST_OK)
		return st;
	st = c->provider->list_records(c->provider_state, &plan->zone, c->fqdn, &list, e);
	if (st == ST_NOT_FOUND && c->zone_cached) {
		/* The cached zone is gone (deleted and added again gets a new id): look it up afresh. */
		log_info("cached zone %s (id %s) no longer exists; looking the zone up again", plan->zone.name, plan->zone.id);
		challenge_forget_zone(c);
		st = challenge_find_zone(c, NULL, NULL, &plan->zone, e);
		if (st == ST_OK)
			st = c->provider->list_records(c->provider_state, &plan->zone, c->fqdn, &list, e);
	}
	if (st != ST_OK)
		return st;
	for (i = 0; i < list.count; i++)
		plan->cname_seen |= strcmp(list.items[i].type, "CNAME") == 0;

	if (!plan->cname_seen) {
		find_txt(&list, c->cfg.validation, plan->existing_id, sizeof(plan->existing_id));
		/* Another challenge of a running client may have removed the CNAMEs here: hold them away for this one too. */
		st = cname_hold(c, run, &plan->holds_journal, e);
	} else if (c->cfg.cname == CNAME_REMOVE) {
		/* Alibaba Cloud DNS has one CNAME per resolution line, and a validator may resolve through any line. */
		st = cname_remove(c, &plan->zone, &list, run, e);
		plan->holds_journal = st == ST_OK;
	} else if (c->cfg.cname == CNAME_FOLLOW) {
		st = cname_common_target(c->fqdn, &list, target, sizeof(target), e);
		if (st == ST_OK)
			st = plan_follow(c, target, plan, e);
	} else {
		st = cname_explain_conflict(c->fqdn, &list, e);
	}
	record_list_free(&list);
	return st;
}

/*
 * After a create whose response was lost or unreadable, the record may exist
 * all the same. The name had no TXT record with this value before (the plan
 * found none), so one there now is this run's and is deleted.
 */
static void
remove_unconfirmed(struct challenge *c, const struct auth_plan *plan)
{
	struct record_list list = { NULL, 0 };
	struct err e2 = { ST_OK, "" };
	size_t i;

	if (c->provider->list_records(c->provider_state, &plan->zone, plan->name, &list, &e2) != ST_OK) {
		log_error("%s: could not check whether the failed create left a TXT record at %s: %s; dns01-cleanup will look again",
		    c->cfg.domain, plan->name, e2.msg);
		return;
	}
	for (i = 0; i < list.count; i++) {
		const struct dns_record *rec = &list.items[i];

		if (strcmp(rec->type, "TXT") != 0 || !record_txt_matches(rec->content, c->cfg.validation))
			continue;
		if (c->provider->delete_record(c->provider_state, &plan->zone, rec->id, &e2) == ST_OK)
			log_info("deleted TXT record %s (id %s), created although the create request failed", plan->name,
			    rec->id);
		else
			log_error("%s: could not delete TXT record id %s: %s; dns01-cleanup will retry", c->cfg.domain,
			    rec->id, e2.msg);
	}
	record_list_free(&list);
}

/* Creates the record, saving state first so that a crash between the two leaves a trace cleanup can follow. */
static enum status
create_record(struct challenge *c, const struct auth_plan *plan, struct state_record *rec, struct err *e)
{
	int ttl = c->cfg.ttl != 0 ? c->cfg.ttl : c->provider->default_ttl;
	enum status st;

	st = state_record_save(c->cfg.state_dir, rec, e);
	if (st != ST_OK)
		return st;
	st = c->provider->create_txt(c->provider_state, &plan->zone, plan->name, c->cfg.validation, ttl,
	    rec->record_id, sizeof(rec->record_id), e);
	if (st == ST_EXISTS) {
		log_info("TXT record %s with this value exists already (id %s); using it", plan->name, rec->record_id);
		st = ST_OK;
	} else if (st == ST_CONFLICT) {
		/* The provider's own words (code, request id) stay; auth_run lists the name again once. */
		err_prefix(e, "%s: the provider reports a record that blocks the TXT record", plan->name);
	}
	if (st == ST_PROTOCOL || st == ST_TRANSIENT)
		remove_unconfirmed(c, plan);
	if (st != ST_OK) {
		struct err ignored;

		state_record_remove(c->cfg.state_dir, rec, &ignored);
		return st;
	}
	log_info("created TXT record %s (id %s, TTL %d)", plan->name, rec->record_id, ttl);
	return state_record_save(c->cfg.state_dir, rec, e);
}

/* Creates the TXT record or takes over an identical one; sets *created when this run created it. */
static enum status
write_record(struct challenge *c, const struct auth_plan *plan, const struct run_id *run, struct state_record *rec,
    int *created, struct err *e)
{
	enum status st;

	*created = 0;
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->provider, sizeof(rec->provider), "%s", c->provider->name);
	snprintf(rec->fqdn, sizeof(rec->fqdn), "%s", c->fqdn);
	if (strcmp(plan->name, c->fqdn) != 0)
		snprintf(rec->target, sizeof(rec->target), "%s", plan->name);
	snprintf(rec->value, sizeof(rec->value), "%s", c->cfg.validation);
	snprintf(rec->zone_id, sizeof(rec->zone_id), "%s", plan->zone.id);
	snprintf(rec->zone, sizeof(rec->zone), "%s", plan->zone.name);
	rec->created_at = (long long)time(NULL);
	rec->run = *run;
	rec->waiting = 1;
	if (plan->existing_id[0] != '\0') {
		log_info("TXT record %s with this value exists already (id %s); using it", plan->name, plan->existing_id);
		snprintf(rec->record_id, sizeof(rec->record_id), "%s", plan->existing_id);
		return state_record_save(c->cfg.state_dir, rec, e);
	}
	st = create_record(c, plan, rec, e);
	*created = st == ST_OK;
	return st;
}

/* Gives the name back after a failure: this challenge no longer needs the CNAME away. */
static void
release_name(struct challenge *c, int locked)
{
	struct err e2 = { ST_OK, "" };
	int fd = -1;

	if (!locked && journal_lock(c->cfg.state_dir, c->provider->name, c->fqdn, AUTH_LOCK_TIMEOUT, &fd, &e2) != ST_OK) {
		log_error("%s: %s; run dns01-cleanup --restore to put the CNAME back", c->cfg.domain, e2.msg);
		return;
	}
	if (cname_release(c, &e2) != ST_OK)
		log_error("%s: %s", c->cfg.domain, e2.msg);
	journal_unlock(fd);
}

/*
 * Waits until every nameserver serves every record in recs: the zone's
 * nameservers are looked up once per zone, and all records are checked
 * together, so a run with many names waits about as long as for one.
 */
static enum status
wait_for_records(struct challenge *c, struct state_record *recs, int count, struct err *e)
{
	struct nameserver_set sets[AUTH_MAX_BATCH];
	struct propagation_item items[AUTH_MAX_BATCH];
	const char *zones[AUTH_MAX_BATCH];
	int zone_count = 0;
	enum status st = ST_OK;
	int i;

	for (i = 0; i < count && st == ST_OK; i++) {
		int z;

		for (z = 0; z < zone_count && strcmp(zones[z], recs[i].zone) != 0; z++)
			;
		if (z == zone_count) {
			st = nameservers_find(&c->cfg, recs[i].zone, &sets[z], e);
			if (st != ST_OK)
				break;
			zones[zone_count++] = recs[i].zone;
		}
		items[i].fqdn = recs[i].target[0] != '\0' ? recs[i].target : recs[i].fqdn;
		items[i].value = recs[i].value;
		items[i].qtype = 0;
		items[i].servers = &sets[z];
	}
	if (st == ST_OK) {
		if (count > 1)
			log_info("waiting for the %d records of this run", count);
		st = propagation_wait(items, (size_t)count, c->cfg.propagation_timeout, c->cfg.poll_interval, e);
	}
	if (st == ST_OK && c->cfg.dnssec_resolver_count > 0)
		st = dnssec_check(items, (size_t)count, c->cfg.dnssec_resolvers, c->cfg.dnssec_resolver_count,
		    DNSSEC_CHECK_TIMEOUT < c->cfg.propagation_timeout ? DNSSEC_CHECK_TIMEOUT : c->cfg.propagation_timeout, e);
	/* The caller prefixes this call's domain, which need not be the one that failed. */
	if (st != ST_OK && count > 1)
		err_prefix(e, "while waiting for the %d records of this run", count);
	for (i = 0; i < zone_count; i++)
		nameservers_free(&sets[i]);
	return st;
}

/* Collects the records to wait for: this one, and on the run's last challenge those that earlier calls left waiting. */
static int
records_to_wait_for(struct challenge *c, const struct state_record *own, struct state_record *recs)
{
	int count = 1;
	int found;
	int i;

	recs[0] = *own;
	if (c->cfg.remaining != 0)
		return count;
	found = state_records_waiting(c->cfg.state_dir, c->provider->name, &own->run, recs + 1, AUTH_MAX_BATCH - 1);
	for (i = 1; i <= found; i++) {
		if (strcmp(recs[i].fqdn, own->fqdn) == 0 && strcmp(recs[i].value, own->value) == 0)
			continue;	/* our own entry, already first */
		recs[count++] = recs[i];
	}
	return count;
}

/* Deletes the record this run created after a later step failed, so nothing is left behind. */
static void
roll_back(struct challenge *c, const struct zone *zone, const char *name, const struct state_record *rec)
{
	struct err e2 = { ST_OK, "" };
	enum status st;

	st = c->provider->delete_record(c->provider_state, zone, rec->record_id, &e2);
	if (st == ST_OK || st == ST_NOT_FOUND) {
		log_info("deleted TXT record %s (id %s), which this run created, because the run failed", name,
		    rec->record_id);
		state_record_remove(c->cfg.state_dir, rec, &e2);
	} else {
		log_error("%s: could not delete TXT record id %s after the failure: %s; dns01-cleanup will retry",
		    c->cfg.domain, rec->record_id, e2.msg);
	}
}

/* Prints the line that certbot passes back to dns01-cleanup in CERTBOT_AUTH_OUTPUT. */
static void
print_auth_output(const struct state_record *rec, const struct auth_plan *plan)
{
	printf("record %s zone %s\n", rec->record_id, plan->zone.id);
	fflush(stdout);
}

enum status
auth_run(struct challenge *c, struct err *e)
{
	static struct state_record batch[AUTH_MAX_BATCH];
	struct state_record rec;
	struct auth_plan plan;
	struct run_id run;
	struct err ignored;
	enum status st;
	int created = 0;
	int attempt;
	int count;
	int fd = -1;
	int i;

	run_identify(&run);
	/* A crashed run may have left a CNAME removed; put back what no live run needs. Errors are logged there. */
	cname_recover(c, &ignored);

	st = journal_lock(c->cfg.state_dir, c->provider->name, c->fqdn, AUTH_LOCK_TIMEOUT, &fd, e);
	if (st != ST_OK)
		return st;
	for (attempt = 0; attempt < 2; attempt++) {
		st = plan_write(c, &run, &plan, e);
		if (st == ST_OK)
			st = write_record(c, &plan, &run, &rec, &created, e);
		/* A CNAME created between listing and writing, or a listing that lags: look once more. */
		if (st != ST_CONFLICT || plan.cname_seen || attempt > 0)
			break;
		log_info("listing %s again: %s", c->fqdn, e->msg);
	}
	if (st == ST_CONFLICT && !plan.cname_seen) {
		struct record_list none = { NULL, 0 };
		char provider_said[ERR_MSG_MAX];

		memcpy(provider_said, e->msg, sizeof(provider_said));
		cname_explain_conflict(c->fqdn, &none, e);
		snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg), " The provider's answer: %s",
		    provider_said);
	}
	crashpoint("txt-created");
	if (st != ST_OK && plan.holds_journal)
		release_name(c, 1);
	journal_unlock(fd);
	if (st != ST_OK)
		return st;

	if (c->cfg.remaining > 0) {
		/* certbot runs every auth hook before it requests validation from the CA: the last one waits for all. */
		log_info("%ld more challenge(s) follow; the last one waits for every record of this run", c->cfg.remaining);
		print_auth_output(&rec, &plan);
		return ST_OK;
	}
	count = records_to_wait_for(c, &rec, batch);
	st = wait_for_records(c, batch, count, e);
	if (st == ST_OK) {
		for (i = 0; i < count; i++) {
			batch[i].waiting = 0;
			state_record_save(c->cfg.state_dir, &batch[i], &ignored);
		}
		print_auth_output(&rec, &plan);
		return ST_OK;
	}
	if (created)
		roll_back(c, &plan.zone, plan.name, &rec);
	if (plan.holds_journal)
		release_name(c, 0);
	return st;
}
