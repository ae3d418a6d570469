/* Unit tests for common/journal.c: the file format of the CNAME journal, in both versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "state.h"
#include "testdir.h"

#define PROVIDER "alidns"
#define FQDN "_acme-challenge.example.com"
#define DEFAULT_RAW "{\"RecordId\": \"1001\", \"RR\": \"_acme-challenge\", \"Type\": \"CNAME\", \"Line\": \"default\"}"
#define TELECOM_RAW "{\"RecordId\": \"1002\", \"RR\": \"_acme-challenge\", \"Type\": \"CNAME\", \"Line\": \"telecom\"}"

static char tmpdir[256];
static char state_dir[512];

/* Creates a fresh state directory in a temporary directory for each test. */
static int
make_state_dir(void **state)
{
	struct err e;

	(void)state;
	if (testdir_create(tmpdir, sizeof(tmpdir), "dns01-journal") != 0)
		return -1;
	snprintf(state_dir, sizeof(state_dir), "%s/state", tmpdir);
	return state_open(state_dir, &e) == ST_OK ? 0 : -1;
}

static int
remove_state_dir(void **state)
{
	(void)state;
	return testdir_remove(tmpdir);
}

/* Writes text as the journal file of FQDN, as an older or a damaged release would have left it. */
static void
write_entry_file(const char *text)
{
	char path[PATH_MAX];
	struct err e;

	assert_int_equal(state_path(state_dir, "journal", PROVIDER, FQDN, NULL, ".json", path, sizeof(path), &e), ST_OK);
	assert_int_equal(state_write_file(path, text, &e), ST_OK);
}

/* Returns the parsed journal file of FQDN; the caller releases it with json_decref. */
static json_t *
read_entry_file(void)
{
	char path[PATH_MAX];
	struct err e;

	assert_int_equal(state_path(state_dir, "journal", PROVIDER, FQDN, NULL, ".json", path, sizeof(path), &e), ST_OK);
	return json_load_file(path, 0, NULL);
}

static void
add_cname(struct journal_entry *entry, const char *id, const char *target, int ttl, const char *line, int hidden,
    const char *raw)
{
	struct dns_record rec;
	struct err e;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.id, sizeof(rec.id), "%s", id);
	strcpy(rec.type, "CNAME");
	strcpy(rec.name, FQDN);
	rec.content = (char *)target;
	rec.ttl = ttl;
	rec.raw = (char *)raw;
	rec.hidden = hidden;
	snprintf(rec.line, sizeof(rec.line), "%s", line);
	assert_int_equal(record_list_add_copy(&entry->records, &rec, &e), ST_OK);
}

static void
fill_entry(struct journal_entry *entry)
{
	struct run_id run = { 4242, 987654321ULL };
	struct err e;

	memset(entry, 0, sizeof(*entry));
	strcpy(entry->provider, PROVIDER);
	strcpy(entry->fqdn, FQDN);
	strcpy(entry->zone_id, "example.com");
	strcpy(entry->zone, "example.com");
	entry->removed_at = 1700000000LL;
	add_cname(entry, "1001", "example.com.dcv.example.net", 600, "default", 0, DEFAULT_RAW);
	add_cname(entry, "1002", "telecom.dcv.example.net.", 1200, "telecom", 1, TELECOM_RAW);
	assert_int_equal(journal_add_holder(entry, "value-one", &run, &e), ST_OK);
}

