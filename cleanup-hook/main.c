/*
 * dns01-cleanup: the certbot --manual-cleanup-hook. Deletes exactly the TXT
 * record that dns01-auth created for this domain and value, and nothing else.
 */
#include "auth.h"
#include "caller.h"
#include "challenge.h"
#include "cleanup.h"
#include "restore.h"

static enum status
run(struct challenge *c, struct err *e)
{
	if (c->cfg.mode == MODE_RESTORE)
		return restore_run(c, e);
	/* Operands are the challenge in another ACME client's convention; either program runs the step they name. */
	return caller_run(c, auth_run, cleanup_run, e);
}

int
main(int argc, char **argv)
{
	struct challenge c;
	struct err e = { ST_OK, "" };
	int exit_now = 0;
	enum status st;

	st = challenge_open(&c, HOOK_CLEANUP, "dns01-cleanup", argc, argv, &exit_now, &e);
	if (st == ST_OK && !exit_now)
		st = run(&c, &e);
	challenge_report(&c, st, &e);
	challenge_close(&c);
	return status_exit_code(st);
}
