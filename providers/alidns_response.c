#include "alidns_response.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alidns.h"
#include "log.h"

/* The status and the advice for the user that one error code leads to. */
struct code_advice {
	const char *code;
	enum status status;
	const char *advice;
};

static const struct code_advice code_advice[] = {
	{ "InvalidAccessKeyId.NotFound", ST_AUTH,
	  "the AccessKey ID from %s does not exist; check it in the RAM console under AccessKey management" },
	{ "InvalidAccessKeyId", ST_AUTH,
	  "the AccessKey ID from %s does not exist; check it in the RAM console under AccessKey management" },
	{ "InvalidAccessKeyId.Inactive", ST_AUTH,
	  "the AccessKey from %s is disabled; enable it in the RAM console or use another one" },
	{ "SignatureDoesNotMatch", ST_AUTH,
	  "the AccessKey secret from %s does not match its AccessKey ID; copy the secret again, or create a new AccessKey if it is lost" },
	{ "IncompleteSignature", ST_AUTH,
	  "the AccessKey secret from %s does not match its AccessKey ID; copy the secret again, or create a new AccessKey if it is lost" },
	{ "InvalidSecurityToken.Expired", ST_AUTH,
	  "the STS token from %s has expired; request a new token with its temporary AccessKey" },
	{ "InvalidSecurityToken.Malformed", ST_AUTH,
	  "the STS token from %s is damaged; set the token exactly as STS returned it" },
	{ "InvalidSecurityToken.MismatchWithAccessKey", ST_AUTH,
	  "the STS token from %s was issued for another AccessKey; set the temporary AccessKey that came with the token" },
	{ "Forbidden.RAM", ST_PERMISSION,
	  "the RAM policy of the AccessKey from %s does not allow this action; attach AliyunDNSFullAccess, or a policy that allows it on this domain" },
	{ "Forbidden", ST_PERMISSION,
	  "the account of the AccessKey from %s may not call this action; check the account's status in the Alibaba Cloud console" },
	{ "Forbidden.RiskControl", ST_PERMISSION,
	  "Alibaba Cloud's risk control blocked the account of the AccessKey from %s; check the account in the console" },
	{ "Forbidden.UserVerification", ST_PERMISSION,
	  "the account of the AccessKey from %s has not completed real-name verification; complete it in the console" },
	{ "IncorrectDomainUser", ST_NOT_FOUND,
	  "the domain is not in the account of the AccessKey from %s; add it in the Alibaba Cloud DNS console, or use the AccessKey of the account that holds it" },
	{ "InvalidDomainName.NoExist", ST_NOT_FOUND,
	  "the domain is not in Alibaba Cloud DNS for the account of the AccessKey from %s; add it in the Alibaba Cloud DNS console" },
	{ "DomainRecordNotBelongToUser", ST_NOT_FOUND,
	  "the record does not exist in the account of the AccessKey from %s" },
	{ "DomainRecordDuplicate", ST_EXISTS, "an identical record exists already" },
	{ "DomainRecordConflict", ST_CONFLICT,
	  "another record at this name, usually a CNAME, cannot coexist with the new one" },
	{ "QuotaExceeded.TTL", ST_USAGE,
	  "the TTL is below the minimum of the domain's Alibaba Cloud DNS edition (600 seconds for the free and personal "
	  "editions, 60 for Enterprise Standard, 1 for Enterprise Ultimate); pass --ttl with a value from that minimum to 86400" },
	{ "SignatureNonceUsed", ST_TRANSIENT, "the server had seen this request's SignatureNonce before; run the hook again" },
	{ "LastOperationNotFinished", ST_TRANSIENT,
	  "an earlier change to this domain was still in progress; run the hook again in a minute" },
	{ "DomainForbidden", ST_PERMISSION,
	  "Alibaba Cloud DNS blocks changes to this domain; check its status in the Alibaba Cloud DNS console" },
	{ "DomainRecordLocked", ST_PERMISSION, "the record is locked; unlock it in the Alibaba Cloud DNS console" },
	{ "RecordForbidden.DNSChange", ST_TRANSIENT,
	  "the domain's DNS servers are being changed; run the hook again when the migration is finished" },
	{ "RecordForbidden.BlackHole", ST_PERMISSION,
	  "the domain is in DDoS black hole mode and cannot be changed now; check it in the console" },
	{ "InternalError", ST_TRANSIENT, "Alibaba Cloud DNS had an internal error; run the hook again later" },
	{ "ServiceUnavailable", ST_TRANSIENT, "Alibaba Cloud DNS is unavailable; run the hook again later" },
};

