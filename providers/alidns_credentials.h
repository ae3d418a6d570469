/*
 * The Alibaba Cloud AccessKey that signs alidns requests, and the chain of
 * places it is loaded from. The order, first complete source wins:
 *
 *  1. ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
 *     optionally ALIBABA_CLOUD_SECURITY_TOKEN (the official SDK names)
 *  2. ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY, ALICLOUD_SECURITY_TOKEN (lego)
 *  3. Ali_Key, Ali_Secret (acme.sh)
 *     Each variable of 1 to 3 may instead be NAME_FILE, naming a file that
 *     contains the value.
 *  4. the file given with --credentials (or "credentials" in the
 *     configuration file): an INI file in the format of 5, or top-level keys
 *     access_key_id, access_key_secret, security_token, or the
 *     certbot-dns-aliyun keys dns_aliyun_access_key and
 *     dns_aliyun_access_key_secret
 *  5. the profile ALIBABA_CLOUD_PROFILE (default "default") of the INI file
 *     ALIBABA_CLOUD_CREDENTIALS_FILE (default ~/.alibabacloud/credentials),
 *     when its type is access_key
 *  6. the profile ALIBABA_CLOUD_PROFILE (default: the "current" one) of the
 *     aliyun CLI file ALIBABA_CLOUD_CONFIG_FILE (default
 *     ~/.aliyun/config.json), when its mode is AK or StsToken. This source
 *     is skipped when ALIBABA_CLOUD_CLI_PROFILE_DISABLED is true.
 *  7. the keys alidns.access_key_id, alidns.access_key_secret and
 *     alidns.security_token of the dns01-hooks configuration file
 *
 * A source that is only half set (an id without a secret) is an error rather
 * than skipped, so keys from two sources are never mixed. Files of 4 to 6
 * are rejected when group or others can read them. ECS instance RAM roles
 * are not supported: the metadata service is never contacted.
 */
#ifndef DNS01_ALIDNS_CREDENTIALS_H
#define DNS01_ALIDNS_CREDENTIALS_H

#include <limits.h>

#include "config.h"
#include "status.h"

struct alidns_credentials {
	char *access_key_id;		/* wiped when freed */
	char *access_key_secret;	/* wiped when freed */
	char *security_token;		/* STS token, or NULL for a permanent AccessKey */
	char source[PATH_MAX + 96];	/* where the key came from, for messages; never a secret */
};

/*
 * Loads the first complete set of credentials from the chain above into
 * creds (which the caller zeroes first). Returns ST_USAGE with a message
 * listing every source when none is set, or naming the source that is
 * incomplete, unreadable or not private.
 */
enum status alidns_credentials_load(const struct config *cfg, struct alidns_credentials *creds, struct err *e);

/* Wipes and releases the strings of creds. */
void alidns_credentials_free(struct alidns_credentials *creds);

#endif
