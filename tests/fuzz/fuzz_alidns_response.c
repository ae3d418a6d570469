/*
 * Fuzzes the reading of Alibaba Cloud DNS API responses
 * (providers/alidns_response.h). The first input byte modulo 3 picks the
 * reader, and the first byte divided by 3 picks a setting for it. The rest
 * of the input is what the reader reads:
 *   0: a response body under the HTTP status that the setting picks. A
 *      result then goes through every reader of a result.
 *   1: the Date header of an InvalidTimeStamp.Expired error.
 *   2: the saved copy of a record of the type that the setting picks.
 */
#include <strings.h>

#include "alidns_response.h"
#include "fuzz_common.h"
#include "log.h"

#define ZONE "example.test"
#define FQDN "_acme-challenge.www.example.test"
#define RR "_acme-challenge.www"

static const long statuses[] = { 200, 201, 204, 400, 403, 404, 409, 429, 500, 502, 503 };
static const char *const saved_types[] = { "TXT", "CNAME", "MX", "A" };
static const struct alidns_request_info request = { "AddDomainRecord", "ALIBABA_CLOUD_ACCESS_KEY_ID", 1700000000 };

static void
check_alidns_error(const struct alidns_error *ae, long http_status)
{
	FUZZ_CHECK(ae->http_status == http_status);
	fuzz_check_printable(ae->code, sizeof(ae->code));
	fuzz_check_printable(ae->message, sizeof(ae->message));
	fuzz_check_printable(ae->request_id, sizeof(ae->request_id));
}

static void
read_records(json_t *root)
{
	struct record_list list;
	struct alidns_page page;
	struct err e = { ST_OK, "" };
	enum status st;
	size_t i;

	memset(&list, 0, sizeof(list));
	st = alidns_response_records(root, FQDN, RR, "fuzzing", &list, &page, &e);
	fuzz_check_error(st, &e);
	FUZZ_CHECK(page.items == json_array_size(json_object_get(json_object_get(root, "DomainRecords"), "Record")));
	for (i = 0; i < list.count; i++) {
		const struct dns_record *rec = &list.items[i];

		FUZZ_CHECK(alidns_id_valid(rec->id));
		FUZZ_CHECK(strcmp(rec->name, FQDN) == 0);
		fuzz_check_printable(rec->type, sizeof(rec->type));
		FUZZ_CHECK(rec->content != NULL && rec->raw != NULL);
		FUZZ_CHECK(rec->ttl >= 0);
		(void)record_txt_matches(rec->content, "Zr0uJx7i2kGmHb9fWq3tN6cYvE1sLpA4dR8oXyT5uKw");
	}
	record_list_free(&list);
}

static void
read_zones(json_t *root)
{
	static const char fqdn[] = FQDN;
	char best[DOMAIN_MAX + 1] = "";
	struct alidns_page page;
	struct err e = { ST_OK, "" };
	const char *suffix;
	enum status st;

	st = alidns_response_zones(root, fqdn, best, sizeof(best), &page, "fuzzing", &e);
	fuzz_check_error(st, &e);
	if (best[0] == '\0')
		return;
	/* A chosen zone is a suffix of FQDN on a label boundary, of two labels at least. */
	FUZZ_CHECK(strchr(best, '.') != NULL);
	FUZZ_CHECK(strlen(best) <= strlen(fqdn));
	suffix = fqdn + strlen(fqdn) - strlen(best);
	FUZZ_CHECK(strcasecmp(suffix, best) == 0);
	FUZZ_CHECK(suffix == fqdn || suffix[-1] == '.');
}

static void
read_record_id(json_t *root)
{
	char id[32] = "";
	struct err e = { ST_OK, "" };
	enum status st;

	st = alidns_response_record_id(root, id, sizeof(id), "fuzzing", &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK)
		FUZZ_CHECK(alidns_id_valid(id));
}

