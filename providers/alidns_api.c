#include "alidns_api.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "secret.h"

#define ALIDNS_HTTP_TIMEOUT 30.0
/* The common parameters that every request carries besides the business ones. */
#define ALIDNS_COMMON_PARAMS 9
/* The headers of a V3 request: six signed ones, two more with STS, Authorization and Accept. */
#define ALIDNS_V3_HEADERS 10

/*
 * Throttling and LastOperationNotFinished clear within seconds, so a few
 * attempts over at most a minute are enough; more would only add load.
 */
static const struct http_retry_policy alidns_retry = {
	.max_attempts = 5,
	.base_delay = 0.5,
	.max_delay = 8.0,
	.max_total = 60.0,
};

/* State that the prepare and retry callbacks of one call share. */
struct call_state {
	struct alidns_client *client;
	const char *action;
	const struct alidns_param *params;
	size_t count;
	char *url;			/* signed URL of the current attempt; wiped */
	char *headers[ALIDNS_V3_HEADERS + 1];	/* "Name: value" lines of a V3 attempt, NULL-terminated; wiped */
	time_t signed_at;		/* when the current attempt was signed */
	int attempts;
	int nonce_retries;
};

/* Accepts a host name or an https:// URL whose path is empty or "/". */
static enum status
parse_endpoint(const char *value, char *out, size_t size, struct err *e)
{
	const char *host = value;
	size_t len;

	if (strncasecmp(value, "https://", 8) == 0)
		host = value + 8;
	else if (strstr(value, "://") != NULL)
		return err_set(e, ST_USAGE, "Alibaba Cloud DNS endpoint '%s' is not an https:// URL; TLS cannot be turned off",
		    value);
	len = strcspn(host, "/?#");
	if (len == 0 || strcspn(host, " \t\r\n") < strlen(host) ||
	    (host[len] != '\0' && strcmp(host + len, "/") != 0))
		return err_set(e, ST_USAGE,
		    "invalid Alibaba Cloud DNS endpoint '%s'; expected a host name such as alidns.cn-hangzhou.aliyuncs.com or https://HOST[:PORT]/",
		    value);
	if ((size_t)snprintf(out, size, "https://%.*s/", (int)len, host) >= size)
		return err_set(e, ST_USAGE, "Alibaba Cloud DNS endpoint '%s' is too long", value);
	return ST_OK;
}

/* Reads the signature version setting: "v1" (also when unset) or "v3", in any case. */
static enum status
load_signature_version(const struct config *cfg, enum alidns_signature *signature, struct err *e)
{
	static const char *const signature_vars[] = { "ALIBABA_CLOUD_DNS_SIGNATURE_VERSION", NULL };
	char *value = NULL;
	enum status st;

	*signature = ALIDNS_SIGNATURE_V1;
	st = config_lookup(cfg, signature_vars, "alidns.signature_version", &value, e);
	if (st != ST_OK || value == NULL)
		return st;
	if (strcasecmp(value, "v3") == 0)
		*signature = ALIDNS_SIGNATURE_V3;
	else if (strcasecmp(value, "v1") != 0)
		st = err_set(e, ST_USAGE,
		    "invalid Alibaba Cloud DNS signature version '%s' (ALIBABA_CLOUD_DNS_SIGNATURE_VERSION or alidns.signature_version); use v1 (HMAC-SHA1, the default) or v3 (ACS3-HMAC-SHA256)",
		    value);
	secret_free(value);
	return st;
}

