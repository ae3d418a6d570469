/*
 * Cloudflare API v4 (https://developers.cloudflare.com/api/).
 *
 * Every response is an envelope {"success", "errors":[{"code","message"}],
 * "result", "result_info"}. Failures are classified by the numeric error
 * code, never by the message text.
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cloudflare_response.h"
#include "http.h"
#include "ini.h"
#include "log.h"
#include "provider.h"
#include "secret.h"

#define CF_DEFAULT_BASE_URL "https://api.cloudflare.com/client/v4"
#define CF_DEFAULT_TTL 120
#define CF_ZONES_PER_PAGE 50
#define CF_RECORDS_PER_PAGE 100
/* Bounds a listing even if the API kept returning more pages. */
#define CF_MAX_PAGES 100
#define CF_HTTP_TIMEOUT 30.0

struct cloudflare {
	struct http_client *http;
	char base_url[512];
	char *token;			/* API token, or NULL */
	char *email;			/* Global API Key account email, or NULL */
	char *api_key;			/* Global API Key, or NULL */
	char zone_id[128];		/* configured zone id, "" when absent */
	char zone_name[DOMAIN_MAX + 1];	/* configured zone name, "" when absent */
};


static const struct http_retry_policy cf_retry = {
	.max_attempts = 5,
	.base_delay = 0.5,
	.max_delay = 8.0,
	.max_total = 60.0,
};

static enum status
cloudflare_check_ttl(int ttl, struct err *e)
{
	if (ttl == 1 || (ttl >= 60 && ttl <= 86400))
		return ST_OK;
	return err_set(e, ST_USAGE, "invalid TTL %d for Cloudflare; use 1 (automatic) or 60 to 86400 seconds", ttl);
}

/* Reads the certbot-dns-cloudflare INI credentials file (keys dns_cloudflare_*). */
struct ini_credentials {
	struct cloudflare *cf;
	const char *path;
};

