/*
 * The pre-flight check, meant for a timer that runs days before renewal: it
 * shows the CNAME trap and other causes of a failed renewal before they bite,
 * and changes nothing (read-only API calls and DNS queries only).
 */
#include "check.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <string.h>

#include "cname.h"
#include "dnssec.h"
#include "journal.h"
#include "log.h"
#include "nameservers.h"

#define CHECK_QUERY_TIMEOUT 2.0
#define CHECK_QUERY_TRIES 2

/* Queries the zone's SOA at every address of every nameserver, prints the results and returns how many nameservers responded. */
static int
check_nameservers(struct challenge *c, const char *zone, int *total)
{
	struct nameserver_set servers;
	struct dns_exchange xs[64];
	struct err e = { ST_OK, "" };
	size_t count = 0;
	size_t i;
	int answered = 0;

	*total = 0;
	if (nameservers_find(&c->cfg, zone, &servers, &e) != ST_OK) {
		printf("  nameservers: %s\n", e.msg);
		return 0;
	}
	memset(xs, 0, sizeof(xs));
	for (i = 0; i < servers.count; i++) {
		int a;

		for (a = 0; a < servers.items[i].addr_count && count < 64; a++) {
			xs[count].server = &servers.items[i].addrs[a];
			xs[count].qname = zone;
			xs[count].qtype = ns_t_soa;
			count++;
		}
	}
	dns_exchange_all(xs, count, CHECK_QUERY_TIMEOUT, CHECK_QUERY_TRIES, &e);
	count = 0;
	for (i = 0; i < servers.count; i++) {
		int a;
		int ok = 0;

		printf("  nameserver %s:", servers.items[i].name);
		for (a = 0; a < servers.items[i].addr_count && count < 64; a++, count++) {
			char addr[64];
			const char *verdict = "no answer";

			dns_format_addr(xs[count].server, addr, sizeof(addr));
			if (xs[count].status == ST_OK && xs[count].authoritative && xs[count].rcode == ns_r_noerror) {
				verdict = "answers";
				ok = 1;
			} else if (xs[count].status == ST_OK) {
				verdict = xs[count].authoritative ? dns_rcode_name(xs[count].rcode) : "not authoritative";
			}
			printf("%s %s %s", a > 0 ? ";" : "", addr, verdict);
			dns_exchange_reset(&xs[count]);
		}
		printf("\n");
		answered += ok;
		(*total)++;
	}
	nameservers_free(&servers);
	return answered;
}

/*
 * Says what each policy would do with the CNAMEs in list (a listing of
 * c->fqdn, which has at least one); returns nonzero when the configured one
 * would fail.
 */
static int
report_cnames(struct challenge *c, const struct record_list *list)
{
	struct zone target_zone;
	char target_name[DOMAIN_MAX + 1];
	char target[DOMAIN_MAX + 2];
	char shown[300];
	struct err e = { ST_OK, "" };
	enum status follow;
	size_t count = 0;
	size_t i;

	for (i = 0; i < list->count; i++) {
		const struct dns_record *rec = &list->items[i];

		if (strcmp(rec->type, "CNAME") != 0)
			continue;
		log_escape(shown, sizeof(shown), rec->content, strlen(rec->content));
		printf("  CNAME: %s -> %s%s%s%s%s\n", c->fqdn, shown, rec->line[0] ? " (resolution line " : "", rec->line,
		    rec->line[0] ? ")" : "", rec->hidden ? " [disabled, or not on the default line]" : "");
		count++;
	}
	printf("    with --cname=fail (the default): the renewal fails, nothing is changed\n");
	if (count > 1)
		printf("    with --cname=remove: all %zu CNAMEs are removed for the challenge and restored exactly afterwards\n",
		    count);
	else
		printf("    with --cname=remove: the CNAME is removed for the challenge and restored exactly afterwards\n");
	follow = cname_common_target(c->fqdn, list, target, sizeof(target), &e);
	if (follow == ST_OK)
		follow = cname_follow(c, target, &target_zone, target_name, sizeof(target_name), &e);
	if (follow == ST_OK)
		printf("    with --cname=follow: the TXT record is written at %s in zone %s\n", target_name, target_zone.name);
	else
		printf("    with --cname=follow: fails: %s\n", e.msg);
	switch (c->cfg.cname) {
	case CNAME_REMOVE:
		return 0;
	case CNAME_FOLLOW:
		return follow != ST_OK;
	default:
		return 1;
	}
}