static void
save_load_keeps_every_record(void **state)
{
	struct journal_entry saved;
	struct journal_entry loaded;
	struct err e;

	(void)state;
	fill_entry(&saved);
	assert_int_equal(journal_save(state_dir, &saved, &e), ST_OK);
	assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &loaded, &e), ST_OK);

	assert_string_equal(loaded.zone_id, "example.com");
	assert_int_equal(loaded.removed_at, 1700000000LL);
	assert_int_equal(loaded.records.count, 2);
	assert_string_equal(loaded.records.items[0].id, "1001");
	assert_string_equal(loaded.records.items[0].type, "CNAME");
	assert_string_equal(loaded.records.items[0].name, FQDN);
	assert_string_equal(loaded.records.items[0].content, "example.com.dcv.example.net");
	assert_int_equal(loaded.records.items[0].ttl, 600);
	assert_string_equal(loaded.records.items[0].line, "default");
	assert_false(loaded.records.items[0].hidden);
	assert_string_equal(loaded.records.items[0].raw, DEFAULT_RAW);
	assert_string_equal(loaded.records.items[1].id, "1002");
	assert_string_equal(loaded.records.items[1].content, "telecom.dcv.example.net.");
	assert_int_equal(loaded.records.items[1].ttl, 1200);
	assert_string_equal(loaded.records.items[1].line, "telecom");
	assert_true(loaded.records.items[1].hidden);
	assert_string_equal(loaded.records.items[1].raw, TELECOM_RAW);
	assert_int_equal(loaded.holder_count, 1);
	assert_string_equal(loaded.holders[0].value, "value-one");
	assert_int_equal(loaded.holders[0].run.pid, 4242);
	assert_int_equal(loaded.holders[0].run.start, 987654321ULL);
	journal_entry_free(&saved);
	journal_entry_free(&loaded);
}

static void
save_writes_version_2(void **state)
{
	struct journal_entry entry;
	struct err e;
	json_t *root;

	(void)state;
	fill_entry(&entry);
	assert_int_equal(journal_save(state_dir, &entry, &e), ST_OK);
	root = read_entry_file();
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(root, "version")), 2);
	assert_int_equal(json_array_size(json_object_get(root, "records")), 2);
	assert_null(json_object_get(root, "record"));
	json_decref(root);
	journal_entry_free(&entry);
}

/* A file written by a release that journaled one CNAME, as an upgrade in the middle of a challenge finds it. */
static void
load_version_1(void **state)
{
	struct journal_entry entry;
	struct err e;

	(void)state;
	write_entry_file("{\"version\": 1, \"provider\": \"" PROVIDER "\", \"fqdn\": \"" FQDN "\", "
	    "\"zone_id\": \"example.com\", \"zone\": \"example.com\", "
	    "\"record\": {\"id\": \"1001\", \"type\": \"CNAME\", \"name\": \"" FQDN "\", "
	    "\"content\": \"example.com.dcv.example.net\", \"ttl\": 600, \"hidden\": false, "
	    "\"raw\": \"{\\\"Line\\\": \\\"default\\\"}\"}, "
	    "\"removed_at\": 1700000000, \"holders\": [{\"value\": \"value-one\", \"run_pid\": 7, \"run_start\": 8}]}");
	assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &entry, &e), ST_OK);
	assert_int_equal(entry.records.count, 1);
	assert_string_equal(entry.records.items[0].id, "1001");
	assert_string_equal(entry.records.items[0].content, "example.com.dcv.example.net");
	assert_int_equal(entry.records.items[0].ttl, 600);
	assert_string_equal(entry.records.items[0].raw, "{\"Line\": \"default\"}");
	/* Version 1 saved no line; the restore then accepts the target on any line. */
	assert_string_equal(entry.records.items[0].line, "");
	assert_int_equal(entry.holder_count, 1);
	assert_int_equal(entry.holders[0].run.pid, 7);
	journal_entry_free(&entry);
}

