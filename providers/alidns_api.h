/*
 * A client of the Alibaba Cloud DNS RPC API, version 2015-01-09: signed
 * requests (GET with signature version 1.0 and Format=JSON by default, or
 * POST with signature version 3), bounded retries, and errors classified by
 * their Code (see alidns_response.h, which reads the responses).
 */
#ifndef DNS01_ALIDNS_API_H
#define DNS01_ALIDNS_API_H

#include <jansson.h>
#include <stddef.h>

#include "alidns_credentials.h"
#include "alidns_response.h"
#include "alidns_sign.h"
#include "config.h"
#include "http.h"
#include "status.h"

#define ALIDNS_DEFAULT_ENDPOINT "https://alidns.aliyuncs.com/"
#define ALIDNS_API_VERSION "2015-01-09"

/* The signature version of the client's requests. */
enum alidns_signature {
	ALIDNS_SIGNATURE_V1,		/* GET, parameters and HMAC-SHA1 signature in the query */
	ALIDNS_SIGNATURE_V3,		/* POST, ACS3-HMAC-SHA256 in the Authorization and x-acs-* headers */
};

struct alidns_client {
	struct http_client *http;
	char endpoint[512];		/* https URL ending in '/' */
	char host[512];			/* the endpoint's host[:port], signed as the host header by V3 */
	enum alidns_signature signature;
	struct alidns_credentials creds;
};

/*
 * Loads the credentials, the endpoint (ALIBABA_CLOUD_DNS_ENDPOINT, else
 * alidns.endpoint in the configuration file, else ALIDNS_DEFAULT_ENDPOINT;
 * a host name or an https:// URL) and the signature version
 * (ALIBABA_CLOUD_DNS_SIGNATURE_VERSION, else alidns.signature_version:
 * "v1", the default, or "v3"), and creates the HTTPS client.
 */
enum status alidns_client_open(struct alidns_client *client, const struct config *cfg, struct err *e);

void alidns_client_close(struct alidns_client *client);

/*
 * Calls action with the business parameters params (without the common
 * ones, which this adds and signs, fresh for every attempt). Retries
 * throttling (a Throttling code, or HTTP 429 with any body),
 * LastOperationNotFinished, 5xx responses and transport errors with capped
 * backoff, and SignatureNonceUsed once. what names the operation
 * in messages. On success sets *root to the parsed JSON answer (release with
 * json_decref). On an API error fills ae (when not NULL) and returns the
 * status that alidns_response_explain gives.
 */
enum status alidns_call(struct alidns_client *client, const char *action, const struct alidns_param *params,
    size_t count, const char *what, json_t **root, struct alidns_error *ae, struct err *e);

#endif
