/* The auth step of a DNS-01 challenge. */
#ifndef DNS01_AUTH_H
#define DNS01_AUTH_H

#include "challenge.h"
#include "status.h"

/*
 * Creates the TXT record for the challenge in c (or reuses an identical one),
 * prints "record ID zone ZONE_ID" on standard output for certbot to hand to
 * cleanup, and waits until every authoritative nameserver serves it. On a
 * failure after the record was created, deletes it again.
 */
enum status auth_run(struct challenge *c, struct err *e);

#endif
