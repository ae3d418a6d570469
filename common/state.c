#include "state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_RECORDS "records"
#define STATE_ZONES "zones"
static const char *const state_subdirs[] = { STATE_RECORDS, "journal", "locks", STATE_ZONES, NULL };
#define STATE_FILE_MAX 65536

static enum status
make_dir(const char *path, struct err *e)
{
	struct stat sb;

	if (mkdir(path, 0700) == 0)
		return ST_OK;
	if (errno != EEXIST)
		return err_set(e, ST_SYSTEM, "cannot create state directory '%s': %s; choose another with --state-dir",
		    path, strerror(errno));
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return err_set(e, ST_USAGE, "state directory '%s' is not a directory; choose another with --state-dir", path);
	return ST_OK;
}

enum status
state_open(const char *dir, struct err *e)
{
	char path[PATH_MAX];
	const char *const *sub;
	char *slash;
	enum status st;
	struct stat sb;

	if (dir[0] == '\0')
		return err_set(e, ST_USAGE, "state directory is empty; pass --state-dir DIR");
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return err_set(e, ST_USAGE, "state directory path is too long");
	/* Parents are created like mkdir -p; only the last component gets checked further. */
	for (slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return err_set(e, ST_SYSTEM, "cannot create '%s': %s", path, strerror(errno));
		*slash = '/';
	}
	if ((st = make_dir(dir, e)) != ST_OK)
		return st;
	if (stat(dir, &sb) == 0 && (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return err_set(e, ST_USAGE, "state directory '%s' is writable by group or others; run: chmod 700 '%s'",
		    dir, dir);
	for (sub = state_subdirs; *sub != NULL; sub++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, *sub) >= (int)sizeof(path))
			return err_set(e, ST_USAGE, "state directory path is too long");
		if ((st = make_dir(path, e)) != ST_OK)
			return st;
	}
	return ST_OK;
}

enum status
state_path(const char *dir, const char *kind, const char *provider, const char *fqdn, const char *value,
    const char *suffix, char *out, size_t size, struct err *e)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int i;
	int ok;

	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, provider, strlen(provider) + 1) == 1 &&
	    EVP_DigestUpdate(md, fqdn, strlen(fqdn) + 1) == 1 &&
	    (value == NULL || EVP_DigestUpdate(md, value, strlen(value)) == 1) &&
	    EVP_DigestFinal_ex(md, digest, &digest_len) == 1;
	EVP_MD_CTX_free(md);
	if (!ok)
		return err_set(e, ST_SYSTEM, "SHA-256 failed");
	for (i = 0; i < digest_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	if (snprintf(out, size, "%s/%s/%s%s", dir, kind, hex, suffix) >= (int)size)
		return err_set(e, ST_USAGE, "state directory path is too long");
	return ST_OK;
}

enum status
state_write_file(const char *path, const char *data, struct err *e)
{
	char tmp[PATH_MAX + 16];
	char dirpath[PATH_MAX];
	size_t len = strlen(data);
	size_t off = 0;
	char *slash;
	int fd;
	int dfd;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return err_set(e, ST_SYSTEM, "cannot write state file in '%s': %s", path, strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	close(fd);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return err_set(e, ST_SYSTEM, "cannot write state file '%s': %s", path, strerror(errno));
	}
	snprintf(dirpath, sizeof(dirpath), "%s", path);
	slash = strrchr(dirpath, '/');
	if (slash != NULL)
		*slash = '\0';
	dfd = open(dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return ST_OK;
fail:
	err_set(e, ST_SYSTEM, "cannot write state file '%s': %s", tmp, strerror(errno));
	close(fd);
	unlink(tmp);
	return ST_SYSTEM;
}

enum status
state_record_save(const char *dir, const struct state_record *rec, struct err *e)
{
	char path[PATH_MAX];
	char *text = NULL;
	json_t *obj;
	enum status st;

	st = state_path(dir, STATE_RECORDS, rec->provider, rec->fqdn, rec->value, ".json", path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	obj = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "version", 1,
	    "provider", rec->provider, "fqdn", rec->fqdn, "target", rec->target, "value", rec->value,
	    "zone_id", rec->zone_id, "zone", rec->zone, "record_id", rec->record_id,
	    "created_at", (json_int_t)rec->created_at, "run_pid", (json_int_t)rec->run.pid,
	    "run_start", (json_int_t)rec->run.start, "waiting", rec->waiting);
	if (obj != NULL)
		text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL)
		return err_set(e, ST_SYSTEM, "out of memory writing state");
	st = state_write_file(path, text, e);
	free(text);
	return st;
}

