/*
 * Reading Cloudflare API v4 responses: the envelope, error codes, zone and
 * record lists. Kept apart from the requests so that it can be tested on
 * response bodies alone.
 */
#ifndef DNS01_CLOUDFLARE_RESPONSE_H
#define DNS01_CLOUDFLARE_RESPONSE_H

#include <jansson.h>
#include <stddef.h>

#include "provider.h"
#include "status.h"

/*
 * Parses a response body. When it is an envelope with "success": true and an
 * HTTP status below 300, sets *root (release with json_decref) and returns
 * ST_OK. Otherwise returns the status that the first error code maps to
 * (ST_EXISTS for 81057/81058, ST_CONFLICT for 81053-81055, ST_NOT_FOUND for
 * 81044 and 7003, ST_AUTH, ST_PERMISSION, ...) with a message saying what to
 * do. what names the operation for the message.
 */
enum status cf_response_parse(const char *body, size_t len, long http_status, const char *what, json_t **root,
    struct err *e);

/* Finds the zone named name (case-insensitive) in a /zones list; ST_NOT_FOUND when absent. */
enum status cf_response_zone(json_t *root, const char *name, struct zone *zone, const char *what, struct err *e);

/* Reads one zone object ("result" of GET /zones/{id}). */
enum status cf_response_zone_object(json_t *obj, struct zone *zone, const char *what, struct err *e);

/*
 * Appends the records of a /dns_records list page that are named exactly
 * fqdn to out, and sets *pages to result_info.total_pages (1 when absent).
 */
enum status cf_response_records(json_t *root, const char *fqdn, struct record_list *out, long *pages,
    const char *what, struct err *e);

/*
 * Returns nonzero when id can be a Cloudflare object id: 1 to 127 letters,
 * digits, '-' or '_' (the API's ids are 32 hexadecimal digits). Ids go into
 * request paths, logs and the state file, so nothing else is accepted.
 */
int cf_id_valid(const char *id);

#endif
