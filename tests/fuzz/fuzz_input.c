/*
 * Fuzzes the checks of the challenge input (common/input.h), the DNS server
 * addresses of --resolver and DNS01_RESOLVERS, and log_escape, which every
 * message quoting outside text relies on.
 */
#include <ctype.h>

#include "dns.h"
#include "fuzz_common.h"
#include "input.h"
#include "log.h"

/* A hidden secret that the input may contain; log_escape must never copy it. */
static const char hidden_secret[] = "s3cr3t-token-for-fuzzing";

static void
check_domain(const char *text)
{
	char out[DOMAIN_MAX + 1];
	struct err e = { ST_OK, "" };
	enum status st;
	size_t labels = 1;
	size_t i;

	memset(out, 0x55, sizeof(out));
	st = input_normalize_domain(text, out, &e);
	fuzz_check_error(st, &e);
	if (st != ST_OK)
		return;
	FUZZ_CHECK(strnlen(out, sizeof(out)) <= DOMAIN_MAX);
	for (i = 0; out[i] != '\0'; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(islower(c) || isdigit(c) || c == '-' || c == '_' || c == '.');
		labels += c == '.';
	}
	FUZZ_CHECK(labels >= 2);
	FUZZ_CHECK(out[0] != '.' && out[strlen(out) - 1] != '.');
	FUZZ_CHECK(strstr(out, "..") == NULL);
}

static void
check_validation(const char *text)
{
	struct err e = { ST_OK, "" };
	enum status st = input_check_validation(text, &e);
	size_t i;

	fuzz_check_error(st, &e);
	if (st != ST_OK)
		return;
	FUZZ_CHECK(strlen(text) >= 1 && strlen(text) <= VALIDATION_MAX);
	for (i = 0; text[i] != '\0'; i++)
		FUZZ_CHECK(isalnum((unsigned char)text[i]) || text[i] == '-' || text[i] == '_');
}

static void
check_server_addr(const char *text)
{
	struct dns_server_addr addr;
	struct err e = { ST_OK, "" };
	char shown[64];
	enum status st = dns_parse_server_addr(text, &addr, &e);

	fuzz_check_error(st, &e);
	if (st != ST_OK)
		return;
	FUZZ_CHECK(addr.len > 0 && addr.len <= sizeof(addr.ss));
	dns_format_addr(&addr, shown, sizeof(shown));
	fuzz_check_printable(shown, sizeof(shown));
}

static void
check_escape(const uint8_t *data, size_t size)
{
	char out[300];
	size_t dstsize;

	if (size == 0)
		return;
	dstsize = data[0] % sizeof(out);
	memset(out, 0x55, sizeof(out));
	log_escape(out, dstsize, (const char *)data + 1, size - 1);
	if (dstsize == 0)
		return;
	fuzz_check_printable(out, dstsize);
	FUZZ_CHECK(strstr(out, hidden_secret) == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	long count;

	log_init("fuzz_input", -1);
	log_hide_secret(hidden_secret);
	check_domain(text);
	check_validation(text);
	check_server_addr(text);
	check_escape(data, size);
	count = input_parse_count(text, 1000000);
	FUZZ_CHECK(count >= -1 && count <= 1000000);
	free(text);
	return 0;
}
