/*
 * Alibaba Cloud DNS (alidns), RPC API 2015-01-09: settings, the zone lookup
 * and the provider's operations table. The record operations are in
 * alidns_records.c.
 *
 * Zones are identified by name: struct zone's id and name are both the
 * domain as the account lists it, in lowercase A-labels. Records are
 * addressed by the host record RR relative to that domain ("_acme-challenge.www",
 * "_acme-challenge" at the apex). Keyword searches of the API match loosely,
 * so every listing is filtered here for the exact RR, type and value.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alidns.h"
#include "log.h"
#include "provider.h"

/* The free and personal editions accept 600 to 86400 seconds; Enterprise editions go lower. */
#define ALIDNS_DEFAULT_TTL 600
#define ALIDNS_MIN_TTL 1
#define ALIDNS_MAX_TTL 86400

static enum status
alidns_check_ttl(int ttl, struct err *e)
{
	if (ttl >= ALIDNS_MIN_TTL && ttl <= ALIDNS_MAX_TTL)
		return ST_OK;
	return err_set(e, ST_USAGE,
	    "invalid TTL %d for Alibaba Cloud DNS; use 600 to 86400 seconds (lower values down to 1 need an Enterprise edition)",
	    ttl);
}

static void
alidns_close(void *state)
{
	struct alidns *ad = state;

	if (ad == NULL)
		return;
	alidns_client_close(&ad->client);
	free(ad);
}

