/*
 * Unit tests of the Alibaba Cloud credentials chain: precedence of the
 * sources, NAME_FILE variables, the --credentials file, the SDK's INI file
 * with profiles, the aliyun CLI's config.json, and the refusal of files that
 * group or others can read. HOME points at a new temporary directory in
 * every test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alidns_credentials.h"
#include "config.h"

static const char *const chain_variables[] = {
	"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
	"ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN", "Ali_Key", "Ali_Secret",
	"ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_PROFILE",
	"ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
};

struct fixture {
	char home[64];
	struct config cfg;
	struct alidns_credentials creds;
	struct err e;
};

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Writes text to HOME/relative, creating the one directory level below HOME. */
static void
write_home_file(struct fixture *fx, const char *relative, const char *text, mode_t mode)
{
	char path[256];
	char dir[256];
	const char *slash = strchr(relative, '/');

	if (slash != NULL) {
		snprintf(dir, sizeof(dir), "%s/%.*s", fx->home, (int)(slash - relative), relative);
		mkdir(dir, 0700);
	}
	snprintf(path, sizeof(path), "%s/%s", fx->home, relative);
	write_file(path, text, mode);
}

static void
home_path(const struct fixture *fx, const char *relative, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", fx->home, relative);
}

static void
add_config_entry(struct config *cfg, const char *key, const char *value)
{
	struct config_entry *entry = &cfg->file_entries[cfg->file_entry_count++];

	snprintf(entry->key, sizeof(entry->key), "%s", key);
	entry->value = strdup(value);
	assert_non_null(entry->value);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	size_t i;

	assert_non_null(fx);
	snprintf(fx->home, sizeof(fx->home), "/tmp/alidns-credentials-XXXXXX");
	assert_non_null(mkdtemp(fx->home));
	setenv("HOME", fx->home, 1);
	for (i = 0; i < sizeof(chain_variables) / sizeof(chain_variables[0]); i++) {
		char file_variable[128];

		unsetenv(chain_variables[i]);
		snprintf(file_variable, sizeof(file_variable), "%s_FILE", chain_variables[i]);
		unsetenv(file_variable);
	}
	snprintf(fx->cfg.config_file, sizeof(fx->cfg.config_file), "%s/dns01-hooks.conf", fx->home);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char command[128];

	alidns_credentials_free(&fx->creds);
	config_free(&fx->cfg);
	snprintf(command, sizeof(command), "rm -rf '%s'", fx->home);
	assert_int_equal(system(command), 0);
	free(fx);
	return 0;
}

static enum status
load(struct fixture *fx)
{
	alidns_credentials_free(&fx->creds);
	memset(&fx->creds, 0, sizeof(fx->creds));
	fx->e.status = ST_OK;
	fx->e.msg[0] = '\0';
	return alidns_credentials_load(&fx->cfg, &fx->creds, &fx->e);
}

static void
assert_keys(const struct fixture *fx, const char *id, const char *secret, const char *token)
{
	assert_non_null(fx->creds.access_key_id);
	assert_string_equal(fx->creds.access_key_id, id);
	assert_non_null(fx->creds.access_key_secret);
	assert_string_equal(fx->creds.access_key_secret, secret);
	if (token == NULL)
		assert_null(fx->creds.security_token);
	else
		assert_string_equal(fx->creds.security_token, token);
}

