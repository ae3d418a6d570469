/*
 * The record operations of the Alibaba Cloud DNS provider: listing the
 * records at a name, creating a TXT record, deleting a record by id, and
 * restoring a record that a listing returned, with its Line, Priority,
 * Remark and Status.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alidns.h"
#include "log.h"
#include "provider.h"

/* Keeps the API's record object as rec->raw, for alidns_restore_record. */
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

/* Appends the records of one DescribeSubDomainRecords page whose RR is exactly rr. */
static enum status
add_page_records(json_t *records, const char *fqdn, const char *rr, const char *what, struct record_list *out,
    struct err *e)
{
	json_t *item;
	size_t i;

	json_array_foreach(records, i, item) {
		char id_buf[32];
		const char *id = alidns_json_id_text(json_object_get(item, "RecordId"), id_buf, sizeof(id_buf));
		const char *record_rr = json_string_value(json_object_get(item, "RR"));
		const char *type = json_string_value(json_object_get(item, "Type"));
		const char *value = json_string_value(json_object_get(item, "Value"));
		enum status st;

		if (id == NULL || record_rr == NULL || type == NULL || value == NULL)
			return err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned a record without a valid RecordId, or without RR, Type or Value",
			    what);
		if (strcasecmp(record_rr, rr) != 0)
			continue;
		/*
		 * NOTE: records with Status "Disable" are listed too, because they
		 * still block a duplicate. So a disabled TXT with our value is
		 * reused although no nameserver serves it.
		 */
		st = record_list_add(out, id, type, fqdn, value, (int)json_integer_value(json_object_get(item, "TTL")), e);
		if (st == ST_OK) {
			const char *status = json_string_value(json_object_get(item, "Status"));
			const char *line = json_string_value(json_object_get(item, "Line"));

			out->items[out->count - 1].hidden = (status != NULL && strcasecmp(status, "Disable") == 0) ||
			    (line != NULL && strcmp(line, "default") != 0);
			st = keep_raw(&out->items[out->count - 1], item, e);
		}
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

enum status
alidns_list_records(void *state, const struct zone *zone, const char *fqdn, struct record_list *out,
    struct err *e)
{
	struct alidns *ad = state;
	char rr[DOMAIN_MAX + 1];
	char page_text[16];
	char what[DOMAIN_MAX + 64];
	size_t seen = 0;
	enum status st = ST_OK;
	int page;

	memset(out, 0, sizeof(*out));
	if (!alidns_is_within(fqdn, zone->name))
		return err_set(e, ST_USAGE, "%s is not inside zone %s", fqdn, zone->name);
	alidns_relative_rr(fqdn, zone->name, rr, sizeof(rr));
	snprintf(what, sizeof(what), "listing records at %s", fqdn);
	for (page = 1;; page++) {
		struct alidns_param params[] = {
			{ "SubDomain", fqdn }, { "DomainName", zone->id },
			{ "PageNumber", page_text }, { "PageSize", ALIDNS_PAGE_SIZE },
		};
		json_t *root = NULL;
		json_t *records;
		size_t page_items;
		long long total;

		if (page > ALIDNS_MAX_PAGES) {
			st = err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned more than %d pages; giving up", what,
			    ALIDNS_MAX_PAGES);
			break;
		}
		snprintf(page_text, sizeof(page_text), "%d", page);
		st = alidns_call(&ad->client, "DescribeSubDomainRecords", params, 4, what, &root, NULL, e);
		if (st != ST_OK)
			break;
		records = json_object_get(json_object_get(root, "DomainRecords"), "Record");
		if (!json_is_array(records)) {
			json_decref(root);
			st = err_set(e, ST_PROTOCOL, "%s: the answer has no DomainRecords.Record list", what);
			break;
		}
		total = json_integer_value(json_object_get(root, "TotalCount"));
		st = add_page_records(records, fqdn, rr, what, out, e);
		page_items = json_array_size(records);
		seen += page_items;
		json_decref(root);
		if (st != ST_OK || page_items == 0 || (long long)seen >= total)
			break;
	}
	if (st != ST_OK)
		record_list_free(out);
	return st;
}

