/*
 * Reading Alibaba Cloud DNS API responses: the result or error of a call,
 * pages of DescribeSubDomainRecords and DescribeDomains, the RecordId of
 * AddDomainRecord, and the saved copy of a listed record that restoring
 * reads back. Kept apart from the requests so that it can be tested on
 * response bodies alone. No field is trusted: each one is checked for its
 * JSON type and range, and text from a response is escaped before it goes
 * into a message.
 */
#ifndef DNS01_ALIDNS_RESPONSE_H
#define DNS01_ALIDNS_RESPONSE_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "http.h"
#include "provider.h"
#include "status.h"

/* The fields of an error response; empty strings where the body had none. */
struct alidns_error {
	long http_status;
	char code[96];			/* escaped for printing */
	char message[320];		/* escaped for printing, without a final full stop */
	char request_id[96];		/* escaped for printing */
};

/* The request that a response belongs to, as the messages about it name it. */
struct alidns_request_info {
	const char *action;		/* API action, such as "AddDomainRecord" */
	const char *source;		/* where the credentials came from, for the advice */
	time_t signed_at;		/* when the request was signed, to measure clock skew */
};

/*
 * Parses the final response to a call. A 2xx response whose body is a JSON
 * object without "Code" sets *root (release with json_decref) and returns
 * ST_OK. Anything else fills ae and returns the status that
 * alidns_response_explain gives, with *root NULL.
 */
enum status alidns_response_parse(const struct http_response *resp, const struct alidns_request_info *req,
    const char *what, json_t **root, struct alidns_error *ae, struct err *e);

/*
 * Turns a failed response into a status and a message that names the Code,
 * the RequestId and what to do next, and fills ae. The status comes from
 * the Code (ST_AUTH for a rejected AccessKey, ST_PERMISSION for a RAM
 * denial, ST_NOT_FOUND, ST_EXISTS for DomainRecordDuplicate, ST_CONFLICT,
 * ST_TRANSIENT for throttling and server errors, ST_SYSTEM for
 * InvalidTimeStamp.Expired), else from the HTTP status. what names the
 * operation for the message.
 */
enum status alidns_response_explain(const struct http_response *resp, const struct alidns_request_info *req,
    const char *what, struct alidns_error *ae, struct err *e);

/*
 * Fills ae with the Code, Message and RequestId of an error body (either
 * capitalisation, as the Alibaba Cloud SDKs accept). Returns nonzero when
 * the body is a JSON object with a non-empty string Code.
 */
int alidns_response_error(const struct http_response *resp, struct alidns_error *ae);

/*
 * Returns nonzero when another attempt may succeed: throttling,
 * LastOperationNotFinished, InternalError, ServiceUnavailable, or an HTTP
 * status of 429 or of 500 or more.
 */
int alidns_error_retryable(const struct alidns_error *ae);

/* The size fields of one page of a listing. */
struct alidns_page {
	size_t items;			/* entries on this page */
	long long total;		/* TotalCount; 0 when absent or not an integer, and may be negative */
};

/*
 * Reads one DescribeSubDomainRecords page: appends to out, under the name
 * fqdn, each record whose RR equals rr (case-insensitive), and fills page.
 * Returns ST_PROTOCOL when the page has no record list, when a record lacks
 * RecordId, RR, Type or Value, or when a kept record has an invalid
 * RecordId, Type or CNAME target. out keeps the records already added.
 */
enum status alidns_response_records(json_t *root, const char *fqdn, const char *rr, const char *what,
    struct record_list *out, struct alidns_page *page, struct err *e);

/*
 * Reads one DescribeDomains page: replaces best (size bytes) with a
 * DomainName or PunyCode that contains fqdn and is longer than best, and
 * fills page. Single-label names are never taken: a TLD is not a zone that
 * the account hosts. Returns ST_PROTOCOL when the page has no domain list.
 */
enum status alidns_response_zones(json_t *root, const char *fqdn, char *best, size_t size, struct alidns_page *page,
    const char *what, struct err *e);

/* Writes the RecordId of an AddDomainRecord result to id; ST_PROTOCOL when it has no valid one. */
enum status alidns_response_record_id(json_t *root, char *id, size_t id_size, const char *what, struct err *e);

/*
 * Returns nonzero when id can be an Alibaba Cloud DNS RecordId: 1 to 32
 * decimal digits. Ids go into request parameters, logs and the state file,
 * so nothing else is accepted.
 */
int alidns_id_valid(const char *id);

/*
 * The attributes of a listed record that a client can set again.
 * AddDomainRecord takes RR, Type, Value, TTL, Line and (for MX) Priority,
 * UpdateDomainRecordRemark the Remark and SetDomainRecordStatus the Status.
 * The strings point into the JSON object that alidns_saved_record_read
 * returns.
 */
struct alidns_record_attributes {
	const char *rr;
	const char *type;
	const char *value;
	const char *line;		/* NULL when the listing had none: the default line */
	const char *remark;		/* NULL when the record had none */
	int disabled;			/* Status was "Disable" */
	char ttl[32];			/* decimal digits */
	char priority[32];		/* decimal digits; "" unless the record is an MX record */
};

/*
 * Parses rec->raw, the saved copy of a record that a listing returned, and
 * fills attrs. Checks that the copy describes rec: its RR is rec->name
 * relative to zone and its Type is rec->type. On success sets *raw to the
 * parsed object that attrs points into. Release it with json_decref after
 * the last use of attrs. On failure *raw is NULL.
 */
enum status alidns_saved_record_read(const struct dns_record *rec, const struct zone *zone, json_t **raw,
    struct alidns_record_attributes *attrs, struct err *e);

/*
 * Returns nonzero when a listed record has the type, value and line of
 * attrs: a CNAME target compared in canonical form, any other value
 * exactly, and a missing Line taken as "default".
 */
int alidns_saved_record_matches(const struct dns_record *rec, const struct alidns_record_attributes *attrs);

#endif
