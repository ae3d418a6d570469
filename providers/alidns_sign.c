#include "alidns_sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One encoded pair while the canonical query is sorted. */
struct encoded_pair {
	char *name;
	char *value;
};

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	    c == '.' || c == '~';
}

char *
alidns_percent_encode(const char *in)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(in);
	char *out;
	size_t used = 0;
	size_t i;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(3 * len + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (is_unreserved(c)) {
			out[used++] = (char)c;
		} else {
			out[used++] = '%';
			out[used++] = hex[c >> 4];
			out[used++] = hex[c & 15];
		}
	}
	out[used] = '\0';
	return out;
}

static int
compare_pairs(const void *a, const void *b)
{
	const struct encoded_pair *pa = a;
	const struct encoded_pair *pb = b;
	int by_name = strcmp(pa->name, pb->name);

	return by_name != 0 ? by_name : strcmp(pa->value, pb->value);
}

static void
free_pairs(struct encoded_pair *pairs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		/* Values include the SecurityToken, so they are wiped like other secrets. */
		if (pairs[i].value != NULL)
			OPENSSL_cleanse(pairs[i].value, strlen(pairs[i].value));
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
}

enum status
alidns_canonical_query(const struct alidns_param *params, size_t count, char **out, struct err *e)
{
	struct encoded_pair *pairs;
	enum status st = ST_OK;
	size_t total = 1;
	size_t used = 0;
	size_t i;
	char *text;

	*out = NULL;
	pairs = calloc(count > 0 ? count : 1, sizeof(*pairs));
	if (pairs == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	for (i = 0; i < count; i++) {
		if (params[i].name == NULL || params[i].name[0] == '\0' || params[i].value == NULL) {
			st = err_set(e, ST_USAGE, "request parameter %zu has no name or no value", i);
			goto out;
		}
		pairs[i].name = alidns_percent_encode(params[i].name);
		pairs[i].value = alidns_percent_encode(params[i].value);
		if (pairs[i].name == NULL || pairs[i].value == NULL) {
			st = err_set(e, ST_SYSTEM, "out of memory");
			goto out;
		}
		total += strlen(pairs[i].name) + strlen(pairs[i].value) + 2;
	}
	qsort(pairs, count, sizeof(*pairs), compare_pairs);
	for (i = 1; i < count; i++) {
		if (strcmp(pairs[i - 1].name, pairs[i].name) == 0) {
			st = err_set(e, ST_USAGE, "request parameter %s is given twice", pairs[i].name);
			goto out;
		}
	}

	text = malloc(total);
	if (text == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}
	text[0] = '\0';
	for (i = 0; i < count; i++)
		used += (size_t)snprintf(text + used, total - used, "%s%s=%s", i > 0 ? "&" : "", pairs[i].name,
		    pairs[i].value);
	*out = text;
out:
	free_pairs(pairs, count);
	return st;
}

enum status
alidns_string_to_sign(const char *method, const char *canonical_query, char **out, struct err *e)
{
	char *encoded;
	size_t size;

	*out = NULL;
	encoded = alidns_percent_encode(canonical_query);
	if (encoded == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	size = strlen(method) + strlen("&%2F&") + strlen(encoded) + 1;
	*out = malloc(size);
	if (*out == NULL) {
		OPENSSL_cleanse(encoded, strlen(encoded));
		free(encoded);
		return err_set(e, ST_SYSTEM, "out of memory");
	}
	snprintf(*out, size, "%s&%%2F&%s", method, encoded);
	OPENSSL_cleanse(encoded, strlen(encoded));
	free(encoded);
	return ST_OK;
}

enum status
alidns_sign_v1(const char *method, const struct alidns_param *params, size_t count, const char *secret,
    char signature[ALIDNS_SIGNATURE_SIZE], struct err *e)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	char *canonical = NULL;
	char *to_sign = NULL;
	char *key = NULL;
	size_t key_len;
	enum status st;

	signature[0] = '\0';
	st = alidns_canonical_query(params, count, &canonical, e);
	if (st != ST_OK)
		return st;
	st = alidns_string_to_sign(method, canonical, &to_sign, e);
	if (st != ST_OK)
		goto out;

	key_len = strlen(secret) + 1;
	key = malloc(key_len + 1);
	if (key == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}
	snprintf(key, key_len + 1, "%s&", secret);
	if (HMAC(EVP_sha1(), key, (int)key_len, (const unsigned char *)to_sign, strlen(to_sign), digest,
	    &digest_len) == NULL || digest_len != 20) {
		st = err_set(e, ST_SYSTEM, "HMAC-SHA1 computation failed in OpenSSL");
		goto out;
	}
	/* 20 bytes encode to 28 Base64 characters, which fits ALIDNS_SIGNATURE_SIZE with the NUL. */
	EVP_EncodeBlock((unsigned char *)signature, digest, (int)digest_len);
out:
	OPENSSL_cleanse(digest, sizeof(digest));
	if (key != NULL) {
		OPENSSL_cleanse(key, strlen(key));
		free(key);
	}
	if (to_sign != NULL) {
		OPENSSL_cleanse(to_sign, strlen(to_sign));
		free(to_sign);
	}
	if (canonical != NULL) {
		OPENSSL_cleanse(canonical, strlen(canonical));
		free(canonical);
	}
	return st;
}

void
alidns_format_timestamp(time_t t, char out[ALIDNS_TIMESTAMP_SIZE])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, ALIDNS_TIMESTAMP_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, ALIDNS_TIMESTAMP_SIZE, "1970-01-01T00:00:00Z");
}

enum status
alidns_make_nonce(char out[ALIDNS_NONCE_SIZE], struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[16];
	size_t i;

	if (RAND_bytes(bytes, (int)sizeof(bytes)) != 1)
		return err_set(e, ST_SYSTEM, "the OpenSSL random generator failed to produce a SignatureNonce");
	for (i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * sizeof(bytes)] = '\0';
	return ST_OK;
}