/* Finds the id of the TXT record at fqdn with exactly value, after AddDomainRecord reported a duplicate. */
static enum status
find_txt_id(struct alidns *ad, const struct zone *zone, const char *fqdn, const char *value, char *id,
    size_t id_size, const struct err *duplicate, struct err *e)
{
	struct record_list list;
	enum status st;
	size_t i;

	st = alidns_list_records(ad, zone, fqdn, &list, e);
	if (st != ST_OK)
		return st;
	st = err_set(e, ST_PROTOCOL, "%s; but no TXT record with this value is listed at %s, so its id is unknown",
	    duplicate->msg, fqdn);
	for (i = 0; i < list.count; i++) {
		if (strcmp(list.items[i].type, "TXT") == 0 && record_txt_matches(list.items[i].content, value)) {
			snprintf(id, id_size, "%s", list.items[i].id);
			st = ST_EXISTS;
			break;
		}
	}
	record_list_free(&list);
	return st;
}

enum status
alidns_create_txt(void *state, const struct zone *zone, const char *fqdn, const char *value, int ttl, char *id,
    size_t id_size, struct err *e)
{
	struct alidns *ad = state;
	char rr[DOMAIN_MAX + 1];
	char ttl_text[16];
	char what[DOMAIN_MAX + 64];
	char id_buf[32];
	const char *new_id;
	json_t *root = NULL;
	enum status st;

	if (!alidns_is_within(fqdn, zone->name))
		return err_set(e, ST_USAGE, "%s is not inside zone %s", fqdn, zone->name);
	alidns_relative_rr(fqdn, zone->name, rr, sizeof(rr));
	snprintf(ttl_text, sizeof(ttl_text), "%d", ttl);
	snprintf(what, sizeof(what), "creating TXT record %s", fqdn);
	{
		struct alidns_param params[] = {
			{ "DomainName", zone->id }, { "RR", rr }, { "Type", "TXT" }, { "Value", value }, { "TTL", ttl_text },
		};

		st = alidns_call(&ad->client, "AddDomainRecord", params, 5, what, &root, NULL, e);
	}
	if (st == ST_EXISTS) {
		struct err duplicate = *e;

		return find_txt_id(ad, zone, fqdn, value, id, id_size, &duplicate, e);
	}
	if (st != ST_OK)
		return st;
	new_id = alidns_json_id_text(json_object_get(root, "RecordId"), id_buf, sizeof(id_buf));
	if (new_id == NULL || new_id[0] == '\0' || strlen(new_id) >= id_size)
		st = err_set(e, ST_PROTOCOL, "%s: the AddDomainRecord answer has no valid RecordId", what);
	else
		snprintf(id, id_size, "%s", new_id);
	json_decref(root);
	return st;
}

enum status
alidns_delete_record(void *state, const struct zone *zone, const char *id, struct err *e)
{
	struct alidns *ad = state;
	struct alidns_param params[] = { { "RecordId", id } };
	char what[256];
	json_t *root = NULL;
	enum status st;

	(void)zone;
	/* RecordIds are decimal numbers; anything else did not come from the API. */
	if (id[0] == '\0' || strlen(id) > 32 || strspn(id, "0123456789") != strlen(id))
		return err_set(e, ST_USAGE, "refusing to delete record with invalid id '%s'", id);
	snprintf(what, sizeof(what), "deleting record %s", id);
	st = alidns_call(&ad->client, "DeleteDomainRecord", params, 1, what, &root, NULL, e);
	json_decref(root);
	return st;
}


/*
 * The attributes of a listed record that a client can set again.
 * AddDomainRecord takes RR, Type, Value, TTL, Line and (for MX) Priority,
 * UpdateDomainRecordRemark the Remark and SetDomainRecordStatus the Status.
 * The strings point into the parsed copy of struct dns_record.raw.
 */
struct record_attributes {
	const char *rr;
	const char *type;
	const char *value;
	const char *line;		/* NULL when the listing had none: the default line */
	const char *remark;		/* NULL when the record had none */
	int disabled;			/* Status was "Disable" */
	char ttl[32];
	char priority[32];		/* "" unless the record is an MX record */
};

/* Copies a JSON integer or string into buf; returns nonzero when value is neither. */
static int
copy_number_text(json_t *value, char *buf, size_t size)
{
	char scratch[32];
	const char *text = alidns_json_id_text(value, scratch, sizeof(scratch));

	if (text == NULL || text[0] == '\0' || strlen(text) >= size)
		return 1;
	snprintf(buf, size, "%s", text);
	return 0;
}

/* Returns the string member name of object, or NULL when it is missing or empty. */
static const char *
optional_string(json_t *object, const char *name)
{
	const char *value = json_string_value(json_object_get(object, name));

	return value != NULL && value[0] != '\0' ? value : NULL;
}