/* Every lower-ranked source at once, so a test shows which one wins. */
static void
set_all_sources(struct fixture *fx)
{
	char path[256];

	setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "official-id", 1);
	setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "official-secret", 1);
	setenv("ALICLOUD_ACCESS_KEY", "lego-id", 1);
	setenv("ALICLOUD_SECRET_KEY", "lego-secret", 1);
	setenv("Ali_Key", "acmesh-id", 1);
	setenv("Ali_Secret", "acmesh-secret", 1);
	write_home_file(fx, ".alibabacloud/credentials",
	    "[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = ini-secret\n", 0600);
	write_home_file(fx, ".aliyun/config.json",
	    "{\"current\":\"default\",\"profiles\":[{\"name\":\"default\",\"mode\":\"AK\","
	    "\"access_key_id\":\"cli-id\",\"access_key_secret\":\"cli-secret\"}]}", 0600);
	add_config_entry(&fx->cfg, "alidns.access_key_id", "conf-id");
	add_config_entry(&fx->cfg, "alidns.access_key_secret", "conf-secret");
	home_path(fx, "option.ini", path, sizeof(path));
	write_file(path, "access_key_id = option-id\naccess_key_secret = option-secret\n", 0600);
	snprintf(fx->cfg.credentials_file, sizeof(fx->cfg.credentials_file), "%s", path);
}

static void
test_precedence_official_env_first(void **state)
{
	struct fixture *fx = *state;

	set_all_sources(fx);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "official-id", "official-secret", NULL);
	assert_non_null(strstr(fx->creds.source, "ALIBABA_CLOUD_ACCESS_KEY_ID"));
}

static void
test_precedence_whole_chain(void **state)
{
	struct fixture *fx = *state;

	set_all_sources(fx);
	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID");
	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "lego-id", "lego-secret", NULL);

	unsetenv("ALICLOUD_ACCESS_KEY");
	unsetenv("ALICLOUD_SECRET_KEY");
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "acmesh-id", "acmesh-secret", NULL);

	unsetenv("Ali_Key");
	unsetenv("Ali_Secret");
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "option-id", "option-secret", NULL);

	fx->cfg.credentials_file[0] = '\0';
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "ini-id", "ini-secret", NULL);

	setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "ALIBABA_CLOUD_CREDENTIALS_FILE"));
	unsetenv("ALIBABA_CLOUD_CREDENTIALS_FILE");

	setenv("ALIBABA_CLOUD_PROFILE", "default", 1);
	write_home_file(fx, ".alibabacloud/credentials", "[other]\naccess_key_id = x\naccess_key_secret = y\n", 0600);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "cli-id", "cli-secret", NULL);

	setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true", 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "conf-id", "conf-secret", NULL);
	assert_non_null(strstr(fx->creds.source, "configuration file"));
}

static void
test_env_sts_token(void **state)
{
	struct fixture *fx = *state;

	setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.id", 1);
	setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sts-secret", 1);
	setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "sts-token", 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "STS.id", "sts-secret", "sts-token");

	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID");
	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
	unsetenv("ALIBABA_CLOUD_SECURITY_TOKEN");
	setenv("ALICLOUD_ACCESS_KEY", "STS.lego", 1);
	setenv("ALICLOUD_SECRET_KEY", "lego-secret", 1);
	setenv("ALICLOUD_SECURITY_TOKEN", "lego-token", 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "STS.lego", "lego-secret", "lego-token");
}

static void
test_env_half_set_rejected(void **state)
{
	struct fixture *fx = *state;

	setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "official-id", 1);
	setenv("Ali_Key", "acmesh-id", 1);
	setenv("Ali_Secret", "acmesh-secret", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "ALIBABA_CLOUD_ACCESS_KEY_SECRET is missing"));
	assert_null(fx->creds.access_key_id);

	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID");
	setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "token-alone", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "ALIBABA_CLOUD_SECURITY_TOKEN is set"));
	assert_null(strstr(fx->e.msg, "token-alone"));
}

