/*
 * Internals of the Alibaba Cloud DNS provider that alidns.c (settings, zone
 * lookup, the operations table), alidns_records.c (record operations) and
 * alidns_response.c (reading responses) share. Not for use outside
 * providers/alidns*.c.
 */
#ifndef DNS01_ALIDNS_H
#define DNS01_ALIDNS_H

#include <jansson.h>
#include <stddef.h>

#include "alidns_api.h"
#include "provider.h"
#include "status.h"

/* The maximum PageSize of DescribeDomains and DescribeSubDomainRecords in the current API reference. */
#define ALIDNS_PAGE_SIZE "100"
/* Bounds a listing even if the API kept returning more pages. */
#define ALIDNS_MAX_PAGES 100

/* The provider state behind the void *state of struct provider_ops. */
struct alidns {
	struct alidns_client client;
	char zone[DOMAIN_MAX + 1];	/* from --zone, "" when absent */
};

/* Returns nonzero when fqdn is zone or a name below it (both lowercase). */
int alidns_is_within(const char *fqdn, const char *zone);

/* Writes the host record of fqdn in zone: the labels before the zone, or "@" for the apex. */
void alidns_relative_rr(const char *fqdn, const char *zone, char *rr, size_t size);

/* The record operations of struct provider_ops (see provider.h); state is a struct alidns. */
enum status alidns_list_records(void *state, const struct zone *zone, const char *fqdn, struct record_list *out,
    struct err *e);
enum status alidns_create_txt(void *state, const struct zone *zone, const char *fqdn, const char *value, int ttl,
    char *id, size_t id_size, struct err *e);
enum status alidns_delete_record(void *state, const struct zone *zone, const char *id, struct err *e);
/* Returns nonzero when listed has the TTL, Status and Remark of saved (see provider_ops.same_record). */
int alidns_same_record(const struct dns_record *saved, const struct dns_record *listed);
enum status alidns_restore_record(void *state, const struct zone *zone, const struct dns_record *rec, char *id,
    size_t id_size, struct err *e);

#endif