enum status
alidns_client_open(struct alidns_client *client, const struct config *cfg, struct err *e)
{
	static const char *const endpoint_vars[] = { "ALIBABA_CLOUD_DNS_ENDPOINT", NULL };
	char *value = NULL;
	enum status st;

	memset(client, 0, sizeof(*client));
	st = config_lookup(cfg, endpoint_vars, "alidns.endpoint", &value, e);
	if (st != ST_OK)
		return st;
	st = parse_endpoint(value != NULL ? value : ALIDNS_DEFAULT_ENDPOINT, client->endpoint,
	    sizeof(client->endpoint), e);
	secret_free(value);
	if (st != ST_OK)
		return st;
	/* The endpoint is "https://HOST[:PORT]/", so the host is what lies between. */
	snprintf(client->host, sizeof(client->host), "%.*s", (int)(strlen(client->endpoint) - 9), client->endpoint + 8);
	st = load_signature_version(cfg, &client->signature, e);
	if (st != ST_OK)
		return st;
	st = alidns_credentials_load(cfg, &client->creds, e);
	if (st == ST_OK)
		st = secret_check_length(client->creds.access_key_secret, "the AccessKey secret", e);
	if (st == ST_OK && client->creds.security_token != NULL)
		st = secret_check_length(client->creds.security_token, "the STS security token", e);
	if (st != ST_OK) {
		alidns_credentials_free(&client->creds);
		return st;
	}
	/* A server that echoed a credential back must not get it printed; secret_free stops the hiding. */
	log_hide_secret(client->creds.access_key_secret);
	log_hide_secret(client->creds.security_token);
	st = http_client_new(cfg->ca_bundle, ALIDNS_HTTP_TIMEOUT, &client->http, e);
	if (st != ST_OK)
		alidns_credentials_free(&client->creds);
	return st;
}

void
alidns_client_close(struct alidns_client *client)
{
	http_client_free(client->http);
	client->http = NULL;
	alidns_credentials_free(&client->creds);
}

static void
wipe_url(struct call_state *cs)
{
	size_t i;

	if (cs->url != NULL) {
		OPENSSL_cleanse(cs->url, strlen(cs->url));
		free(cs->url);
		cs->url = NULL;
	}
	/* The headers of a V3 request carry the signature and the STS token. */
	for (i = 0; cs->headers[i] != NULL; i++) {
		OPENSSL_cleanse(cs->headers[i], strlen(cs->headers[i]));
		free(cs->headers[i]);
		cs->headers[i] = NULL;
	}
}

