#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "clock.h"
#include "interrupt.h"
#include "log.h"
#include "state.h"

#define JOURNAL_DIR "journal"

enum status
journal_lock(const char *dir, const char *provider, const char *fqdn, double timeout, int *fd, struct err *e)
{
	char path[PATH_MAX];
	double deadline = clock_now() + timeout;
	enum status st;

	*fd = -1;
	st = state_path(dir, "locks", provider, fqdn, NULL, ".lock", path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return err_set(e, ST_SYSTEM, "cannot open lock file '%s': %s", path, strerror(errno));
	/* Polling flock keeps the wait bounded without signals or threads. */
	while (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			st = err_set(e, ST_SYSTEM, "cannot lock '%s': %s", path, strerror(errno));
			break;
		}
		if (interrupt_pending()) {
			st = err_set(e, ST_SYSTEM, "interrupted by signal %d while waiting for the lock of %s", interrupt_pending(),
			    fqdn);
			break;
		}
		if (clock_now() > deadline) {
			st = err_set(e, ST_TIMEOUT, "another run has held the lock of %s for more than %.0f s; it is in '%s'",
			    fqdn, timeout, path);
			break;
		}
		clock_sleep(0.05);
	}
	if (st != ST_OK) {
		close(*fd);
		*fd = -1;
	}
	return st;
}

void
journal_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing the last descriptor releases the flock */
}

static enum status
entry_path(const char *dir, const char *provider, const char *fqdn, char *out, size_t size, struct err *e)
{
	return state_path(dir, JOURNAL_DIR, provider, fqdn, NULL, ".json", out, size, e);
}

void
journal_entry_free(struct journal_entry *entry)
{
	record_list_free(&entry->records);
}

static int
copy_string(json_t *obj, const char *key, char *out, size_t size)
{
	const char *value = json_string_value(json_object_get(obj, key));

	if (value == NULL || strlen(value) >= size)
		return -1;
	memcpy(out, value, strlen(value) + 1);
	return 0;
}

/*
 * Appends the record that obj describes to the entry; returns -1 when a
 * field is missing or too long. A version 1 record has no "line": it stays
 * "", which the restore takes as any line.
 */
static int
load_record(json_t *obj, struct journal_entry *entry)
{
	struct dns_record rec;
	const char *line = json_string_value(json_object_get(obj, "line"));
	struct err ignored;

	memset(&rec, 0, sizeof(rec));
	if (copy_string(obj, "id", rec.id, sizeof(rec.id)) || copy_string(obj, "type", rec.type, sizeof(rec.type)) ||
	    copy_string(obj, "name", rec.name, sizeof(rec.name)) ||
	    (line != NULL && copy_string(obj, "line", rec.line, sizeof(rec.line))))
		return -1;
	rec.content = (char *)json_string_value(json_object_get(obj, "content"));
	rec.raw = (char *)json_string_value(json_object_get(obj, "raw"));
	if (rec.content == NULL || rec.raw == NULL)
		return -1;
	rec.ttl = (int)json_integer_value(json_object_get(obj, "ttl"));
	rec.hidden = json_is_true(json_object_get(obj, "hidden"));
	return record_list_add_copy(&entry->records, &rec, &ignored) == ST_OK ? 0 : -1;
}

/* Reads the removed CNAMEs: the "records" array of version 2, or the "record" object of version 1. */
static int
load_records(json_t *root, struct journal_entry *entry)
{
	json_int_t version = json_integer_value(json_object_get(root, "version"));
	json_t *records = json_object_get(root, "records");
	json_t *item;
	size_t i;

	if (version <= 1 && records == NULL)
		return load_record(json_object_get(root, "record"), entry);
	if (version != 2 || !json_is_array(records) || json_array_size(records) == 0)
		return -1;
	json_array_foreach(records, i, item)
		if (load_record(item, entry) != 0)
			return -1;
	return 0;
}

enum status
journal_load(const char *dir, const char *provider, const char *fqdn, struct journal_entry *entry, struct err *e)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *root;
	json_t *holder;
	size_t i;
	enum status st;
	int bad;

	memset(entry, 0, sizeof(*entry));
	st = entry_path(dir, provider, fqdn, path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (access(path, F_OK) != 0)
			return err_set(e, ST_NOT_FOUND, "no journal entry for %s", fqdn);
		return err_set(e, ST_PROTOCOL,
		    "journal file '%s' is damaged (%s); it describes CNAME records that were removed from %s: recreate them by hand, then delete the file",
		    path, jerr.text, fqdn);
	}
	bad = copy_string(root, "provider", entry->provider, sizeof(entry->provider)) ||
	    copy_string(root, "fqdn", entry->fqdn, sizeof(entry->fqdn)) ||
	    copy_string(root, "zone_id", entry->zone_id, sizeof(entry->zone_id)) ||
	    copy_string(root, "zone", entry->zone, sizeof(entry->zone)) ||
	    strcmp(entry->provider, provider) != 0 || strcmp(entry->fqdn, fqdn) != 0 ||
	    load_records(root, entry) != 0;
	entry->removed_at = (long long)json_integer_value(json_object_get(root, "removed_at"));
	json_array_foreach(json_object_get(root, "holders"), i, holder) {
		struct journal_holder *h;

		if (bad || entry->holder_count == JOURNAL_MAX_HOLDERS)
			break;
		h = &entry->holders[entry->holder_count];
		if (copy_string(holder, "value", h->value, sizeof(h->value)) != 0) {
			bad = 1;
			break;
		}
		h->run.pid = (long)json_integer_value(json_object_get(holder, "run_pid"));
		h->run.start = (unsigned long long)json_integer_value(json_object_get(holder, "run_start"));
		entry->holder_count++;
	}
	json_decref(root);
	if (bad) {
		journal_entry_free(entry);
		return err_set(e, ST_PROTOCOL,
		    "journal file '%s' is damaged; it describes CNAME records that were removed from %s: recreate them by hand, then delete the file",
		    path, fqdn);
	}
	return ST_OK;
}

