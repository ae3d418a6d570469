/*
 * Fuzzes the reading of Cloudflare API responses
 * (providers/cloudflare_response.h). The first input byte picks the HTTP
 * status; the rest is the response body.
 */
#include "cloudflare_response.h"
#include "fuzz_common.h"
#include "log.h"

static const long statuses[] = { 200, 201, 400, 401, 403, 404, 409, 429, 500, 502, 503 };

static void
check_zone(const struct zone *zone)
{
	fuzz_check_printable(zone->id, sizeof(zone->id));
	fuzz_check_printable(zone->name, sizeof(zone->name));
	FUZZ_CHECK(cf_id_valid(zone->id));
	FUZZ_CHECK(zone->name[0] != '\0');
}

static void
read_envelope(json_t *root)
{
	struct record_list list;
	struct zone zone;
	struct err e = { ST_OK, "" };
	enum status st;
	long pages = -1;
	size_t i;

	memset(&zone, 0, sizeof(zone));
	st = cf_response_zone(root, "example.test", &zone, "fuzzing", &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK)
		check_zone(&zone);

	memset(&zone, 0, sizeof(zone));
	st = cf_response_zone_object(json_object_get(root, "result"), &zone, "fuzzing", &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK)
		check_zone(&zone);

	memset(&list, 0, sizeof(list));
	st = cf_response_records(root, "_acme-challenge.example.test", &list, &pages, "fuzzing", &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK) {
		for (i = 0; i < list.count; i++) {
			FUZZ_CHECK(cf_id_valid(list.items[i].id));
			FUZZ_CHECK(strcasecmp(list.items[i].name, "_acme-challenge.example.test") == 0);
			FUZZ_CHECK(list.items[i].content != NULL);
			(void)record_txt_matches(list.items[i].content, "Zr0uJx7i2kGmHb9fWq3tN6cYvE1sLpA4dR8oXyT5uKw");
		}
	}
	record_list_free(&list);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { ST_OK, "" };
	json_t *root = NULL;
	enum status st;
	long status;

	if (size == 0)
		return 0;
	log_init("fuzz_cloudflare_response", -1);
	status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
	st = cf_response_parse((const char *)data + 1, size - 1, status, "fuzzing", &root, &e);
	fuzz_check_error(st, &e);
	if (st == ST_OK) {
		FUZZ_CHECK(root != NULL && status < 300);
		read_envelope(root);
	} else {
		FUZZ_CHECK(root == NULL);
	}
	json_decref(root);
	return 0;
}