/* Appends "name: value" to the header lines of the attempt. */
static enum status
add_header_line(struct call_state *cs, size_t *count, const char *name, const char *value, struct err *e)
{
	size_t size = strlen(name) + strlen(value) + 3;

	if (*count >= ALIDNS_V3_HEADERS)
		return err_set(e, ST_SYSTEM, "too many request headers");
	cs->headers[*count] = malloc(size);
	if (cs->headers[*count] == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	snprintf(cs->headers[*count], size, "%s: %s", name, value);
	(*count)++;
	return ST_OK;
}

/*
 * Signs one attempt with signature version 3, the way the current Alibaba
 * Cloud SDKs call alidns. The request is a POST to the endpoint with every
 * business parameter in the query and an empty body. The action, version,
 * date and nonce go in signed x-acs-* headers.
 */
static enum status
prepare_v3_attempt(struct call_state *cs, struct http_request *req, struct err *e)
{
	const struct alidns_credentials *creds = &cs->client->creds;
	struct alidns_header signed_headers[8];
	char timestamp[ALIDNS_TIMESTAMP_SIZE];
	char nonce[ALIDNS_NONCE_SIZE];
	char empty_body_hash[ALIDNS_SHA256_HEX_SIZE];
	char signature[ALIDNS_SHA256_HEX_SIZE];
	char *canonical = NULL;
	char *names = NULL;
	char *query = NULL;
	char *authorization = NULL;
	size_t header_count = 0;
	size_t lines = 0;
	size_t auth_size;
	size_t url_size;
	size_t i;
	enum status st;

	if ((st = alidns_make_nonce(nonce, e)) != ST_OK)
		return st;
	cs->signed_at = time(NULL);
	alidns_format_timestamp(cs->signed_at, timestamp);
	alidns_sha256_hex("", 0, empty_body_hash);
	signed_headers[header_count++] = (struct alidns_header){ "host", cs->client->host };
	signed_headers[header_count++] = (struct alidns_header){ "x-acs-action", cs->action };
	signed_headers[header_count++] = (struct alidns_header){ "x-acs-version", ALIDNS_API_VERSION };
	signed_headers[header_count++] = (struct alidns_header){ "x-acs-date", timestamp };
	signed_headers[header_count++] = (struct alidns_header){ "x-acs-signature-nonce", nonce };
	signed_headers[header_count++] = (struct alidns_header){ "x-acs-content-sha256", empty_body_hash };
	if (creds->security_token != NULL) {
		signed_headers[header_count++] = (struct alidns_header){ "x-acs-security-token", creds->security_token };
		signed_headers[header_count++] = (struct alidns_header){ "x-acs-accesskey-id", creds->access_key_id };
	}

	if ((st = alidns_v3_canonical_request("POST", cs->params, cs->count, signed_headers, header_count,
	    empty_body_hash, &canonical, &names, e)) != ST_OK ||
	    (st = alidns_sign_v3(canonical, creds->access_key_secret, signature, e)) != ST_OK ||
	    (st = alidns_canonical_query(cs->params, cs->count, &query, e)) != ST_OK)
		goto out;

	auth_size = strlen(ALIDNS_V3_ALGORITHM) + strlen(creds->access_key_id) + strlen(names) + strlen(signature) + 48;
	authorization = malloc(auth_size);
	url_size = strlen(cs->client->endpoint) + strlen(query) + 2;
	cs->url = malloc(url_size);
	if (authorization == NULL || cs->url == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}
	snprintf(cs->url, url_size, "%s%s%s", cs->client->endpoint, query[0] != '\0' ? "?" : "", query);
	snprintf(authorization, auth_size, "%s Credential=%s,SignedHeaders=%s,Signature=%s", ALIDNS_V3_ALGORITHM,
	    creds->access_key_id, names, signature);

	for (i = 0; st == ST_OK && i < header_count; i++)
		st = add_header_line(cs, &lines, signed_headers[i].name, signed_headers[i].value, e);
	if (st == ST_OK)
		st = add_header_line(cs, &lines, "authorization", authorization, e);
	if (st == ST_OK)
		st = add_header_line(cs, &lines, "accept", "application/json", e);
	if (st != ST_OK)
		goto out;
	req->method = "POST";
	req->url = cs->url;
	req->headers = (const char *const *)cs->headers;
out:
	if (canonical != NULL) {
		OPENSSL_cleanse(canonical, strlen(canonical));
		free(canonical);
	}
	if (query != NULL) {
		OPENSSL_cleanse(query, strlen(query));
		free(query);
	}
	if (authorization != NULL) {
		OPENSSL_cleanse(authorization, strlen(authorization));
		free(authorization);
	}
	free(names);
	OPENSSL_cleanse(signature, sizeof(signature));
	return st;
}

/* Signs the request again for each attempt, with a new nonce and timestamp. */
static enum status
prepare_attempt(void *ctx, struct http_request *req, struct err *e)
{
	struct call_state *cs = ctx;
	const struct alidns_credentials *creds = &cs->client->creds;
	struct alidns_param *all;
	char timestamp[ALIDNS_TIMESTAMP_SIZE];
	char nonce[ALIDNS_NONCE_SIZE];
	char signature[ALIDNS_SIGNATURE_SIZE];
	char *canonical = NULL;
	char *encoded_signature = NULL;
	enum status st;
	size_t n = cs->count;
	size_t size;

	wipe_url(cs);
	cs->attempts++;
	if (cs->client->signature == ALIDNS_SIGNATURE_V3)
		return prepare_v3_attempt(cs, req, e);
	all = calloc(cs->count + ALIDNS_COMMON_PARAMS, sizeof(*all));
	if (all == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	memcpy(all, cs->params, cs->count * sizeof(*all));
	if ((st = alidns_make_nonce(nonce, e)) != ST_OK)
		goto out;
	cs->signed_at = time(NULL);
	alidns_format_timestamp(cs->signed_at, timestamp);
	all[n++] = (struct alidns_param){ "Action", cs->action };
	all[n++] = (struct alidns_param){ "Version", ALIDNS_API_VERSION };
	all[n++] = (struct alidns_param){ "Format", "JSON" };
	all[n++] = (struct alidns_param){ "AccessKeyId", creds->access_key_id };
	all[n++] = (struct alidns_param){ "SignatureMethod", "HMAC-SHA1" };
	all[n++] = (struct alidns_param){ "SignatureVersion", "1.0" };
	all[n++] = (struct alidns_param){ "SignatureNonce", nonce };
	all[n++] = (struct alidns_param){ "Timestamp", timestamp };
	if (creds->security_token != NULL)
		all[n++] = (struct alidns_param){ "SecurityToken", creds->security_token };

	if ((st = alidns_sign_v1("GET", all, n, creds->access_key_secret, signature, e)) != ST_OK ||
	    (st = alidns_canonical_query(all, n, &canonical, e)) != ST_OK)
		goto out;
	encoded_signature = alidns_percent_encode(signature);
	size = strlen(cs->client->endpoint) + strlen(canonical) + 2 * ALIDNS_SIGNATURE_SIZE + 16;
	cs->url = encoded_signature != NULL ? malloc(size) : NULL;
	if (cs->url == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}
	snprintf(cs->url, size, "%s?%s&Signature=%s", cs->client->endpoint, canonical, encoded_signature);
	req->url = cs->url;
out:
	if (canonical != NULL) {
		OPENSSL_cleanse(canonical, strlen(canonical));
		free(canonical);
	}
	free(encoded_signature);
	OPENSSL_cleanse(signature, sizeof(signature));
	free(all);
	return st;
}

/*
 * Decides whether another attempt may succeed: throttling, busy domain,
 * server errors, one reused nonce. HTTP 429 counts as throttling whatever
 * its body, since a proxy in front of the API sends its own.
 */
static int
should_retry(void *ctx, const struct http_response *resp)
{
	struct call_state *cs = ctx;
	struct alidns_error ae;

	if (!alidns_response_error(resp, &ae))
		return resp->status == 429 || resp->status >= 500;
	if (alidns_error_retryable(&ae)) {
		log_info("%s: Alibaba Cloud DNS returned %s (RequestId %s)", cs->action, ae.code, ae.request_id);
		return 1;
	}
	if (strcmp(ae.code, "SignatureNonceUsed") == 0 && cs->nonce_retries == 0) {
		cs->nonce_retries++;
		log_info("%s: SignatureNonceUsed (RequestId %s); signing again with a new nonce", cs->action,
		    ae.request_id);
		return 1;
	}
	return 0;
}

/* Writes the URL that logs show: the endpoint, Action and the business parameters, nothing that authenticates. */
static void
build_log_url(const struct alidns_client *client, const char *action, const struct alidns_param *params,
    size_t count, char *out, size_t size)
{
	size_t used;
	size_t i;

	used = (size_t)snprintf(out, size, "%s?Action=%s", client->endpoint, action);
	for (i = 0; i < count && used < size; i++) {
		char *value = alidns_percent_encode(params[i].value);

		used += (size_t)snprintf(out + used, size - used, "&%s=%s", params[i].name,
		    value != NULL ? value : "(out of memory)");
		free(value);
	}
}

enum status
alidns_call(struct alidns_client *client, const char *action, const struct alidns_param *params, size_t count,
    const char *what, json_t **root, struct alidns_error *ae, struct err *e)
{
	struct call_state cs = { client, action, params, count, NULL, { NULL }, 0, 0, 0 };
	struct alidns_request_info info = { action, client->creds.source, 0 };
	struct alidns_error local_error;
	struct http_request req;
	struct http_response resp;
	char log_url[2048];
	enum status st;

	*root = NULL;
	if (ae == NULL)
		ae = &local_error;
	memset(ae, 0, sizeof(*ae));
	memset(&resp, 0, sizeof(resp));
	build_log_url(client, action, params, count, log_url, sizeof(log_url));
	req.method = "GET";
	req.url = client->endpoint;
	req.log_url = log_url;
	req.headers = (const char *const[]){ "Accept: application/json", NULL };
	req.body = NULL;

	st = http_send_retry(client->http, &req, &alidns_retry, prepare_attempt, should_retry, &cs, what, &resp, e);
	wipe_url(&cs);
	info.signed_at = cs.signed_at;
	if (st == ST_TRANSIENT && resp.status != 0) {
		/* Retries ran out on a response: explain its code rather than only its HTTP status. */
		char gave_up[512];

		snprintf(gave_up, sizeof(gave_up), "%s: gave up after %d attempts; the last one", what, cs.attempts);
		alidns_response_explain(&resp, &info, gave_up, ae, e);
		if (e != NULL)
			e->status = ST_TRANSIENT;
		st = ST_TRANSIENT;
		goto out;
	}
	if (st == ST_OK)
		st = alidns_response_parse(&resp, &info, what, root, ae, e);
out:
	http_response_free(&resp);
	return st;
}
