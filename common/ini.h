/*
 * A reader for the INI files that credentials and configuration come in:
 * "[section]" headers, "key = value" lines, comments starting with '#' or ';'.
 */
#ifndef DNS01_INI_H
#define DNS01_INI_H

#include "status.h"

/*
 * Called for each key in order. section is "" before the first header. The
 * strings live only for the call. Return ST_OK to go on; any other status
 * stops the parse and is returned by ini_parse (with e filled in by the callback).
 */
typedef enum status (*ini_handler)(void *ctx, const char *section, const char *key, const char *value,
    int line, struct err *e);

/*
 * Parses text in place (it is modified). Keys and values have surrounding
 * whitespace removed; a value may be wrapped in one pair of matching quotes,
 * which are removed. Returns ST_USAGE naming path and line on a syntax error.
 */
enum status ini_parse(char *text, const char *path, ini_handler handler, void *ctx, struct err *e);

#endif
