/*
 * The state directory that auth and cleanup share: one small JSON file per TXT
 * record that auth wrote (records/), so cleanup can delete exactly that record
 * by id; the journal of removed CNAME records (journal/); lock files (locks/).
 *
 * Files are mode 0600 in a 0700 directory and are replaced atomically (write
 * to a temporary file, fsync, rename, fsync the directory), so a crash leaves
 * either the old or the new content.
 */
#ifndef DNS01_STATE_H
#define DNS01_STATE_H

#include <limits.h>

#include "input.h"
#include "run.h"
#include "status.h"

struct state_record {
	char provider[32];
	char fqdn[DOMAIN_MAX + 1];		/* _acme-challenge.<domain> */
	char target[DOMAIN_MAX + 1];		/* name written instead of fqdn when following a CNAME, else "" */
	char value[VALIDATION_MAX + 1];
	char zone_id[128];
	char zone[DOMAIN_MAX + 1];
	char record_id[128];			/* "" until the provider returned one */
	long long created_at;			/* Unix time */
	struct run_id run;			/* the ACME client run that wrote it */
	int waiting;				/* written, but not yet seen on every nameserver */
};

/* Creates the directory (and parents) with mode 0700 when missing and checks that it is usable. */
enum status state_open(const char *dir, struct err *e);

/* Writes rec, replacing an earlier entry for the same provider, name and value. */
enum status state_record_save(const char *dir, const struct state_record *rec, struct err *e);

/*
 * Loads the entry for provider, fqdn and value into rec. Returns ST_NOT_FOUND
 * when there is none, ST_PROTOCOL when the file is damaged.
 */
enum status state_record_load(const char *dir, const char *provider, const char *fqdn, const char *value,
    struct state_record *rec, struct err *e);

/* Removes the entry; a missing entry is not an error. */
enum status state_record_remove(const char *dir, const struct state_record *rec, struct err *e);

/*
 * Loads every entry of provider written by run that is still waiting for
 * propagation, at most max. Returns how many, or -1 when the directory cannot
 * be read. Damaged files are skipped.
 */
int state_records_waiting(const char *dir, const char *provider, const struct run_id *run, struct state_record *out,
    int max);

/*
 * Reads the cached zone of a name if it is younger than max_age seconds and
 * fits the name (saved for it, a zone above it, an id of plain characters);
 * ST_NOT_FOUND otherwise.
 */
enum status state_zone_load(const char *dir, const char *provider, const char *fqdn, double max_age, char *zone_id,
    size_t id_size, char *zone, size_t zone_size, struct err *e);

/* Caches the zone of a name, so later runs skip the provider's zone lookup. */
enum status state_zone_save(const char *dir, const char *provider, const char *fqdn, const char *zone_id,
    const char *zone, struct err *e);

/* Forgets the cached zone of a name. */
void state_zone_forget(const char *dir, const char *provider, const char *fqdn);

/*
 * Builds the path DIR/KIND/HASH SUFFIX, with HASH the SHA-256 of provider,
 * fqdn and value (NULL leaves it out), so any name maps to a safe file name.
 */
enum status state_path(const char *dir, const char *kind, const char *provider, const char *fqdn, const char *value,
    const char *suffix, char *out, size_t size, struct err *e);

/* Replaces the file at path with data atomically and durably: temporary file, fsync, rename, fsync of the directory. */
enum status state_write_file(const char *path, const char *data, struct err *e);

#endif
