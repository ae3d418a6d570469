/*
 * Fuzzes the reading of the files in the state directory (common/state.h,
 * common/journal.h): a record entry, a cached zone and a CNAME journal entry
 * all get the input as their file content.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "journal.h"
#include "log.h"
#include "state.h"

#define PROVIDER "cloudflare"
#define FQDN "_acme-challenge.example.test"
#define VALUE "Zr0uJx7i2kGmHb9fWq3tN6cYvE1sLpA4dR8oXyT5uKw"

static char state_dir[64];

static void
write_file(const char *path, const uint8_t *data, size_t size)
{
	size_t off = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FUZZ_CHECK(fd >= 0);
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		FUZZ_CHECK(n > 0);
		off += (size_t)n;
	}
	close(fd);
}

static void
prepare_dir(void)
{
	static const char *const kinds[] = { "records", "zones", "journal", "locks" };
	char path[PATH_MAX];
	struct err e = { ST_OK, "" };
	size_t i;

	if (state_dir[0] != '\0')
		return;
	snprintf(state_dir, sizeof(state_dir), "/tmp/dns01-fuzz-state.XXXXXX");
	FUZZ_CHECK(mkdtemp(state_dir) != NULL);
	FUZZ_CHECK(state_open(state_dir, &e) == ST_OK);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", state_dir, kinds[i]);
		FUZZ_CHECK(mkdir(path, 0700) == 0 || access(path, F_OK) == 0);
	}
}

static void
load_record(const uint8_t *data, size_t size)
{
	struct state_record rec;
	struct err e = { ST_OK, "" };
	char path[PATH_MAX];
	enum status st;

	FUZZ_CHECK(state_path(state_dir, "records", PROVIDER, FQDN, VALUE, ".json", path, sizeof(path), &e) == ST_OK);
	write_file(path, data, size);
	st = state_record_load(state_dir, PROVIDER, FQDN, VALUE, &rec, &e);
	FUZZ_CHECK(st == ST_OK || st == ST_PROTOCOL || st == ST_NOT_FOUND);
	if (st == ST_OK) {
		FUZZ_CHECK(strcmp(rec.provider, PROVIDER) == 0 && strcmp(rec.fqdn, FQDN) == 0);
		FUZZ_CHECK(strcmp(rec.value, VALUE) == 0);
		FUZZ_CHECK(strnlen(rec.record_id, sizeof(rec.record_id)) < sizeof(rec.record_id));
		FUZZ_CHECK(strnlen(rec.zone_id, sizeof(rec.zone_id)) < sizeof(rec.zone_id));
	}
}

static void
load_zone(const uint8_t *data, size_t size)
{
	struct err e = { ST_OK, "" };
	char path[PATH_MAX];
	char zone_id[128];
	char zone[DOMAIN_MAX + 1];
	enum status st;

	FUZZ_CHECK(state_path(state_dir, "zones", PROVIDER, FQDN, NULL, ".json", path, sizeof(path), &e) == ST_OK);
	write_file(path, data, size);
	st = state_zone_load(state_dir, PROVIDER, FQDN, 1e12, zone_id, sizeof(zone_id), zone, sizeof(zone), &e);
	if (st == ST_OK) {
		FUZZ_CHECK(strnlen(zone_id, sizeof(zone_id)) < sizeof(zone_id));
		FUZZ_CHECK(strnlen(zone, sizeof(zone)) < sizeof(zone));
	}
}

static void
load_journal(const uint8_t *data, size_t size)
{
	struct journal_entry entry;
	struct err e = { ST_OK, "" };
	char path[PATH_MAX];
	enum status st;
	int i;

	FUZZ_CHECK(state_path(state_dir, "journal", PROVIDER, FQDN, NULL, ".json", path, sizeof(path), &e) == ST_OK);
	write_file(path, data, size);
	memset(&entry, 0, sizeof(entry));
	st = journal_load(state_dir, PROVIDER, FQDN, &entry, &e);
	if (st == ST_OK) {
		FUZZ_CHECK(entry.holder_count >= 0 && entry.holder_count <= JOURNAL_MAX_HOLDERS);
		for (i = 0; i < entry.holder_count; i++)
			FUZZ_CHECK(strnlen(entry.holders[i].value, sizeof(entry.holders[i].value)) <
			    sizeof(entry.holders[i].value));
		journal_prune(&entry);
		FUZZ_CHECK(entry.holder_count >= 0 && entry.holder_count <= JOURNAL_MAX_HOLDERS);
	}
	journal_entry_free(&entry);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_init("fuzz_state", -1);
	prepare_dir();
	load_record(data, size);
	load_zone(data, size);
	load_journal(data, size);
	return 0;
}
