/* The cleanup step of a DNS-01 challenge. */
#ifndef DNS01_CLEANUP_H
#define DNS01_CLEANUP_H

#include "challenge.h"
#include "status.h"

/*
 * Deletes the TXT record that auth_run created for the challenge in c: by
 * the id saved in the state directory, else the TXT record at the name with
 * exactly this value. Nothing to delete is not an error.
 */
enum status cleanup_run(struct challenge *c, struct err *e);

#endif
