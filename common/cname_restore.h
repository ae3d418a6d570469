/*
 * Restoring removed CNAMEs: the remove policy's way back, for the journal
 * entry of a name and for the CNAMEs that a failed remove had deleted.
 * Every function expects the caller to hold the lock of the name.
 */
#ifndef DNS01_CNAME_RESTORE_H
#define DNS01_CNAME_RESTORE_H

#include <stddef.h>

#include "challenge.h"
#include "input.h"
#include "journal.h"
#include "provider.h"
#include "status.h"

/*
 * Returns nonzero when list has the saved CNAME: the same target on the
 * same resolution line. A record without a line (from a version 1 journal,
 * or of a provider without lines) matches the target on any line.
 */
int cname_record_listed(const struct dns_record *saved, const struct record_list *list);

/*
 * Recreates each saved CNAME that the listing of fqdn no longer has, after
 * deleting the TXT records with the values in ended (runs that are over),
 * which would block it. A record that is still there with every saved
 * attribute is left alone, so a retry never adds a duplicate. One that lacks
 * some (a restore cut short) is deleted and added again. A line that has a CNAME to
 * another target now keeps it, and the saved record is dropped with a
 * warning: superseded[i] (when not NULL) is set for it. Tries every record.
 * A failure message contains kept (what happens to the journal entry) and
 * names the first record that failed in zone-file form, for a restore by hand.
 */
enum status cname_restore_records(struct challenge *c, const struct zone *zone, const char *fqdn,
    const struct record_list *saved, char (*ended)[VALIDATION_MAX + 1], int ended_count, const char *kept,
    unsigned char *superseded, struct err *e);

/*
 * Puts every CNAME of the entry back (the caller has checked that no live
 * run still needs it away), removes the entry once the provider has confirmed each
 * record, then waits until the nameservers serve the restored CNAMEs that
 * they can serve (enabled, on the default line).
 */
enum status cname_restore_entry(struct challenge *c, struct journal_entry *entry, char (*ended)[VALIDATION_MAX + 1],
    int ended_count, struct err *e);

#endif
