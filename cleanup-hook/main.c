/*
 * dns01-cleanup: the certbot --manual-cleanup-hook. Deletes exactly the TXT
 * record that dns01-auth created for this domain and value, and nothing else.
 */
#include "challenge.h"
#include "cleanup.h"
#include "log.h"

static enum status
run(struct challenge *c, struct err *e)
{
	enum status st;

	if (c->cfg.arg_count > 0)
		return err_set(e, ST_USAGE, "unexpected argument '%s'; secrets and values go in options or the environment, see --help",
		    c->cfg.args[0]);
	st = challenge_set_input(c, NULL, NULL, e);
	if (st != ST_OK)
		return st;
	return cleanup_run(c, e);
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
	if (st != ST_OK) {
		if (c.cfg.domain[0] != '\0')
			log_error("%s: %s", c.cfg.domain, e.msg);
		else
			log_error("%s", e.msg);
	}
	challenge_close(&c);
	return status_exit_code(st);
}
