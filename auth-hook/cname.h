/* The explanation printed when a CNAME blocks the DNS-01 TXT record. */
#ifndef DNS01_CNAME_H
#define DNS01_CNAME_H

#include "status.h"

/* Fills e with ST_CONFLICT and the explanation for the CNAME at fqdn pointing to target. */
enum status cname_explain_conflict(const char *fqdn, const char *target, struct err *e);

#endif
