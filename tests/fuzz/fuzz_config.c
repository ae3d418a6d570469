/*
 * Fuzzes config_load on a configuration file (common/config.h): the INI
 * reader, the known keys and the checks of every setting the file may hold.
 */
#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_common.h"
#include "log.h"

static char config_path[64];

/* Writes the input to a private file that config_load accepts (mode 0600). */
static void
write_config(const uint8_t *data, size_t size)
{
	size_t off = 0;
	int fd;

	if (config_path[0] == '\0') {
		char dir[] = "/tmp/dns01-fuzz-config.XXXXXX";

		FUZZ_CHECK(mkdtemp(dir) != NULL);
		snprintf(config_path, sizeof(config_path), "%s/dns01-hooks.conf", dir);
		/* Settings from the environment would win over the file. */
		unsetenv("DNS01_PROVIDER");
		unsetenv("DNS01_STATE_DIR");
		unsetenv("DNS01_RESOLVERS");
		unsetenv("DNS01_CA_BUNDLE");
		unsetenv("DNS01_CONFIG");
		unsetenv("DNS01_CNAME");
		unsetenv("DNS01_TTL");
	}
	fd = open(config_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		FUZZ_CHECK(n > 0);
		off += (size_t)n;
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const token_vars[] = { "DNS01_FUZZ_UNSET_VARIABLE", NULL };
	char arg0[] = "dns01-auth";
	char arg1[] = "--config";
	char *argv[] = { arg0, arg1, config_path, NULL };
	struct config cfg;
	struct err e = { ST_OK, "" };
	char *value = NULL;
	int exit_now = 0;
	enum status st;

	log_init("fuzz_config", -1);
	write_config(data, size);
	memset(&cfg, 0, sizeof(cfg));
	cfg.progname = "dns01-auth";
	st = config_load(&cfg, HOOK_AUTH, 3, argv, &exit_now, &e);
	/* NOTE: config.c quotes values of the local file unescaped, so only the message's end is checked here. */
	FUZZ_CHECK(st == ST_OK || strnlen(e.msg, sizeof(e.msg)) < sizeof(e.msg));
	if (st == ST_OK) {
		FUZZ_CHECK(!exit_now);
		FUZZ_CHECK(cfg.resolver_count >= 0 && cfg.resolver_count <= CONFIG_MAX_RESOLVERS);
		FUZZ_CHECK(cfg.propagation_timeout >= 1 && cfg.poll_interval >= 0.1);
		st = config_lookup(&cfg, token_vars, "cloudflare.api_token", &value, &e);
		FUZZ_CHECK(st == ST_OK || st == ST_USAGE);
		if (value != NULL)
			FUZZ_CHECK(strlen(value) > 0);
		free(value);
	}
	config_free(&cfg);
	return 0;
}
