/*
 * Waiting until every authoritative nameserver serves the TXT records.
 */
#ifndef DNS01_PROPAGATION_H
#define DNS01_PROPAGATION_H

#include <stddef.h>

#include "nameservers.h"
#include "status.h"

struct propagation_item {
	const char *fqdn;
	const char *value;		/* TXT value, or CNAME target (compared without case and trailing dot) */
	int qtype;			/* ns_t_txt (also when 0) or ns_t_cname */
	const struct nameserver_set *servers;
};

/*
 * Queries every address of every nameserver of every item directly, without
 * recursion, all at once, until each nameserver serves its item's value: at
 * least one address answers authoritatively with it and no answering address
 * lacks it. Addresses that never answer do not block success. Pauses start
 * at 0.1 s and grow by 0.02 s per second of waiting, up to max_interval. Returns ST_TIMEOUT naming the
 * nameservers that did not serve the value within timeout seconds.
 */
enum status propagation_wait(const struct propagation_item *items, size_t count, double timeout, double max_interval,
    struct err *e);

#endif
