#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "backoff.h"
#include "clock.h"
#include "log.h"
#include "version.h"

/* Larger API answers are cut off: no answer of the record APIs comes near it. */
#define HTTP_BODY_MAX (16 * 1024 * 1024)
#define HTTP_CONNECT_TIMEOUT 10L

struct http_client {
	CURL *curl;
	char *ca_file;		/* CURLOPT_CAINFO, or NULL to load no bundle */
	char *ca_dir;		/* CURLOPT_CAPATH, or NULL to look up no directory */
	int ca_default;		/* neither is known: keep libcurl's built-in CA settings */
	long timeout;
	unsigned request_count;
};

static int curl_ready;

/*
 * libcurl's memory functions. libcurl builds each request, with its
 * Authorization header, in buffers that it frees unwiped, so every block is
 * wiped before it is freed. malloc_usable_size gives the size of a block.
 */
static void
wiping_free(void *ptr)
{
	if (ptr == NULL)
		return;
	OPENSSL_cleanse(ptr, malloc_usable_size(ptr));
	free(ptr);
}

static void *
wiping_realloc(void *ptr, size_t size)
{
	size_t old_size;
	void *grown;

	if (ptr == NULL)
		return malloc(size);
	if (size == 0) {
		wiping_free(ptr);
		return NULL;
	}
	/* A new block and a copy, because realloc may move the data and leave the old block unwiped. */
	grown = malloc(size);
	if (grown == NULL)
		return NULL;
	old_size = malloc_usable_size(ptr);
	memcpy(grown, ptr, old_size < size ? old_size : size);
	wiping_free(ptr);
	return grown;
}

static char *
curl_strdup(const char *s)
{
	return strdup(s);
}

/* Reads DNS01_HTTP_TIMEOUT into *timeout when it is set. */
static enum status
timeout_override(double *timeout, struct err *e)
{
	const char *text = getenv("DNS01_HTTP_TIMEOUT");
	char shown[64];
	char *end = NULL;
	long seconds;

	if (text == NULL || text[0] == '\0')
		return ST_OK;
	seconds = isdigit((unsigned char)text[0]) ? strtol(text, &end, 10) : -1;
	if (end == NULL || *end != '\0' || seconds < 1 || seconds > HTTP_TIMEOUT_OVERRIDE_MAX) {
		log_escape(shown, sizeof(shown), text, strlen(text));
		return err_set(e, ST_USAGE, "invalid DNS01_HTTP_TIMEOUT '%s'; expected whole seconds from 1 to %d",
		    shown, HTTP_TIMEOUT_OVERRIDE_MAX);
	}
	*timeout = (double)seconds;
	return ST_OK;
}

static int
is_directory(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/*
 * Chooses the trust anchors. A file given by the user is loaded whole. A
 * directory given by the user is searched by subject hash, in the layout
 * that `openssl rehash` makes. Either one replaces the system store.
 *
 * Without one, the client reads libcurl's built-in CA directory when libcurl
 * has one (Debian 12: /etc/ssl/certs), so that OpenSSL opens only the
 * certificates that a chain names. Loading Debian's whole bundle of 144
 * certificates instead cost each process about 29 ms of CPU on the
 * benchmark machine (BENCHMARKS.md).
 * When libcurl has no CA directory, libcurl's default bundle stays in use.
 */
static enum status
choose_ca(struct http_client *client, const char *ca_bundle)
{
	char *builtin_dir = NULL;

	if (ca_bundle != NULL && ca_bundle[0] != '\0') {
		if (is_directory(ca_bundle))
			client->ca_dir = strdup(ca_bundle);
		else
			client->ca_file = strdup(ca_bundle);
		return client->ca_dir != NULL || client->ca_file != NULL ? ST_OK : ST_SYSTEM;
	}
#if LIBCURL_VERSION_NUM >= 0x075400
	/* CURLINFO_CAPATH (libcurl 7.84.0 and later) reports the built-in default. */
	if (curl_easy_getinfo(client->curl, CURLINFO_CAPATH, &builtin_dir) != CURLE_OK)
		builtin_dir = NULL;
#endif
	if (builtin_dir == NULL || !is_directory(builtin_dir)) {
		client->ca_default = 1;
		return ST_OK;
	}
	client->ca_dir = strdup(builtin_dir);
	return client->ca_dir != NULL ? ST_OK : ST_SYSTEM;
}

enum status
http_client_new(const char *ca_bundle, double timeout, struct http_client **out, struct err *e)
{
	struct http_client *client;
	enum status st;

	*out = NULL;
	if ((st = timeout_override(&timeout, e)) != ST_OK)
		return st;
	if (!curl_ready) {
		if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, wiping_free, wiping_realloc, curl_strdup, calloc) !=
		    CURLE_OK)
			return err_set(e, ST_SYSTEM, "libcurl initialisation failed");
		curl_ready = 1;
	}
	client = calloc(1, sizeof(*client));
	if (client == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	client->curl = curl_easy_init();
	client->timeout = (long)(timeout > 1 ? timeout : 1);
	if (client->curl == NULL || choose_ca(client, ca_bundle) != ST_OK) {
		http_client_free(client);
		return err_set(e, ST_SYSTEM, "out of memory");
	}
	*out = client;
	return ST_OK;
}