static enum status
copy_field(json_t *obj, const char *key, char *out, size_t size, int required)
{
	const char *value = json_string_value(json_object_get(obj, key));

	if (value == NULL) {
		out[0] = '\0';
		return required ? ST_PROTOCOL : ST_OK;
	}
	if (strlen(value) >= size)
		return ST_PROTOCOL;
	memcpy(out, value, strlen(value) + 1);
	return ST_OK;
}

enum status
state_record_load(const char *dir, const char *provider, const char *fqdn, const char *value,
    struct state_record *rec, struct err *e)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *obj;
	enum status st;

	memset(rec, 0, sizeof(*rec));
	st = state_path(dir, STATE_RECORDS, provider, fqdn, value, ".json", path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	obj = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		if (access(path, F_OK) != 0)
			return err_set(e, ST_NOT_FOUND, "no state entry for %s", fqdn);
		return err_set(e, ST_PROTOCOL, "state file '%s' is damaged (%s); delete it to go on", path, jerr.text);
	}
	if (copy_field(obj, "provider", rec->provider, sizeof(rec->provider), 1) ||
	    copy_field(obj, "fqdn", rec->fqdn, sizeof(rec->fqdn), 1) ||
	    copy_field(obj, "value", rec->value, sizeof(rec->value), 1) ||
	    copy_field(obj, "target", rec->target, sizeof(rec->target), 0) ||
	    copy_field(obj, "zone_id", rec->zone_id, sizeof(rec->zone_id), 0) ||
	    copy_field(obj, "zone", rec->zone, sizeof(rec->zone), 0) ||
	    copy_field(obj, "record_id", rec->record_id, sizeof(rec->record_id), 0) ||
	    strcmp(rec->provider, provider) != 0 || strcmp(rec->fqdn, fqdn) != 0 || strcmp(rec->value, value) != 0) {
		json_decref(obj);
		return err_set(e, ST_PROTOCOL, "state file '%s' is damaged or belongs to another record; delete it to go on",
		    path);
	}
	rec->created_at = (long long)json_integer_value(json_object_get(obj, "created_at"));
	rec->run.pid = (long)json_integer_value(json_object_get(obj, "run_pid"));
	rec->run.start = (unsigned long long)json_integer_value(json_object_get(obj, "run_start"));
	rec->waiting = json_is_true(json_object_get(obj, "waiting"));
	json_decref(obj);
	return ST_OK;
}

int
state_records_waiting(const char *dir, const char *provider, const struct run_id *run, struct state_record *out,
    int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int count = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_RECORDS);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while (count < max && (de = readdir(d)) != NULL) {
		struct state_record *rec = &out[count];
		size_t len = strlen(de->d_name);
		json_t *obj;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, STATE_RECORDS, de->d_name);
		obj = json_load_file(path, 0, NULL);
		memset(rec, 0, sizeof(*rec));
		if (obj != NULL && copy_field(obj, "provider", rec->provider, sizeof(rec->provider), 1) == ST_OK &&
		    copy_field(obj, "fqdn", rec->fqdn, sizeof(rec->fqdn), 1) == ST_OK &&
		    copy_field(obj, "value", rec->value, sizeof(rec->value), 1) == ST_OK &&
		    copy_field(obj, "target", rec->target, sizeof(rec->target), 0) == ST_OK &&
		    copy_field(obj, "zone_id", rec->zone_id, sizeof(rec->zone_id), 0) == ST_OK &&
		    copy_field(obj, "zone", rec->zone, sizeof(rec->zone), 0) == ST_OK &&
		    copy_field(obj, "record_id", rec->record_id, sizeof(rec->record_id), 0) == ST_OK &&
		    strcmp(rec->provider, provider) == 0 && json_is_true(json_object_get(obj, "waiting")) &&
		    json_integer_value(json_object_get(obj, "run_pid")) == (json_int_t)run->pid &&
		    (unsigned long long)json_integer_value(json_object_get(obj, "run_start")) == run->start) {
			rec->run = *run;
			rec->waiting = 1;
			rec->created_at = (long long)json_integer_value(json_object_get(obj, "created_at"));
			count++;
		}
		json_decref(obj);
	}
	closedir(d);
	return count;
}

