/* Unit tests for common/state.c: the state directory and the per-record JSON files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"
#include "testdir.h"

static char tmpdir[256];
static char state_dir[512];

/* Creates a fresh temporary directory for each test. state_dir names a child of it that does not exist yet. */
static int
make_tmpdir(void **state)
{
	(void)state;
	umask(022);
	if (testdir_create(tmpdir, sizeof(tmpdir), "dns01-state") != 0)
		return -1;
	snprintf(state_dir, sizeof(state_dir), "%s/state", tmpdir);
	return 0;
}

static int
remove_tmpdir(void **state)
{
	(void)state;
	return testdir_remove(tmpdir);
}

/* Returns the permission bits of path and fails the test when path does not exist. */
static mode_t
mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

/* Counts the entries of the records directory and stores the path of the last one in path. */
static int
list_records(char *path, size_t size)
{
	char records[600];
	struct dirent *entry;
	DIR *dir;
	int count = 0;

	snprintf(records, sizeof(records), "%s/records", state_dir);
	dir = opendir(records);
	assert_non_null(dir);
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		snprintf(path, size, "%s/%s", records, entry->d_name);
		count++;
	}
	closedir(dir);
	return count;
}

static void
fill_record(struct state_record *rec, const char *value)
{
	memset(rec, 0, sizeof(*rec));
	strcpy(rec->provider, "cloudflare");
	strcpy(rec->fqdn, "_acme-challenge.example.com");
	snprintf(rec->value, sizeof(rec->value), "%s", value);
	strcpy(rec->zone_id, "023e105f4ecef8ad9ca31a8372d0c353");
	strcpy(rec->zone, "example.com");
	strcpy(rec->record_id, "372e67954025e0ba6aaa6d586b9e0b59");
	rec->created_at = 1700000000LL;
}

static void
open_creates_private_dirs(void **state)
{
	char records[600];
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	assert_int_equal(mode_of(state_dir), 0700);
	snprintf(records, sizeof(records), "%s/records", state_dir);
	assert_int_equal(mode_of(records), 0700);
}

static void
open_creates_parents(void **state)
{
	char deep[600];
	struct err e;

	(void)state;
	snprintf(deep, sizeof(deep), "%s/a/b/c", tmpdir);
	assert_int_equal(state_open(deep, &e), ST_OK);
	assert_int_equal(mode_of(deep), 0700);
}

static void
open_existing_dir(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	assert_int_equal(state_open(state_dir, &e), ST_OK);
}

static void
open_rejects_group_writable(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(mkdir(state_dir, 0700), 0);
	assert_int_equal(chmod(state_dir, 0770), 0);
	assert_int_equal(state_open(state_dir, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "writable by group or others"));
	assert_non_null(strstr(e.msg, "chmod 700"));
}

static void
open_rejects_world_writable(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(mkdir(state_dir, 0700), 0);
	assert_int_equal(chmod(state_dir, 0702), 0);
	assert_int_equal(state_open(state_dir, &e), ST_USAGE);
}

static void
open_rejects_file(void **state)
{
	struct err e;
	int fd;

	(void)state;
	fd = open(state_dir, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(state_open(state_dir, &e), ST_USAGE);
	assert_non_null(strstr(e.msg, "not a directory"));
}

static void
open_rejects_empty_path(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(state_open("", &e), ST_USAGE);
}

static void
record_round_trip(void **state)
{
	struct state_record saved;
	struct state_record loaded;
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(&saved, "gfj9Xq-Rn_Az");
	assert_int_equal(state_record_save(state_dir, &saved, &e), ST_OK);
	assert_int_equal(state_record_load(state_dir, saved.provider, saved.fqdn, saved.value, &loaded, &e), ST_OK);
	assert_string_equal(loaded.provider, saved.provider);
	assert_string_equal(loaded.fqdn, saved.fqdn);
	assert_string_equal(loaded.value, saved.value);
	assert_string_equal(loaded.zone_id, saved.zone_id);
	assert_string_equal(loaded.zone, saved.zone);
	assert_string_equal(loaded.record_id, saved.record_id);
	assert_int_equal(loaded.created_at, saved.created_at);
}

static void
record_file_private(void **state)
{
	struct state_record rec;
	char path[1024];
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(&rec, "value1");
	assert_int_equal(state_record_save(state_dir, &rec, &e), ST_OK);
	assert_int_equal(list_records(path, sizeof(path)), 1);
	assert_non_null(strstr(path, ".json"));
	assert_int_equal(mode_of(path), 0600);
}

static void
record_save_replaces(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	char path[1024];
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(&rec, "value1");
	rec.record_id[0] = '\0';
	assert_int_equal(state_record_save(state_dir, &rec, &e), ST_OK);
	strcpy(rec.record_id, "new-id");
	assert_int_equal(state_record_save(state_dir, &rec, &e), ST_OK);
	assert_int_equal(list_records(path, sizeof(path)), 1);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_OK);
	assert_string_equal(loaded.record_id, "new-id");
}

