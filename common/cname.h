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

/*
 * Fills e with ST_CONFLICT and the explanation of the CNAMEs in list, a
 * listing of fqdn. With no CNAME listed, the explanation states that the
 * listing did not show the CNAME's target.
 */
enum status cname_explain_conflict(const char *fqdn, const struct record_list *list, struct err *e);

/*
 * Writes the target of the CNAMEs in list (a listing of fqdn) to target, or
 * "" when there is none. Returns ST_CONFLICT with a message that names each
 * resolution line and target when the CNAMEs point to different targets.
 */
enum status cname_common_target(const char *fqdn, const struct record_list *list, char *target, size_t size,
    struct err *e);

/*
 * Remove policy: writes the journal entry with every CNAME in list (a
 * listing of c->fqdn), synced to disk, then deletes them one by one. The
 * challenge value of c becomes a holder of the entry. When a delete fails,
 * the CNAMEs deleted before it are restored before the error returns.
 */
enum status cname_remove(struct challenge *c, const struct zone *zone, const struct record_list *list,
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
