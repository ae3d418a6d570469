/*
 * The interface every DNS provider implements: a small table of operations.
 * The hooks call only these, so they do not know which API they talk to.
 *
 * Operations return a status and describe failures in e in words a user can
 * act on (the API's error and what to do); they never print errors
 * themselves. The caller adds the domain and prints once.
 */
#ifndef DNS01_PROVIDER_H
#define DNS01_PROVIDER_H

#include <stddef.h>

#include "config.h"
#include "input.h"
#include "status.h"

struct zone {
	char id[128];			/* the provider's zone id; the zone name for APIs keyed by name */
	char name[DOMAIN_MAX + 1];	/* lowercase, no trailing dot */
};

struct dns_record {
	char id[128];
	char type[16];			/* uppercase: "TXT", "CNAME", ... */
	char name[DOMAIN_MAX + 1];	/* fully qualified, lowercase, no trailing dot */
	char *content;			/* as the API returns it; owned */
	int ttl;
	char *raw;			/* the API's whole record object as JSON text, or NULL; owned */
	int hidden;			/* public nameservers do not serve it: disabled, or on a non-default resolution line */
	char line[64];			/* Alibaba Cloud DNS resolution line ("default", "telecom", ...); "" for other providers */
};

struct record_list {
	struct dns_record *items;
	size_t count;
};

struct provider_ops {
	const char *name;
	int default_ttl;

	/* Rejects a TTL that the API would reject, naming the allowed values. */
	enum status (*check_ttl)(int ttl, struct err *e);

	/* Loads credentials and settings; *state is released with close. */
	enum status (*open)(const struct config *cfg, void **state, struct err *e);
	void (*close)(void *state);

	/* Finds the zone of the account that contains fqdn: the longest matching suffix, never a single label. */
	enum status (*find_zone)(void *state, const char *fqdn, struct zone *zone, struct err *e);

	/* Lists the records of every type named exactly fqdn, following pagination. */
	enum status (*list_records)(void *state, const struct zone *zone, const char *fqdn, struct record_list *out,
	    struct err *e);

	/*
	 * Creates a TXT record and writes its id to id. Returns ST_EXISTS with
	 * the existing record's id when an identical one is there already, and
	 * ST_CONFLICT when a CNAME at the name blocks it.
	 */
	enum status (*create_txt)(void *state, const struct zone *zone, const char *fqdn, const char *value, int ttl,
	    char *id, size_t id_size, struct err *e);

	/* Deletes one record by id; ST_NOT_FOUND when it no longer exists. */
	enum status (*delete_record)(void *state, const struct zone *zone, const char *id, struct err *e);

	/*
	 * Recreates a record that list_records returned, with every attribute
	 * the API lets a client set (for Cloudflare also proxied, comment and
	 * tags; for Alibaba Cloud also Line, Priority, Remark and Status), from
	 * rec->raw. Writes the new record's id to id.
	 */
	enum status (*restore_record)(void *state, const struct zone *zone, const struct dns_record *rec, char *id,
	    size_t id_size, struct err *e);

	/*
	 * Returns nonzero when a listed record has every attribute that
	 * restore_record sets from the saved one (target and line aside). NULL
	 * for a provider whose restore_record sets them all in one request.
	 */
	int (*same_record)(const struct dns_record *saved, const struct dns_record *listed);

	/* Number of API requests sent so far. */
	unsigned (*request_count)(void *state);
};

/* Returns the provider called name, or NULL. */
const struct provider_ops *provider_find(const char *name);

/* Writes the names of all providers, comma-separated, to buf. */
void provider_names(char *buf, size_t size);

/* Releases the records of list. */
void record_list_free(struct record_list *list);

/* Appends a record (the content is copied); returns ST_SYSTEM when out of memory. */
enum status record_list_add(struct record_list *list, const char *id, const char *type, const char *name,
    const char *content, int ttl, struct err *e);

/* Appends a copy of rec with every field, its content and raw text included; ST_SYSTEM when out of memory. */
enum status record_list_add_copy(struct record_list *list, const struct dns_record *rec, struct err *e);

/* Stores a copy of the API's JSON text of the record (see struct dns_record.raw). */
enum status record_set_raw(struct dns_record *rec, const char *raw, struct err *e);

/* Returns a CNAME target in canonical form: lowercase, without the trailing dot. */
void record_canonical_name(const char *name, char *out, size_t size);

/*
 * Returns nonzero when the content of a TXT record equals value, with one
 * pair of surrounding double quotes ignored on the content.
 */
int record_txt_matches(const char *content, const char *value);

#endif
