/*
 * Fuzzes the Alibaba Cloud credentials files (providers/alidns_credentials.h).
 * The first input byte picks the file that gets the rest of the input: the
 * --credentials file, the shared credentials file
 * (ALIBABA_CLOUD_CREDENTIALS_FILE) or the aliyun CLI's config.json
 * (ALIBABA_CLOUD_CONFIG_FILE).
 */
#include <fcntl.h>
#include <unistd.h>

#include "alidns_credentials.h"
#include "fuzz_common.h"
#include "log.h"

static char file_path[64];

static void
prepare(void)
{
	static const char *const cleared[] = { "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
		"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN",
		"Ali_Key", "Ali_Secret", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
		"ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_CONFIG_FILE", NULL };
	char dir[] = "/tmp/dns01-fuzz-alidns.XXXXXX";
	size_t i;

	if (file_path[0] != '\0')
		return;
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(file_path, sizeof(file_path), "%s/credentials", dir);
	for (i = 0; cleared[i] != NULL; i++)
		unsetenv(cleared[i]);
	/* The default file locations are under HOME: point it at the empty directory. */
	setenv("HOME", dir, 1);
}

static void
write_file(const uint8_t *data, size_t size)
{
	size_t off = 0;
	int fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

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
	static struct config cfg;
	struct alidns_credentials creds;
	struct err e = { ST_OK, "" };
	enum status st;

	if (size == 0)
		return 0;
	log_init("fuzz_alidns_credentials", -1);
	prepare();
	write_file(data + 1, size - 1);
	memset(&cfg, 0, sizeof(cfg));
	unsetenv("ALIBABA_CLOUD_CREDENTIALS_FILE");
	unsetenv("ALIBABA_CLOUD_CONFIG_FILE");
	switch (data[0] % 3) {
	case 0:
		snprintf(cfg.credentials_file, sizeof(cfg.credentials_file), "%s", file_path);
		break;
	case 1:
		setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", file_path, 1);
		break;
	default:
		setenv("ALIBABA_CLOUD_CONFIG_FILE", file_path, 1);
		break;
	}
	memset(&creds, 0, sizeof(creds));
	st = alidns_credentials_load(&cfg, &creds, &e);
	FUZZ_CHECK(st == ST_OK || strnlen(e.msg, sizeof(e.msg)) < sizeof(e.msg));
	if (st == ST_OK) {
		FUZZ_CHECK(creds.access_key_id != NULL && creds.access_key_id[0] != '\0');
		FUZZ_CHECK(creds.access_key_secret != NULL && creds.access_key_secret[0] != '\0');
		fuzz_check_printable(creds.source, sizeof(creds.source));
	}
	alidns_credentials_free(&creds);
	return 0;
}
