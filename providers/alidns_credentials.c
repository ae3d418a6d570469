#include "alidns_credentials.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ini.h"
#include "log.h"
#include "secret.h"

/* One family of environment variables; token is NULL when the family has none. */
struct env_family {
	const char *id;
	const char *secret;
	const char *token;
};

static const struct env_family env_families[] = {
	{ "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN" },
	{ "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN" },
	{ "Ali_Key", "Ali_Secret", NULL },
};

/* Keys read from an INI credentials file: one profile section and the top level. */
struct ini_keys {
	const char *path;
	const char *profile;
	int section_found;
	char *type;
	char *id;
	char *secret;
	char *token;
	char *top_id;
	char *top_secret;
	char *top_token;
};

void
alidns_credentials_free(struct alidns_credentials *creds)
{
	secret_free(creds->access_key_id);
	secret_free(creds->access_key_secret);
	secret_free(creds->security_token);
	creds->access_key_id = NULL;
	creds->access_key_secret = NULL;
	creds->security_token = NULL;
}

static int
env_is_true(const char *name)
{
	const char *value = getenv(name);

	return value != NULL && (strcmp(value, "1") == 0 || strcasecmp(value, "true") == 0);
}

/* Moves the three strings into creds, which takes ownership of them. */
static void
take_keys(struct alidns_credentials *creds, char **id, char **secret, char **token)
{
	creds->access_key_id = *id;
	creds->access_key_secret = *secret;
	creds->security_token = *token;
	*id = NULL;
	*secret = NULL;
	*token = NULL;
}

/* Writes the variable that held a value: NAME, or NAME_FILE when only that one is set. */
static const char *
env_source(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", name, getenv(name) == NULL ? "_FILE" : "");
	return buf;
}

/* Sets *found when the family is complete; an incomplete family is an error. */
static enum status
load_env_family(const struct env_family *family, struct alidns_credentials *creds, int *found, struct err *e)
{
	char *id = NULL;
	char *secret = NULL;
	char *token = NULL;
	char id_name[64];
	char secret_name[64];
	char token_name[64];
	enum status st;

	*found = 0;
	if ((st = secret_from_env(family->id, &id, e)) != ST_OK ||
	    (st = secret_from_env(family->secret, &secret, e)) != ST_OK ||
	    (family->token != NULL && (st = secret_from_env(family->token, &token, e)) != ST_OK))
		goto out;
	if (id == NULL && secret == NULL) {
		if (token != NULL)
			st = err_set(e, ST_USAGE, "%s is set but %s and %s are missing; an STS token is used together with its temporary AccessKey",
			    family->token, family->id, family->secret);
		goto out;
	}
	if (id == NULL || secret == NULL) {
		st = err_set(e, ST_USAGE, "%s is set but %s is missing; set both (or NAME_FILE naming a file with the value)",
		    id != NULL ? family->id : family->secret, id != NULL ? family->secret : family->id);
		goto out;
	}
	take_keys(creds, &id, &secret, &token);
	if (creds->security_token != NULL)
		snprintf(creds->source, sizeof(creds->source), "environment variables %s, %s and %s",
		    env_source(family->id, id_name, sizeof(id_name)),
		    env_source(family->secret, secret_name, sizeof(secret_name)),
		    env_source(family->token, token_name, sizeof(token_name)));
	else
		snprintf(creds->source, sizeof(creds->source), "environment variables %s and %s",
		    env_source(family->id, id_name, sizeof(id_name)),
		    env_source(family->secret, secret_name, sizeof(secret_name)));
	*found = 1;
out:
	secret_free(id);
	secret_free(secret);
	secret_free(token);
	return st;
}