/* Reads the settable attributes from raw and checks that they describe rec in zone. */
static enum status
read_attributes(json_t *raw, const struct dns_record *rec, const struct zone *zone, struct record_attributes *attrs,
    struct err *e)
{
	char rr[DOMAIN_MAX + 1];
	const char *status;

	memset(attrs, 0, sizeof(*attrs));
	attrs->rr = json_string_value(json_object_get(raw, "RR"));
	attrs->type = json_string_value(json_object_get(raw, "Type"));
	attrs->value = json_string_value(json_object_get(raw, "Value"));
	if (attrs->rr == NULL || attrs->type == NULL || attrs->value == NULL ||
	    copy_number_text(json_object_get(raw, "TTL"), attrs->ttl, sizeof(attrs->ttl)) != 0)
		return err_set(e, ST_PROTOCOL, "the saved copy of the %s record %s has no RR, Type, Value or TTL",
		    rec->type, rec->name);

	/* A copy that names another record would recreate the wrong one. */
	if (!alidns_is_within(rec->name, zone->name))
		return err_set(e, ST_PROTOCOL, "the saved record %s is not inside zone %s", rec->name, zone->name);
	alidns_relative_rr(rec->name, zone->name, rr, sizeof(rr));
	if (strcasecmp(attrs->rr, rr) != 0 || strcasecmp(attrs->type, rec->type) != 0)
		return err_set(e, ST_PROTOCOL,
		    "the saved copy of the %s record %s describes RR %s, Type %s instead; restore the record by hand",
		    rec->type, rec->name, attrs->rr, attrs->type);

	attrs->line = optional_string(raw, "Line");
	attrs->remark = optional_string(raw, "Remark");
	status = optional_string(raw, "Status");
	attrs->disabled = status != NULL && strcasecmp(status, "Disable") == 0;
	if (strcasecmp(attrs->type, "MX") == 0 &&
	    copy_number_text(json_object_get(raw, "Priority"), attrs->priority, sizeof(attrs->priority)) != 0)
		return err_set(e, ST_PROTOCOL, "the saved copy of the MX record %s has no Priority", rec->name);
	return ST_OK;
}

/* Returns nonzero when a listed record has the type, value and line of attrs. */
static int
record_matches(const struct dns_record *rec, const struct record_attributes *attrs)
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

/* Finds the id of the record at fqdn that has the type, value and line of attrs; ST_NOT_FOUND when none. */
static enum status
find_record_id(struct alidns *ad, const struct zone *zone, const char *fqdn, const struct record_attributes *attrs,
    char *id, size_t id_size, struct err *e)
{
	struct record_list list;
	enum status st;
	size_t i;

	st = alidns_list_records(ad, zone, fqdn, &list, e);
	if (st != ST_OK)
		return st;
	st = ST_NOT_FOUND;
	for (i = 0; i < list.count; i++) {
		if (record_matches(&list.items[i], attrs) && strlen(list.items[i].id) < id_size) {
			snprintf(id, id_size, "%s", list.items[i].id);
			st = ST_OK;
			break;
		}
	}
	record_list_free(&list);
	return st;
}

/*
 * Sends AddDomainRecord with the attributes of the saved record and writes
 * the new RecordId to id. Sets *created when this call created the record.
 * When AddDomainRecord reports an identical record (DomainRecordDuplicate),
 * or its response was lost, the record is looked up by listing the name.
 */
