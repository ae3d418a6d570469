/*
 * Finding the authoritative nameservers of a zone and their addresses.
 */
#ifndef DNS01_NAMESERVERS_H
#define DNS01_NAMESERVERS_H

#include <stddef.h>

#include "config.h"
#include "dns.h"
#include "input.h"
#include "status.h"

#define NAMESERVER_MAX_ADDRS 8

struct nameserver {
	char name[DOMAIN_MAX + 1];
	struct dns_server_addr addrs[NAMESERVER_MAX_ADDRS];
	int addr_count;
};

struct nameserver_set {
	struct nameserver *items;
	size_t count;
};

/*
 * Asks the configured resolvers (or the system's) for the NS records of zone
 * and the A records (and AAAA unless IPv6 is off) of each nameserver. Glue
 * in the answer is used when present. Fails when the zone has no NS records
 * or no nameserver has an address.
 */
enum status nameservers_find(const struct config *cfg, const char *zone, struct nameserver_set *out, struct err *e);

void nameservers_free(struct nameserver_set *set);

/*
 * Asks the configured resolvers (or the system's) for the SOA of name and
 * writes the apex of the zone that DNS places name in, without a trailing
 * dot. Returns ST_NOT_FOUND when the answer shows no apex or follows an alias
 * (CNAME or DNAME), because the SOA then belongs to the target's zone.
 */
enum status nameservers_find_apex(const struct config *cfg, const char *name, char *apex, size_t size,
    struct err *e);

#endif
