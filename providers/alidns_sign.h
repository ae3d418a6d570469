/*
 * Request signing for the Alibaba Cloud RPC APIs, and the RFC 3986
 * percent-encoding it is built on. Signature version 1.0 (HMAC-SHA1) is as
 * the Alibaba Cloud DNS API 2015-01-09 documents it under "Request
 * signatures". Signature version 3 (ACS3-HMAC-SHA256) is as the Alibaba
 * Cloud SDK documentation describes it under "V3 request body and
 * signature".
 *
 * Every function returns heap strings that the caller releases with free,
 * or fills a caller's buffer; none of them logs anything.
 */
#ifndef DNS01_ALIDNS_SIGN_H
#define DNS01_ALIDNS_SIGN_H

#include <stddef.h>
#include <time.h>

#include "status.h"

/* "2016-03-24T16:41:54Z" plus the terminating NUL. */
#define ALIDNS_TIMESTAMP_SIZE 21
/* 128 random bits as 32 lowercase hexadecimal digits plus the NUL. */
#define ALIDNS_NONCE_SIZE 33
/* Base64 of a 20-byte HMAC-SHA1 is 28 characters, plus the NUL. */
#define ALIDNS_SIGNATURE_SIZE 29

/* One request parameter; name and value are UTF-8 and owned by the caller. */
struct alidns_param {
	const char *name;
	const char *value;
};

/*
 * Percent-encodes in per RFC 3986 section 2: the unreserved characters
 * A-Z a-z 0-9 - _ . ~ stay, every other byte becomes %XY with uppercase hex
 * (so a space is %20, never +). Returns a heap string, or NULL when out of
 * memory.
 */
char *alidns_percent_encode(const char *in);

/*
 * Builds the canonicalized query string: each name and value
 * percent-encoded, the pairs sorted by encoded name in byte order (then by
 * encoded value), joined as name=value with '&'. Sets *out to a heap string.
 * Returns ST_USAGE when a name is empty or given twice.
 */
enum status alidns_canonical_query(const struct alidns_param *params, size_t count, char **out, struct err *e);

/*
 * Builds the string to sign: method, "&", the encoded "/" ("%2F"), "&", and
 * the canonicalized query percent-encoded once more. Sets *out to a heap
 * string.
 */
enum status alidns_string_to_sign(const char *method, const char *canonical_query, char **out, struct err *e);

/*
 * Computes the version 1.0 signature of a request: Base64 of
 * HMAC-SHA1(key = secret + "&", the string to sign). params must not contain
 * Signature. Writes the Base64 text (not yet percent-encoded) to signature.
 */
enum status alidns_sign_v1(const char *method, const struct alidns_param *params, size_t count, const char *secret,
    char signature[ALIDNS_SIGNATURE_SIZE], struct err *e);

/* The algorithm name of signature version 3, first word of its Authorization header. */
#define ALIDNS_V3_ALGORITHM "ACS3-HMAC-SHA256"
/* A SHA-256 digest or HMAC-SHA256 as 64 lowercase hexadecimal digits, plus the NUL. */
#define ALIDNS_SHA256_HEX_SIZE 65

/* One request header for signature version 3; the name is lowercase. */
struct alidns_header {
	const char *name;
	const char *value;
};

/* Writes the lowercase hexadecimal SHA-256 digest of data, as x-acs-content-sha256 carries it. */
void alidns_sha256_hex(const void *data, size_t len, char out[ALIDNS_SHA256_HEX_SIZE]);

/*
 * Builds the canonical request of signature version 3, whose lines are: the
 * method, "/", the canonicalized query ("" without parameters), one
 * "name:value" line per header sorted by name with values trimmed, an empty
 * line, the header names joined with ';', and hashed_payload (the
 * x-acs-content-sha256 value). Every header given is signed, so pass host,
 * content-type when there is a body, and the x-acs-* headers. Sets *out to
 * the canonical request and *signed_headers to the name list, both heap
 * strings. Returns ST_USAGE when a header name is empty, not lowercase, or
 * given twice.
 */
enum status alidns_v3_canonical_request(const char *method, const struct alidns_param *query, size_t query_count,
    const struct alidns_header *headers, size_t header_count, const char *hashed_payload, char **out,
    char **signed_headers, struct err *e);

/*
 * Computes the version 3 signature of a canonical request: lowercase hex of
 * HMAC-SHA256(key = secret, "ACS3-HMAC-SHA256\n" + hex SHA-256 of the
 * canonical request). Unlike version 1.0, the key has no "&" appended.
 */
enum status alidns_sign_v3(const char *canonical_request, const char *secret,
    char signature[ALIDNS_SHA256_HEX_SIZE], struct err *e);

/* Formats t as the UTC Timestamp parameter, ISO 8601 "YYYY-MM-DDThh:mm:ssZ". */
void alidns_format_timestamp(time_t t, char out[ALIDNS_TIMESTAMP_SIZE]);

/* Writes a SignatureNonce of 128 bits from the OpenSSL CSPRNG (seeded by the OS). */
enum status alidns_make_nonce(char out[ALIDNS_NONCE_SIZE], struct err *e);

#endif