enum status
journal_save(const char *dir, const struct journal_entry *entry, struct err *e)
{
	char path[PATH_MAX];
	json_t *root;
	json_t *holders;
	json_t *records;
	char *text = NULL;
	enum status st;
	size_t r;
	int i;

	st = entry_path(dir, entry->provider, entry->fqdn, path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	records = json_array();
	for (r = 0; records != NULL && r < entry->records.count; r++) {
		const struct dns_record *rec = &entry->records.items[r];

		json_array_append_new(records, json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:s}", "id", rec->id,
		    "type", rec->type, "name", rec->name, "content", rec->content, "ttl", rec->ttl, "hidden", rec->hidden,
		    "line", rec->line, "raw", rec->raw != NULL ? rec->raw : ""));
	}
	holders = json_array();
	for (i = 0; holders != NULL && i < entry->holder_count; i++)
		json_array_append_new(holders, json_pack("{s:s, s:I, s:I}", "value", entry->holders[i].value,
		    "run_pid", (json_int_t)entry->holders[i].run.pid, "run_start", (json_int_t)entry->holders[i].run.start));
	root = json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:I, s:o}", "version", 2,
	    "provider", entry->provider, "fqdn", entry->fqdn, "zone_id", entry->zone_id, "zone", entry->zone,
	    "records", records, "removed_at", (json_int_t)entry->removed_at, "holders", holders);
	/* A record that json_pack could not add would be lost from the journal, so the whole write fails. */
	if (root != NULL && json_array_size(records) == entry->records.count &&
	    json_array_size(holders) == (size_t)entry->holder_count)
		text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (text == NULL)
		return err_set(e, ST_SYSTEM, "out of memory writing the journal");
	st = state_write_file(path, text, e);
	free(text);
	return st;
}

enum status
journal_remove(const char *dir, const struct journal_entry *entry, struct err *e)
{
	char path[PATH_MAX];
	char dirpath[PATH_MAX];
	enum status st;
	int dfd;

	st = entry_path(dir, entry->provider, entry->fqdn, path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, ST_SYSTEM, "cannot remove journal file '%s': %s", path, strerror(errno));
	snprintf(dirpath, sizeof(dirpath), "%s/%s", dir, JOURNAL_DIR);
	dfd = open(dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return ST_OK;
}

enum status
journal_add_holder(struct journal_entry *entry, const char *value, const struct run_id *run, struct err *e)
{
	int i;

	for (i = 0; i < entry->holder_count; i++) {
		if (strcmp(entry->holders[i].value, value) == 0) {
			entry->holders[i].run = *run;
			return ST_OK;
		}
	}
	if (entry->holder_count == JOURNAL_MAX_HOLDERS)
		return err_set(e, ST_SYSTEM, "more than %d challenges hold %s at once", JOURNAL_MAX_HOLDERS, entry->fqdn);
	snprintf(entry->holders[entry->holder_count].value, sizeof(entry->holders[0].value), "%s", value);
	entry->holders[entry->holder_count].run = *run;
	entry->holder_count++;
	return ST_OK;
}

int
journal_remove_holder(struct journal_entry *entry, const char *value)
{
	int i;

	for (i = 0; i < entry->holder_count; i++) {
		if (strcmp(entry->holders[i].value, value) == 0) {
			entry->holders[i] = entry->holders[entry->holder_count - 1];
			entry->holder_count--;
			return 1;
		}
	}
	return 0;
}

int
journal_prune(struct journal_entry *entry)
{
	int i = 0;

	while (i < entry->holder_count) {
		if (run_is_alive(&entry->holders[i].run)) {
			i++;
			continue;
		}
		entry->holders[i] = entry->holders[entry->holder_count - 1];
		entry->holder_count--;
	}
	return entry->holder_count;
}

/*
 * Returns nonzero when path is the file that the entry of provider and fqdn
 * is saved in. A file whose name fits neither would never be found by name.
 */
static int
named_for(const char *dir, const char *path, const char *provider, const char *fqdn)
{
	char expected[PATH_MAX];
	struct err ignored;

	return entry_path(dir, provider, fqdn, expected, sizeof(expected), &ignored) == ST_OK &&
	    strcmp(expected, path) == 0;
}

static void
report_damaged(const char *path, int *damaged)
{
	char shown[PATH_MAX + 64];

	log_escape(shown, sizeof(shown), path, strlen(path));
	log_error("journal file '%s' is damaged: it cannot be read, or its provider and name do not match its file name. "
	    "It describes CNAME records that a challenge removed: recreate them by hand from the file (delete any "
	    "_acme-challenge TXT record left at the name first), then delete the file", shown);
	(*damaged)++;
}

int
journal_list(const char *dir, char (*providers)[32], char (*fqdns)[DOMAIN_MAX + 1], int max, int *damaged)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int count = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_DIR);
	d = opendir(path);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while (count < max && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		json_t *root;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, JOURNAL_DIR, de->d_name);
		root = json_load_file(path, 0, NULL);
		if (copy_string(root, "provider", providers[count], sizeof(providers[count])) == 0 &&
		    copy_string(root, "fqdn", fqdns[count], DOMAIN_MAX + 1) == 0 &&
		    named_for(dir, path, providers[count], fqdns[count]))
			count++;
		else
			report_damaged(path, damaged);
		json_decref(root);
	}
	closedir(d);
	return count;
}
