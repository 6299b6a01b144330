/* The JSON reader and writer (src/base/json.c) with what the checks and the
 * fuzzer need besides (json_harness.h). It includes json.c, so that the
 * writer's raw scalar and the reader's conversions are the core's own, not
 * copies; tests/fuzz.sh builds it in place of src/base/json.c. */
#include "base/json.c"
#include "json_harness.h"

int bg_json_is_null(const bg_json *v)
{
	return v && v->type == BG_JSON_NULL;
}

const char *bg_json_str(const bg_json *v)
{
	return json_str(v);
}

int bg_json_int(const bg_json *v, long long *out)
{
	return json_int(v, out);
}

int bg_json_bool(const bg_json *v, int *out)
{
	if (!v || v->type != BG_JSON_BOOL) {
		return -1;
	}
	*out = v->boolean;
	return 0;
}

void bg_jw_value(bg_json_writer *w, const bg_json *v)
{
	size_t i;

	if (!v) {
		bg_jw_null(w);
		return;
	}
	switch (v->type) {
	case BG_JSON_NULL:
		bg_jw_null(w);
		break;
	case BG_JSON_BOOL:
		bg_jw_bool(w, v->boolean);
		break;
	case BG_JSON_NUMBER:
		bg_jw_scalar(w, v->str, v->len);
		break;
	case BG_JSON_STRING:
		bg_jw_string_len(w, v->str, v->len);
		break;
	case BG_JSON_ARRAY:
		bg_jw_array_begin(w);
		for (i = 0; i < v->n; i++) {
			bg_jw_value(w, &v->items[i]);
		}
		bg_jw_array_end(w);
		break;
	case BG_JSON_OBJECT:
		bg_jw_object_begin(w);
		for (i = 0; i < v->n; i++) {
			bg_jw_key_len(w, v->items[i].key, v->items[i].key_len);
			bg_jw_value(w, &v->items[i]);
		}
		bg_jw_object_end(w);
		break;
	}
}
