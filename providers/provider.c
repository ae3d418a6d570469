#include "provider.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const struct provider_ops alidns_provider;
extern const struct provider_ops cloudflare_provider;

static const struct provider_ops *const providers[] = {
	&alidns_provider,
	&cloudflare_provider,
};

const struct provider_ops *
provider_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcasecmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

void
provider_names(char *buf, size_t size)
{
	size_t used = 0;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(providers) / sizeof(providers[0]) && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "", providers[i]->name);
}

void
record_list_free(struct record_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].content);
		free(list->items[i].raw);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

enum status
record_list_add(struct record_list *list, const char *id, const char *type, const char *name, const char *content,
    int ttl, struct err *e)
{
	struct dns_record *grown;
	struct dns_record *rec;
	size_t i;

	grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
	if (grown == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	list->items = grown;
	rec = &list->items[list->count];
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->id, sizeof(rec->id), "%s", id);
	snprintf(rec->type, sizeof(rec->type), "%s", type);
	for (i = 0; rec->type[i] != '\0'; i++)
		rec->type[i] = (char)toupper((unsigned char)rec->type[i]);
	snprintf(rec->name, sizeof(rec->name), "%s", name);
	for (i = 0; rec->name[i] != '\0'; i++)
		rec->name[i] = (char)tolower((unsigned char)rec->name[i]);
	rec->content = strdup(content);
	if (rec->content == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	rec->ttl = ttl;
	list->count++;
	return ST_OK;
}

enum status
record_list_add_copy(struct record_list *list, const struct dns_record *rec, struct err *e)
{
	struct dns_record *copy;
	enum status st;

	st = record_list_add(list, rec->id, rec->type, rec->name, rec->content, rec->ttl, e);
	if (st != ST_OK)
		return st;
	copy = &list->items[list->count - 1];
	copy->hidden = rec->hidden;
	snprintf(copy->line, sizeof(copy->line), "%s", rec->line);
	if (rec->raw != NULL)
		st = record_set_raw(copy, rec->raw, e);
	return st;
}

enum status
record_set_raw(struct dns_record *rec, const char *raw, struct err *e)
{
	free(rec->raw);
	rec->raw = strdup(raw);
	if (rec->raw == NULL)
		return err_set(e, ST_SYSTEM, "out of memory");
	return ST_OK;
}

void
record_canonical_name(const char *name, char *out, size_t size)
{
	size_t len;
	size_t i;

	snprintf(out, size, "%s", name);
	len = strlen(out);
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

int
record_txt_matches(const char *content, const char *value)
{
	size_t clen = strlen(content);
	size_t vlen = strlen(value);

	if (clen == vlen && memcmp(content, value, vlen) == 0)
		return 1;
	return clen == vlen + 2 && content[0] == '"' && content[clen - 1] == '"' &&
	    memcmp(content + 1, value, vlen) == 0;
}
