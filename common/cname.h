/*
 * The CNAME trap: a CNAME at _acme-challenge.<domain>, left by a managed
 * certificate service, where no TXT record can be added. The policies:
 * fail (explain and change nothing), remove (journal the CNAME, delete it for
 * the challenge, restore it exactly afterwards) and follow (write the TXT at
 * the CNAME's target when that zone is in the account).
 *
 * Functions that take a name's lock say so; the others expect the caller to
 * hold the lock of c->fqdn (journal_lock).
 */
#ifndef DNS01_CNAME_H
#define DNS01_CNAME_H

#include <stddef.h>

#include "challenge.h"
#include "journal.h"
#include "provider.h"
#include "run.h"
#include "status.h"

/* Longest CNAME chain that follow walks before it gives up. */
#define CNAME_MAX_DEPTH 8

/* Fills e with ST_CONFLICT and the explanation of the CNAME at fqdn pointing to target. */
enum status cname_explain_conflict(const char *fqdn, const char *target, struct err *e);

/*
 * Remove policy: writes the journal entry for cname (synced to disk), then
 * deletes the CNAME. The challenge value of c becomes the entry's first holder.
 */
enum status cname_remove(struct challenge *c, const struct zone *zone, const struct dns_record *cname,
    const struct run_id *run, struct err *e);

/*
 * Adds the challenge value of c as a holder of the journal entry of c->fqdn,
 * when there is one (a CNAME that an earlier challenge removed). Sets *is_holder.
 */
enum status cname_hold(struct challenge *c, const struct run_id *run, int *is_holder, struct err *e);

/*
 * Drops the challenge value of c from the journal entry of c->fqdn and, when
 * no live run needs the name any more, restores the CNAME. Nothing to do when
 * there is no entry.
 */
enum status cname_release(struct challenge *c, struct err *e);

/*
 * Restores every journaled CNAME of this provider that no live run holds.
 * Takes each name's lock, so the caller must hold none. Logs each failure
 * and returns a summary of them.
 */
enum status cname_recover(struct challenge *c, struct err *e);

/*
 * Follow policy: walks the chain that starts at target, through the
 * provider's records, to the first name that is not a CNAME, and finds its
 * zone in the account. Fails with an explanation when the chain leaves the
 * account, loops, or is longer than CNAME_MAX_DEPTH.
 */
enum status cname_follow(struct challenge *c, const char *target, struct zone *zone, char *name, size_t size,
    struct err *e);

#endif
