#include "alidns_sign.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
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

static void
hex_encode(const unsigned char *bytes, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

void
alidns_sha256_hex(const void *data, size_t len, char out[ALIDNS_SHA256_HEX_SIZE])
{
	unsigned char digest[SHA256_DIGEST_LENGTH];

	SHA256(data, len, digest);
	hex_encode(digest, sizeof(digest), out);
}

static int
compare_headers(const void *a, const void *b)
{
	const struct alidns_header *ha = a;
	const struct alidns_header *hb = b;

	return strcmp(ha->name, hb->name);
}

/* Returns the length of value without leading and trailing spaces and tabs, and sets *start past the leading ones. */
static size_t
trimmed(const char *value, const char **start)
{
	size_t len;

	value += strspn(value, " \t");
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	*start = value;
	return len;
}

/* Checks that every header name is lowercase, not empty and given once; headers must be sorted. */
static enum status
check_header_names(const struct alidns_header *sorted, size_t count, struct err *e)
{
	size_t i;
	size_t k;

	for (i = 0; i < count; i++) {
		if (sorted[i].name == NULL || sorted[i].name[0] == '\0' || sorted[i].value == NULL)
			return err_set(e, ST_USAGE, "request header %zu has no name or no value", i);
		for (k = 0; sorted[i].name[k] != '\0'; k++)
			if (sorted[i].name[k] >= 'A' && sorted[i].name[k] <= 'Z')
				return err_set(e, ST_USAGE, "request header name %s is not lowercase", sorted[i].name);
		if (i > 0 && strcmp(sorted[i - 1].name, sorted[i].name) == 0)
			return err_set(e, ST_USAGE, "request header %s is given twice", sorted[i].name);
	}
	return ST_OK;
}

enum status
alidns_v3_canonical_request(const char *method, const struct alidns_param *query, size_t query_count,
    const struct alidns_header *headers, size_t header_count, const char *hashed_payload, char **out,
    char **signed_headers, struct err *e)
{
	struct alidns_header *sorted;
	char *canonical_query = NULL;
	char *names = NULL;
	char *text = NULL;
	size_t names_size = 1;
	size_t text_size;
	size_t used = 0;
	size_t i;
	enum status st;

	*out = NULL;
	*signed_headers = NULL;
	sorted = calloc(header_count > 0 ? header_count : 1, sizeof(*sorted));
	if (sorted == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	memcpy(sorted, headers, header_count * sizeof(*sorted));
	qsort(sorted, header_count, sizeof(*sorted), compare_headers);
	st = check_header_names(sorted, header_count, e);
	if (st == ST_OK)
		st = alidns_canonical_query(query, query_count, &canonical_query, e);
	if (st != ST_OK)
		goto out;

	text_size = strlen(method) + strlen(canonical_query) + strlen(hashed_payload) + 8;
	for (i = 0; i < header_count; i++) {
		names_size += strlen(sorted[i].name) + 1;
		text_size += 2 * strlen(sorted[i].name) + strlen(sorted[i].value) + 3;
	}
	names = malloc(names_size);
	text = malloc(text_size);
	if (names == NULL || text == NULL) {
		st = err_set(e, ST_SYSTEM, "out of memory");
		goto out;
	}

	names[0] = '\0';
	for (i = 0; i < header_count; i++) {
		strcat(names, sorted[i].name);
		if (i + 1 < header_count)
			strcat(names, ";");
	}
	used = (size_t)snprintf(text, text_size, "%s\n/\n%s\n", method, canonical_query);
	for (i = 0; i < header_count; i++) {
		const char *value;
		size_t len = trimmed(sorted[i].value, &value);

		used += (size_t)snprintf(text + used, text_size - used, "%s:%.*s\n", sorted[i].name, (int)len, value);
	}
	snprintf(text + used, text_size - used, "\n%s\n%s", names, hashed_payload);
	*out = text;
	*signed_headers = names;
	text = NULL;
	names = NULL;
out:
	if (canonical_query != NULL) {
		OPENSSL_cleanse(canonical_query, strlen(canonical_query));
		free(canonical_query);
	}
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	free(names);
	free(sorted);
	return st;
}

enum status
alidns_sign_v3(const char *canonical_request, const char *secret, char signature[ALIDNS_SHA256_HEX_SIZE],
    struct err *e)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	char hashed[ALIDNS_SHA256_HEX_SIZE];
	char to_sign[sizeof(ALIDNS_V3_ALGORITHM) + ALIDNS_SHA256_HEX_SIZE];
	enum status st = ST_OK;

	signature[0] = '\0';
	alidns_sha256_hex(canonical_request, strlen(canonical_request), hashed);
	snprintf(to_sign, sizeof(to_sign), "%s\n%s", ALIDNS_V3_ALGORITHM, hashed);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)to_sign, strlen(to_sign), digest,
	    &digest_len) == NULL || digest_len != SHA256_DIGEST_LENGTH)
		st = err_set(e, ST_SYSTEM, "HMAC-SHA256 computation failed in OpenSSL");
	else
		hex_encode(digest, digest_len, signature);
	OPENSSL_cleanse(digest, sizeof(digest));
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
