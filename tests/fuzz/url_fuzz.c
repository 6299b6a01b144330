/* libFuzzer target for src/base/url.c; tests/fuzz.sh builds and runs it.
 *
 * The input, up to its first NUL, is a remote URL or a message that holds
 * URLs (git's and a build step's output reach error messages). The
 * properties checked, with a reader of URLs of its own:
 *   - bg_url_mask() into a buffer of any size writes a NUL-terminated prefix
 *     of what it writes into a large one; bg_url_mask_dup() is that whole;
 *   - no credential is left: in the masked text the user information of
 *     every "scheme://...@" is "***", "user:***", or (an SSH scheme, no
 *     ':') a user name alone;
 *   - masking the masked text changes nothing;
 *   - bg_url_port() is the default or a port from 1 to 65535;
 *   - bg_url_kind_of() agrees with the scheme, and has a name. */
#include "base/url.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(cond) require((cond), #cond, __LINE__)

static void require(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "url_fuzz.c:%d: property broken: %s\n", line, what);
		abort();
	}
}

/* The user information ends at the last '@' of the authority, which ends at
 * '/', '?', '#', white space, a quote or an angle bracket. */
static const char *userinfo_at(const char *authority)
{
	const char *at = NULL, *p;

	for (p = authority; *p && !strchr("/?#'\"<> \t\r\n", *p); p++) {
		if (*p == '@') {
			at = p;
		}
	}
	return at;
}

static int ssh_scheme(const char *text, const char *sep)
{
	const char *start = sep;
	size_t n;

	while (start > text && (isalnum((unsigned char) start[-1]) || start[-1] == '+')) {
		start--;
	}
	n = (size_t) (sep - start);
	return (n == 3 && memcmp(start, "ssh", 3) == 0) || (n == 7 && memcmp(start, "git+ssh", 7) == 0)
		|| (n == 7 && memcmp(start, "ssh+git", 7) == 0);
}

/* Every user information in masked text is masked. The masking resumes
 * after each '@' it masks up to, and so does this reader. */
static void require_masked(const char *text)
{
	const char *p = text, *sep;

	while ((sep = strstr(p, "://")) != NULL) {
		const char *authority = sep + 3, *at = userinfo_at(authority), *colon;
		size_t n;

		if (!at) {
			p = authority;
			continue;
		}
		n = (size_t) (at - authority);
		colon = memchr(authority, ':', n);
		if (colon) {
			REQUIRE(at - colon - 1 == 3 && memcmp(colon + 1, "***", 3) == 0);
		} else {
			REQUIRE(ssh_scheme(p, sep) || (n == 3 && memcmp(authority, "***", 3) == 0));
		}
		p = at;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *) data, size), big_size = 2 * n + 4, cut;
	char *text = malloc(n + 1), *big, *small, *dup, *twice;
	bg_url_kind kind;
	int port;

	REQUIRE(text != NULL);
	memcpy(text, data, n);
	text[n] = '\0';

	dup = bg_url_mask_dup(text);
	REQUIRE(dup != NULL);
	big = malloc(4 * big_size);
	REQUIRE(big != NULL);
	bg_url_mask(text, big, 4 * big_size);
	REQUIRE(strcmp(dup, big) == 0);   /* the copy is never cut short */

	/* a small buffer: a prefix, always terminated */
	cut = size > 0 ? data[size - 1] % (n + 2) + 1 : 1;
	small = malloc(cut);
	REQUIRE(small != NULL);
	bg_url_mask(text, small, cut);
	REQUIRE(strlen(small) < cut && strncmp(small, big, strlen(small)) == 0);
	REQUIRE(strlen(small) == (strlen(big) < cut - 1 ? strlen(big) : cut - 1));

	require_masked(big);
	twice = bg_url_mask_dup(big);
	REQUIRE(twice && strcmp(twice, big) == 0);

	port = bg_url_port(text, 22);
	REQUIRE(port == 22 || (port > 0 && port < 65536));
	REQUIRE(bg_url_port(text, -7) == -7 || bg_url_port(text, -7) == port);

	kind = bg_url_kind_of(text);
	REQUIRE(bg_url_kind_name(kind) != NULL);
	if (strncmp(text, "https://", 8) == 0) {
		REQUIRE(kind == BG_URL_HTTPS);
	} else if (strncmp(text, "ssh://", 6) == 0 || strncmp(text, "git+ssh://", 10) == 0) {
		REQUIRE(kind == BG_URL_SSH);
	} else if (!strstr(text, "://")) {
		REQUIRE(kind == BG_URL_LOCAL || kind == BG_URL_SSH);
	}

	free(twice);
	free(small);
	free(big);
	free(dup);
	free(text);
	return 0;
}
