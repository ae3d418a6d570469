#include "dnssec.h"

#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "interrupt.h"
#include "log.h"

/* A resolver may have to fetch DNSKEYs and DS records first, so it gets longer than an authoritative server. */
#define QUERY_TIMEOUT 1.0
#define QUERY_TRIES 2
#define PAUSE 0.2

struct pair {
	size_t item;
	int resolver;
	enum dnssec_verdict verdict;
	char reason[160];	/* what the resolver did, for the warning, starting with a verb */
};

static int
answered(const struct dns_exchange *x)
{
	return x->status == ST_OK && (x->rcode == ns_r_noerror || x->rcode == ns_r_nxdomain);
}

static void
count_record(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	(void)msg;
	(void)msglen;
	(void)rdata;
	(void)rdlen;
	(*(int *)ctx)++;
}

/* Returns 1 when the answer contains value, or any record of the question's type when value is NULL. */
static int
serves(const struct dns_exchange *x, const char *value)
{
	int records = 0;

	if (x->status != ST_OK || x->rcode != ns_r_noerror)
		return 0;
	if (value != NULL)
		return dns_answer_contains(x->response, x->response_len, x->qname, x->qtype, value);
	return dns_for_each_answer(x->response, x->response_len, x->qname, x->qtype, ns_s_an, count_record,
	    &records) == 0 && records > 0;
}

static enum dnssec_verdict
judge(const struct dns_exchange *plain, const struct dns_exchange *unchecked, const char *value, char *reason,
    size_t size)
{
	if (plain->status != ST_OK) {
		snprintf(reason, size, "did not reply; check --dnssec-resolver");
		return VERDICT_PENDING;
	}
	if (plain->rcode == ns_r_refused) {
		snprintf(reason, size, "refuses the query; allow this host in its access control, or name another resolver");
		return VERDICT_UNUSABLE;
	}
	/* An authoritative-only server replies to queries for its own zones without RA and validates nothing. */
	if (!plain->recursion_available) {
		snprintf(reason, size, "is not a recursive resolver (no RA flag in its answer); name a validating resolver");
		return VERDICT_UNUSABLE;
	}
	if (serves(plain, value))
		return plain->authenticated ? VERDICT_VALIDATED : VERDICT_INSECURE;
	if (plain->rcode == ns_r_servfail && answered(unchecked))
		return VERDICT_BOGUS;
	if (plain->rcode == ns_r_servfail)
		snprintf(reason, size, "answers SERVFAIL even with checking disabled, so it cannot reach the zone's nameservers");
	else
		snprintf(reason, size, "still answers %s without the record, perhaps from an earlier negative answer in its cache",
		    dns_rcode_name(plain->rcode));
	return VERDICT_PENDING;
}

static void
fill_query(struct dns_exchange *x, const struct dns_server_addr *server, const struct propagation_item *item,
    int checking_disabled)
{
	memset(x, 0, sizeof(*x));
	x->server = server;
	x->qname = item->fqdn;
	x->qtype = item->qtype != 0 ? item->qtype : ns_t_txt;
	x->recurse = 1;
	x->dnssec = 1;
	x->checking_disabled = checking_disabled;
}

/* Returns 1 when an earlier pair had the same name, resolver and verdict, as the apex and wildcard values do. */
static int
reported_before(const struct propagation_item *items, const struct pair *ps, size_t p)
{
	size_t q;

	for (q = 0; q < p; q++)
		if (ps[q].resolver == ps[p].resolver && ps[q].verdict == ps[p].verdict &&
		    strcmp(items[ps[q].item].fqdn, items[ps[p].item].fqdn) == 0)
			return 1;
	return 0;
}

static void
report(const struct propagation_item *items, const struct dns_server_addr *resolvers, const struct pair *ps,
    size_t pairs)
{
	char addr[80];
	size_t p;

	for (p = 0; p < pairs; p++) {
		const char *fqdn = items[ps[p].item].fqdn;

		if (reported_before(items, ps, p))
			continue;
		dns_format_addr(&resolvers[ps[p].resolver], addr, sizeof(addr));
		if (ps[p].verdict == VERDICT_VALIDATED)
			log_info("resolver %s validates %s with DNSSEC", addr, fqdn);
		else if (ps[p].verdict == VERDICT_INSECURE)
			log_info("resolver %s serves %s without DNSSEC validation: the zone is not signed, or the "
			    "resolver does not validate", addr, fqdn);
		else
			log_warn("DNSSEC not checked for %s: resolver %s %s", fqdn, addr, ps[p].reason);
	}
}