void
http_client_free(struct http_client *client)
{
	if (client == NULL)
		return;
	if (client->curl != NULL)
		curl_easy_cleanup(client->curl);
	free(client->ca_file);
	free(client->ca_dir);
	free(client);
}

unsigned
http_client_request_count(const struct http_client *client)
{
	return client->request_count;
}

void
http_response_free(struct http_response *resp)
{
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
	resp->retry_after = -1;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct http_response *resp = userdata;
	size_t len = size * nmemb;
	char *grown;

	if (resp->body_len + len > HTTP_BODY_MAX)
		return 0;	/* makes libcurl fail the transfer with CURLE_WRITE_ERROR */
	grown = realloc(resp->body, resp->body_len + len + 1);
	if (grown == NULL)
		return 0;
	memcpy(grown + resp->body_len, data, len);
	resp->body = grown;
	resp->body_len += len;
	resp->body[resp->body_len] = '\0';
	return len;
}

double
http_parse_retry_after(const char *value, long long now)
{
	struct tm tm;
	char *end = NULL;
	double seconds;

	while (isspace((unsigned char)*value))
		value++;
	if (isdigit((unsigned char)*value)) {
		/* delay-seconds is 1*DIGIT (RFC 9110 section 10.2.3): no sign, fraction or exponent. */
		seconds = 0;
		for (end = (char *)value; isdigit((unsigned char)*end) && seconds < 1e9; end++)
			seconds = seconds * 10 + (*end - '0');
		while (isspace((unsigned char)*end))
			end++;
		return *end == '\0' ? seconds : -1;
	}
	/* IMF-fixdate, the only date form that servers send now (RFC 9110 section 5.6.7). */
	memset(&tm, 0, sizeof(tm));
	end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return -1;
	seconds = (double)(timegm(&tm) - now);
	return seconds > 0 ? seconds : 0;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct http_response *resp = userdata;
	size_t len = size * nmemb;
	char line[256];
	char *value;

	if (len >= sizeof(line))
		return len;
	memcpy(line, data, len);
	line[len] = '\0';
	/* A new status line (after a 100 Continue or a redirect) starts a new header block. */
	if (strncmp(line, "HTTP/", 5) == 0) {
		resp->retry_after = -1;
		resp->date[0] = '\0';
		return len;
	}
	value = strchr(line, ':');
	if (value == NULL)
		return len;
	*value++ = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	value[strcspn(value, "\r\n")] = '\0';
	if (strcasecmp(line, "Retry-After") == 0)
		resp->retry_after = http_parse_retry_after(value, (long long)time(NULL));
	else if (strcasecmp(line, "Date") == 0)
		log_escape(resp->date, sizeof(resp->date), value, strlen(value));
	return len;
}

/*
 * Maps a libcurl failure to a status. A certificate that does not verify
 * will not verify on the next attempt either, so it is not ST_TRANSIENT
 * and http_send_retry does not repeat it.
 */
static enum status
transport_status(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CACERT_BADFILE:
		return ST_USAGE;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return ST_PROTOCOL;
	default:
		return ST_TRANSIENT;
	}
}

