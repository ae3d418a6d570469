/*
 * The journal of CNAME records that the remove policy took away, and the
 * per-name locks that serialise runs touching the same name.
 *
 * An entry is written and synced to disk before the CNAME is deleted, and is
 * removed only after the provider confirms that the CNAME is back, so a
 * crash at any point leaves enough to restore it exactly. Each entry lists
 * its holders: the challenge values, with the run (ACME client process) of
 * each, that need the name free of the CNAME.
 */
#ifndef DNS01_JOURNAL_H
#define DNS01_JOURNAL_H

#include "input.h"
#include "provider.h"
#include "run.h"
#include "status.h"

#define JOURNAL_MAX_HOLDERS 64
#define JOURNAL_MAX_ENTRIES 256

struct journal_holder {
	char value[VALIDATION_MAX + 1];
	struct run_id run;
};

struct journal_entry {
	char provider[32];
	char fqdn[DOMAIN_MAX + 1];
	char zone_id[128];
	char zone[DOMAIN_MAX + 1];
	struct record_list records;		/* the removed CNAMEs, at most one per resolution line; owned */
	long long removed_at;			/* Unix time */
	struct journal_holder holders[JOURNAL_MAX_HOLDERS];
	int holder_count;
};

/* Takes the lock of a name, waiting at most timeout seconds. Sets *fd for journal_unlock. */
enum status journal_lock(const char *dir, const char *provider, const char *fqdn, double timeout, int *fd,
    struct err *e);
void journal_unlock(int fd);

/*
 * Loads the entry of a name; ST_NOT_FOUND when there is none. Reads both
 * file formats: version 2 with a "records" array, and version 1 with the
 * single "record" object that releases before multi-line support wrote.
 * Release with journal_entry_free.
 */
enum status journal_load(const char *dir, const char *provider, const char *fqdn, struct journal_entry *entry,
    struct err *e);

/* Writes the entry durably (file and directory synced), always in format version 2. */
enum status journal_save(const char *dir, const struct journal_entry *entry, struct err *e);

/* Deletes the entry's file durably; a missing file is not an error. */
enum status journal_remove(const char *dir, const struct journal_entry *entry, struct err *e);

void journal_entry_free(struct journal_entry *entry);

/* Adds a holder (once per value); ST_SYSTEM when the entry is full. */
enum status journal_add_holder(struct journal_entry *entry, const char *value, const struct run_id *run,
    struct err *e);

/* Removes the holder with value; returns nonzero when there was one. */
int journal_remove_holder(struct journal_entry *entry, const char *value);

/* Drops holders whose run has ended; returns how many remain. */
int journal_prune(struct journal_entry *entry);

/*
 * Lists the provider and name of every entry, at most max, into the arrays
 * (fqdns of DOMAIN_MAX + 1 bytes each). Returns how many, or -1 when the
 * directory cannot be read. A file that cannot be read, or whose provider
 * and name do not give its file name, is logged as damaged and counted in
 * *damaged.
 */
int journal_list(const char *dir, char (*providers)[32], char (*fqdns)[DOMAIN_MAX + 1], int max, int *damaged);

#endif
