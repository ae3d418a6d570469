/*
 * Request signing for the Alibaba Cloud RPC APIs: signature version 1.0
 * (HMAC-SHA1), as the Alibaba Cloud DNS API 2015-01-09 documents it under
 * "Request signatures", and the RFC 3986 percent-encoding it is built on.
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

/* Formats t as the UTC Timestamp parameter, ISO 8601 "YYYY-MM-DDThh:mm:ssZ". */
void alidns_format_timestamp(time_t t, char out[ALIDNS_TIMESTAMP_SIZE]);

/* Writes a SignatureNonce of 128 bits from the OpenSSL CSPRNG (seeded by the OS). */
enum status alidns_make_nonce(char out[ALIDNS_NONCE_SIZE], struct err *e);

#endif