static void
record_remove(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	char path[1024];
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(&rec, "value1");
	assert_int_equal(state_record_save(state_dir, &rec, &e), ST_OK);
	assert_int_equal(state_record_remove(state_dir, &rec, &e), ST_OK);
	assert_int_equal(list_records(path, sizeof(path)), 0);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_NOT_FOUND);
	assert_int_equal(state_record_remove(state_dir, &rec, &e), ST_OK);
}

static void
record_missing(void **state)
{
	struct state_record loaded;
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	assert_int_equal(state_record_load(state_dir, "cloudflare", "_acme-challenge.example.com", "v", &loaded, &e),
	    ST_NOT_FOUND);
	assert_non_null(strstr(e.msg, "_acme-challenge.example.com"));
}

static void
record_two_values_apart(void **state)
{
	struct state_record first;
	struct state_record second;
	struct state_record loaded;
	char path[1024];
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(&first, "wildcard-value");
	strcpy(first.record_id, "id-wildcard");
	fill_record(&second, "apex-value");
	strcpy(second.record_id, "id-apex");
	assert_int_equal(state_record_save(state_dir, &first, &e), ST_OK);
	assert_int_equal(state_record_save(state_dir, &second, &e), ST_OK);
	assert_int_equal(list_records(path, sizeof(path)), 2);

	assert_int_equal(state_record_load(state_dir, "cloudflare", first.fqdn, "wildcard-value", &loaded, &e), ST_OK);
	assert_string_equal(loaded.record_id, "id-wildcard");
	assert_int_equal(state_record_load(state_dir, "cloudflare", first.fqdn, "apex-value", &loaded, &e), ST_OK);
	assert_string_equal(loaded.record_id, "id-apex");

	assert_int_equal(state_record_remove(state_dir, &first, &e), ST_OK);
	assert_int_equal(state_record_load(state_dir, "cloudflare", first.fqdn, "wildcard-value", &loaded, &e),
	    ST_NOT_FOUND);
	assert_int_equal(state_record_load(state_dir, "cloudflare", first.fqdn, "apex-value", &loaded, &e), ST_OK);
	assert_string_equal(loaded.record_id, "id-apex");
}

static void
record_providers_apart(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(&rec, "value1");
	assert_int_equal(state_record_save(state_dir, &rec, &e), ST_OK);
	assert_int_equal(state_record_load(state_dir, "alidns", rec.fqdn, rec.value, &loaded, &e), ST_NOT_FOUND);
}

/* Saves one record and overwrites its file with text. */
static void
damage_record(const char *text, struct state_record *rec)
{
	char path[1024];
	struct err e;
	FILE *f;

	assert_int_equal(state_open(state_dir, &e), ST_OK);
	fill_record(rec, "value1");
	assert_int_equal(state_record_save(state_dir, rec, &e), ST_OK);
	assert_int_equal(list_records(path, sizeof(path)), 1);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
record_damaged_json(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("{\"version\": 1, \"provider\": ", &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "damaged"));
}