/*
 * Returns 1 when a cache entry fits the name it was read for. It must be
 * saved for that provider and name and not dated in the future. Its zone
 * must be the name or a parent, and its id must be safe in a URL path.
 */
static int
zone_entry_fits(json_t *obj, const char *provider, const char *fqdn, long long saved, const char *zone_id,
    const char *zone)
{
	const char *saved_provider = json_string_value(json_object_get(obj, "provider"));
	const char *saved_fqdn = json_string_value(json_object_get(obj, "fqdn"));
	size_t fqdn_len = strlen(fqdn);
	size_t zone_len = strlen(zone);
	size_t i;

	if (saved_provider == NULL || strcmp(saved_provider, provider) != 0 || saved_fqdn == NULL ||
	    strcmp(saved_fqdn, fqdn) != 0 || saved <= 0 || saved > (long long)time(NULL) + 60)
		return 0;
	if (zone_len == 0 || zone_len > fqdn_len || strcmp(fqdn + fqdn_len - zone_len, zone) != 0 ||
	    (zone_len < fqdn_len && fqdn[fqdn_len - zone_len - 1] != '.'))
		return 0;
	if (zone_id[0] == '\0')
		return 0;
	for (i = 0; zone_id[i] != '\0'; i++)
		if (!isalnum((unsigned char)zone_id[i]) && strchr("._-", zone_id[i]) == NULL)
			return 0;
	return 1;
}

enum status
state_zone_load(const char *dir, const char *provider, const char *fqdn, double max_age, char *zone_id,
    size_t id_size, char *zone, size_t zone_size, struct err *e)
{
	char path[PATH_MAX];
	json_t *obj;
	enum status st;
	long long saved;

	st = state_path(dir, STATE_ZONES, provider, fqdn, NULL, ".json", path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	obj = json_load_file(path, 0, NULL);
	saved = (long long)json_integer_value(json_object_get(obj, "saved_at"));
	st = ST_NOT_FOUND;
	if (obj != NULL && (double)((long long)time(NULL) - saved) < max_age &&
	    copy_field(obj, "zone_id", zone_id, id_size, 1) == ST_OK && copy_field(obj, "zone", zone, zone_size, 1) == ST_OK &&
	    zone_entry_fits(obj, provider, fqdn, saved, zone_id, zone))
		st = ST_OK;
	json_decref(obj);
	return st;
}

enum status
state_zone_save(const char *dir, const char *provider, const char *fqdn, const char *zone_id, const char *zone,
    struct err *e)
{
	char path[PATH_MAX];
	char *text = NULL;
	json_t *obj;
	enum status st;

	st = state_path(dir, STATE_ZONES, provider, fqdn, NULL, ".json", path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	obj = json_pack("{s:s, s:s, s:s, s:s, s:I}", "provider", provider, "fqdn", fqdn, "zone_id", zone_id, "zone", zone,
	    "saved_at", (json_int_t)time(NULL));
	if (obj != NULL)
		text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	st = state_write_file(path, text, e);
	free(text);
	return st;
}

void
state_zone_forget(const char *dir, const char *provider, const char *fqdn)
{
	char path[PATH_MAX];

	if (state_path(dir, STATE_ZONES, provider, fqdn, NULL, ".json", path, sizeof(path), NULL) == ST_OK)
		unlink(path);
}

enum status
state_record_remove(const char *dir, const struct state_record *rec, struct err *e)
{
	char path[PATH_MAX];
	enum status st;

	st = state_path(dir, STATE_RECORDS, rec->provider, rec->fqdn, rec->value, ".json", path, sizeof(path), e);
	if (st != ST_OK)
		return st;
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, ST_SYSTEM, "cannot remove state file '%s': %s", path, strerror(errno));
	return ST_OK;
}
