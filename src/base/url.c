#include "base/url.h"
#include "base/strv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the user information of a URL ends: at '@' inside the authority
 * (which ends at the first '/', '?', '#', whitespace or quote). NULL if
 * the authority has no '@'. */
static const char *userinfo_end(const char *authority)
{
	const char *at = NULL, *p;

	for (p = authority; *p && !strchr("/?#'\"<> \t\r\n", *p); p++) {
		if (*p == '@') {
			at = p;  /* the last '@': a password may contain an escaped one */
		}
	}
	return at;
}

/* Whether the scheme that ends at sep ("://") is an SSH one. */
static int is_ssh_scheme(const char *text, const char *sep)
{
	const char *start = sep;

	while (start > text && (isalnum((unsigned char) start[-1]) || start[-1] == '+')) {
		start--;
	}
	return bg_url_kind_of(start) == BG_URL_SSH;
}

/* scp-style "[user@]host:path": a ':' before any '/'. */
static int is_scp_like(const char *url)
{
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');

	return colon && colon != url && (!slash || colon < slash);
}

bg_url_kind bg_url_kind_of(const char *url)
{
	static const struct { const char *prefix; bg_url_kind kind; } schemes[] = {
		{ "file://", BG_URL_FILE }, { "git://", BG_URL_GIT },
		{ "http://", BG_URL_HTTP }, { "https://", BG_URL_HTTPS },
		{ "ssh://", BG_URL_SSH }, { "git+ssh://", BG_URL_SSH }, { "ssh+git://", BG_URL_SSH },
	};
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strncmp(url, schemes[i].prefix, strlen(schemes[i].prefix)) == 0) {
			return schemes[i].kind;
		}
	}
	if (strstr(url, "://")) {
		return BG_URL_OTHER;
	}
	return is_scp_like(url) ? BG_URL_SSH : BG_URL_LOCAL;
}

const char *bg_url_kind_name(bg_url_kind kind)
{
	switch (kind) {
	case BG_URL_LOCAL: return "local path";
	case BG_URL_FILE: return "file://";
	case BG_URL_GIT: return "git://";
	case BG_URL_HTTP: return "http://";
	case BG_URL_HTTPS: return "https://";
	case BG_URL_SSH: return "ssh";
	case BG_URL_OTHER: return "other";
	}
	return "other";
}

int bg_url_port(const char *url, int default_port)
{
	const char *authority = strstr(url, "://"), *end, *colon = NULL, *p;

	if (!authority) {
		return default_port;  /* scp-style has no port */
	}
	authority += 3;
	if ((p = userinfo_end(authority))) {
		authority = p + 1;
	}
	end = authority + strcspn(authority, "/?#");
	for (p = authority; p < end; p++) {
		if (*p == ']') {
			colon = NULL;  /* the colons of an IPv6 address do not count */
		} else if (*p == ':') {
			colon = p;
		}
	}
	if (colon && colon + 1 < end) {
		int port = atoi(colon + 1);

		return port > 0 && port < 65536 ? port : default_port;
	}
	return default_port;
}

/* Appends len bytes of s to out at *pos, keeping room for the NUL. */
static void put(char *out, size_t size, size_t *pos, const char *s, size_t len)
{
	if (*pos + 1 >= size) {
		return;
	}
	if (len > size - 1 - *pos) {
		len = size - 1 - *pos;
	}
	memcpy(out + *pos, s, len);
	*pos += len;
}

char *bg_url_mask(const char *text, char *out, size_t size)
{
	const char *p = text, *sep;
	size_t pos = 0;

	if (size == 0) {
		return out;
	}
	while ((sep = strstr(p, "://")) != NULL) {
		const char *authority = sep + 3;
		const char *at = userinfo_end(authority);
		const char *colon;

		if (!at) {
			put(out, size, &pos, p, (size_t) (authority - p));
			p = authority;
			continue;
		}
		colon = memchr(authority, ':', (size_t) (at - authority));
		if (!colon && is_ssh_scheme(p, sep)) {
			/* ssh://git@host: a user name, never a secret. */
			put(out, size, &pos, p, (size_t) (at - p));
			p = at;
			continue;
		}
		/* Keep the user name when a password follows it: it helps, and
		 * alone it is no secret. A lone user part of an HTTP URL may be a
		 * token. */
		put(out, size, &pos, p, (size_t) ((colon ? colon + 1 : authority) - p));
		put(out, size, &pos, "***", 3);
		p = at;
	}
	put(out, size, &pos, p, strlen(p));
	out[pos] = '\0';
	return out;
}

char *bg_url_mask_dup(const char *text)
{
	/* Masking turns "x@" into "***@": at most 3 more bytes per URL, and a
	 * URL takes at least 4 ("a://"), so the result fits in twice the input. */
	size_t size = 2 * strlen(text) + 4;
	char *out = malloc(size);

	return out ? bg_url_mask(text, out, size) : NULL;
}

void bg_url_mask_in_place(char *text, size_t size)
{
	char *sep = strstr(text, "://"), *masked;

	if (!sep) {
		return;  /* no URL: nothing to mask (an out-of-memory message stays whole) */
	}
	if (!(masked = malloc(size))) {
		/* Out of memory: the text up to its first URL's scheme, rather
		 * than a credential. */
		sep[3] = '\0';
		bg_cut_last_word(text, size);
		return;
	}
	bg_url_mask(text, masked, size);
	memcpy(text, masked, size);
	free(masked);
}

void bg_url_mask_error(bg_error *err)
{
	bg_url_mask_in_place(err->msg, sizeof(err->msg));
}

void bg_vformat_masked(char *out, size_t size, const char *fmt, va_list ap)
{
	va_list again;
	char *full = NULL, *masked = NULL;
	int n;

	if (size == 0) {
		return;
	}
	va_copy(again, ap);
	n = vsnprintf(out, size, fmt, ap);
	if (n >= 0 && (size_t) n >= size && (full = malloc((size_t) n + 1)) != NULL) {
		vsnprintf(full, (size_t) n + 1, fmt, again);
		masked = bg_url_mask_dup(full);
		free(full);
	}
	if (n < 0) {
		out[0] = '\0';
	} else if ((size_t) n < size) {
		bg_url_mask_in_place(out, size);
	} else if (masked) {
		/* Masked whole, then cut: a cut falls in masked text. */
		bg_copy_words(out, size, masked);
	} else {
		/* Out of memory: cut first, at a whole word, so that no URL is
		 * left cut inside its credentials, then mask. */
		bg_cut_last_word(out, size);
		bg_url_mask_in_place(out, size);
	}
	free(masked);
	va_end(again);
}