static const char throttling_advice[] =
    "the account's API rate limit was reached; wait a minute and run the hook again, or run fewer hooks at once";

/* The maximum length of a record type: struct dns_record keeps 15 characters, and REDIRECT_URL has 12. */
#define ALIDNS_TYPE_MAX 15

static void
copy_escaped(char *dst, size_t size, const char *src)
{
	log_escape(dst, size, src != NULL ? src : "", src != NULL ? strlen(src) : 0);
}

/* Returns the string member name of object, or NULL when it is missing or not a string. */
static const char *
string_member(json_t *object, const char *name)
{
	return json_string_value(json_object_get(object, name));
}

/* Returns the string member name of object, or NULL when it is missing, empty or not a string. */
static const char *
optional_string(json_t *object, const char *name)
{
	const char *value = string_member(object, name);

	return value != NULL && value[0] != '\0' ? value : NULL;
}

/* Returns a JSON string, or an integer written as decimal into buf; NULL when neither. */
static const char *
json_id_text(json_t *value, char *buf, size_t size)
{
	if (json_is_string(value))
		return json_string_value(value);
	if (json_is_integer(value)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		return buf;
	}
	return NULL;
}

/* Returns nonzero when text is 1 to max decimal digits. */
static int
is_digits(const char *text, size_t max)
{
	size_t len = strlen(text);

	return len > 0 && len <= max && strspn(text, "0123456789") == len;
}

int
alidns_id_valid(const char *id)
{
	return is_digits(id, 32);
}