static void
record_damaged_empty(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("", &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
}

static void
record_wrong_type(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("[1, 2, 3]", &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
}

static void
record_missing_field(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("{\"provider\": \"cloudflare\", \"fqdn\": \"_acme-challenge.example.com\"}", &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
}

static void
record_other_owner(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("{\"provider\": \"cloudflare\", \"fqdn\": \"_acme-challenge.other.example\", "
	    "\"value\": \"value1\", \"record_id\": \"x\"}", &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
	assert_non_null(strstr(e.msg, "belongs to another record"));
}

static void
record_duplicate_keys(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("{\"provider\": \"cloudflare\", \"fqdn\": \"_acme-challenge.example.com\", "
	    "\"value\": \"value1\", \"record_id\": \"a\", \"record_id\": \"b\"}", &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
}

static void
record_oversized_field(void **state)
{
	char text[1024];
	char long_id[300];
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	memset(long_id, 'i', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"provider\": \"cloudflare\", \"fqdn\": \"_acme-challenge.example.com\", "
	    "\"value\": \"value1\", \"record_id\": \"%s\"}", long_id);
	damage_record(text, &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_PROTOCOL);
}

static void
record_optional_fields_absent(void **state)
{
	struct state_record rec;
	struct state_record loaded;
	struct err e;

	(void)state;
	damage_record("{\"provider\": \"cloudflare\", \"fqdn\": \"_acme-challenge.example.com\", \"value\": \"value1\"}",
	    &rec);
	assert_int_equal(state_record_load(state_dir, rec.provider, rec.fqdn, rec.value, &loaded, &e), ST_OK);
	assert_string_equal(loaded.record_id, "");
	assert_string_equal(loaded.zone_id, "");
	assert_int_equal(loaded.created_at, 0);
}

#define STATE_TEST(f) cmocka_unit_test_setup_teardown(f, make_tmpdir, remove_tmpdir)

/* Writes text as the zone cache entry of fqdn, as a damaged or edited file would be. */
static void
write_zone_entry(const char *fqdn, const char *text)
{
	char path[PATH_MAX];
	struct err e;
	FILE *f;

	assert_int_equal(state_path(state_dir, "zones", "cloudflare", fqdn, NULL, ".json", path, sizeof(path), &e), ST_OK);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
zone_cache_entry_must_fit_name(void **state)
{
	const char *fqdn = "_acme-challenge.www.example.com";
	char id[64];
	char zone[256];
	char text[512];
	struct err e;
	size_t i;
	const char *unfit[] = {
		"{\"provider\":\"alidns\",\"fqdn\":\"%s\",\"zone_id\":\"abc\",\"zone\":\"example.com\",\"saved_at\":%lld}",
		"{\"provider\":\"cloudflare\",\"fqdn\":\"other.example.com\",\"zone_id\":\"abc\",\"zone\":\"example.com\",\"saved_at\":%lld}",
		"{\"provider\":\"cloudflare\",\"fqdn\":\"%s\",\"zone_id\":\"abc\",\"zone\":\"other.test\",\"saved_at\":%lld}",
		"{\"provider\":\"cloudflare\",\"fqdn\":\"%s\",\"zone_id\":\"abc\",\"zone\":\"ample.com\",\"saved_at\":%lld}",
		"{\"provider\":\"cloudflare\",\"fqdn\":\"%s\",\"zone_id\":\"../../zones?x=\",\"zone\":\"example.com\",\"saved_at\":%lld}",
		"{\"provider\":\"cloudflare\",\"fqdn\":\"%s\",\"zone_id\":\"abc\",\"zone\":\"example.com\",\"saved_at\":%lld00}",
	};

	(void)state;
	assert_int_equal(state_open(state_dir, &e), ST_OK);
	assert_int_equal(state_zone_save(state_dir, "cloudflare", fqdn, "023e105f4ecef8ad9ca31a8372d0c353", "example.com",
	    &e), ST_OK);
	assert_int_equal(state_zone_load(state_dir, "cloudflare", fqdn, 3600, id, sizeof(id), zone, sizeof(zone), &e),
	    ST_OK);
	assert_string_equal(id, "023e105f4ecef8ad9ca31a8372d0c353");
	assert_string_equal(zone, "example.com");
	for (i = 0; i < sizeof(unfit) / sizeof(unfit[0]); i++) {
		if (strstr(unfit[i], "\"fqdn\":\"%s\"") != NULL)
			snprintf(text, sizeof(text), unfit[i], fqdn, (long long)time(NULL));
		else
			snprintf(text, sizeof(text), unfit[i], (long long)time(NULL));
		write_zone_entry(fqdn, text);
		assert_int_equal(state_zone_load(state_dir, "cloudflare", fqdn, 3600, id, sizeof(id), zone, sizeof(zone),
		    &e), ST_NOT_FOUND);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STATE_TEST(open_creates_private_dirs),
		STATE_TEST(open_creates_parents),
		STATE_TEST(open_existing_dir),
		STATE_TEST(open_rejects_group_writable),
		STATE_TEST(open_rejects_world_writable),
		STATE_TEST(open_rejects_file),
		STATE_TEST(open_rejects_empty_path),
		STATE_TEST(record_round_trip),
		STATE_TEST(record_file_private),
		STATE_TEST(record_save_replaces),
		STATE_TEST(record_remove),
		STATE_TEST(record_missing),
		STATE_TEST(record_two_values_apart),
		STATE_TEST(record_providers_apart),
		STATE_TEST(record_damaged_json),
		STATE_TEST(record_damaged_empty),
		STATE_TEST(record_wrong_type),
		STATE_TEST(record_missing_field),
		STATE_TEST(record_other_owner),
		STATE_TEST(record_duplicate_keys),
		STATE_TEST(record_oversized_field),
		STATE_TEST(record_optional_fields_absent),
		STATE_TEST(zone_cache_entry_must_fit_name),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
