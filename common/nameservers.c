#include "nameservers.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

#define RESOLVER_TIMEOUT 2.0
#define RESOLVER_TRIES 2
#define MAX_NAMESERVERS 16

void
nameservers_free(struct nameserver_set *set)
{
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

struct ns_collect {
	struct nameserver_set *set;
	int overflow;
};

static void
collect_ns(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct ns_collect *c = ctx;
	struct nameserver *ns;
	char name[NS_MAXDNAME];
	size_t i;

	(void)rdlen;
	if (dns_expand_name(msg, msglen, rdata, name, sizeof(name)) != 0 || strlen(name) > DOMAIN_MAX)
		return;
	for (i = 0; i < c->set->count; i++)
		if (strcasecmp(c->set->items[i].name, name) == 0)
			return;
	if (c->set->count == MAX_NAMESERVERS) {
		c->overflow = 1;
		return;
	}
	ns = &c->set->items[c->set->count++];
	memset(ns, 0, sizeof(*ns));
	for (i = 0; name[i] != '\0'; i++)
		ns->name[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
	ns->name[i] = '\0';
}

struct addr_collect {
	struct nameserver *ns;
	int family;
};

static void
collect_addr(void *ctx, const unsigned char *msg, size_t msglen, const unsigned char *rdata, size_t rdlen)
{
	struct addr_collect *c = ctx;
	struct dns_server_addr *addr;
	int i;

	(void)msg;
	(void)msglen;
	if (c->ns->addr_count == NAMESERVER_MAX_ADDRS)
		return;
	addr = &c->ns->addrs[c->ns->addr_count];
	memset(addr, 0, sizeof(*addr));
	if (c->family == AF_INET && rdlen == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&addr->ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		memcpy(&sin->sin_addr, rdata, 4);
		addr->len = sizeof(*sin);
	} else if (c->family == AF_INET6 && rdlen == 16) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		memcpy(&sin6->sin6_addr, rdata, 16);
		addr->len = sizeof(*sin6);
	} else {
		return;
	}
	for (i = 0; i < c->ns->addr_count; i++)
		if (c->ns->addrs[i].len == addr->len && memcmp(&c->ns->addrs[i].ss, &addr->ss, addr->len) == 0)
			return;
	c->ns->addr_count++;
}

static const char *
query_type_name(int qtype)
{
	if (qtype == ns_t_ns)
		return "NS";
	if (qtype == ns_t_a)
		return "A";
	if (qtype == ns_t_soa)
		return "SOA";
	return "AAAA";
}

/* Sends one question to every resolver and keeps the first usable response. */
static enum status
ask_resolvers(const struct dns_server_addr *resolvers, int count, const char *qname, int qtype,
    struct dns_exchange *answer, struct err *e)
{
	struct dns_exchange items[CONFIG_MAX_RESOLVERS];
	enum status st;
	int i;
	int chosen = -1;

	memset(items, 0, sizeof(items));
	for (i = 0; i < count; i++) {
		items[i].server = &resolvers[i];
		items[i].qname = qname;
		items[i].qtype = qtype;
		items[i].recurse = 1;
	}
	st = dns_exchange_all(items, (size_t)count, RESOLVER_TIMEOUT, RESOLVER_TRIES, e);
	for (i = 0; st == ST_OK && i < count; i++) {
		if (items[i].status != ST_OK)
			continue;
		if (chosen < 0 || (items[chosen].rcode != ns_r_noerror && items[i].rcode == ns_r_noerror))
			chosen = i;
	}
	if (st == ST_OK && chosen < 0) {
		char shown[64];

		dns_format_addr(&resolvers[0], shown, sizeof(shown));
		st = err_set(e, ST_TIMEOUT, "no resolver answered the %s query for %s (first resolver %s); check --resolver",
		    query_type_name(qtype), qname, shown);
	}
	if (st == ST_OK) {
		*answer = items[chosen];
		items[chosen].response = NULL;
	}
	for (i = 0; i < count; i++)
		dns_exchange_reset(&items[i]);
	return st;
}

/* Looks up the addresses of nameservers that had no glue. */
static enum status
resolve_addresses(const struct dns_server_addr *resolvers, int count, struct nameserver *ns, int use_ipv6,
    struct err *e)
{
	static const int types[] = { ns_t_a, ns_t_aaaa };
	size_t t;

	for (t = 0; t < (use_ipv6 ? 2u : 1u); t++) {
		struct dns_exchange answer;
		struct addr_collect c = { ns, types[t] == ns_t_a ? AF_INET : AF_INET6 };
		enum status st;

		memset(&answer, 0, sizeof(answer));
		st = ask_resolvers(resolvers, count, ns->name, types[t], &answer, e);
		if (st != ST_OK) {
			log_debug("no %s address for nameserver %s: %s", types[t] == ns_t_a ? "IPv4" : "IPv6", ns->name,
			    e->msg);
			continue;
		}
		/* Follows the answer as the resolver gave it, so any CNAME target's addresses count too. */
		dns_for_each_answer(answer.response, answer.response_len, NULL, types[t], ns_s_an, collect_addr, &c);
		dns_exchange_reset(&answer);
	}
	return ST_OK;
}

/* Points *resolvers at the configured resolvers, or reads the system's into system; returns how many. */
static int
choose_resolvers(const struct config *cfg, struct dns_server_addr *system, const struct dns_server_addr **resolvers)
{
	if (cfg->resolver_count > 0) {
		*resolvers = cfg->resolvers;
		return cfg->resolver_count;
	}
	*resolvers = system;
	return dns_system_resolvers(system, CONFIG_MAX_RESOLVERS);
}

enum status
nameservers_find(const struct config *cfg, const char *zone, struct nameserver_set *out, struct err *e)
{
	struct dns_server_addr system[CONFIG_MAX_RESOLVERS];
	const struct dns_server_addr *resolvers = NULL;
	int resolver_count = choose_resolvers(cfg, system, &resolvers);
	struct dns_exchange answer;
	struct ns_collect collect;
	size_t with_addrs = 0;
	size_t i;
	enum status st;

	memset(out, 0, sizeof(*out));
	memset(&answer, 0, sizeof(answer));
	if (resolver_count == 0)
		return err_set(e, ST_USAGE, "no resolver in /etc/resolv.conf; pass --resolver ADDR");
	out->items = calloc(MAX_NAMESERVERS, sizeof(*out->items));
	if (out->items == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");

	st = ask_resolvers(resolvers, resolver_count, zone, ns_t_ns, &answer, e);
	if (st != ST_OK)
		goto fail;
	if (answer.rcode != ns_r_noerror) {
		st = err_set(e, ST_NOT_FOUND, "the NS query for zone %s failed with %s; is the zone delegated to the provider?",
		    zone, dns_rcode_name(answer.rcode));
		goto fail;
	}
	collect.set = out;
	collect.overflow = 0;
	if (dns_for_each_answer(answer.response, answer.response_len, zone, ns_t_ns, ns_s_an, collect_ns, &collect) != 0) {
		st = err_set(e, ST_PROTOCOL, "the answer to the NS query for zone %s could not be parsed", zone);
		goto fail;
	}
	if (collect.overflow)
		log_warn("zone %s has more than %d nameservers; checking the first %d", zone, MAX_NAMESERVERS,
		    MAX_NAMESERVERS);
	if (out->count == 0) {
		st = err_set(e, ST_NOT_FOUND, "zone %s has no NS records at the resolver; is it the zone that holds the record?",
		    zone);
		goto fail;
	}
	for (i = 0; i < out->count; i++) {
		struct addr_collect glue4 = { &out->items[i], AF_INET };
		struct addr_collect glue6 = { &out->items[i], AF_INET6 };

		dns_for_each_answer(answer.response, answer.response_len, out->items[i].name, ns_t_a, ns_s_ar,
		    collect_addr, &glue4);
		if (cfg->use_ipv6)
			dns_for_each_answer(answer.response, answer.response_len, out->items[i].name, ns_t_aaaa,
			    ns_s_ar, collect_addr, &glue6);
		if (out->items[i].addr_count == 0)
			resolve_addresses(resolvers, resolver_count, &out->items[i], cfg->use_ipv6, e);
		if (out->items[i].addr_count > 0)
			with_addrs++;
		else
			log_warn("nameserver %s of zone %s has no address; it cannot be checked", out->items[i].name,
			    zone);
	}
	if (with_addrs == 0) {
		st = err_set(e, ST_NOT_FOUND, "no nameserver of zone %s has an address that the resolver knows", zone);
		goto fail;
	}
	dns_exchange_reset(&answer);
	return ST_OK;
fail:
	dns_exchange_reset(&answer);
	nameservers_free(out);
	return st;
}

/*
 * Reads the apex from a response to the SOA query for name. Only an answer
 * that follows no alias counts: an SOA owned by name itself, or an empty
 * answer (NXDOMAIN or NODATA) whose authority section carries the SOA of the
 * closest enclosing zone (RFC 2308 section 3). With a CNAME or DNAME in the
 * answer the SOA would belong to the target's zone, so it is not used.
 */
static int
read_apex(const struct dns_exchange *x, const char *name, char *apex, size_t size)
{
	ns_msg handle;
	ns_rr rr;
	int i;

	if (x->rcode != ns_r_noerror && x->rcode != ns_r_nxdomain)
		return -1;
	if (ns_initparse(x->response, (int)x->response_len, &handle) < 0)
		return -1;
	if (ns_msg_count(handle, ns_s_an) > 0) {
		if (ns_msg_count(handle, ns_s_an) != 1 || ns_parserr(&handle, ns_s_an, 0, &rr) < 0 ||
		    ns_rr_type(rr) != ns_t_soa || strcasecmp(ns_rr_name(rr), name) != 0)
			return -1;
		snprintf(apex, size, "%s", name);
		return 0;
	}
	for (i = 0; i < ns_msg_count(handle, ns_s_ns); i++) {
		if (ns_parserr(&handle, ns_s_ns, i, &rr) < 0)
			return -1;
		if (ns_rr_type(rr) != ns_t_soa || ns_rr_class(rr) != ns_c_in)
			continue;
		if ((size_t)snprintf(apex, size, "%s", ns_rr_name(rr)) >= size)
			return -1;
		return 0;
	}
	return -1;
}

enum status
nameservers_find_apex(const struct config *cfg, const char *name, char *apex, size_t size, struct err *e)
{
	struct dns_server_addr system[CONFIG_MAX_RESOLVERS];
	const struct dns_server_addr *resolvers = NULL;
	int resolver_count = choose_resolvers(cfg, system, &resolvers);
	struct dns_exchange answer;
	enum status st;

	apex[0] = '\0';
	memset(&answer, 0, sizeof(answer));
	if (resolver_count == 0)
		return err_set(e, ST_USAGE, "no resolver in /etc/resolv.conf; pass --resolver ADDR");
	st = ask_resolvers(resolvers, resolver_count, name, ns_t_soa, &answer, e);
	if (st == ST_OK && read_apex(&answer, name, apex, size) != 0)
		st = err_set(e, ST_NOT_FOUND, "the SOA query for %s returned no zone apex (%s)", name,
		    dns_rcode_name(answer.rcode));
	dns_exchange_reset(&answer);
	return st;
}