static void
test_env_file_variants(void **state)
{
	struct fixture *fx = *state;
	char id_path[256];
	char secret_path[256];

	home_path(fx, "id", id_path, sizeof(id_path));
	home_path(fx, "secret", secret_path, sizeof(secret_path));
	write_file(id_path, "file-id\n", 0600);
	write_file(secret_path, "  file-secret\r\n", 0600);
	setenv("ALIBABA_CLOUD_ACCESS_KEY_ID_FILE", id_path, 1);
	setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET_FILE", secret_path, 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "file-id", "file-secret", NULL);
	assert_string_equal(fx->creds.source,
	    "environment variables ALIBABA_CLOUD_ACCESS_KEY_ID_FILE and ALIBABA_CLOUD_ACCESS_KEY_SECRET_FILE");
	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID_FILE");
	unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET_FILE");

	setenv("Ali_Key", "acmesh-id", 1);
	setenv("Ali_Secret_FILE", secret_path, 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "acmesh-id", "file-secret", NULL);

	setenv("Ali_Secret_FILE", "/nonexistent/secret", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "Ali_Secret_FILE"));
	unsetenv("Ali_Secret_FILE");
	unsetenv("Ali_Key");
}

static void
test_option_file_formats(void **state)
{
	struct fixture *fx = *state;
	char path[256];

	home_path(fx, "option.ini", path, sizeof(path));
	snprintf(fx->cfg.credentials_file, sizeof(fx->cfg.credentials_file), "%s", path);

	write_file(path, "dns_aliyun_access_key = certbot-id\ndns_aliyun_access_key_secret = certbot-secret\n", 0600);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "certbot-id", "certbot-secret", NULL);
	assert_non_null(strstr(fx->creds.source, path));

	write_file(path, "[default]\ntype = access_key\naccess_key_id = profile-id\naccess_key_secret = profile-secret\n",
	    0600);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "profile-id", "profile-secret", NULL);

	write_file(path, "access_key_id = top-id\nsecurity_token = top-token\n", 0600);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "needs both access_key_id and access_key_secret"));

	write_file(path, "# nothing here\n", 0600);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "neither a [default] profile"));
}

static void
test_option_file_mode_refused(void **state)
{
	struct fixture *fx = *state;
	char path[256];

	home_path(fx, "option.ini", path, sizeof(path));
	write_file(path, "access_key_id = open-id\naccess_key_secret = open-secret\n", 0644);
	snprintf(fx->cfg.credentials_file, sizeof(fx->cfg.credentials_file), "%s", path);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "chmod 600"));
	assert_non_null(strstr(fx->e.msg, path));
	assert_null(strstr(fx->e.msg, "open-secret"));
	assert_null(fx->creds.access_key_id);
}

static void
test_ini_profiles(void **state)
{
	struct fixture *fx = *state;
	char path[256];

	write_home_file(fx, ".alibabacloud/credentials",
	    "[default]\ntype = access_key\naccess_key_id = default-id\naccess_key_secret = default-secret\n"
	    "\n[prod]\ntype = access_key\naccess_key_id = prod-id\naccess_key_secret = prod-secret\n"
	    "\n[role]\ntype = ecs_ram_role\nrole_name = dns\n",
	    0600);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "default-id", "default-secret", NULL);
	assert_non_null(strstr(fx->creds.source, "[default]"));

	setenv("ALIBABA_CLOUD_PROFILE", "prod", 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "prod-id", "prod-secret", NULL);

	setenv("ALIBABA_CLOUD_PROFILE", "role", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "ecs_ram_role"));
	unsetenv("ALIBABA_CLOUD_PROFILE");

	home_path(fx, "elsewhere.ini", path, sizeof(path));
	write_file(path, "[default]\naccess_key_id = other-id\naccess_key_secret = other-secret\n", 0600);
	setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", path, 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "other-id", "other-secret", NULL);
	unsetenv("ALIBABA_CLOUD_CREDENTIALS_FILE");
}

static void
test_ini_mode_refused(void **state)
{
	struct fixture *fx = *state;

	write_home_file(fx, ".alibabacloud/credentials",
	    "[default]\ntype = access_key\naccess_key_id = open-id\naccess_key_secret = open-secret\n", 0640);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "chmod 600"));
	assert_non_null(strstr(fx->e.msg, ".alibabacloud/credentials"));
	assert_null(fx->creds.access_key_id);
}

