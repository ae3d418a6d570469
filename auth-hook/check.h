/* The pre-flight check: dns01-auth --check DOMAIN... */
#ifndef DNS01_CHECK_H
#define DNS01_CHECK_H

#include "challenge.h"
#include "status.h"

/*
 * Reports for each domain in c->cfg.args, with read-only API calls and DNS
 * queries: the zone, whether the credentials may read and write its records,
 * any CNAME at _acme-challenge and what each policy would do with it, and
 * whether the authoritative nameservers answer. Returns ST_OK only when a
 * renewal of every domain would succeed with the configured policy.
 */
enum status check_run(struct challenge *c, struct err *e);

#endif
