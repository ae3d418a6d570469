/*
 * The optional DNSSEC check: asking validating resolvers for records that
 * every authoritative nameserver already serves.
 */
#ifndef DNS01_DNSSEC_H
#define DNS01_DNSSEC_H

#include <stddef.h>

#include "dns.h"
#include "propagation.h"
#include "status.h"

enum dnssec_verdict {
	VERDICT_PENDING,	/* no answer yet, or no conclusive one */
	VERDICT_VALIDATED,	/* the answer, with AD set */
	VERDICT_INSECURE,	/* the answer without AD: an unsigned zone or a resolver that does not validate */
	VERDICT_BOGUS,		/* SERVFAIL, but an answer with checking disabled */
	VERDICT_UNUSABLE,	/* a server that refuses the query or does not resolve: no check possible */
};

/*
 * Queries each resolver for each item's record, once as usual and once with
 * checking disabled (CD). A resolver that answers SERVFAIL, but serves the
 * name with checking disabled, cannot validate the zone's signatures. That
 * fails at once with ST_PROTOCOL and a message that points at the DS record.
 * A resolver that refuses the query or does not resolve, or has not got the
 * value within timeout seconds (a cached negative answer, no reply), only
 * earns a warning: the authoritative nameservers already serve the record.
 */
enum status dnssec_check(const struct propagation_item *items, size_t count, const struct dns_server_addr *resolvers,
    int resolver_count, double timeout, struct err *e);

/*
 * For the pre-flight check: queries resolver once for the SOA of zone, as usual
 * and with checking disabled, and sets *verdict. For VERDICT_PENDING and
 * VERDICT_UNUSABLE, reason (size bytes) says what the resolver did, starting
 * with a verb ("did not reply; ...").
 */
enum status dnssec_probe_zone(const char *zone, const struct dns_server_addr *resolver, enum dnssec_verdict *verdict,
    char *reason, size_t size, struct err *e);

#endif