static enum status
read_ini_key(void *ctx, const char *section, const char *key, const char *value, int line, struct err *e)
{
	struct ini_credentials *ic = ctx;
	char **slot = NULL;

	(void)section;
	if (strcmp(key, "dns_cloudflare_api_token") == 0)
		slot = &ic->cf->token;
	else if (strcmp(key, "dns_cloudflare_email") == 0)
		slot = &ic->cf->email;
	else if (strcmp(key, "dns_cloudflare_api_key") == 0)
		slot = &ic->cf->api_key;
	else {
		log_debug("%s:%d: ignoring key '%s'", ic->path, line, key);
		return ST_OK;
	}
	secret_free(*slot);
	*slot = value[0] != '\0' ? strdup(value) : NULL;
	if (value[0] != '\0' && *slot == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	return ST_OK;
}

static enum status
load_credentials_file(struct cloudflare *cf, const char *path, struct err *e)
{
	struct ini_credentials ic = { cf, path };
	char *text = NULL;
	enum status st;

	st = secret_read_file(path, 1, &text, e);
	if (st != ST_OK)
		return err_prefix(e, "credentials file");
	st = ini_parse(text, path, read_ini_key, &ic, e);
	secret_free(text);
	if (st != ST_OK)
		return st;
	if (cf->token != NULL && (cf->email != NULL || cf->api_key != NULL))
		return err_set(e, ST_USAGE,
		    "credentials file '%s' sets both dns_cloudflare_api_token and the global key; keep only one", path);
	if (cf->token == NULL && (cf->email == NULL || cf->api_key == NULL))
		return err_set(e, ST_USAGE,
		    "credentials file '%s' needs dns_cloudflare_api_token, or both dns_cloudflare_email and dns_cloudflare_api_key",
		    path);
	return ST_OK;
}

static enum status
load_credentials(struct cloudflare *cf, const struct config *cfg, struct err *e)
{
	static const char *const token_vars[] = { "CLOUDFLARE_DNS_API_TOKEN", "CF_DNS_API_TOKEN", "CF_Token", NULL };
	static const char *const email_vars[] = { "CLOUDFLARE_EMAIL", "CF_API_EMAIL", "CF_Email", NULL };
	static const char *const key_vars[] = { "CLOUDFLARE_API_KEY", "CF_API_KEY", "CF_Key", NULL };
	enum status st;

	if (cfg->credentials_file[0] != '\0')
		return load_credentials_file(cf, cfg->credentials_file, e);

	if ((st = config_lookup(cfg, token_vars, "cloudflare.api_token", &cf->token, e)) != ST_OK)
		return st;
	if (cf->token != NULL)
		return ST_OK;
	if ((st = config_lookup(cfg, email_vars, "cloudflare.email", &cf->email, e)) != ST_OK ||
	    (st = config_lookup(cfg, key_vars, "cloudflare.api_key", &cf->api_key, e)) != ST_OK)
		return st;
	if (cf->email != NULL && cf->api_key != NULL)
		return ST_OK;
	if (cf->email != NULL)
		return err_set(e, ST_USAGE, "CLOUDFLARE_EMAIL is set but the Global API Key is missing; set CLOUDFLARE_API_KEY, or use an API token in CLOUDFLARE_DNS_API_TOKEN instead");
	if (cf->api_key != NULL)
		return err_set(e, ST_USAGE, "CLOUDFLARE_API_KEY is set but the account email is missing; set CLOUDFLARE_EMAIL, or use an API token in CLOUDFLARE_DNS_API_TOKEN instead");
	return err_set(e, ST_USAGE,
	    "no Cloudflare credentials; set CLOUDFLARE_DNS_API_TOKEN to an API token with Zone:DNS:Edit, or pass --credentials FILE (certbot-dns-cloudflare format)");
}

static void
cloudflare_close(void *state)
{
	struct cloudflare *cf = state;

	if (cf == NULL)
		return;
	http_client_free(cf->http);
	secret_free(cf->token);
	secret_free(cf->email);
	secret_free(cf->api_key);
	free(cf);
}

static enum status
cloudflare_open(const struct config *cfg, void **state, struct err *e)
{
	static const char *const url_vars[] = { "CLOUDFLARE_BASE_URL", NULL };
	static const char *const zone_id_vars[] = { "CLOUDFLARE_ZONE_ID", "CF_Zone_ID", NULL };
	struct cloudflare *cf;
	char *value = NULL;
	enum status st;
	size_t len;

	*state = NULL;
	cf = calloc(1, sizeof(*cf));
	if (cf == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	if ((st = load_credentials(cf, cfg, e)) != ST_OK)
		goto fail;
	/* They go into request headers, where a line break would add a header of the caller's choosing. */
	if ((cf->token != NULL && (st = secret_check_header_safe(cf->token, "the Cloudflare API token", e)) != ST_OK) ||
	    (cf->email != NULL && (st = secret_check_header_safe(cf->email, "the Cloudflare account email", e)) != ST_OK) ||
	    (cf->api_key != NULL && (st = secret_check_header_safe(cf->api_key, "the Cloudflare Global API Key", e)) != ST_OK))
		goto fail;
	if ((cf->token != NULL && (st = secret_check_length(cf->token, "the Cloudflare API token", e)) != ST_OK) ||
	    (cf->api_key != NULL && (st = secret_check_length(cf->api_key, "the Cloudflare Global API Key", e)) != ST_OK))
		goto fail;
	/* A server that echoes a credential back must not get it printed. secret_free stops hiding them. */
	log_hide_secret(cf->token);
	log_hide_secret(cf->api_key);

	if ((st = config_lookup(cfg, url_vars, "cloudflare.base_url", &value, e)) != ST_OK)
		goto fail;
	snprintf(cf->base_url, sizeof(cf->base_url), "%s", value != NULL ? value : CF_DEFAULT_BASE_URL);
	secret_free(value);
	value = NULL;
	len = strlen(cf->base_url);
	while (len > 0 && cf->base_url[len - 1] == '/')
		cf->base_url[--len] = '\0';
	if (strncmp(cf->base_url, "https://", 8) != 0) {
		st = err_set(e, ST_USAGE, "CLOUDFLARE_BASE_URL '%s' is not an https:// URL; TLS cannot be turned off",
		    cf->base_url);
		goto fail;
	}

	if (cfg->zone_id[0] != '\0') {
		snprintf(cf->zone_id, sizeof(cf->zone_id), "%s", cfg->zone_id);
	} else {
		if ((st = config_lookup(cfg, zone_id_vars, "cloudflare.zone_id", &value, e)) != ST_OK)
			goto fail;
		if (value != NULL)
			snprintf(cf->zone_id, sizeof(cf->zone_id), "%s", value);
		secret_free(value);
		value = NULL;
	}
	if (strspn(cf->zone_id, "0123456789abcdefABCDEF") != strlen(cf->zone_id)) {
		st = err_set(e, ST_USAGE, "invalid Cloudflare zone id '%s'; it is 32 hexadecimal digits, shown on the zone's Overview page",
		    cf->zone_id);
		goto fail;
	}
	snprintf(cf->zone_name, sizeof(cf->zone_name), "%s", cfg->zone);

	if ((st = http_client_new(cfg->ca_bundle, CF_HTTP_TIMEOUT, &cf->http, e)) != ST_OK)
		goto fail;
	*state = cf;
	return ST_OK;
fail:
	cloudflare_close(cf);
	return st;
}

static unsigned
cloudflare_request_count(void *state)
{
	struct cloudflare *cf = state;

	return http_client_request_count(cf->http);
}

/* Retries rate limiting (429) and server errors; every other response is final. */
static int
should_retry(void *ctx, const struct http_response *resp)
{
	(void)ctx;
	return resp->status == 429 || resp->status >= 500;
}

/*
 * Sends one API request with retries and returns the parsed envelope in
 * *root when "success" is true. what names the operation for messages.
 */
static enum status
cf_call(struct cloudflare *cf, const char *method, const char *path, json_t *body, const char *what, json_t **root,
    struct err *e)
{
	char url[2048];
	char log_url[2048];
	char auth1[1024] = "";
	char auth2[1024] = "";
	const char *headers[5];
	struct http_request req;
	struct http_response resp;
	char *body_text = NULL;
	enum status st;
	int n = 0;

	*root = NULL;
	memset(&resp, 0, sizeof(resp));
	snprintf(url, sizeof(url), "%s%s", cf->base_url, path);
	snprintf(log_url, sizeof(log_url), "%s%s", cf->base_url, path);
	if (cf->token != NULL) {
		snprintf(auth1, sizeof(auth1), "Authorization: Bearer %s", cf->token);
		headers[n++] = auth1;
	} else {
		snprintf(auth1, sizeof(auth1), "X-Auth-Email: %s", cf->email);
		snprintf(auth2, sizeof(auth2), "X-Auth-Key: %s", cf->api_key);
		headers[n++] = auth1;
		headers[n++] = auth2;
	}
	headers[n++] = "Accept: application/json";
	if (body != NULL) {
		headers[n++] = "Content-Type: application/json";
		body_text = json_dumps(body, JSON_COMPACT);
		if (body_text == NULL) {
			st = err_set(e, ST_SYSTEM, "out of memory");
			goto out;
		}
	}
	headers[n] = NULL;
	req.method = method;
	req.url = url;
	req.log_url = log_url;
	req.headers = headers;
	req.body = body_text;

	st = http_send_retry(cf->http, &req, &cf_retry, NULL, should_retry, cf, what, &resp, e);
	if (st == ST_OK)
		st = cf_response_parse(resp.body, resp.body_len, resp.status, what, root, e);
out:
	OPENSSL_cleanse(auth1, sizeof(auth1));
	OPENSSL_cleanse(auth2, sizeof(auth2));
	free(body_text);
	http_response_free(&resp);
	return st;
}

/* Percent-encodes a query value (RFC 3986 unreserved characters stay). */
static void
query_escape(const char *in, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t used = 0;

	for (; *in != '\0' && used + 4 < size; in++) {
		unsigned char c = (unsigned char)*in;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			out[used++] = (char)c;
		} else {
			out[used++] = '%';
			out[used++] = hex[c >> 4];
			out[used++] = hex[c & 15];
		}
	}
	out[used] = '\0';
}

static enum status
zone_by_id(struct cloudflare *cf, struct zone *zone, struct err *e)
{
	char path[256];
	json_t *root = NULL;
	enum status st;

	snprintf(path, sizeof(path), "/zones/%s", cf->zone_id);
	st = cf_call(cf, "GET", path, NULL, "reading the configured zone", &root, e);
	if (st == ST_OK)
		st = cf_response_zone_object(json_object_get(root, "result"), zone, "reading the configured zone", e);
	json_decref(root);
	return st;
}

/* Looks one candidate name up; ST_NOT_FOUND when the account has no such zone. */
static enum status
zone_by_name(struct cloudflare *cf, const char *name, struct zone *zone, struct err *e)
{
	char escaped[3 * DOMAIN_MAX + 1];
	char path[1024];
	char what[DOMAIN_MAX + 64];
	json_t *root = NULL;
	enum status st;

	query_escape(name, escaped, sizeof(escaped));
	snprintf(path, sizeof(path), "/zones?name=%s&per_page=%d", escaped, CF_ZONES_PER_PAGE);
	snprintf(what, sizeof(what), "looking up zone %s", name);
	st = cf_call(cf, "GET", path, NULL, what, &root, e);
	if (st != ST_OK)
		return st;
	st = cf_response_zone(root, name, zone, what, e);
	json_decref(root);
	return st;
}

static enum status
cloudflare_find_zone(void *state, const char *fqdn, struct zone *zone, struct err *e)
{
	struct cloudflare *cf = state;
	struct err denied = { ST_OK, "" };
	const char *candidate;
	enum status st;

	memset(zone, 0, sizeof(*zone));
	if (cf->zone_id[0] != '\0') {
		if (cf->zone_name[0] != '\0') {
			snprintf(zone->id, sizeof(zone->id), "%s", cf->zone_id);
			snprintf(zone->name, sizeof(zone->name), "%s", cf->zone_name);
			return ST_OK;
		}
		return zone_by_id(cf, zone, e);
	}
	if (cf->zone_name[0] != '\0') {
		st = zone_by_name(cf, cf->zone_name, zone, e);
		if (st == ST_NOT_FOUND)
			return err_set(e, ST_NOT_FOUND, "the zone %s given with --zone is not in this Cloudflare account",
			    cf->zone_name);
		return st;
	}

	/* Longest suffix first, so a delegated child zone in the account wins over its parent. */
	for (candidate = fqdn; candidate != NULL; candidate = strchr(candidate, '.')) {
		if (*candidate == '.')
			candidate++;
		if (strchr(candidate, '.') == NULL)
			break;		/* never a single-label zone */
		if (strncmp(candidate, "_acme-challenge.", 16) == 0)
			continue;
		st = zone_by_name(cf, candidate, zone, e);
		if (st == ST_OK)
			return ST_OK;
		if (st == ST_PERMISSION) {
			/* A token scoped to some zones may be denied a longer name; a shorter one can still match. */
			denied = *e;
			continue;
		}
		if (st != ST_NOT_FOUND)
			return st;
	}
	if (denied.status != ST_OK) {
		char reason[ERR_MSG_MAX];

		memcpy(reason, denied.msg, sizeof(reason));
		return err_set(e, denied.status,
		    "no zone found for %s because Cloudflare denied the lookup. If the token may not list zones, pass --zone-id. The last answer was: %s",
		    fqdn, reason);
	}
	return err_set(e, ST_NOT_FOUND,
	    "no zone in this Cloudflare account contains %s; check that the domain is on this account, or pass --zone-id",
	    fqdn);
}

static enum status
cloudflare_list_records(void *state, const struct zone *zone, const char *fqdn, struct record_list *out,
    struct err *e)
{
	struct cloudflare *cf = state;
	char escaped[3 * DOMAIN_MAX + 1];
	char path[1024];
	char what[DOMAIN_MAX + 64];
	long page = 1;
	long pages = 1;
	enum status st = ST_OK;

	memset(out, 0, sizeof(*out));
	query_escape(fqdn, escaped, sizeof(escaped));
	snprintf(what, sizeof(what), "listing records at %s", fqdn);
	for (page = 1; page <= pages; page++) {
		json_t *root = NULL;

		if (page > CF_MAX_PAGES) {
			st = err_set(e, ST_PROTOCOL, "%s: Cloudflare returned more than %d pages; giving up", what,
			    CF_MAX_PAGES);
			break;
		}
		snprintf(path, sizeof(path), "/zones/%s/dns_records?name=%s&per_page=%d&page=%ld", zone->id, escaped,
		    CF_RECORDS_PER_PAGE, page);
		st = cf_call(cf, "GET", path, NULL, what, &root, e);
		if (st != ST_OK)
			break;
		st = cf_response_records(root, fqdn, out, &pages, what, e);
		json_decref(root);
		if (st != ST_OK)
			break;
	}
	if (st != ST_OK)
		record_list_free(out);
	return st;
}

/* Finds the id of the TXT record at fqdn whose content matches value. */
static enum status
find_txt_id(struct cloudflare *cf, const struct zone *zone, const char *fqdn, const char *value, char *id,
    size_t id_size, struct err *e)
{
	struct record_list list;
	enum status st;
	size_t i;

	st = cloudflare_list_records(cf, zone, fqdn, &list, e);
	if (st != ST_OK)
		return st;
	st = err_set(e, ST_PROTOCOL, "Cloudflare reported an identical TXT record at %s, but no listed record matches",
	    fqdn);
	for (i = 0; i < list.count; i++) {
		if (strcmp(list.items[i].type, "TXT") == 0 && record_txt_matches(list.items[i].content, value)) {
			snprintf(id, id_size, "%s", list.items[i].id);
			st = ST_EXISTS;
			break;
		}
	}
	record_list_free(&list);
	return st;
}

/*
 * Called when a create request got no usable response (the connection broke,
 * the body was cut, every retry failed): the API may still have created the
 * record. Lists the name, and when a TXT record with this value is there now
 * (the caller listed none before creating), returns ST_EXISTS with its id,
 * so the record is used and later deleted like one this run created.
 * Otherwise keeps the create request's error in e.
 */
static enum status
recover_lost_create(struct cloudflare *cf, const struct zone *zone, const char *fqdn, const char *value, char *id,
    size_t id_size, struct err *e)
{
	struct err create_error = *e;
	struct err list_error = { ST_OK, "" };
	enum status st;

	st = find_txt_id(cf, zone, fqdn, value, id, id_size, &list_error);
	if (st == ST_EXISTS) {
		log_warn("%s; the record was created all the same (id %s)", create_error.msg, id);
		return ST_EXISTS;
	}
	*e = create_error;
	return e->status;
}

static enum status
cloudflare_create_txt(void *state, const struct zone *zone, const char *fqdn, const char *value, int ttl, char *id,
    size_t id_size, struct err *e)
{
	struct cloudflare *cf = state;
	char path[256];
	char quoted[VALIDATION_MAX + 3];
	char what[DOMAIN_MAX + 64];
	json_t *body;
	json_t *root = NULL;
	const char *new_id;
	enum status st;

	/* One quoted character-string, as the API documents TXT content; the DNS answer is the bare value. */
	snprintf(quoted, sizeof(quoted), "\"%s\"", value);
	snprintf(path, sizeof(path), "/zones/%s/dns_records", zone->id);
	snprintf(what, sizeof(what), "creating TXT record %s", fqdn);
	body = json_pack("{s:s, s:s, s:s, s:i, s:s}", "type", "TXT", "name", fqdn, "content", quoted, "ttl", ttl,
	    "comment", "ACME DNS-01 challenge (dns01-hooks)");
	if (body == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	st = cf_call(cf, "POST", path, body, what, &root, e);
	json_decref(body);
	if (st == ST_EXISTS)
		return find_txt_id(cf, zone, fqdn, value, id, id_size, e);
	if (st == ST_TRANSIENT || st == ST_PROTOCOL)
		return recover_lost_create(cf, zone, fqdn, value, id, id_size, e);
	if (st != ST_OK)
		return st;
	new_id = json_string_value(json_object_get(json_object_get(root, "result"), "id"));
	if (new_id == NULL || !cf_id_valid(new_id) || strlen(new_id) >= id_size)
		st = err_set(e, ST_PROTOCOL, "%s: Cloudflare's answer has no valid record id", what);
	else
		snprintf(id, id_size, "%s", new_id);
	json_decref(root);
	return st;
}

static enum status
cloudflare_delete_record(void *state, const struct zone *zone, const char *id, struct err *e)
{
	struct cloudflare *cf = state;
	char path[512];
	char what[256];
	json_t *root = NULL;
	enum status st;

	if (id[0] == '\0' || strspn(id, "0123456789abcdefABCDEF") != strlen(id))
		return err_set(e, ST_USAGE, "refusing to delete record with invalid id '%s'", id);
	snprintf(path, sizeof(path), "/zones/%s/dns_records/%s", zone->id, id);
	snprintf(what, sizeof(what), "deleting record %s", id);
	st = cf_call(cf, "DELETE", path, NULL, what, &root, e);
	json_decref(root);
	return st;
}

static enum status
cloudflare_restore_record(void *state, const struct zone *zone, const struct dns_record *rec, char *id,
    size_t id_size, struct err *e)
{
	/* Every field a client may set when creating a record; the rest (id, timestamps, meta) is the API's. */
	static const char *const settable[] = { "type", "name", "content", "ttl", "proxied", "comment", "tags",
		"priority", "data", "settings", NULL };
	struct cloudflare *cf = state;
	char path[256];
	char what[DOMAIN_MAX + 64];
	const char *const *key;
	const char *new_id;
	json_error_t jerr;
	json_t *raw;
	json_t *body;
	json_t *root = NULL;
	enum status st;

	if (rec->raw == NULL)
		return err_set(e, ST_PROTOCOL, "no saved copy of the %s record %s to restore", rec->type, rec->name);
	raw = json_loads(rec->raw, 0, &jerr);
	body = json_object();
	if (!json_is_object(raw) || body == NULL) {
		json_decref(raw);
		json_decref(body);
		return err_set(e, ST_PROTOCOL, "the saved copy of the %s record %s is not a JSON object", rec->type,
		    rec->name);
	}
	for (key = settable; *key != NULL; key++) {
		json_t *value = json_object_get(raw, *key);

		if (value != NULL && !json_is_null(value))
			json_object_set(body, *key, value);
	}
	json_decref(raw);
	snprintf(path, sizeof(path), "/zones/%s/dns_records", zone->id);
	snprintf(what, sizeof(what), "restoring %s record %s", rec->type, rec->name);
	st = cf_call(cf, "POST", path, body, what, &root, e);
	json_decref(body);
	if (st != ST_OK)
		return st;
	new_id = json_string_value(json_object_get(json_object_get(root, "result"), "id"));
	if (new_id == NULL || !cf_id_valid(new_id) || strlen(new_id) >= id_size)
		st = err_set(e, ST_PROTOCOL, "%s: Cloudflare's answer has no valid record id", what);
	else
		snprintf(id, id_size, "%s", new_id);
	json_decref(root);
	return st;
}

const struct provider_ops cloudflare_provider = {
	.name = "cloudflare",
	.default_ttl = CF_DEFAULT_TTL,
	.check_ttl = cloudflare_check_ttl,
	.open = cloudflare_open,
	.close = cloudflare_close,
	.find_zone = cloudflare_find_zone,
	.list_records = cloudflare_list_records,
	.create_txt = cloudflare_create_txt,
	.delete_record = cloudflare_delete_record,
	.restore_record = cloudflare_restore_record,
	.request_count = cloudflare_request_count,
};