enum status
http_send(struct http_client *client, const struct http_request *req, struct http_response *resp, struct err *e)
{
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *curl = client->curl;
	const char *const *h;
	enum status st = ST_OK;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after = -1;
	if (strncmp(req->url, "https://", 8) != 0)
		return err_set(e, ST_USAGE, "API URL '%s' is not HTTPS; only TLS connections are allowed",
		    req->log_url != NULL ? req->log_url : req->url);

	for (h = req->headers; h != NULL && *h != NULL; h++) {
		struct curl_slist *grown = curl_slist_append(headers, *h);

		if (grown == NULL) {
			st = err_set(e, ST_SYSTEM, "out of memory");
			goto out;
		}
		headers = grown;
	}

	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, req->url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	if (req->body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "dns01-hooks/" DNS01_VERSION);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (!client->ca_default) {
		/* NULL clears libcurl's default, so that only the chosen file or directory is trusted. */
		curl_easy_setopt(curl, CURLOPT_CAINFO, client->ca_file);
		curl_easy_setopt(curl, CURLOPT_CAPATH, client->ca_dir);
	}
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
	    client->timeout < HTTP_CONNECT_TIMEOUT ? client->timeout : HTTP_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, client->timeout);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, resp);

	log_debug("%s %s", req->method, req->log_url != NULL ? req->log_url : req->url);
	client->request_count++;
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		const char *reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);

		/* libcurl's message may quote the server (a certificate name, a status line). */
		log_escape(resp->error, sizeof(resp->error), reason, strlen(reason));
		resp->status = 0;
		st = err_set(e, transport_status(rc), "request to %s failed: %s",
		    req->log_url != NULL ? req->log_url : req->url, resp->error);
		/* Most verification failures come down to which CA certificates are trusted, so name them. */
		if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_ISSUER_ERROR) {
			const char *source = client->ca_file != NULL ? client->ca_file : client->ca_dir;
			char shown[256];

			log_escape(shown, sizeof(shown), source != NULL ? source : "libcurl's default",
			    strlen(source != NULL ? source : "libcurl's default"));
			snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg),
			    "; trusted CA certificates: %s (choose others with --ca-bundle; a directory needs `openssl rehash`)",
			    shown);
		}
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (resp->body == NULL) {
		resp->body = calloc(1, 1);
		if (resp->body == NULL) {
			st = err_set(e, ST_SYSTEM, "out of memory");
			goto out;
		}
	}
	if (log_enabled(LOG_TRACE)) {
		char shown[2048];

		log_trace("HTTP %ld: %s", resp->status, log_escape(shown, sizeof(shown), resp->body, resp->body_len));
	} else {
		log_debug("HTTP %ld (%zu bytes)", resp->status, resp->body_len);
	}
out:
	/* Clear the list from the handle and wipe it before freeing it: it contains credentials. */
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	for (struct curl_slist *item = headers; item != NULL; item = item->next)
		OPENSSL_cleanse(item->data, strlen(item->data));
	curl_slist_free_all(headers);
	return st;
}

enum status
http_send_retry(struct http_client *client, struct http_request *req, const struct http_retry_policy *policy,
    http_prepare_fn prepare, http_retry_fn retry, void *ctx, const char *what, struct http_response *resp,
    struct err *e)
{
	struct backoff b;
	enum status st;

	backoff_init(&b, policy->max_attempts, policy->base_delay, policy->max_delay, policy->max_total);
	for (;;) {
		double delay;

		if (prepare != NULL && (st = prepare(ctx, req, e)) != ST_OK)
			return st;
		st = http_send(client, req, resp, e);
		if (st != ST_OK && st != ST_TRANSIENT)
			return st;
		if (st == ST_OK && !retry(ctx, resp))
			return ST_OK;
		delay = backoff_next(&b, resp->retry_after);
		if (delay < 0) {
			if (st == ST_OK)
				err_set(e, ST_TRANSIENT, "%s: gave up after %d attempts, last answer HTTP %ld", what,
				    b.attempt, resp->status);
			else
				err_set(e, ST_TRANSIENT, "%s: gave up after %d attempts, last error: %s", what,
				    b.attempt, resp->error);
			return ST_TRANSIENT;
		}
		if (st == ST_OK)
			log_warn("%s: HTTP %ld, retrying in %.1f s (attempt %d of %d)", what, resp->status, delay,
			    b.attempt + 1, b.max_attempts);
		else
			log_warn("%s: %s, retrying in %.1f s (attempt %d of %d)", what, resp->error, delay,
			    b.attempt + 1, b.max_attempts);
		http_response_free(resp);
		clock_sleep(delay);
	}
}
