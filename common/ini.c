#include "ini.h"

#include <stdio.h>
#include <string.h>

#include "secret.h"

static void
unquote(char *value)
{
	size_t len = strlen(value);

	if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
		memmove(value, value + 1, len - 2);
		value[len - 2] = '\0';
	}
}

enum status
ini_parse(char *text, const char *path, ini_handler handler, void *ctx, struct err *e)
{
	char section[128] = "";
	char *line = text;
	int lineno = 0;

	while (line != NULL && *line != '\0') {
		char *next = strchr(line, '\n');
		char *eq;
		enum status st;

		if (next != NULL)
			*next++ = '\0';
		lineno++;
		secret_trim(line);
		if (line[0] == '\0' || line[0] == '#' || line[0] == ';') {
			line = next;
			continue;
		}
		if (line[0] == '[') {
			size_t len = strlen(line);

			if (line[len - 1] != ']' || len - 2 >= sizeof(section))
				return err_set(e, ST_USAGE, "%s:%d: invalid section header; expected [name]", path, lineno);
			line[len - 1] = '\0';
			snprintf(section, sizeof(section), "%s", line + 1);
			secret_trim(section);
			line = next;
			continue;
		}
		eq = strchr(line, '=');
		if (eq == NULL)
			return err_set(e, ST_USAGE, "%s:%d: invalid line; expected key = value", path, lineno);
		*eq = '\0';
		secret_trim(line);
		secret_trim(eq + 1);
		unquote(eq + 1);
		if (line[0] == '\0')
			return err_set(e, ST_USAGE, "%s:%d: missing key before '='", path, lineno);
		st = handler(ctx, section, line, eq + 1, lineno, e);
		if (st != ST_OK)
			return st;
		line = next;
	}
	return ST_OK;
}