static enum status
store_key(char **slot, const char *value, struct err *e)
{
	secret_free(*slot);
	*slot = NULL;
	if (value[0] == '\0')
		return ST_OK;
	*slot = strdup(value);
	if (*slot == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	return ST_OK;
}

static enum status
read_ini_key(void *ctx, const char *section, const char *key, const char *value, int line, struct err *e)
{
	struct ini_keys *keys = ctx;

	/* certbot-dns-aliyun once wrote its keys with the plugin name in front. */
	if (strncmp(key, "certbot_dns_aliyun:", 19) == 0)
		key += 19;
	if (section[0] == '\0') {
		if (strcmp(key, "access_key_id") == 0 || strcmp(key, "dns_aliyun_access_key") == 0)
			return store_key(&keys->top_id, value, e);
		if (strcmp(key, "access_key_secret") == 0 || strcmp(key, "dns_aliyun_access_key_secret") == 0)
			return store_key(&keys->top_secret, value, e);
		if (strcmp(key, "security_token") == 0)
			return store_key(&keys->top_token, value, e);
	} else if (strcmp(section, keys->profile) == 0) {
		keys->section_found = 1;
		if (strcmp(key, "type") == 0)
			return store_key(&keys->type, value, e);
		if (strcmp(key, "access_key_id") == 0)
			return store_key(&keys->id, value, e);
		if (strcmp(key, "access_key_secret") == 0)
			return store_key(&keys->secret, value, e);
		if (strcmp(key, "security_token") == 0)
			return store_key(&keys->token, value, e);
	}
	log_debug("%s:%d: ignoring key '%s'", keys->path, line, key);
	return ST_OK;
}

static void
ini_keys_free(struct ini_keys *keys)
{
	secret_free(keys->type);
	secret_free(keys->id);
	secret_free(keys->secret);
	secret_free(keys->token);
	secret_free(keys->top_id);
	secret_free(keys->top_secret);
	secret_free(keys->top_token);
}

static enum status
parse_ini_file(const char *path, struct ini_keys *keys, struct err *e)
{
	char *text = NULL;
	enum status st;

	st = secret_read_file(path, 1, &text, e);
	if (st != ST_OK)
		return err_prefix(e, "Alibaba Cloud credentials file");
	st = ini_parse(text, path, read_ini_key, keys, e);
	secret_free(text);
	return st;
}

/* Takes the keys of the profile section; ST_NOT_FOUND when the file has no such section. */
static enum status
take_ini_profile(struct ini_keys *keys, struct alidns_credentials *creds, struct err *e)
{
	if (!keys->section_found)
		return ST_NOT_FOUND;
	if (keys->type != NULL && strcmp(keys->type, "access_key") != 0)
		return err_set(e, ST_USAGE,
		    "profile [%s] of '%s' has type '%s', which dns01-hooks does not support; use a profile with type = access_key, access_key_id and access_key_secret",
		    keys->profile, keys->path, keys->type);
	if (keys->id == NULL || keys->secret == NULL)
		return err_set(e, ST_USAGE, "profile [%s] of '%s' needs both access_key_id and access_key_secret",
		    keys->profile, keys->path);
	take_keys(creds, &keys->id, &keys->secret, &keys->token);
	snprintf(creds->source, sizeof(creds->source), "profile [%s] of %s", keys->profile, keys->path);
	return ST_OK;
}

/* Source 4: the file named with --credentials. */
static enum status
load_credentials_option(const char *path, const char *profile, struct alidns_credentials *creds, struct err *e)
{
	struct ini_keys keys;
	enum status st;

	memset(&keys, 0, sizeof(keys));
	keys.path = path;
	keys.profile = profile;
	st = parse_ini_file(path, &keys, e);
	if (st != ST_OK)
		goto out;
	st = take_ini_profile(&keys, creds, e);
	if (st != ST_NOT_FOUND)
		goto out;
	if (keys.top_id == NULL && keys.top_secret == NULL) {
		st = err_set(e, ST_USAGE,
		    "credentials file '%s' has neither a [%s] profile nor top-level access_key_id and access_key_secret",
		    path, profile);
		goto out;
	}
	if (keys.top_id == NULL || keys.top_secret == NULL) {
		st = err_set(e, ST_USAGE, "credentials file '%s' needs both access_key_id and access_key_secret", path);
		goto out;
	}
	take_keys(creds, &keys.top_id, &keys.top_secret, &keys.top_token);
	snprintf(creds->source, sizeof(creds->source), "credentials file %s", path);
	st = ST_OK;
out:
	ini_keys_free(&keys);
	return st;
}

/*
 * Picks the path of a shared file: the variable's value when set (the file
 * must then exist), else the file under HOME. Sets *path to "" when neither
 * applies.
 */
static enum status
shared_file_path(const char *variable, const char *home_relative, char *path, size_t size, int *explicit,
    struct err *e)
{
	const char *value = getenv(variable);
	const char *home = getenv("HOME");

	path[0] = '\0';
	*explicit = value != NULL && value[0] != '\0';
	if (*explicit) {
		if ((size_t)snprintf(path, size, "%s", value) >= size)
			return err_set(e, ST_USAGE, "%s is too long", variable);
		if (access(path, F_OK) != 0)
			return err_set(e, ST_USAGE, "%s names '%s', which cannot be read: %s", variable, path,
			    strerror(errno));
		return ST_OK;
	}
	if (home == NULL || home[0] != '/')
		return ST_OK;
	if ((size_t)snprintf(path, size, "%s/%s", home, home_relative) >= size || access(path, F_OK) != 0)
		path[0] = '\0';
	return ST_OK;
}

/* Source 5: the Alibaba Cloud SDK credentials file. */
static enum status
load_shared_ini(const char *profile, struct alidns_credentials *creds, int *found, struct err *e)
{
	char path[PATH_MAX];
	struct ini_keys keys;
	enum status st;
	int explicit;

	*found = 0;
	st = shared_file_path("ALIBABA_CLOUD_CREDENTIALS_FILE", ".alibabacloud/credentials", path, sizeof(path),
	    &explicit, e);
	if (st != ST_OK || path[0] == '\0')
		return st;
	memset(&keys, 0, sizeof(keys));
	keys.path = path;
	keys.profile = profile;
	st = parse_ini_file(path, &keys, e);
	if (st == ST_OK)
		st = take_ini_profile(&keys, creds, e);
	ini_keys_free(&keys);
	if (st == ST_NOT_FOUND) {
		log_debug("%s has no profile [%s]", path, profile);
		return ST_OK;
	}
	*found = st == ST_OK;
	return st;
}

static const char *
json_text(json_t *obj, const char *key)
{
	const char *value = json_string_value(json_object_get(obj, key));

	return value != NULL && value[0] != '\0' ? value : NULL;
}

static enum status
copy_json_key(json_t *profile, const char *key, char **out, struct err *e)
{
	const char *value = json_text(profile, key);

	*out = NULL;
	if (value == NULL)
		return ST_OK;
	*out = strdup(value);
	if (*out == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	return ST_OK;
}

/* Takes the AccessKey of one aliyun CLI profile object. */
static enum status
take_cli_profile(json_t *profile, const char *name, const char *path, struct alidns_credentials *creds,
    struct err *e)
{
	const char *mode = json_text(profile, "mode");
	int sts = mode != NULL && strcmp(mode, "StsToken") == 0;
	char *id = NULL;
	char *secret = NULL;
	char *token = NULL;
	enum status st;

	if (mode == NULL || (strcmp(mode, "AK") != 0 && !sts))
		return err_set(e, ST_USAGE,
		    "aliyun CLI profile '%s' in '%s' has mode '%s', which dns01-hooks does not support; use a profile of mode AK or StsToken (aliyun configure --mode AK --profile NAME), or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET",
		    name, path, mode != NULL ? mode : "(none)");
	if ((st = copy_json_key(profile, "access_key_id", &id, e)) != ST_OK ||
	    (st = copy_json_key(profile, "access_key_secret", &secret, e)) != ST_OK ||
	    (sts && (st = copy_json_key(profile, "sts_token", &token, e)) != ST_OK))
		goto out;
	if (id == NULL || secret == NULL || (sts && token == NULL)) {
		st = err_set(e, ST_USAGE, "aliyun CLI profile '%s' in '%s' (mode %s) needs access_key_id, access_key_secret%s",
		    name, path, mode, sts ? " and sts_token" : "");
		goto out;
	}
	take_keys(creds, &id, &secret, &token);
	snprintf(creds->source, sizeof(creds->source), "aliyun CLI profile '%s' of %s", name, path);
out:
	secret_free(id);
	secret_free(secret);
	secret_free(token);
	return st;
}

/* Source 6: the aliyun CLI configuration. */
static enum status
load_cli_config(const char *profile_env, struct alidns_credentials *creds, int *found, struct err *e)
{
	char path[PATH_MAX];
	const char *name;
	char *text = NULL;
	json_error_t jerr;
	json_t *root = NULL;
	json_t *profile;
	size_t i;
	enum status st;
	int explicit;

	*found = 0;
	if (env_is_true("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"))
		return ST_OK;
	st = shared_file_path("ALIBABA_CLOUD_CONFIG_FILE", ".aliyun/config.json", path, sizeof(path), &explicit, e);
	if (st != ST_OK || path[0] == '\0')
		return st;
	st = secret_read_file(path, 1, &text, e);
	if (st != ST_OK)
		return err_prefix(e, "aliyun CLI configuration");
	root = json_loads(text, 0, &jerr);
	secret_free(text);
	if (!json_is_object(root)) {
		st = err_set(e, ST_USAGE, "'%s' is not valid JSON (line %d: %s); fix or remove it", path, jerr.line,
		    jerr.text);
		goto out;
	}
	name = profile_env != NULL ? profile_env : json_text(root, "current");
	if (name == NULL)
		name = "default";
	json_array_foreach(json_object_get(root, "profiles"), i, profile) {
		const char *candidate = json_text(profile, "name");

		if (candidate == NULL || strcmp(candidate, name) != 0)
			continue;
		st = take_cli_profile(profile, name, path, creds, e);
		*found = st == ST_OK;
		goto out;
	}
	log_debug("%s has no profile '%s'", path, name);
out:
	/* NOTE: the parsed tree contains copies of the secrets, and jansson frees them without wiping. */
	json_decref(root);
	return st;
}

/* Source 7: keys of the dns01-hooks configuration file. */
static enum status
load_config_keys(const struct config *cfg, struct alidns_credentials *creds, int *found, struct err *e)
{
	char *id = NULL;
	char *secret = NULL;
	char *token = NULL;
	enum status st;

	*found = 0;
	if ((st = config_lookup(cfg, NULL, "alidns.access_key_id", &id, e)) != ST_OK ||
	    (st = config_lookup(cfg, NULL, "alidns.access_key_secret", &secret, e)) != ST_OK ||
	    (st = config_lookup(cfg, NULL, "alidns.security_token", &token, e)) != ST_OK)
		goto out;
	if (id == NULL && secret == NULL)
		goto out;
	if (id == NULL || secret == NULL) {
		st = err_set(e, ST_USAGE, "configuration file '%s' sets %s but not %s", cfg->config_file,
		    id != NULL ? "alidns.access_key_id" : "alidns.access_key_secret",
		    id != NULL ? "alidns.access_key_secret" : "alidns.access_key_id");
		goto out;
	}
	take_keys(creds, &id, &secret, &token);
	snprintf(creds->source, sizeof(creds->source), "configuration file %s", cfg->config_file);
	*found = 1;
out:
	secret_free(id);
	secret_free(secret);
	secret_free(token);
	return st;
}

static enum status
load_chain(const struct config *cfg, struct alidns_credentials *creds, struct err *e)
{
	const char *profile_env = getenv("ALIBABA_CLOUD_PROFILE");
	const char *profile = profile_env != NULL && profile_env[0] != '\0' ? profile_env : "default";
	enum status st;
	size_t i;
	int found = 0;

	if (profile_env != NULL && profile_env[0] == '\0')
		profile_env = NULL;
	for (i = 0; i < sizeof(env_families) / sizeof(env_families[0]); i++) {
		st = load_env_family(&env_families[i], creds, &found, e);
		if (st != ST_OK || found)
			return st;
	}
	if (cfg->credentials_file[0] != '\0')
		return load_credentials_option(cfg->credentials_file, profile, creds, e);
	if ((st = load_shared_ini(profile, creds, &found, e)) != ST_OK || found)
		return st;
	if ((st = load_cli_config(profile_env, creds, &found, e)) != ST_OK || found)
		return st;
	if ((st = load_config_keys(cfg, creds, &found, e)) != ST_OK || found)
		return st;
	return err_set(e, ST_USAGE,
	    "no Alibaba Cloud credentials found; set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
	    "(also read: ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, Ali_Key/Ali_Secret, each also as NAME_FILE), "
	    "pass --credentials FILE, add profile [%s] with type = access_key to ~/.alibabacloud/credentials, "
	    "configure the aliyun CLI in AK mode, or set alidns.access_key_id and alidns.access_key_secret in the "
	    "configuration file. ECS instance RAM roles are not supported",
	    profile);
}

enum status
alidns_credentials_load(const struct config *cfg, struct alidns_credentials *creds, struct err *e)
{
	enum status st;

	st = load_chain(cfg, creds, e);
	if (st != ST_OK) {
		alidns_credentials_free(creds);
		return st;
	}
	log_debug("Alibaba Cloud AccessKey from %s%s", creds->source,
	    creds->security_token != NULL ? " (STS token)" : "");
	return ST_OK;
}