/* Asks each --dnssec-resolver whether it validates the zone; returns nonzero when one cannot. */
static int
check_dnssec(struct challenge *c, const char *zone)
{
	int fails = 0;
	int i;

	for (i = 0; i < c->cfg.dnssec_resolver_count; i++) {
		enum dnssec_verdict verdict = VERDICT_PENDING;
		struct err e = { ST_OK, "" };
		char addr[80];
		char reason[160];

		dns_format_addr(&c->cfg.dnssec_resolvers[i], addr, sizeof(addr));
		if (dnssec_probe_zone(zone, &c->cfg.dnssec_resolvers[i], &verdict, reason, sizeof(reason), &e) != ST_OK)
			snprintf(reason, sizeof(reason), "failed: %.150s", e.msg);
		if (verdict == VERDICT_VALIDATED)
			printf("  DNSSEC at resolver %s: the zone validates\n", addr);
		else if (verdict == VERDICT_INSECURE)
			printf("  DNSSEC at resolver %s: the zone is not signed, or the resolver does not validate\n", addr);
		else if (verdict == VERDICT_BOGUS)
			printf("  DNSSEC at resolver %s: FAILS: SERVFAIL, but an answer with checking disabled; check that "
			    "the DS record at the registrar matches the zone's DNSKEY\n", addr);
		else
			printf("  DNSSEC at resolver %s: not checked: it %s\n", addr, reason);
		fails |= verdict == VERDICT_BOGUS;
	}
	return fails;
}

/*
 * Reports a journal entry of the name: CNAMEs that an earlier challenge
 * removed and no hook has put back yet. Returns nonzero when the entry cannot
 * be read, because then a renewal fails.
 */
static int
report_journal(struct challenge *c)
{
	struct journal_entry entry;
	struct err e = { ST_OK, "" };
	enum status st;

	st = journal_load(c->cfg.state_dir, c->provider->name, c->fqdn, &entry, &e);
	if (st == ST_NOT_FOUND)
		return 0;
	if (st != ST_OK) {
		printf("  journal: %s\n", e.msg);
		return 1;
	}
	printf("  journal: %zu CNAME record(s) removed by an earlier challenge are not restored yet; the next hook run "
	    "restores them when no running client holds them, or run dns01-cleanup --restore\n", entry.records.count);
	journal_entry_free(&entry);
	return 0;
}

/* Checks one domain; returns nonzero when its renewal would fail. */
static int
check_domain(struct challenge *c, const char *domain)
{
	struct record_list list = { NULL, 0 };
	struct zone zone;
	struct err e = { ST_OK, "" };
	int has_cname = 0;
	int fails = 0;
	int answered;
	int total;
	size_t i;

	printf("%s:\n", domain);
	if (challenge_set_domain(c, domain, &e) != ST_OK) {
		printf("  invalid: %s\n  renewal would FAIL\n", e.msg);
		return 1;
	}
	if (challenge_find_zone(c, NULL, NULL, &zone, &e) != ST_OK) {
		printf("  zone: %s\n  renewal would FAIL\n", e.msg);
		return 1;
	}
	printf("  zone: %s (id %s)\n", zone.name, zone.id);
	if (c->provider->list_records(c->provider_state, &zone, c->fqdn, &list, &e) != ST_OK) {
		printf("  records at %s: cannot read them: %s\n  renewal would FAIL\n", c->fqdn, e.msg);
		return 1;
	}
	printf("  records at %s: readable (%zu)\n", c->fqdn, list.count);
	/* NOTE: no read-only call of either API shows whether the credentials may write; a renewal shows it. */
	printf("  write access: not checked (it needs no change to test); the credentials need permission to edit DNS records\n");
	for (i = 0; i < list.count; i++)
		has_cname |= strcmp(list.items[i].type, "CNAME") == 0;
	if (has_cname)
		fails |= report_cnames(c, &list);
	else
		printf("  CNAME: none\n");
	record_list_free(&list);
	fails |= report_journal(c);

	answered = check_nameservers(c, zone.name, &total);
	if (answered == 0 || answered < total) {
		printf("  nameservers: %d of %d answer\n", answered, total);
		fails = 1;
	}
	fails |= check_dnssec(c, zone.name);
	printf("  renewal with --cname=%s would %s\n", config_cname_policy_name(c->cfg.cname), fails ? "FAIL" : "succeed");
	return fails;
}

enum status
check_run(struct challenge *c, struct err *e)
{
	int failed = 0;
	int i;

	if (c->cfg.arg_count == 0)
		return err_set(e, ST_USAGE, "--check needs the domains to check, such as: dns01-auth --provider %s --check example.com www.example.com",
		    c->provider->name);
	/* Option parsing stops at the first domain, so a later option would be checked as a domain. */
	for (i = 0; i < c->cfg.arg_count; i++)
		if (c->cfg.args[i][0] == '-')
			return err_set(e, ST_USAGE, "option '%s' comes after the domains; put every option before them",
			    c->cfg.args[i]);
	for (i = 0; i < c->cfg.arg_count; i++)
		failed += check_domain(c, c->cfg.args[i]);
	fflush(stdout);
	/* The summary is about all domains, so the error line must not name the last one checked. */
	c->cfg.domain[0] = '\0';
	if (failed > 0)
		return err_set(e, ST_CONFLICT, "%d of %d %s would fail to renew; see the report above", failed,
		    c->cfg.arg_count, c->cfg.arg_count == 1 ? "domain" : "domains");
	return ST_OK;
}
