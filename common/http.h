/*
 * HTTPS requests over libcurl, with one connection kept open per client and
 * bounded retries. TLS peer and host verification are always on.
 */
#ifndef DNS01_HTTP_H
#define DNS01_HTTP_H

#include <stddef.h>

#include "status.h"

struct http_client;

struct http_request {
	const char *method;		/* "GET", "POST", "DELETE" */
	const char *url;		/* must start with https:// */
	const char *log_url;		/* what logs show instead of url (no secrets); NULL shows url */
	const char *const *headers;	/* NULL-terminated "Name: value" lines; never logged */
	const char *body;		/* NULL for none */
};

struct http_response {
	long status;			/* HTTP status; 0 when no response arrived */
	char *body;			/* NUL-terminated; owned */
	size_t body_len;
	double retry_after;		/* Retry-After in seconds; -1 when absent */
	char date[64];			/* Date header, "" when absent */
	char error[256];		/* transport error when status is 0 */
};

/* Decides for one response whether another attempt may succeed; returns nonzero to retry. */
typedef int (*http_retry_fn)(void *ctx, const struct http_response *resp);

/* Rebuilds the request before each attempt (fresh signature or nonce); returns ST_OK or fills e. */
typedef enum status (*http_prepare_fn)(void *ctx, struct http_request *req, struct err *e);

struct http_retry_policy {
	int max_attempts;
	double base_delay;		/* seconds */
	double max_delay;		/* seconds */
	double max_total;		/* seconds from the first attempt to the start of the last */
};

/*
 * Creates a client; ca_bundle (may be NULL), a PEM file or a directory
 * indexed with `openssl rehash`, replaces the system CA store.
 * timeout bounds each request in seconds. The environment variable
 * DNS01_HTTP_TIMEOUT (whole seconds, 1 to HTTP_TIMEOUT_OVERRIDE_MAX) replaces
 * it, so that tests of a hanging server finish quickly; any other value of
 * that variable is a usage error.
 */
#define HTTP_TIMEOUT_OVERRIDE_MAX 300
enum status http_client_new(const char *ca_bundle, double timeout, struct http_client **out, struct err *e);
void http_client_free(struct http_client *client);

/* Number of requests sent by the client so far, for logs and tests. */
unsigned http_client_request_count(const struct http_client *client);

/*
 * Sends req once. Returns ST_OK when any HTTP response arrived (see
 * resp->status), ST_TRANSIENT on a transport failure, ST_PROTOCOL when the
 * server's TLS certificate does not verify, ST_USAGE on a URL that is not
 * HTTPS. resp must be released with http_response_free either way.
 */
enum status http_send(struct http_client *client, const struct http_request *req, struct http_response *resp,
    struct err *e);

/*
 * Sends req until retry returns 0 for a response or the policy runs out,
 * calling prepare (when not NULL) before each attempt. Transport failures are
 * retried too, except a certificate that does not verify. what names the
 * operation in progress messages. Returns ST_OK with the last response in
 * resp, ST_TRANSIENT when the policy ran out (resp then holds the last
 * response, if one arrived), or the status of the failure that ended it.
 */
enum status http_send_retry(struct http_client *client, struct http_request *req, const struct http_retry_policy *policy,
    http_prepare_fn prepare, http_retry_fn retry, void *ctx, const char *what, struct http_response *resp,
    struct err *e);

void http_response_free(struct http_response *resp);

/* Parses a Retry-After value: delay-seconds or an HTTP date. Returns -1 when invalid. */
double http_parse_retry_after(const char *value, long long now);

#endif
