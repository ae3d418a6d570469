/* Restoring CNAME records that the remove policy took away. */
#ifndef DNS01_RESTORE_H
#define DNS01_RESTORE_H

#include "challenge.h"
#include "status.h"

/*
 * Recreates every CNAME in the journal whose removing runs have all ended
 * (dns01-cleanup --restore). A CNAME that cannot be restored keeps its
 * journal entry, and the error names the exact record to recreate by hand.
 */
enum status restore_run(struct challenge *c, struct err *e);

#endif