static enum status
alidns_open(const struct config *cfg, void **state, struct err *e)
{
	struct alidns *ad;
	enum status st;

	*state = NULL;
	if (cfg->zone_id[0] != '\0')
		return err_set(e, ST_USAGE,
		    "Alibaba Cloud DNS identifies zones by domain name; pass --zone %s instead of --zone-id", cfg->zone_id);
	ad = calloc(1, sizeof(*ad));
	if (ad == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	st = alidns_client_open(&ad->client, cfg, e);
	if (st != ST_OK) {
		free(ad);
		return st;
	}
	snprintf(ad->zone, sizeof(ad->zone), "%s", cfg->zone);
	*state = ad;
	return ST_OK;
}

static unsigned
alidns_request_count(void *state)
{
	struct alidns *ad = state;

	return http_client_request_count(ad->client.http);
}

int
alidns_is_within(const char *fqdn, const char *zone)
{
	size_t flen = strlen(fqdn);
	size_t zlen = strlen(zone);

	if (zlen == 0 || zlen > flen)
		return 0;
	if (zlen == flen)
		return strcasecmp(fqdn, zone) == 0;
	return fqdn[flen - zlen - 1] == '.' && strcasecmp(fqdn + flen - zlen, zone) == 0;
}

void
alidns_relative_rr(const char *fqdn, const char *zone, char *rr, size_t size)
{
	size_t flen = strlen(fqdn);
	size_t zlen = strlen(zone);

	if (flen == zlen)
		snprintf(rr, size, "@");
	else
		snprintf(rr, size, "%.*s", (int)(flen - zlen - 1), fqdn);
}

/*
 * Fills zone with name as both id and name. The id field is shorter than a
 * domain name may be, so longer zone names are rejected rather than cut.
 */
static enum status
set_zone(struct zone *zone, const char *name, struct err *e)
{
	size_t len = strlen(name);
	size_t i;

	memset(zone, 0, sizeof(*zone));
	if (len >= sizeof(zone->id))
		return err_set(e, ST_USAGE, "zone name %s is longer than the %zu characters dns01-hooks can store", name,
		    sizeof(zone->id) - 1);
	for (i = 0; i < len; i++)
		zone->name[i] = (char)tolower((unsigned char)name[i]);
	memcpy(zone->id, zone->name, len + 1);
	return ST_OK;
}

/*
 * Pages through DescribeDomains and writes the longest domain of the account
 * that contains fqdn to best ("" when none). Compares both DomainName and
 * PunyCode, so an internationalised domain matches its A-label form.
 */
static enum status
list_account_zones(struct alidns *ad, const char *fqdn, char *best, size_t size, size_t *listed,
    struct alidns_error *ae, struct err *e)
{
	char page_text[16];
	char what[DOMAIN_MAX + 64];
	int page;

	best[0] = '\0';
	*listed = 0;
	snprintf(what, sizeof(what), "looking up the zone of %s", fqdn);
	for (page = 1; page <= ALIDNS_MAX_PAGES; page++) {
		struct alidns_param params[] = { { "PageNumber", page_text }, { "PageSize", ALIDNS_PAGE_SIZE } };
		struct alidns_page page_info;
		json_t *root = NULL;
		enum status st;

		snprintf(page_text, sizeof(page_text), "%d", page);
		st = alidns_call(&ad->client, "DescribeDomains", params, 2, what, &root, ae, e);
		if (st != ST_OK)
			return st;
		st = alidns_response_zones(root, fqdn, best, size, &page_info, what, e);
		json_decref(root);
		if (st != ST_OK)
			return st;
		*listed += page_info.items;
		if (page_info.items == 0 || (long long)*listed >= page_info.total)
			return ST_OK;
	}
	return err_set(e, ST_PROTOCOL, "%s: DescribeDomains returned more than %d pages; giving up; pass --zone",
	    what, ALIDNS_MAX_PAGES);
}

/*
 * Finds the zone one domain at a time, longest first, when the AccessKey may
 * not list domains: a RAM policy scoped to one domain denies DescribeDomains
 * but allows DescribeDomainRecords on that domain. Denied and unknown names
 * are skipped. Returns ST_NOT_FOUND when no name could be read.
 */
static enum status
probe_zones(struct alidns *ad, const char *fqdn, struct zone *zone, struct err *e)
{
	const char *candidate;

	for (candidate = fqdn; candidate != NULL; candidate = strchr(candidate, '.')) {
		struct alidns_param params[] = { { "DomainName", NULL }, { "PageSize", "1" } };
		char what[DOMAIN_MAX + 64];
		struct alidns_error ae;
		json_t *root = NULL;
		enum status st;

		if (*candidate == '.')
			candidate++;
		if (strchr(candidate, '.') == NULL)
			break;
		if (strncmp(candidate, "_acme-challenge.", 16) == 0)
			continue;
		params[0].value = candidate;
		snprintf(what, sizeof(what), "reading domain %s", candidate);
		st = alidns_call(&ad->client, "DescribeDomainRecords", params, 2, what, &root, &ae, e);
		json_decref(root);
		if (st == ST_OK) {
			if ((st = set_zone(zone, candidate, e)) != ST_OK)
				return st;
			log_info("zone %s found by reading it directly, because this AccessKey may not list domains",
			    zone->name);
			return ST_OK;
		}
		if (strcmp(ae.code, "Forbidden.RAM") == 0 || strcmp(ae.code, "IncorrectDomainUser") == 0 ||
		    strncmp(ae.code, "InvalidDomainName", 17) == 0) {
			log_debug("%s: %s", candidate, ae.code);
			continue;
		}
		return st;
	}
	return ST_NOT_FOUND;
}

static enum status
alidns_find_zone(void *state, const char *fqdn, struct zone *zone, struct err *e)
{
	struct alidns *ad = state;
	char best[DOMAIN_MAX + 1];
	struct alidns_error ae;
	struct err denied;
	size_t listed = 0;
	enum status st;

	memset(zone, 0, sizeof(*zone));
	if (ad->zone[0] != '\0') {
		if (!alidns_is_within(fqdn, ad->zone))
			return err_set(e, ST_USAGE, "%s is not inside the zone %s given with --zone", fqdn, ad->zone);
		return set_zone(zone, ad->zone, e);
	}

	st = list_account_zones(ad, fqdn, best, sizeof(best), &listed, &ae, e);
	if (st == ST_OK && best[0] != '\0')
		return set_zone(zone, best, e);
	if (st == ST_OK)
		return err_set(e, ST_NOT_FOUND,
		    "no domain of this Alibaba Cloud account contains %s (%zu domains listed); add the domain in the Alibaba Cloud DNS console, or use the AccessKey of the account that holds it",
		    fqdn, listed);
	if (strcmp(ae.code, "Forbidden.RAM") != 0)
		return st;

	denied = *e;
	st = probe_zones(ad, fqdn, zone, e);
	if (st != ST_NOT_FOUND)
		return st;
	*e = denied;
	return err_prefix(e,
	    "the RAM policy of this AccessKey does not allow DescribeDomains, so the zone of %s cannot be looked up, and no parent domain of it could be read; "
	    "pass --zone with the domain that the policy covers (as shown in the Alibaba Cloud DNS console), or allow alidns:DescribeDomains",
	    fqdn);
}

const struct provider_ops alidns_provider = {
	.name = "alidns",
	.default_ttl = ALIDNS_DEFAULT_TTL,
	.check_ttl = alidns_check_ttl,
	.open = alidns_open,
	.close = alidns_close,
	.find_zone = alidns_find_zone,
	.list_records = alidns_list_records,
	.create_txt = alidns_create_txt,
	.delete_record = alidns_delete_record,
	.restore_record = alidns_restore_record,
	.same_record = alidns_same_record,
	.request_count = alidns_request_count,
};