enum status
dnssec_check(const struct propagation_item *items, size_t count, const struct dns_server_addr *resolvers,
    int resolver_count, double timeout, struct err *e)
{
	size_t pairs = count * (size_t)resolver_count;
	struct pair *ps = calloc(pairs + 1, sizeof(*ps));
	struct dns_exchange *xs = calloc(2 * pairs + 1, sizeof(*xs));
	size_t *slot_pair = calloc(pairs + 1, sizeof(*slot_pair));
	double deadline = clock_now() + timeout;
	enum status st = ST_OK;
	size_t p;

	if (ps == NULL || xs == NULL || slot_pair == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}
	for (p = 0; p < pairs; p++) {
		ps[p].item = p / (size_t)resolver_count;
		ps[p].resolver = (int)(p % (size_t)resolver_count);
		snprintf(ps[p].reason, sizeof(ps[p].reason), "did not reply; check --dnssec-resolver");
	}

	for (;;) {
		size_t used = 0;
		size_t k;
		long bogus = -1;

		/* Both queries are sent together, so a failure costs no extra round trip. */
		for (p = 0; p < pairs; p++) {
			if (ps[p].verdict != VERDICT_PENDING)
				continue;
			fill_query(&xs[2 * used], &resolvers[ps[p].resolver], &items[ps[p].item], 0);
			fill_query(&xs[2 * used + 1], &resolvers[ps[p].resolver], &items[ps[p].item], 1);
			slot_pair[used++] = p;
		}
		if (used == 0)
			break;
		st = dns_exchange_all(xs, 2 * used, QUERY_TIMEOUT, QUERY_TRIES, e);
		if (st != ST_OK)
			goto out;
		for (k = 0; k < used; k++) {
			struct pair *pair = &ps[slot_pair[k]];

			pair->verdict = judge(&xs[2 * k], &xs[2 * k + 1], items[pair->item].value, pair->reason,
			    sizeof(pair->reason));
			if (pair->verdict == VERDICT_BOGUS && bogus < 0)
				bogus = (long)slot_pair[k];
			dns_exchange_reset(&xs[2 * k]);
			dns_exchange_reset(&xs[2 * k + 1]);
		}
		if (bogus >= 0) {
			char addr[80];

			dns_format_addr(&resolvers[ps[bogus].resolver], addr, sizeof(addr));
			st = err_set(e, ST_PROTOCOL,
			    "DNSSEC validation failed for %s: every authoritative nameserver serves the record, but the "
			    "validating resolver %s answers SERVFAIL, and answers when asked with checking disabled. "
			    "The zone's signatures do not validate, so the CA will fail the same way. Check the DS "
			    "record at the registrar: it must match the zone's current DNSKEY (a DS left from an "
			    "earlier DNS provider or key is the usual cause), or remove it to turn DNSSEC off",
			    items[ps[bogus].item].fqdn, addr);
			goto out;
		}
		if (interrupt_pending()) {
			st = err_set(e, ST_SYSTEM, "interrupted by signal %d during the DNSSEC check", interrupt_pending());
			goto out;
		}
		if (clock_now() >= deadline)
			break;
		clock_sleep(clock_now() + PAUSE > deadline ? deadline - clock_now() : PAUSE);
	}
	report(items, resolvers, ps, pairs);
out:
	free(ps);
	free(xs);
	free(slot_pair);
	return st;
}

enum status
dnssec_probe_zone(const char *zone, const struct dns_server_addr *resolver, enum dnssec_verdict *verdict,
    char *reason, size_t size, struct err *e)
{
	struct propagation_item item = { zone, NULL, ns_t_soa, NULL };
	struct dns_exchange xs[2];
	enum status st;

	fill_query(&xs[0], resolver, &item, 0);
	fill_query(&xs[1], resolver, &item, 1);
	*verdict = VERDICT_PENDING;
	snprintf(reason, size, "did not reply");
	st = dns_exchange_all(xs, 2, QUERY_TIMEOUT, QUERY_TRIES, e);
	if (st == ST_OK)
		*verdict = judge(&xs[0], &xs[1], NULL, reason, size);
	dns_exchange_reset(&xs[0]);
	dns_exchange_reset(&xs[1]);
	return st;
}
