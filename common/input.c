#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* Checks the name label by label; on failure names the first offending label. */
static enum status
check_labels(const char *name, const char *shown, struct err *e)
{
	const char *label = name;
	size_t labels = 0;

	if (strlen(name) > DOMAIN_MAX)
		return err_set(e, ST_USAGE, "domain '%s' is %zu octets long, more than the maximum of %d",
		    shown, strlen(name), DOMAIN_MAX);
	while (*label != '\0') {
		const char *end = strchr(label, '.');
		size_t len = end != NULL ? (size_t)(end - label) : strlen(label);
		size_t i;

		if (len == 0)
			return err_set(e, ST_USAGE, "domain '%s' has an empty label; remove the doubled or leading dot", shown);
		if (len > LABEL_MAX)
			return err_set(e, ST_USAGE, "domain '%s' has a label of %zu octets, more than the maximum of %d",
			    shown, len, LABEL_MAX);
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)label[i];

			if (!isalnum(c) && c != '-' && c != '_')
				return err_set(e, ST_USAGE,
				    "domain '%s' contains the invalid character '%c'; only letters, digits, '-' and '_' are allowed",
				    shown, isprint(c) ? c : '?');
		}
		labels++;
		label += len;
		if (*label == '.')
			label++;
		else
			break;
		if (*label == '\0')
			return err_set(e, ST_USAGE, "domain '%s' has an empty label", shown);
	}
	if (labels < 2)
		return err_set(e, ST_USAGE,
		    "domain '%s' has a single label; DNS-01 needs a name inside a zone such as example.com", shown);
	return ST_OK;
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

enum status
input_normalize_domain(const char *raw, char out[DOMAIN_MAX + 1], struct err *e)
{
	char shown[128];
	char work[1024];
	char *alabel = NULL;
	size_t len;
	size_t i;
	enum status st;

	if (raw == NULL || raw[0] == '\0')
		return err_set(e, ST_USAGE, "domain is missing or empty; set CERTBOT_DOMAIN or pass --domain");
	log_escape(shown, sizeof(shown), raw, strlen(raw));
	len = strlen(raw);
	if (len >= sizeof(work))
		return err_set(e, ST_USAGE, "domain '%s' is longer than %d octets", shown, DOMAIN_MAX);
	if (strncmp(raw, "*.", 2) == 0)
		raw += 2;
	snprintf(work, sizeof(work), "%s", raw);
	len = strlen(work);
	if (len > 0 && work[len - 1] == '.')
		work[--len] = '\0';
	if (len == 0)
		return err_set(e, ST_USAGE, "domain '%s' is empty once '*.' and the trailing dot are removed", shown);

	if (!is_ascii(work)) {
		/* IDNA 2008 with the UTS #46 mapping that browsers and CAs apply (case folding, width). */
		int rc = idn2_to_ascii_8z(work, &alabel, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);

		if (rc != IDN2_OK)
			return err_set(e, ST_USAGE, "domain '%s' is not a valid internationalized name: %s",
			    shown, idn2_strerror(rc));
		snprintf(work, sizeof(work), "%s", alabel);
		idn2_free(alabel);
	}
	for (i = 0; work[i] != '\0'; i++)
		work[i] = (char)tolower((unsigned char)work[i]);

	st = check_labels(work, shown, e);
	if (st != ST_OK)
		return st;
	memcpy(out, work, strlen(work) + 1);
	return ST_OK;
}

enum status
input_check_validation(const char *value, struct err *e)
{
	size_t len;
	size_t i;

	if (value == NULL || value[0] == '\0')
		return err_set(e, ST_USAGE, "validation value is missing or empty; set CERTBOT_VALIDATION or pass --validation");
	len = strlen(value);
	if (len > VALIDATION_MAX)
		return err_set(e, ST_USAGE, "validation value is %zu characters long, more than the maximum of %d",
		    len, VALIDATION_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (!isalnum(c) && c != '-' && c != '_') {
			char shown[80];

			log_escape(shown, sizeof(shown), value, len);
			return err_set(e, ST_USAGE,
			    "validation value '%s' has an invalid character at position %zu; a DNS-01 value uses only the base64url alphabet (A-Z a-z 0-9 - _)",
			    shown, i + 1);
		}
	}
	return ST_OK;
}

long
input_parse_count(const char *text, long max)
{
	char *end = NULL;
	long value;

	if (text == NULL || *text == '\0' || !isdigit((unsigned char)*text))
		return -1;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || value > max)
		return -1;
	return value;
}