/* Returns nonzero when type can be a record type: letters, digits and '_', such as "TXT" or "REDIRECT_URL". */
static int
type_valid(const char *type)
{
	size_t len = strlen(type);

	return len > 0 && len <= ALIDNS_TYPE_MAX &&
	    strspn(type, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") == len;
}

/* Returns nonzero when name is a plausible host name: letters, digits, '-', '_' and dots, one final dot allowed. */
static int
host_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	return len > 0 && len <= DOMAIN_MAX &&
	    strspn(name, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") >= len;
}

int
alidns_response_error(const struct http_response *resp, struct alidns_error *ae)
{
	json_t *root = json_loadb(resp->body != NULL ? resp->body : "", resp->body_len, 0, NULL);
	const char *code;
	const char *message;
	const char *request_id;
	size_t len;

	memset(ae, 0, sizeof(*ae));
	ae->http_status = resp->status;
	if (!json_is_object(root)) {
		json_decref(root);
		return 0;
	}
	code = string_member(root, "Code");
	if (code == NULL)
		code = string_member(root, "code");
	message = string_member(root, "Message");
	if (message == NULL)
		message = string_member(root, "message");
	request_id = string_member(root, "RequestId");
	if (request_id == NULL)
		request_id = string_member(root, "requestId");
	copy_escaped(ae->code, sizeof(ae->code), code);
	copy_escaped(ae->message, sizeof(ae->message), message);
	copy_escaped(ae->request_id, sizeof(ae->request_id), request_id);
	/* Messages end in a full stop; the advice follows after a semicolon. */
	len = strlen(ae->message);
	if (len > 0 && ae->message[len - 1] == '.')
		ae->message[len - 1] = '\0';
	json_decref(root);
	return ae->code[0] != '\0';
}

static int
is_throttling(const char *code)
{
	return strcmp(code, "Throttling") == 0 || strncmp(code, "Throttling.", 11) == 0;
}

int
alidns_error_retryable(const struct alidns_error *ae)
{
	return is_throttling(ae->code) || strcmp(ae->code, "LastOperationNotFinished") == 0 ||
	    strcmp(ae->code, "InternalError") == 0 || strcmp(ae->code, "ServiceUnavailable") == 0 ||
	    ae->http_status == 429 || ae->http_status >= 500;
}

static const char *
request_id_text(const struct alidns_error *ae)
{
	return ae->request_id[0] != '\0' ? ae->request_id : "none";
}

/* Maps an error with a Code to a status and an actionable message. */
static enum status
explain_error(const struct alidns_error *ae, const struct alidns_request_info *req, const char *what,
    struct err *e)
{
	char advice[512] = "";
	enum status st = ST_PROTOCOL;
	size_t i;

	if (ae->http_status >= 500)
		st = ST_TRANSIENT;
	else if (ae->http_status == 403)
		st = ST_PERMISSION;

	for (i = 0; i < sizeof(code_advice) / sizeof(code_advice[0]); i++) {
		if (strcmp(code_advice[i].code, ae->code) != 0)
			continue;
		st = code_advice[i].status;
		/* Every advice text has at most one %s, the credentials source. */
		snprintf(advice, sizeof(advice), code_advice[i].advice, req->source);
		break;
	}
	if (i == sizeof(code_advice) / sizeof(code_advice[0])) {
		if (is_throttling(ae->code)) {
			st = ST_TRANSIENT;
			snprintf(advice, sizeof(advice), "%s", throttling_advice);
		} else if (st == ST_TRANSIENT) {
			snprintf(advice, sizeof(advice), "Alibaba Cloud DNS had a server error; run the hook again later");
		} else {
			snprintf(advice, sizeof(advice), "the %s request was rejected; see the message", req->action);
		}
	}
	return err_set(e, st, "%s: Alibaba Cloud DNS returned %s (HTTP %ld, RequestId %s): %s; %s", what,
	    ae->code[0] != '\0' ? ae->code : "no error code", ae->http_status, request_id_text(ae),
	    ae->message[0] != '\0' ? ae->message : "(no message)", advice);
}

/* Explains InvalidTimeStamp.Expired with the skew between the signing time and the response's Date header. */
static enum status
explain_clock_skew(const struct alidns_error *ae, const struct http_response *resp, time_t signed_at,
    const char *what, struct err *e)
{
	char date[sizeof(resp->date) * 4];
	struct tm tm;
	long long skew;

	memset(&tm, 0, sizeof(tm));
	if (resp->date[0] == '\0' || strptime(resp->date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == NULL)
		return err_set(e, ST_SYSTEM,
		    "%s: Alibaba Cloud DNS rejected the request timestamp as expired (InvalidTimeStamp.Expired, HTTP %ld, RequestId %s): "
		    "this host's clock differs from the server's by more than the 15 minutes allowed (the answer had no Date header to measure by how much); "
		    "correct the clock, for example with NTP (timedatectl set-ntp true)",
		    what, ae->http_status, request_id_text(ae));
	/* strptime stops after "GMT", so the header may carry more, and it is printed. */
	log_escape(date, sizeof(date), resp->date, strnlen(resp->date, sizeof(resp->date)));
	skew = (long long)timegm(&tm) - (long long)signed_at;
	return err_set(e, ST_SYSTEM,
	    "%s: Alibaba Cloud DNS rejected the request timestamp as expired (InvalidTimeStamp.Expired, HTTP %ld, RequestId %s): "
	    "this host's clock is %lld min %lld s %s the server's (server Date: %s), more than the 15 minutes allowed; "
	    "correct the clock, for example with NTP (timedatectl set-ntp true)",
	    what, ae->http_status, request_id_text(ae), llabs(skew) / 60, llabs(skew) % 60,
	    skew > 0 ? "behind" : "ahead of", date);
}

enum status
alidns_response_explain(const struct http_response *resp, const struct alidns_request_info *req, const char *what,
    struct alidns_error *ae, struct err *e)
{
	char shown[200];

	if (!alidns_response_error(resp, ae)) {
		log_escape(shown, sizeof(shown), resp->body != NULL ? resp->body : "", resp->body_len);
		return err_set(e, resp->status >= 500 ? ST_TRANSIENT : ST_PROTOCOL,
		    "%s: Alibaba Cloud DNS answered HTTP %ld with a body that is not an API error: %s", what,
		    resp->status, shown);
	}
	if (strcmp(ae->code, "InvalidTimeStamp.Expired") == 0)
		return explain_clock_skew(ae, resp, req->signed_at, what, e);
	return explain_error(ae, req, what, e);
}

enum status
alidns_response_parse(const struct http_response *resp, const struct alidns_request_info *req, const char *what,
    json_t **root, struct alidns_error *ae, struct err *e)
{
	json_t *parsed;
	enum status st;

	*root = NULL;
	parsed = json_loadb(resp->body != NULL ? resp->body : "", resp->body_len, 0, NULL);
	if (resp->status >= 200 && resp->status < 300 && json_is_object(parsed) &&
	    json_object_get(parsed, "Code") == NULL) {
		*root = parsed;
		return ST_OK;
	}
	json_decref(parsed);
	st = alidns_response_explain(resp, req, what, ae, e);
	if (st == ST_OK)
		st = err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS answered HTTP %ld without a result", what,
		    resp->status);
	return st;
}

/* Reads the TotalCount of a listing page with items entries. */
static void
read_page(json_t *root, json_t *list, struct alidns_page *page)
{
	page->items = json_array_size(list);
	page->total = json_integer_value(json_object_get(root, "TotalCount"));
}

/* Returns a TTL that is an integer from 0 to INT_MAX; 0 for anything else, as for a missing TTL. */
static int
record_ttl(json_t *item)
{
	json_int_t ttl = json_integer_value(json_object_get(item, "TTL"));

	return ttl >= 0 && ttl <= INT_MAX ? (int)ttl : 0;
}

/* Checks the fields of a record that is kept: they go into requests, messages and the state file. */
static enum status
check_record(const char *id, const char *type, const char *value, const char *what, struct err *e)
{
	char shown[300];

	if (!alidns_id_valid(id)) {
		log_escape(shown, sizeof(shown), id, strlen(id));
		return err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned a record with the invalid RecordId '%s'",
		    what, shown);
	}
	if (!type_valid(type)) {
		log_escape(shown, sizeof(shown), type, strlen(type));
		return err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned a record with the invalid Type '%s'", what,
		    shown);
	}
	/* A CNAME target is a host name, and the CNAME policies print it and write it to the journal. */
	if (strcasecmp(type, "CNAME") == 0 && !host_name_valid(value)) {
		log_escape(shown, sizeof(shown), value, strlen(value));
		return err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned a CNAME with the invalid target '%s'", what,
		    shown);
	}
	return ST_OK;
}

