/* libFuzzer target for src/app/portfile.c; tests/fuzz.sh builds and runs it.
 *
 * A port file comes with the commit being deployed. The input's first two
 * bytes choose the pair and the target port (so that one-digit ports, which
 * grow the most, and five-digit ones both come up); the rest is the file.
 * The properties checked, with a reader of numbers of its own:
 *   - the rewrite keeps every byte that is not a digit, in order, and the
 *     output is NUL-terminated at out_len;
 *   - count is the number of standalone occurrences of the pair (a maximal
 *     run of digits, no leading zero, equal to either port);
 *   - afterwards neither port of the pair that is not the target is named,
 *     and the target is named exactly when it was before or count > 0;
 *   - rewriting the output again changes nothing. */
#include "app/portfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(cond) require((cond), #cond, __LINE__)

static void require(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "portfile_fuzz.c:%d: property broken: %s\n", line, what);
		abort();
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The standalone occurrences of a or b in buf, read digit run by digit run. */
static int occurrences(const char *buf, size_t len, int a, int b)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		size_t start = i;
		long value = 0;

		if (!is_digit(buf[i])) {
			i++;
			continue;
		}
		while (i < len && is_digit(buf[i])) {
			if (value < 1000000) {
				value = value * 10 + (buf[i] - '0');
			}
			i++;
		}
		if ((buf[start] != '0' || i - start == 1) && (value == a || value == b)) {
			n++;
		}
	}
	return n;
}

/* buf without its digits, into a malloc'd buffer; its length in *n. */
static char *non_digits(const char *buf, size_t len, size_t *n)
{
	char *out = malloc(len + 1);
	size_t i;

	REQUIRE(out != NULL);
	for (*n = 0, i = 0; i < len; i++) {
		if (!is_digit(buf[i])) {
			out[(*n)++] = buf[i];
		}
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int ports[][2] = { { 9501, 9502 }, { 1, 2 }, { 8, 80 }, { 65535, 1024 } };
	const int *pair;
	int target, count, again_count;
	const char *buf;
	char *out, *again, *x, *y;
	size_t len, out_len, again_len, xn, yn;

	if (size < 2) {
		return 0;
	}
	pair = ports[data[0] % 4];
	target = data[1] % 3 == 2 ? 99999 : pair[data[1] % 3];
	buf = (const char *) data + 2;
	len = size - 2;

	REQUIRE(bg_portfile_rewrite(buf, len, pair, target, &out, &out_len, &count) == 0);
	REQUIRE(out[out_len] == '\0');
	REQUIRE(count == occurrences(buf, len, pair[0], pair[1]));
	x = non_digits(buf, len, &xn);
	y = non_digits(out, out_len, &yn);
	REQUIRE(xn == yn && memcmp(x, y, xn) == 0);
	free(x);
	free(y);

	REQUIRE(pair[0] == target || !bg_portfile_names(out, out_len, pair[0]));
	REQUIRE(pair[1] == target || !bg_portfile_names(out, out_len, pair[1]));
	REQUIRE(bg_portfile_names(out, out_len, target) == (count > 0 || bg_portfile_names(buf, len, target)));
	REQUIRE(bg_portfile_names(buf, len, pair[0]) || bg_portfile_names(buf, len, pair[1]) ? count > 0 : count == 0);

	REQUIRE(bg_portfile_rewrite(out, out_len, pair, target, &again, &again_len, &again_count) == 0);
	REQUIRE(again_len == out_len && memcmp(again, out, out_len) == 0);
	free(again);
	free(out);
	return 0;
}