/* Loading a version 1 file and saving it again converts it to version 2 without losing the record. */
static void
version_1_saved_as_version_2(void **state)
{
	struct journal_entry entry;
	struct journal_entry again;
	struct err e;

	(void)state;
	write_entry_file("{\"version\": 1, \"provider\": \"" PROVIDER "\", \"fqdn\": \"" FQDN "\", "
	    "\"zone_id\": \"example.com\", \"zone\": \"example.com\", "
	    "\"record\": {\"id\": \"1001\", \"type\": \"CNAME\", \"name\": \"" FQDN "\", "
	    "\"content\": \"target.example.net\", \"ttl\": 600, \"hidden\": true, \"raw\": \"{}\"}, "
	    "\"removed_at\": 1700000000, \"holders\": []}");
	assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &entry, &e), ST_OK);
	assert_int_equal(journal_save(state_dir, &entry, &e), ST_OK);
	assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &again, &e), ST_OK);
	assert_int_equal(again.records.count, 1);
	assert_string_equal(again.records.items[0].content, "target.example.net");
	assert_true(again.records.items[0].hidden);
	assert_string_equal(again.records.items[0].line, "");
	journal_entry_free(&entry);
	journal_entry_free(&again);
}

static void
load_missing_entry(void **state)
{
	struct journal_entry entry;
	struct err e;

	(void)state;
	assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &entry, &e), ST_NOT_FOUND);
}

/* Each damaged file is rejected with a message that names the fix: recreate the CNAMEs by hand. */
static void
load_damaged_entries(void **state)
{
	static const char *const damaged[] = {
		"{\"version\": 2, ",
		"{\"version\": 2, \"provider\": \"" PROVIDER "\", \"fqdn\": \"" FQDN "\", \"zone_id\": \"z\", \"zone\": \"z\", "
		    "\"records\": [], \"holders\": []}",
		"{\"version\": 2, \"provider\": \"" PROVIDER "\", \"fqdn\": \"" FQDN "\", \"zone_id\": \"z\", \"zone\": \"z\", "
		    "\"records\": [{\"id\": \"1\", \"type\": \"CNAME\", \"name\": \"" FQDN "\", \"content\": \"t\"}], \"holders\": []}",
		"{\"version\": 3, \"provider\": \"" PROVIDER "\", \"fqdn\": \"" FQDN "\", \"zone_id\": \"z\", \"zone\": \"z\", "
		    "\"records\": [{\"id\": \"1\", \"type\": \"CNAME\", \"name\": \"" FQDN "\", \"content\": \"t\", \"raw\": \"{}\"}]}",
		"{\"version\": 1, \"provider\": \"" PROVIDER "\", \"fqdn\": \"" FQDN "\", \"zone_id\": \"z\", \"zone\": \"z\"}",
		"{\"version\": 2, \"provider\": \"cloudflare\", \"fqdn\": \"" FQDN "\", \"zone_id\": \"z\", \"zone\": \"z\", "
		    "\"records\": [{\"id\": \"1\", \"type\": \"CNAME\", \"name\": \"" FQDN "\", \"content\": \"t\", \"raw\": \"{}\"}]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		struct journal_entry entry;
		struct err e;

		write_entry_file(damaged[i]);
		assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &entry, &e), ST_PROTOCOL);
		assert_non_null(strstr(e.msg, "recreate them by hand"));
		assert_int_equal(entry.records.count, 0);
	}
}

static void
remove_deletes_file(void **state)
{
	struct journal_entry entry;
	struct journal_entry loaded;
	struct err e;

	(void)state;
	fill_entry(&entry);
	assert_int_equal(journal_save(state_dir, &entry, &e), ST_OK);
	assert_int_equal(journal_remove(state_dir, &entry, &e), ST_OK);
	assert_int_equal(journal_load(state_dir, PROVIDER, FQDN, &loaded, &e), ST_NOT_FOUND);
	assert_int_equal(journal_remove(state_dir, &entry, &e), ST_OK);
	journal_entry_free(&entry);
}

#define JOURNAL_TEST(f) cmocka_unit_test_setup_teardown(f, make_state_dir, remove_state_dir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		JOURNAL_TEST(save_load_keeps_every_record),
		JOURNAL_TEST(save_writes_version_2),
		JOURNAL_TEST(load_version_1),
		JOURNAL_TEST(version_1_saved_as_version_2),
		JOURNAL_TEST(load_missing_entry),
		JOURNAL_TEST(load_damaged_entries),
		JOURNAL_TEST(remove_deletes_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