static enum status
add_saved_record(struct alidns *ad, const struct zone *zone, const char *fqdn, const struct record_attributes *attrs,
    const char *what, char *id, size_t id_size, int *created, struct err *e)
{
	struct alidns_param params[7] = {
		{ "DomainName", zone->id }, { "RR", attrs->rr }, { "Type", attrs->type }, { "Value", attrs->value },
		{ "TTL", attrs->ttl },
	};
	struct alidns_error ae;
	struct err call_error;
	struct err list_error = { ST_OK, "" };
	size_t count = 5;
	char id_buf[32];
	const char *new_id;
	json_t *root = NULL;
	enum status st;

	*created = 0;
	if (attrs->line != NULL)
		params[count++] = (struct alidns_param){ "Line", attrs->line };
	if (attrs->priority[0] != '\0')
		params[count++] = (struct alidns_param){ "Priority", attrs->priority };
	st = alidns_call(&ad->client, "AddDomainRecord", params, count, what, &root, &ae, e);
	if (st == ST_OK) {
		new_id = alidns_json_id_text(json_object_get(root, "RecordId"), id_buf, sizeof(id_buf));
		if (new_id == NULL || new_id[0] == '\0' || strlen(new_id) >= id_size)
			st = err_set(e, ST_PROTOCOL, "%s: the AddDomainRecord response has no valid RecordId", what);
		else
			snprintf(id, id_size, "%s", new_id);
		json_decref(root);
		*created = st == ST_OK;
		return st;
	}
	/* An error with a Code other than a duplicate means the request was rejected, so there is nothing to find. */
	if (st != ST_EXISTS && st != ST_TRANSIENT && !(st == ST_PROTOCOL && ae.code[0] == '\0'))
		return st;

	call_error = *e;
	if (find_record_id(ad, zone, fqdn, attrs, id, id_size, &list_error) != ST_OK) {
		*e = call_error;
		return e->status;
	}
	if (st == ST_EXISTS) {
		log_info("%s: an identical record exists already (id %s); setting its remark and status", what, id);
	} else {
		log_warn("%s; the record was created all the same (id %s)", call_error.msg, id);
		*created = 1;
	}
	return ST_OK;
}

/* Sets the remark and the status that the saved record had on the record id. */
static enum status
set_remark_and_status(struct alidns *ad, const struct record_attributes *attrs, const char *id, const char *what,
    struct err *e)
{
	json_t *root = NULL;
	enum status st;

	if (attrs->remark != NULL) {
		struct alidns_param params[] = { { "RecordId", id }, { "Remark", attrs->remark } };

		st = alidns_call(&ad->client, "UpdateDomainRecordRemark", params, 2, what, &root, NULL, e);
		json_decref(root);
		root = NULL;
		if (st != ST_OK)
			return err_prefix(e, "setting its remark failed");
	}
	if (attrs->disabled) {
		struct alidns_param params[] = { { "RecordId", id }, { "Status", "Disable" } };

		st = alidns_call(&ad->client, "SetDomainRecordStatus", params, 2, what, &root, NULL, e);
		json_decref(root);
		if (st != ST_OK)
			return err_prefix(e, "disabling it, as the saved record was, failed");
	}
	return ST_OK;
}

/*
 * Deletes a record that restoring created before a later step failed, so
 * that no record with only some of the saved attributes stays. The caller
 * keeps the saved copy, and a later attempt starts again.
 */
static void
undo_add(struct alidns *ad, const struct zone *zone, const char *id, struct err *e)
{
	struct err delete_error = { ST_OK, "" };
	enum status st;

	st = alidns_delete_record(ad, zone, id, &delete_error);
	if (st == ST_OK || st == ST_NOT_FOUND)
		err_prefix(e, "the new record %s was deleted again after an error", id);
	else
		err_prefix(e,
		    "the new record %s exists without all of the saved attributes, because deleting it again failed (%s); "
		    "set them by hand or delete it. The error before",
		    id, delete_error.msg);
}

enum status
alidns_restore_record(void *state, const struct zone *zone, const struct dns_record *rec, char *id, size_t id_size,
    struct err *e)
{
	struct alidns *ad = state;
	struct record_attributes attrs;
	char what[DOMAIN_MAX + 64];
	char new_id[32] = "";
	json_t *raw;
	enum status st;
	int created = 0;

	if (rec->raw == NULL)
		return err_set(e, ST_PROTOCOL, "no saved copy of the %s record %s to restore", rec->type, rec->name);
	raw = json_loads(rec->raw, 0, NULL);
	if (!json_is_object(raw)) {
		json_decref(raw);
		return err_set(e, ST_PROTOCOL, "the saved copy of the %s record %s is not a JSON object", rec->type,
		    rec->name);
	}
	snprintf(what, sizeof(what), "restoring %s record %s", rec->type, rec->name);
	st = read_attributes(raw, rec, zone, &attrs, e);
	if (st == ST_OK)
		st = add_saved_record(ad, zone, rec->name, &attrs, what, new_id, sizeof(new_id), &created, e);
	if (st == ST_OK)
		st = set_remark_and_status(ad, &attrs, new_id, what, e);
	if (st != ST_OK && created)
		undo_add(ad, zone, new_id, e);
	json_decref(raw);
	if (st != ST_OK)
		return st;
	if (strlen(new_id) >= id_size)
		return err_set(e, ST_PROTOCOL, "%s: the RecordId %s is too long", what, new_id);
	snprintf(id, id_size, "%s", new_id);
	return ST_OK;
}