static void
test_cli_config_profiles(void **state)
{
	struct fixture *fx = *state;

	write_home_file(fx, ".aliyun/config.json",
	    "{\n \"current\": \"work\",\n \"profiles\": [\n"
	    "  {\"name\": \"default\", \"mode\": \"AK\", \"access_key_id\": \"d-id\", \"access_key_secret\": \"d-secret\"},\n"
	    "  {\"name\": \"work\", \"mode\": \"StsToken\", \"access_key_id\": \"STS.w\", \"access_key_secret\": \"w-secret\","
	    " \"sts_token\": \"w-token\", \"region_id\": \"cn-hangzhou\"},\n"
	    "  {\"name\": \"role\", \"mode\": \"RamRoleArn\", \"access_key_id\": \"r-id\", \"access_key_secret\": \"r-secret\","
	    " \"ram_role_arn\": \"acs:ram::1:role/dns\"},\n"
	    "  {\"name\": \"empty\", \"mode\": \"AK\", \"access_key_id\": \"\", \"access_key_secret\": \"\"}\n"
	    " ]\n}\n",
	    0600);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "STS.w", "w-secret", "w-token");
	assert_non_null(strstr(fx->creds.source, "'work'"));

	setenv("ALIBABA_CLOUD_PROFILE", "default", 1);
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "d-id", "d-secret", NULL);

	setenv("ALIBABA_CLOUD_PROFILE", "role", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "RamRoleArn"));

	setenv("ALIBABA_CLOUD_PROFILE", "empty", 1);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "needs access_key_id"));
	unsetenv("ALIBABA_CLOUD_PROFILE");
}

static void
test_cli_config_mode_refused(void **state)
{
	struct fixture *fx = *state;

	write_home_file(fx, ".aliyun/config.json",
	    "{\"current\":\"default\",\"profiles\":[{\"name\":\"default\",\"mode\":\"AK\","
	    "\"access_key_id\":\"open-id\",\"access_key_secret\":\"open-secret\"}]}", 0604);
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "chmod 600"));
	assert_non_null(strstr(fx->e.msg, "config.json"));
	assert_null(strstr(fx->e.msg, "open-secret"));
}

static void
test_config_keys_with_token(void **state)
{
	struct fixture *fx = *state;

	add_config_entry(&fx->cfg, "alidns.access_key_id", "conf-id");
	add_config_entry(&fx->cfg, "alidns.access_key_secret", "conf-secret");
	add_config_entry(&fx->cfg, "alidns.security_token", "conf-token");
	assert_int_equal(load(fx), ST_OK);
	assert_keys(fx, "conf-id", "conf-secret", "conf-token");
}

static void
test_config_keys_half_set(void **state)
{
	struct fixture *fx = *state;

	add_config_entry(&fx->cfg, "alidns.access_key_secret", "conf-secret");
	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "alidns.access_key_id"));
	assert_null(strstr(fx->e.msg, "conf-secret"));
}

static void
test_missing_lists_sources(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(load(fx), ST_USAGE);
	assert_non_null(strstr(fx->e.msg, "ALIBABA_CLOUD_ACCESS_KEY_ID"));
	assert_non_null(strstr(fx->e.msg, "ALICLOUD_ACCESS_KEY"));
	assert_non_null(strstr(fx->e.msg, "Ali_Key"));
	assert_non_null(strstr(fx->e.msg, "--credentials FILE"));
	assert_non_null(strstr(fx->e.msg, "~/.alibabacloud/credentials"));
	assert_non_null(strstr(fx->e.msg, "aliyun CLI"));
	assert_non_null(strstr(fx->e.msg, "alidns.access_key_id"));
	assert_null(fx->creds.access_key_id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_precedence_official_env_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence_whole_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_sts_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_half_set_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_file_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_file_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_file_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ini_profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ini_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_config_profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_config_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_keys_with_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_keys_half_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_lists_sources, setup, teardown),
	};

	return cmocka_run_group_tests_name("alidns_credentials", tests, NULL, NULL);
}