static void
read_response(const uint8_t *data, size_t size, long http_status)
{
	struct http_response resp;
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	json_t *root = NULL;
	enum status st;

	memset(&resp, 0, sizeof(resp));
	resp.status = http_status;
	resp.body = fuzz_strndup(data, size);
	resp.body_len = size;
	snprintf(resp.date, sizeof(resp.date), "Tue, 14 Nov 2023 22:40:00 GMT");
	st = alidns_response_parse(&resp, &request, "fuzzing", &root, &ae, &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK) {
		FUZZ_CHECK(root != NULL && http_status < 300);
		read_records(root);
		read_zones(root);
		read_record_id(root);
	} else {
		FUZZ_CHECK(root == NULL);
		check_alidns_error(&ae, http_status);
		(void)alidns_error_retryable(&ae);
	}
	json_decref(root);
	free(resp.body);
}

static void
read_date(const uint8_t *data, size_t size)
{
	static const char body[] = "{\"RequestId\":\"4C467B38-3910-447D-87BC-AC049166F216\",\"Code\":\"InvalidTimeStamp.Expired\","
	    "\"Message\":\"Specified time stamp or date value is expired.\"}";
	struct http_response resp;
	struct alidns_error ae;
	struct err e = { ST_OK, "" };
	enum status st;

	memset(&resp, 0, sizeof(resp));
	resp.status = 400;
	resp.body = (char *)body;
	resp.body_len = sizeof(body) - 1;
	memcpy(resp.date, data, size < sizeof(resp.date) - 1 ? size : sizeof(resp.date) - 1);
	st = alidns_response_explain(&resp, &request, "fuzzing", &ae, &e);
	FUZZ_CHECK(st == ST_SYSTEM);
	fuzz_check_error(st, &e);
}

static void
read_saved(const uint8_t *data, size_t size, const char *type)
{
	struct alidns_record_attributes attrs;
	struct dns_record rec;
	struct zone zone;
	struct err e = { ST_OK, "" };
	json_t *raw = NULL;
	enum status st;

	memset(&rec, 0, sizeof(rec));
	memset(&zone, 0, sizeof(zone));
	snprintf(zone.id, sizeof(zone.id), ZONE);
	snprintf(zone.name, sizeof(zone.name), ZONE);
	snprintf(rec.type, sizeof(rec.type), "%s", type);
	snprintf(rec.name, sizeof(rec.name), FQDN);
	rec.raw = fuzz_strndup(data, size);
	rec.content = "listed value";
	st = alidns_saved_record_read(&rec, &zone, &raw, &attrs, &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK) {
		FUZZ_CHECK(raw != NULL);
		FUZZ_CHECK(strcasecmp(attrs.rr, RR) == 0 && strcasecmp(attrs.type, type) == 0);
		FUZZ_CHECK(attrs.value != NULL);
		FUZZ_CHECK(attrs.ttl[0] != '\0' && strspn(attrs.ttl, "0123456789") == strlen(attrs.ttl));
		FUZZ_CHECK(strspn(attrs.priority, "0123456789") == strlen(attrs.priority));
		FUZZ_CHECK((strcmp(type, "MX") == 0) == (attrs.priority[0] != '\0'));
		/* The saved copy matched against itself as a listed record, and against another one. */
		rec.content = (char *)attrs.value;
		FUZZ_CHECK(alidns_saved_record_matches(&rec, &attrs));
		rec.content = "Target.Example.test.";
		rec.raw[0] = '\0';
		(void)alidns_saved_record_matches(&rec, &attrs);
	} else {
		FUZZ_CHECK(raw == NULL);
	}
	json_decref(raw);
	free(rec.raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned setting;

	if (size == 0)
		return 0;
	log_init("fuzz_alidns_response", -1);
	setting = data[0] / 3;
	switch (data[0] % 3) {
	case 0:
		read_response(data + 1, size - 1, statuses[setting % (sizeof(statuses) / sizeof(statuses[0]))]);
		break;
	case 1:
		read_date(data + 1, size - 1);
		break;
	default:
		read_saved(data + 1, size - 1, saved_types[setting % (sizeof(saved_types) / sizeof(saved_types[0]))]);
		break;
	}
	return 0;
}
