#include "cloudflare_response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

/* One Cloudflare error: code and message from the first entry of "errors". */
struct cf_error {
	long code;
	long chain_code;		/* first code of error_chain, 0 when absent */
	char message[256];
};

/* Fills ce from the first entry of "errors" (and its error_chain). */
static void
parse_error(json_t *root, struct cf_error *ce)
{
	json_t *first = json_array_get(json_object_get(root, "errors"), 0);
	json_t *chain = json_array_get(json_object_get(first, "error_chain"), 0);
	const char *message = json_string_value(json_object_get(first, "message"));
	char raw[256];

	memset(ce, 0, sizeof(*ce));
	ce->code = (long)json_integer_value(json_object_get(first, "code"));
	ce->chain_code = (long)json_integer_value(json_object_get(chain, "code"));
	if (message == NULL)
		message = "(no message)";
	snprintf(raw, sizeof(raw), "%s", message);
	log_escape(ce->message, sizeof(ce->message), raw, strlen(raw));
}

/* Turns a Cloudflare error into a status and a message that explains what to do. */
static enum status
explain_error(const struct cf_error *ce, long http_status, const char *what, struct err *e)
{
	switch (ce->code) {
	case 6003:
	case 6100:
	case 6101:
	case 6102:
	case 6103:
	case 6111:
		return err_set(e, ST_AUTH,
		    "%s: Cloudflare rejected the request headers (code %ld/%ld: %s); the credentials are malformed, often an API token given as a Global API Key or the reverse: put a token in CLOUDFLARE_DNS_API_TOKEN, a Global API Key in CLOUDFLARE_API_KEY with CLOUDFLARE_EMAIL",
		    what, ce->code, ce->chain_code, ce->message);
	case 9103:
		return err_set(e, ST_AUTH,
		    "%s: Cloudflare does not know this email and Global API Key (code 9103: %s); check CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
		    what, ce->message);
	case 9106:
	case 9107:
		return err_set(e, ST_AUTH,
		    "%s: Cloudflare rejected the request (code %ld: %s); the email or the key is missing: set both CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or use an API token",
		    what, ce->code, ce->message);
	case 9109:
		/* Seen both for an invalid token and for a token that lacks a permission, so not fatal to a zone lookup. */
		return err_set(e, ST_PERMISSION,
		    "%s: Cloudflare refused the API token (code 9109: %s); the token is invalid, is used from an address its IP filter does not allow, or lacks a permission: listing zones needs Zone:Zone:Read, otherwise pass --zone-id",
		    what, ce->message);
	case 10000:
	case 9300:
	case 1009:
		return err_set(e, ST_PERMISSION,
		    "%s: Cloudflare rejected the credentials or denied permission (code %ld: %s); check the token: it needs the Zone:DNS:Edit permission for this zone, and Zone:Zone:Read to look zones up (or pass --zone-id)",
		    what, ce->code, ce->message);
	case 7000:
	case 7003:
		return err_set(e, ST_NOT_FOUND,
		    "%s: Cloudflare has no such zone (code %ld: %s); check the zone id given with --zone-id, CLOUDFLARE_ZONE_ID or CF_Zone_ID",
		    what, ce->code, ce->message);
	case 81044:
		return err_set(e, ST_NOT_FOUND, "%s: the record does not exist (code 81044)", what);
	case 81053:
	case 81054:
	case 81055:
		return err_set(e, ST_CONFLICT, "%s: a CNAME record already exists at that name (code %ld: %s)", what,
		    ce->code, ce->message);
	case 81057:
	case 81058:
		return err_set(e, ST_EXISTS, "%s: an identical record already exists (code %ld)", what, ce->code);
	case 1004:
	case 9000:
	case 9005:
	case 9021:
	case 9100:
		return err_set(e, ST_USAGE, "%s: Cloudflare rejected the record (code %ld: %s)", what, ce->code,
		    ce->message);
	case 10100:
		return err_set(e, ST_TRANSIENT,
		    "%s: Cloudflare's rate limit was reached (code 10100: %s); the limit is 1200 requests per 5 minutes per user, try again in 5 minutes",
		    what, ce->message);
	default:
		return err_set(e, http_status == 403 || http_status == 401 ? ST_PERMISSION : ST_PROTOCOL,
		    "%s: Cloudflare answered HTTP %ld with error code %ld: %s", what, http_status, ce->code,
		    ce->message);
	}
}

