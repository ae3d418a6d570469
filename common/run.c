#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Programs that only pass a command on; the run is the process above them. */
static const char *const pass_through[] = { "env", "timeout", "nice", "ionice", "flock", "setsid", "stdbuf",
	"chronic", "sudo", "su", "runuser", "xargs", NULL };

/*
 * Shells pass a command on when they run "sh -c COMMAND", as certbot does;
 * a shell running a script, such as dehydrated, is the run itself.
 */
static const char *const shells[] = { "sh", "dash", "bash", "zsh", "ksh", "mksh", "ash", "busybox", NULL };

/* Reads the command name, parent pid and start time of pid; returns -1 when it does not exist. */
static int
read_stat(long pid, char *comm, size_t comm_size, long *ppid, unsigned long long *start)
{
	char path[64];
	char buf[1024];
	char *open_paren;
	char *close_paren;
	size_t len;
	FILE *f;
	int field;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* The command name is in parentheses and may itself contain spaces or parentheses. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
		return -1;
	snprintf(comm, comm_size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
	/* After ")": field 3 state, 4 ppid, ..., 22 starttime (proc(5)). */
	p = close_paren + 2;
	for (field = 3; field < 22 && p != NULL; field++) {
		if (field == 4)
			*ppid = strtol(p, NULL, 10);
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return -1;
	*start = strtoull(p, NULL, 10);
	return 0;
}

/*
 * ACME clients that call hooks; the nearest ancestor that runs one of them is
 * the run, even when a wrapper script is in between.
 */
static const char *const acme_clients[] = { "certbot", "lego", "uacme", "dehydrated", "acme.sh", NULL };

static int
in_list(const char *const *list, const char *comm)
{
	for (; *list != NULL; list++)
		if (strcmp(comm, *list) == 0)
			return 1;
	return 0;
}

/* Reads the command line of pid (NUL-separated words) into buf; returns its length, 0 when unreadable. */
static size_t
read_cmdline(long pid, char *buf, size_t size)
{
	char path[64];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	f = fopen(path, "re");
	if (f == NULL) {
		buf[0] = '\0';
		return 0;
	}
	len = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[len] = '\0';
	return len;
}

/* Returns nonzero when the command line of pid has an option word with 'c' ("-c", "-ec") before its first operand. */
static int
runs_command_string(long pid)
{
	char buf[4096];
	size_t len;
	size_t off;

	len = read_cmdline(pid, buf, sizeof(buf));
	/* Skip argv[0], then look at the option words. */
	for (off = strlen(buf) + 1; off < len; off += strlen(buf + off) + 1) {
		if (buf[off] != '-' || strcmp(buf + off, "--") == 0)
			return 0;
		if (buf[off + 1] != '-' && strchr(buf + off, 'c') != NULL)
			return 1;
	}
	return 0;
}

/* Returns nonzero when comm, argv[0] or argv[1] of pid names a known ACME client (basename compared). */
static int
runs_acme_client(long pid, const char *comm)
{
	char buf[4096];
	size_t len;
	size_t off;
	int word;

	if (in_list(acme_clients, comm))
		return 1;
	len = read_cmdline(pid, buf, sizeof(buf));
	for (off = 0, word = 0; off < len && word < 2; off += strlen(buf + off) + 1, word++) {
		const char *base = strrchr(buf + off, '/');

		if (in_list(acme_clients, base != NULL ? base + 1 : buf + off))
			return 1;
	}
	return 0;
}

/*
 * Returns nonzero when pid is a copy of its parent that forked and did not
 * run another program, such as the subshell of "$(dns01-auth ... 2>>log)" in
 * a script: the same command name and command line as the parent. It ends
 * with the command, so the process above it is the run.
 */
static int
is_forked_copy(long pid, const char *comm, long ppid)
{
	char parent_comm[64];
	char mine[4096];
	char parent[4096];
	unsigned long long start = 0;
	long grandparent = 0;
	size_t len;

	if (read_stat(ppid, parent_comm, sizeof(parent_comm), &grandparent, &start) != 0 ||
	    strcmp(comm, parent_comm) != 0)
		return 0;
	len = read_cmdline(pid, mine, sizeof(mine));
	return len > 0 && read_cmdline(ppid, parent, sizeof(parent)) == len && memcmp(mine, parent, len) == 0;
}

static int
is_pass_through(long pid, long ppid, const char *comm)
{
	if (in_list(pass_through, comm) || is_forked_copy(pid, comm, ppid))
		return 1;
	return in_list(shells, comm) && runs_command_string(pid);
}

void
run_identify(struct run_id *run)
{
	long pid = (long)getppid();
	int depth;

	/* A known client up the chain is the run, whatever wrapper scripts stand in between. */
	for (depth = 0; depth < 16 && pid > 1; depth++) {
		char comm[64];
		long ppid = 0;
		unsigned long long start = 0;

		if (read_stat(pid, comm, sizeof(comm), &ppid, &start) != 0)
			break;
		if (runs_acme_client(pid, comm)) {
			run->pid = pid;
			run->start = start;
			return;
		}
		pid = ppid;
	}
	pid = (long)getppid();

	run->pid = pid;
	run->start = 0;
	for (depth = 0; depth < 16 && pid > 1; depth++) {
		char comm[64];
		long ppid = 0;
		unsigned long long start = 0;

		if (read_stat(pid, comm, sizeof(comm), &ppid, &start) != 0)
			return;
		run->pid = pid;
		run->start = start;
		if (!is_pass_through(pid, ppid, comm))
			return;
		pid = ppid;
	}
}

int
run_is_alive(const struct run_id *run)
{
	char comm[64];
	long ppid = 0;
	unsigned long long start = 0;

	if (run->pid <= 0 || read_stat(run->pid, comm, sizeof(comm), &ppid, &start) != 0)
		return 0;
	return start == run->start;
}
