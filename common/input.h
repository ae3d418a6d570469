/*
 * Validation of the challenge input: the domain and the TXT value.
 */
#ifndef DNS01_INPUT_H
#define DNS01_INPUT_H

#include <stddef.h>

#include "status.h"

/* Longest domain name in presentation form without the trailing dot (RFC 1035). */
#define DOMAIN_MAX 253
#define LABEL_MAX 63
#define VALIDATION_MAX 255

/*
 * Normalizes a domain as an ACME client passes it: strips one leading "*." and
 * one trailing dot, lowercases, converts Unicode labels to A-labels (IDNA 2008
 * through libidn2), then checks the result: 1 to 253 octets, labels of 1 to 63
 * octets made of letters, digits, hyphen and underscore, at least two labels.
 * Writes the result to out (at least DOMAIN_MAX + 1 bytes).
 */
enum status input_normalize_domain(const char *raw, char out[DOMAIN_MAX + 1], struct err *e);

/* Checks a TXT value: 1 to 255 characters of the base64url alphabet. */
enum status input_check_validation(const char *value, struct err *e);

/*
 * Parses a non-negative decimal integer (such as CERTBOT_REMAINING_CHALLENGES)
 * no larger than max. Returns -1 when text is not one.
 */
long input_parse_count(const char *text, long max);

#endif