enum status
cf_response_parse(const char *body, size_t len, long http_status, const char *what, json_t **root, struct err *e)
{
	struct cf_error ce;
	json_error_t jerr;
	json_t *parsed;
	json_t *success;

	*root = NULL;
	parsed = json_loadb(body, len, 0, &jerr);
	success = json_object_get(parsed, "success");
	if (!json_is_object(parsed) || !json_is_boolean(success)) {
		char shown[160];

		log_escape(shown, sizeof(shown), body, len);
		json_decref(parsed);
		return err_set(e, http_status >= 500 ? ST_TRANSIENT : ST_PROTOCOL,
		    "%s: Cloudflare answered HTTP %ld with a body that is not an API response: %s", what, http_status,
		    shown);
	}
	if (!json_is_true(success) || http_status >= 300) {
		enum status st;

		parse_error(parsed, &ce);
		json_decref(parsed);
		st = explain_error(&ce, http_status, what, e);
		return st;
	}
	*root = parsed;
	return ST_OK;
}

int
cf_id_valid(const char *id)
{
	size_t len = strlen(id);

	return len > 0 && len < 128 &&
	    strspn(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == len;
}

/* Returns nonzero when name is a plausible zone or host name: letters, digits, '-', '_' and dots. */
static int
host_name_valid(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= DOMAIN_MAX &&
	    strspn(name, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") == len;
}

enum status
cf_response_zone_object(json_t *obj, struct zone *zone, const char *what, struct err *e)
{
	const char *id = json_string_value(json_object_get(obj, "id"));
	const char *name = json_string_value(json_object_get(obj, "name"));
	size_t i;

	if (id == NULL || name == NULL || !cf_id_valid(id) || strlen(id) >= sizeof(zone->id) ||
	    !host_name_valid(name) || strlen(name) >= sizeof(zone->name))
		return err_set(e, ST_PROTOCOL, "%s: Cloudflare returned a zone without a valid id or name", what);
	snprintf(zone->id, sizeof(zone->id), "%s", id);
	snprintf(zone->name, sizeof(zone->name), "%s", name);
	for (i = 0; zone->name[i] != '\0'; i++)
		if (zone->name[i] >= 'A' && zone->name[i] <= 'Z')
			zone->name[i] = (char)(zone->name[i] - 'A' + 'a');
	return ST_OK;
}

enum status
cf_response_zone(json_t *root, const char *name, struct zone *zone, const char *what, struct err *e)
{
	json_t *result = json_object_get(root, "result");
	json_t *item;
	size_t i;

	if (!json_is_array(result))
		return err_set(e, ST_PROTOCOL, "%s: Cloudflare's answer has no result list", what);
	json_array_foreach(result, i, item) {
		const char *found = json_string_value(json_object_get(item, "name"));

		/* The filter is exact, but check anyway: a zone must never be chosen by a looser match. */
		if (found != NULL && strcasecmp(found, name) == 0)
			return cf_response_zone_object(item, zone, what, e);
	}
	return ST_NOT_FOUND;
}

enum status
cf_response_records(json_t *root, const char *fqdn, struct record_list *out, long *pages, const char *what,
    struct err *e)
{
	json_t *result = json_object_get(root, "result");
	json_t *total = json_object_get(json_object_get(root, "result_info"), "total_pages");
	json_t *item;
	size_t i;

	*pages = json_is_integer(total) ? (long)json_integer_value(total) : 1;
	if (!json_is_array(result))
		return err_set(e, ST_PROTOCOL, "%s: Cloudflare's answer has no result list", what);
	json_array_foreach(result, i, item) {
		const char *id = json_string_value(json_object_get(item, "id"));
		const char *type = json_string_value(json_object_get(item, "type"));
		const char *name = json_string_value(json_object_get(item, "name"));
		const char *content = json_string_value(json_object_get(item, "content"));
		enum status st;

		if (id == NULL || type == NULL || name == NULL || content == NULL)
			return err_set(e, ST_PROTOCOL, "%s: Cloudflare returned a record without id, type, name or content",
			    what);
		/* The name filter is exact; records of other names are dropped all the same. */
		if (strcasecmp(name, fqdn) != 0)
			continue;
		if (!cf_id_valid(id)) {
			char shown[64];

			log_escape(shown, sizeof(shown), id, strlen(id));
			return err_set(e, ST_PROTOCOL, "%s: Cloudflare returned a record with the invalid id '%s'", what,
			    shown);
		}
		/* A CNAME target is a host name, and the CNAME policies print it and write it to the journal. */
		if (strcmp(type, "CNAME") == 0 && !host_name_valid(content)) {
			char shown[300];

			log_escape(shown, sizeof(shown), content, strlen(content));
			return err_set(e, ST_PROTOCOL, "%s: Cloudflare returned a CNAME with the invalid target '%s'", what,
			    shown);
		}
		st = record_list_add(out, id, type, name, content, (int)json_integer_value(json_object_get(item, "ttl")),
		    e);
		if (st == ST_OK) {
			char *raw = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);

			st = raw != NULL ? record_set_raw(&out->items[out->count - 1], raw, e) :
			    err_set(e, ST_SYSTEM, "out of memory");
			free(raw);
		}
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}
