/*
 * The record operations of the Alibaba Cloud DNS provider: listing the
 * records at a name, creating a TXT record, deleting a record by id, and
 * restoring a record that a listing returned, with its Line, Priority,
 * Remark and Status.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alidns.h"
#include "log.h"
#include "provider.h"

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
		struct alidns_page page_info;
		json_t *root = NULL;

		if (page > ALIDNS_MAX_PAGES) {
			st = err_set(e, ST_PROTOCOL, "%s: Alibaba Cloud DNS returned more than %d pages; giving up", what,
			    ALIDNS_MAX_PAGES);
			break;
		}
		snprintf(page_text, sizeof(page_text), "%d", page);
		st = alidns_call(&ad->client, "DescribeSubDomainRecords", params, 4, what, &root, NULL, e);
		if (st != ST_OK)
			break;
		st = alidns_response_records(root, fqdn, rr, what, out, &page_info, e);
		json_decref(root);
		seen += page_info.items;
		if (st != ST_OK || page_info.items == 0 || (long long)seen >= page_info.total)
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
	st = alidns_response_record_id(root, id, id_size, what, e);
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
	if (!alidns_id_valid(id))
		return err_set(e, ST_USAGE, "refusing to delete record with invalid id '%s'", id);
	snprintf(what, sizeof(what), "deleting record %s", id);
	st = alidns_call(&ad->client, "DeleteDomainRecord", params, 1, what, &root, NULL, e);
	json_decref(root);
	return st;
}


/* Finds the id of the record at fqdn that has the type, value and line of attrs; ST_NOT_FOUND when none. */
static enum status
find_record_id(struct alidns *ad, const struct zone *zone, const char *fqdn, const struct alidns_record_attributes *attrs,
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
		if (alidns_saved_record_matches(&list.items[i], attrs) && strlen(list.items[i].id) < id_size) {
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
add_saved_record(struct alidns *ad, const struct zone *zone, const char *fqdn, const struct alidns_record_attributes *attrs,
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
	json_t *root = NULL;
	enum status st;

	*created = 0;
	if (attrs->line != NULL)
		params[count++] = (struct alidns_param){ "Line", attrs->line };
	if (attrs->priority[0] != '\0')
		params[count++] = (struct alidns_param){ "Priority", attrs->priority };
	st = alidns_call(&ad->client, "AddDomainRecord", params, count, what, &root, &ae, e);
	if (st == ST_OK) {
		st = alidns_response_record_id(root, id, id_size, what, e);
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
set_remark_and_status(struct alidns *ad, const struct alidns_record_attributes *attrs, const char *id, const char *what,
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

/* Returns the string member name of the JSON object root, or fallback when it has none. */
static const char *
raw_member(json_t *root, const char *name, const char *fallback)
{
	const char *value = json_string_value(json_object_get(root, name));

	return value != NULL ? value : fallback;
}

int
alidns_same_record(const struct dns_record *saved, const struct dns_record *listed)
{
	json_t *a = saved->raw != NULL ? json_loads(saved->raw, 0, NULL) : NULL;
	json_t *b = listed->raw != NULL ? json_loads(listed->raw, 0, NULL) : NULL;
	int same;

	/* Status is "Enable" or "Disable" in alidns, and "ENABLE" in a sibling API (PrivateZone), so case is ignored. */
	same = saved->ttl == listed->ttl &&
	    strcasecmp(raw_member(a, "Status", "ENABLE"), raw_member(b, "Status", "ENABLE")) == 0 &&
	    strcmp(raw_member(a, "Remark", ""), raw_member(b, "Remark", "")) == 0;
	json_decref(a);
	json_decref(b);
	return same;
}

enum status
alidns_restore_record(void *state, const struct zone *zone, const struct dns_record *rec, char *id, size_t id_size,
    struct err *e)
{
	struct alidns *ad = state;
	struct alidns_record_attributes attrs;
	char what[DOMAIN_MAX + 64];
	char new_id[32] = "";
	json_t *raw;
	enum status st;
	int created = 0;

	/*
	 * NOTE: the Weight of weighted round robin (set with UpdateDNSSLBWeight)
	 * is not restored, so a restored record gets the default weight.
	 */
	snprintf(what, sizeof(what), "restoring %s record %s", rec->type, rec->name);
	st = alidns_saved_record_read(rec, zone, &raw, &attrs, e);
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