/* Keeps the API's record object as rec->raw, for restoring the record later. */
static enum status
keep_raw(struct dns_record *rec, json_t *item, struct err *e)
{
	char *raw = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
	enum status st;

	if (raw == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	st = record_set_raw(rec, raw, e);
	free(raw);
	return st;
}

/* Appends one listed record to out, with its hidden flag and raw copy. */
static enum status
add_record(json_t *item, const char *id, const char *type, const char *fqdn, const char *value,
    struct record_list *out, struct err *e)
{
	const char *status = string_member(item, "Status");
	const char *line = string_member(item, "Line");
	struct dns_record *rec;
	enum status st;

	st = record_list_add(out, id, type, fqdn, value, record_ttl(item), e);
	if (st != ST_OK)
		return st;
	rec = &out->items[out->count - 1];
	/*
	 * NOTE: records with Status "Disable" are listed too, because they
	 * still block a duplicate. So a disabled TXT with our value is
	 * reused although no nameserver serves it.
	 */
	rec->hidden = (status != NULL && strcasecmp(status, "Disable") == 0) ||
	    (line != NULL && strcmp(line, "default") != 0);
	/* A record without a Line is on the default line, as AddDomainRecord without one creates it. */
	snprintf(rec->line, sizeof(rec->line), "%s", line != NULL ? line : "default");
	return keep_raw(rec, item, e);
}

enum status
alidns_response_records(json_t *root, const char *fqdn, const char *rr, const char *what, struct record_list *out,
    struct alidns_page *page, struct err *e)
{
	json_t *records = json_object_get(json_object_get(root, "DomainRecords"), "Record");
	json_t *item;
	size_t i;

	memset(page, 0, sizeof(*page));
	if (!json_is_array(records))
		return err_set(e, ST_PROTOCOL, "%s: the answer has no DomainRecords.Record list", what);
	read_page(root, records, page);
	json_array_foreach(records, i, item) {
		char id_buf[32];
		const char *id = json_id_text(json_object_get(item, "RecordId"), id_buf, sizeof(id_buf));
		const char *record_rr = string_member(item, "RR");
		const char *type = string_member(item, "Type");
		const char *value = string_member(item, "Value");
		enum status st;

		if (id == NULL || record_rr == NULL || type == NULL || value == NULL)
			return err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned a record without RecordId, RR, Type or Value",
			    what);
		/* The SubDomain search matches loosely; only the exact RR is kept. */
		if (strcasecmp(record_rr, rr) != 0)
			continue;
		st = check_record(id, type, value, what, e);
		if (st == ST_OK)
			st = add_record(item, id, type, fqdn, value, out, e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

/* Replaces best with name when name contains fqdn, has more than one label and is longer than best. */
static void
consider_zone(const char *fqdn, const char *name, char *best, size_t size)
{
	if (name == NULL || strchr(name, '.') == NULL || !alidns_is_within(fqdn, name))
		return;
	if (strlen(name) > strlen(best) && strlen(name) < size)
		snprintf(best, size, "%s", name);
}

enum status
alidns_response_zones(json_t *root, const char *fqdn, char *best, size_t size, struct alidns_page *page,
    const char *what, struct err *e)
{
	json_t *domains = json_object_get(json_object_get(root, "Domains"), "Domain");
	json_t *item;
	size_t i;

	memset(page, 0, sizeof(*page));
	if (!json_is_array(domains))
		return err_set(e, ST_PROTOCOL, "%s: the DescribeDomains answer has no Domains.Domain list", what);
	read_page(root, domains, page);
	/* PunyCode is the A-label form, so an internationalised domain matches it. */
	json_array_foreach(domains, i, item) {
		consider_zone(fqdn, string_member(item, "DomainName"), best, size);
		consider_zone(fqdn, string_member(item, "PunyCode"), best, size);
	}
	return ST_OK;
}

enum status
alidns_response_record_id(json_t *root, char *id, size_t id_size, const char *what, struct err *e)
{
	char id_buf[32];
	const char *new_id = json_id_text(json_object_get(root, "RecordId"), id_buf, sizeof(id_buf));

	if (new_id == NULL || !alidns_id_valid(new_id) || strlen(new_id) >= id_size)
		return err_set(e, ST_PROTOCOL, "%s: the AddDomainRecord response has no valid RecordId", what);
	snprintf(id, id_size, "%s", new_id);
	return ST_OK;
}

/* Copies a JSON integer or string of decimal digits into buf; returns nonzero when value is neither. */
static int
copy_number_text(json_t *value, char *buf, size_t size)
{
	char scratch[32];
	const char *text = json_id_text(value, scratch, sizeof(scratch));

	if (text == NULL || !is_digits(text, size - 1))
		return 1;
	snprintf(buf, size, "%s", text);
	return 0;
}

/* Reads the settable attributes from raw and checks that they describe rec in zone. */
static enum status
read_attributes(json_t *raw, const struct dns_record *rec, const struct zone *zone,
    struct alidns_record_attributes *attrs, struct err *e)
{
	char rr[DOMAIN_MAX + 1];
	char shown_rr[300];
	char shown_type[80];
	const char *status;

	memset(attrs, 0, sizeof(*attrs));
	attrs->rr = string_member(raw, "RR");
	attrs->type = string_member(raw, "Type");
	attrs->value = string_member(raw, "Value");
	if (attrs->rr == NULL || attrs->type == NULL || attrs->value == NULL ||
	    copy_number_text(json_object_get(raw, "TTL"), attrs->ttl, sizeof(attrs->ttl)) != 0)
		return err_set(e, ST_PROTOCOL, "the saved copy of the %s record %s has no valid RR, Type, Value or TTL",
		    rec->type, rec->name);

	/* A copy that names another record would recreate the wrong one. */
	if (!alidns_is_within(rec->name, zone->name))
		return err_set(e, ST_PROTOCOL, "the saved record %s is not inside zone %s", rec->name, zone->name);
	alidns_relative_rr(rec->name, zone->name, rr, sizeof(rr));
	if (strcasecmp(attrs->rr, rr) != 0 || strcasecmp(attrs->type, rec->type) != 0) {
		log_escape(shown_rr, sizeof(shown_rr), attrs->rr, strlen(attrs->rr));
		log_escape(shown_type, sizeof(shown_type), attrs->type, strlen(attrs->type));
		return err_set(e, ST_PROTOCOL,
		    "the saved copy of the %s record %s describes RR %s, Type %s instead; restore the record by hand",
		    rec->type, rec->name, shown_rr, shown_type);
	}

	attrs->line = optional_string(raw, "Line");
	attrs->remark = optional_string(raw, "Remark");
	status = optional_string(raw, "Status");
	attrs->disabled = status != NULL && strcasecmp(status, "Disable") == 0;
	if (strcasecmp(attrs->type, "MX") == 0 &&
	    copy_number_text(json_object_get(raw, "Priority"), attrs->priority, sizeof(attrs->priority)) != 0)
		return err_set(e, ST_PROTOCOL, "the saved copy of the MX record %s has no valid Priority", rec->name);
	return ST_OK;
}

enum status
alidns_saved_record_read(const struct dns_record *rec, const struct zone *zone, json_t **raw,
    struct alidns_record_attributes *attrs, struct err *e)
{
	json_t *parsed;
	enum status st;

	*raw = NULL;
	memset(attrs, 0, sizeof(*attrs));
	if (rec->raw == NULL)
		return err_set(e, ST_PROTOCOL, "no saved copy of the %s record %s to restore", rec->type, rec->name);
	parsed = json_loads(rec->raw, 0, NULL);
	if (!json_is_object(parsed)) {
		json_decref(parsed);
		return err_set(e, ST_PROTOCOL, "the saved copy of the %s record %s is not a JSON object", rec->type,
		    rec->name);
	}
	st = read_attributes(parsed, rec, zone, attrs, e);
	if (st != ST_OK) {
		memset(attrs, 0, sizeof(*attrs));
		json_decref(parsed);
		return st;
	}
	*raw = parsed;
	return ST_OK;
}

int
alidns_saved_record_matches(const struct dns_record *rec, const struct alidns_record_attributes *attrs)
{
	const char *expected_line = attrs->line != NULL ? attrs->line : "default";
	const char *line;
	json_t *raw;
	int same;

	if (strcasecmp(rec->type, attrs->type) != 0)
		return 0;
	if (strcasecmp(attrs->type, "CNAME") == 0) {
		char have[DOMAIN_MAX + 2];
		char want[DOMAIN_MAX + 2];

		record_canonical_name(rec->content, have, sizeof(have));
		record_canonical_name(attrs->value, want, sizeof(want));
		if (strcmp(have, want) != 0)
			return 0;
	} else if (strcmp(rec->content, attrs->value) != 0) {
		return 0;
	}
	raw = rec->raw != NULL ? json_loads(rec->raw, 0, NULL) : NULL;
	line = optional_string(raw, "Line");
	same = strcmp(line != NULL ? line : "default", expected_line) == 0;
	json_decref(raw);
	return same;
}
