/* What the JSON checks and the fuzzer read and write beyond the core's own
 * API (src/base/json.h): the core reads members by key and never writes a
 * parsed tree back, so these live in the test harness
 * (tests/fuzz/json_harness.c, built in place of src/base/json.c). */
#ifndef BG_JSON_HARNESS_H
#define BG_JSON_HARNESS_H

#include "base/json.h"

/* 1 for a null; 0 for anything else, NULL (absent) included. */
int bg_json_is_null(const bg_json *v);

/* Any value, an array's element included, read as bg_json_get_str and
 * bg_json_get_int read a member: the core's own conversions. */
const char *bg_json_str(const bg_json *v);
int bg_json_int(const bg_json *v, long long *out);

/* 0 and *out set to 0 or 1 if v is true or false; -1 otherwise. */
int bg_json_bool(const bg_json *v, int *out);

/* A parsed value and all below it, numbers with their text as parsed (so a
 * tree written back reads back the same); NULL writes null. */
void bg_jw_value(bg_json_writer *w, const bg_json *v);

#endif
