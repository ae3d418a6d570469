#include "restore.h"

#include "cname.h"
#include "log.h"

enum status
restore_run(struct challenge *c, struct err *e)
{
	enum status st;

	if (c->cfg.arg_count > 0)
		return err_set(e, ST_USAGE, "--restore takes no arguments, but got '%s'", c->cfg.args[0]);
	st = cname_recover(c, e);
	if (st == ST_OK)
		log_info("no removed CNAME is left to restore, other than those held by running clients");
	return st;
}
