/*
 * Identifying "this run": the ACME client process (certbot) that calls the
 * hooks, so that state a run leaves behind can be distinguished from state
 * of a run that has ended.
 */
#ifndef DNS01_RUN_H
#define DNS01_RUN_H

struct run_id {
	long pid;
	unsigned long long start;	/* start time in clock ticks after boot, from /proc/PID/stat */
};

/*
 * Finds the caller: the nearest ancestor that runs a known ACME client
 * (certbot, lego, uacme, dehydrated, acme.sh), so that a wrapper script
 * between it and the hook does not count. Without one, the nearest ancestor
 * that is neither a shell running "sh -c COMMAND", a copy of its parent that
 * forked without running another program (the subshell of "$(...)" in a
 * script), nor a wrapper such as env, timeout or flock.
 */
void run_identify(struct run_id *run);

/* Returns nonzero while the process of run exists and is the same process (same start time). */
int run_is_alive(const struct run_id *run);

#endif
