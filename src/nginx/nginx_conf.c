#include "nginx/nginx_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- tokenizer ---------------------------------------------------------------
 * The grammar is the one of ngx_conf_read_token() in nginx's
 * src/core/ngx_conf_file.c, written as a scanner over a buffer rather than
 * nginx's flag machine. Its rules, some of them surprising:
 *   - whitespace is space, tab, CR and LF only;
 *   - '#' starts a comment only where a word could start: "a#b" is one word;
 *   - a bare word ends at whitespace, ';' or '{' but not at '}': "ok}" is a word;
 *   - '{' right after '$' belongs to the word ("${var}");
 *   - a backslash takes the next byte into the word, inside quotes or not;
 *   - a closing quote must be followed by whitespace, ';', '{' or ')', and
 *     that ')' starts the next word (`if ($a = "b")`). */

typedef struct {
	const char *buf;
	size_t len;
	size_t pos;
	int line;
	const char *file;
} bg_ngx_lexer;

/* A word of a directive: the value nginx sees, and where its bytes sit in the
 * buffer (inside the quotes for a quoted word). */
typedef struct {
	char *value;      /* NUL-terminated, may hold NUL bytes before len */
	size_t len;
	size_t raw_off;
	size_t raw_len;
	int line;
} bg_ngx_word;

typedef enum {
	BG_NGX_SIMPLE,    /* words ended by ';' */
	BG_NGX_BLOCK,     /* words ended by '{' */
	BG_NGX_END,       /* a '}' */
	BG_NGX_EOF
} bg_ngx_kind;

typedef struct {
	bg_ngx_kind kind;
	int line;         /* of the first word, or of the '}' */
	bg_ngx_word *words;
	size_t n;
	size_t cap;
	size_t end;       /* offset just past its ';', '{' or '}' */
} bg_ngx_stmt;

#define BG_NGX_AT_EOF (-1)

static int bg_ngx_oom(bg_error *err)
{
	return bg_error_set(err, BG_ERR_SYSTEM, "out of memory");
}

/* Room for one more element in a growing array of n: the array, moved if
 * need be, or NULL when out of memory (the array is then unchanged). */
static void *bg_ngx_grow(void *items, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 8;
	void *grown;

	if (n < *cap) {
		return items;
	}
	if ((grown = realloc(items, want * size)) != NULL) {
		*cap = want;
	}
	return grown;
}

static int bg_ngx_peek(const bg_ngx_lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char) lx->buf[lx->pos] : BG_NGX_AT_EOF;
}

/* Every byte is consumed here so that no path forgets a line: nginx counts
 * each LF, escaped, quoted or in a comment. */
static void bg_ngx_advance(bg_ngx_lexer *lx)
{
	if (lx->pos < lx->len) {
		if (lx->buf[lx->pos] == '\n') {
			lx->line++;
		}
		lx->pos++;
	}
}

static int bg_ngx_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int bg_ngx_unexpected(const bg_ngx_lexer *lx, int c, bg_error *err)
{
	if (c > 0x20 && c < 0x7f) {
		return bg_error_set(err, BG_ERR_NGINX, "%s:%d: unexpected \"%c\"", lx->file, lx->line, c);
	}
	return bg_error_set(err, BG_ERR_NGINX, "%s:%d: unexpected byte 0x%02x", lx->file, lx->line, c);
}

static void bg_ngx_skip_blanks(bg_ngx_lexer *lx)
{
	int c;

	for (;;) {
		c = bg_ngx_peek(lx);
		if (bg_ngx_is_space(c)) {
			bg_ngx_advance(lx);
		} else if (c == '#') {
			while ((c = bg_ngx_peek(lx)) != BG_NGX_AT_EOF && c != '\n') {
				bg_ngx_advance(lx);
			}
		} else {
			return;
		}
	}
}

/* Up to the first byte that ends a bare word. nginx keeps taking '{' after a
 * '$' for as long as they come ("${{x" is one word), hence the flag is only
 * cleared by another byte. */
static void bg_ngx_scan_bare(bg_ngx_lexer *lx)
{
	int after_dollar = 0;
	int c;

	for (;;) {
		c = bg_ngx_peek(lx);
		if (c == BG_NGX_AT_EOF || bg_ngx_is_space(c) || c == ';' || (c == '{' && !after_dollar)) {
			return;
		}
		bg_ngx_advance(lx);
		if (c == '\\') {
			bg_ngx_advance(lx);
			after_dollar = 0;
		} else if (c == '$') {
			after_dollar = 1;
		} else if (c != '{') {
			after_dollar = 0;
		}
	}
}

/* From the opening quote up to the closing one, both consumed. */
static int bg_ngx_scan_quoted(bg_ngx_lexer *lx, int quote, bg_error *err)
{
	int line = lx->line;
	int c;

	bg_ngx_advance(lx);
	while ((c = bg_ngx_peek(lx)) != quote) {
		if (c == BG_NGX_AT_EOF) {
			return bg_error_set(err, BG_ERR_NGINX, "%s:%d: unterminated string", lx->file, line);
		}
		bg_ngx_advance(lx);
		if (c == '\\') {
			bg_ngx_advance(lx);
		}
	}
	bg_ngx_advance(lx);
	return 0;
}

/* nginx refuses `"a"b`, `"a"}` or `"a"#`: a closing quote needs a separator. */
static int bg_ngx_check_after_quote(const bg_ngx_lexer *lx, bg_error *err)
{
	int c = bg_ngx_peek(lx);

	if (c == BG_NGX_AT_EOF || bg_ngx_is_space(c) || c == ';' || c == '{' || c == ')') {
		return 0;
	}
	return bg_ngx_unexpected(lx, c, err);
}

/* What a backslash followed by e stands for, or -1 when the backslash stays. */
static int bg_ngx_escape(char e)
{
	switch (e) {
	case '"': case '\'': case '\\': return e;
	case 't': return '\t';
	case 'r': return '\r';
	case 'n': return '\n';
	}
	return -1;
}

/* The value nginx hands to the directive: quotes gone, escapes resolved. */
static int bg_ngx_decode(const char *raw, size_t n, bg_ngx_word *w)
{
	char *value = malloc(n + 1), *d = value;
	size_t i = 0;

	if (!value) {
		return -1;
	}
	while (i < n) {
		char c = raw[i++];
		int e;

		if (c == '\\' && i < n && (e = bg_ngx_escape(raw[i])) >= 0) {
			c = (char) e;
			i++;
		}
		*d++ = c;
	}
	*d = '\0';
	w->value = value;
	w->len = (size_t) (d - value);
	return 0;
}

static int bg_ngx_read_word(bg_ngx_lexer *lx, bg_ngx_word *w, bg_error *err)
{
	int c = bg_ngx_peek(lx);

	w->line = lx->line;
	if (c == '"' || c == '\'') {
		w->raw_off = lx->pos + 1;
		if (bg_ngx_scan_quoted(lx, c, err) < 0) {
			return -1;
		}
		w->raw_len = lx->pos - 1 - w->raw_off;
		if (bg_ngx_check_after_quote(lx, err) < 0) {
			return -1;
		}
	} else {
		w->raw_off = lx->pos;
		bg_ngx_scan_bare(lx);
		w->raw_len = lx->pos - w->raw_off;
	}
	if (bg_ngx_decode(lx->buf + w->raw_off, w->raw_len, w) < 0) {
		return bg_ngx_oom(err);
	}
	return 0;
}

static void bg_ngx_stmt_clear(bg_ngx_stmt *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->words[i].value);
	}
	st->n = 0;
}

static void bg_ngx_stmt_free(bg_ngx_stmt *st)
{
	bg_ngx_stmt_clear(st);
	free(st->words);
	st->words = NULL;
	st->cap = 0;
}

static int bg_ngx_push_word(bg_ngx_lexer *lx, bg_ngx_stmt *st, bg_error *err)
{
	bg_ngx_word *words = bg_ngx_grow(st->words, &st->cap, st->n, sizeof(*words));

	if (!words) {
		return bg_ngx_oom(err);
	}
	st->words = words;
	if (bg_ngx_read_word(lx, &st->words[st->n], err) < 0) {
		return -1;
	}
	if (st->n++ == 0) {
		st->line = st->words[0].line;
	}
	return 0;
}

/* ';' and '{' end the words of a directive, so they need some; '}' must
 * stand alone. */
static int bg_ngx_end_stmt(bg_ngx_lexer *lx, bg_ngx_stmt *st, int c, bg_error *err)
{
	if (c == '}' ? st->n > 0 : st->n == 0) {
		return bg_ngx_unexpected(lx, c, err);
	}
	if (c == '}') {
		st->line = lx->line;
	}
	st->kind = c == ';' ? BG_NGX_SIMPLE : c == '{' ? BG_NGX_BLOCK : BG_NGX_END;
	bg_ngx_advance(lx);
	st->end = lx->pos;
	return 0;
}

/* The next directive or '}'; st's previous words are released. */
static int bg_ngx_read_stmt(bg_ngx_lexer *lx, bg_ngx_stmt *st, bg_error *err)
{
	int c;

	bg_ngx_stmt_clear(st);
	for (;;) {
		bg_ngx_skip_blanks(lx);
		c = bg_ngx_peek(lx);
		if (c == ';' || c == '{' || c == '}') {
			return bg_ngx_end_stmt(lx, st, c, err);
		}
		if (c == BG_NGX_AT_EOF) {
			break;
		}
		if (bg_ngx_push_word(lx, st, err) < 0) {
			return -1;
		}
	}
	if (st->n > 0) {
		return bg_error_set(err, BG_ERR_NGINX, "%s:%d: unexpected end of file, expecting \";\" or \"}\"",
			lx->file, st->line);
	}
	st->kind = BG_NGX_EOF;
	return 0;
}

/* --- walking the directives -------------------------------------------------- */

/* Called for each directive and each '}'. depth is that of the directive
 * (0: main context); for a '}', that of the directive whose block it ends. */
typedef int (*bg_ngx_visit)(void *ctx, const bg_ngx_stmt *st, size_t depth, bg_error *err);

static int bg_ngx_walk(const char *buf, size_t len, const char *file, bg_ngx_visit visit, void *ctx,
	bg_error *err)
{
	bg_ngx_lexer lx = { buf, len, 0, 1, file };
	bg_ngx_stmt st = { BG_NGX_EOF, 0, NULL, 0, 0, 0 };
	size_t depth = 0;
	int outer_line = 0;  /* of the last block opened in the main context */
	int rc = -1;

	for (;;) {
		if (bg_ngx_read_stmt(&lx, &st, err) < 0) {
			goto out;
		}
		if (st.kind == BG_NGX_EOF) {
			break;
		}
		if (st.kind == BG_NGX_END && depth-- == 0) {
			bg_ngx_unexpected(&lx, '}', err);
			goto out;
		}
		if (visit(ctx, &st, depth, err) < 0) {
			goto out;
		}
		if (st.kind == BG_NGX_BLOCK && depth++ == 0) {
			outer_line = st.line;
		}
	}
	if (depth > 0) {
		bg_error_set(err, BG_ERR_NGINX, "%s:%d: unbalanced braces", file, outer_line);
		goto out;
	}
	rc = 0;
out:
	bg_ngx_stmt_free(&st);
	return rc;
}

static int bg_ngx_word_is(const bg_ngx_word *w, const char *s)
{
	size_t n = strlen(s);

	return w->len == n && memcmp(w->value, s, n) == 0;
}

/* --- server addresses -------------------------------------------------------- */

typedef struct {
	const char *host;  /* without the brackets of an IPv6 address */
	size_t host_len;
	const char *port;
	size_t port_len;
} bg_ngx_addr;

/* Splits like ngx_parse_url(): the port follows the first ':', or the ':'
 * right after the ']' of an IPv6 address. -1 for a unix: socket or an
 * address without a port. */
static int bg_ngx_split_addr(const char *v, size_t n, bg_ngx_addr *a)
{
	const char *end = v + n, *colon;

	if (n >= 5 && strncasecmp(v, "unix:", 5) == 0) {
		return -1;
	}
	if (n > 0 && v[0] == '[') {
		const char *bracket = memchr(v, ']', n);

		if (!bracket) {
			return -1;
		}
		a->host = v + 1;
		a->host_len = (size_t) (bracket - a->host);
		colon = bracket + 1 < end && bracket[1] == ':' ? bracket + 1 : NULL;
	} else {
		colon = memchr(v, ':', n);
		a->host = v;
		a->host_len = colon ? (size_t) (colon - v) : n;
	}
	if (!colon) {
		return -1;
	}
	a->port = colon + 1;
	a->port_len = (size_t) (end - a->port);
	return 0;
}

/* 1..65535 in plain decimal, or -1. A leading zero is refused: "09501" would
 * be rewritten to a port of another width, better to say it is not there. */
static int bg_ngx_parse_port(const char *s, size_t n)
{
	int port = 0;
	size_t i;

	if (n == 0 || n > 5 || s[0] == '0') {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		port = port * 10 + (s[i] - '0');
	}
	return port <= 65535 ? port : -1;
}

static int bg_ngx_is_loopback(const char *host, size_t len)
{
	static const char *const forms[] = { "127.0.0.1", "localhost", "::1" };
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (strlen(forms[i]) == len && memcmp(forms[i], host, len) == 0) {
			return 1;
		}
	}
	return 0;
}

/* --- finding the upstream ---------------------------------------------------- */

typedef struct {
	const char *file;
	const char *name;
	const char *host;      /* brackets of an IPv6 host removed */
	size_t host_len;
	int loopback;          /* host is one of the loopback forms */
	const int *ports;
	bg_nginx_upstream *out;
	size_t cap;
	int inside;            /* walking the directives of the upstream block */
	size_t body_depth;     /* their depth */
} bg_ngx_finder;

static void bg_ngx_finder_init(bg_ngx_finder *f, const char *file, const char *name, const char *host,
	const int ports[2], bg_nginx_upstream *out)
{
	size_t len = strlen(host);

	memset(f, 0, sizeof(*f));
	f->file = file;
	f->name = name;
	f->host = host;
	f->host_len = len;
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		f->host++;
		f->host_len -= 2;
	}
	f->loopback = bg_ngx_is_loopback(f->host, f->host_len);
	f->ports = ports;
	f->out = out;
}

static int bg_ngx_host_matches(const bg_ngx_finder *f, const char *host, size_t len)
{
	if (f->loopback) {
		return bg_ngx_is_loopback(host, len);
	}
	return len == f->host_len && memcmp(host, f->host, len) == 0;
}

/* `upstream NAME {`; nginx compares upstream names without regard to case. */
static int bg_ngx_is_our_upstream(const bg_ngx_finder *f, const bg_ngx_stmt *st)
{
	return st->kind == BG_NGX_BLOCK && st->n == 2 && bg_ngx_word_is(&st->words[0], "upstream")
		&& st->words[1].len == strlen(f->name)
		&& strncasecmp(st->words[1].value, f->name, st->words[1].len) == 0;
}

static int bg_ngx_enter_upstream(bg_ngx_finder *f, const bg_ngx_stmt *st, size_t depth, bg_error *err)
{
	if (f->out->line) {
		return bg_error_set(err, BG_ERR_NGINX, "%s:%d: upstream \"%s\" is defined twice (first at line %d)",
			f->file, st->line, f->name, f->out->line);
	}
	f->out->line = st->line;
	f->inside = 1;
	f->body_depth = depth + 1;
	return 0;
}

#define BG_NGX_WEIGHT "weight="

static void bg_ngx_read_params(const bg_ngx_stmt *st, bg_nginx_server *s)
{
	size_t i;

	for (i = 2; i < st->n; i++) {
		if (bg_ngx_word_is(&st->words[i], "backup")) {
			s->backup = 1;
		} else if (bg_ngx_word_is(&st->words[i], "down")) {
			s->down = 1;
		} else if (st->words[i].len > strlen(BG_NGX_WEIGHT) && strncmp(st->words[i].value, BG_NGX_WEIGHT,
				strlen(BG_NGX_WEIGHT)) == 0) {
			s->weight_off = st->words[i].raw_off;
			s->weight_end = st->words[i].raw_off + st->words[i].raw_len;
		}
	}
}

/* Fills s and returns 1 when st is `server ADDRESS ...;` on our host and ports. */
static int bg_ngx_match_server(const bg_ngx_finder *f, const bg_ngx_stmt *st, bg_nginx_server *s)
{
	const bg_ngx_word *addr;
	bg_ngx_addr a;
	int port;

	if (st->kind != BG_NGX_SIMPLE || st->n < 2 || !bg_ngx_word_is(&st->words[0], "server")) {
		return 0;
	}
	addr = &st->words[1];
	if (bg_ngx_split_addr(addr->value, addr->len, &a) < 0 || !bg_ngx_host_matches(f, a.host, a.host_len)) {
		return 0;
	}
	port = bg_ngx_parse_port(a.port, a.port_len);
	if (port < 0 || (port != f->ports[0] && port != f->ports[1])) {
		return 0;
	}
	memset(s, 0, sizeof(*s));
	s->line = st->line;
	s->stmt_off = st->words[0].raw_off;
	s->end_off = st->end;
	/* No escape yields a digit, so the digits ending the value are the very
	 * bytes ending the raw word, with nothing in between. */
	s->port_off = addr->raw_off + addr->raw_len - a.port_len;
	s->port_len = a.port_len;
	s->port = port;
	bg_ngx_read_params(st, s);
	return 1;
}

static int bg_ngx_add_server(bg_ngx_finder *f, const bg_nginx_server *s, bg_error *err)
{
	bg_nginx_upstream *u = f->out;
	bg_nginx_server *servers = bg_ngx_grow(u->servers, &f->cap, u->n, sizeof(*servers));

	if (!servers) {
		return bg_ngx_oom(err);
	}
	u->servers = servers;
	u->servers[u->n++] = *s;
	return 0;
}

static int bg_ngx_find_visit(void *ctx, const bg_ngx_stmt *st, size_t depth, bg_error *err)
{
	bg_ngx_finder *f = ctx;
	bg_nginx_server s;

	if (bg_ngx_is_our_upstream(f, st)) {
		return bg_ngx_enter_upstream(f, st, depth, err);
	}
	if (!f->inside) {
		return 0;
	}
	if (st->kind == BG_NGX_END && depth < f->body_depth) {
		f->inside = 0;
	} else if (st->kind != BG_NGX_END && depth == f->body_depth && bg_ngx_match_server(f, st, &s)) {
		return bg_ngx_add_server(f, &s, err);
	}
	return 0;
}

int bg_nginx_conf_find(const char *buf, size_t len, const char *file, const char *upstream,
	const char *host, const int ports[2], bg_nginx_upstream *out, bg_error *err)
{
	bg_ngx_finder f;

	memset(out, 0, sizeof(*out));
	bg_ngx_finder_init(&f, file, upstream, host, ports, out);
	if (bg_ngx_walk(buf, len, file, bg_ngx_find_visit, &f, err) < 0) {
		goto fail;
	}
	if (!out->line) {
		bg_error_set(err, BG_ERR_NGINX, "%s: upstream \"%s\" not found", file, upstream);
		goto fail;
	}
	if (out->n == 0) {
		bg_error_set(err, BG_ERR_NGINX, "%s:%d: upstream \"%s\" has no server on %s at port %d or %d",
			file, out->line, upstream, host, ports[0], ports[1]);
		goto fail;
	}
	return 0;
fail:
	bg_nginx_upstream_free(out);
	return -1;
}

void bg_nginx_upstream_free(bg_nginx_upstream *u)
{
	free(u->servers);
	u->servers = NULL;
	u->n = 0;
	u->line = 0;
}

int bg_nginx_conf_active_port(const char *buf, size_t len, const char *file, const char *upstream,
	const char *host, const int ports[2], int *port, bg_error *err)
{
	bg_nginx_upstream u;
	const bg_nginx_server *pick;
	size_t i;

	*port = 0;
	if (bg_nginx_conf_find(buf, len, file, upstream, host, ports, &u, err) < 0) {
		return -1;
	}
	pick = &u.servers[0];
	for (i = 0; i < u.n; i++) {
		if (!u.servers[i].backup && !u.servers[i].down) {
			pick = &u.servers[i];
			break;
		}
	}
	*port = pick->port;
	bg_nginx_upstream_free(&u);
	return 0;
}

/* --- rewriting ----------------------------------------------------------------- */

/* buf with the port digits of each server replaced by digits. */
static char *bg_ngx_patch(const char *buf, size_t len, const bg_nginx_upstream *u, const char *digits,
	size_t *out_len)
{
	size_t dlen = strlen(digits), size = len, from = 0, i;
	char *copy, *p;

	for (i = 0; i < u->n; i++) {
		size = size - u->servers[i].port_len + dlen;
	}
	if (!(copy = malloc(size + 1))) {
		return NULL;
	}
	p = copy;
	for (i = 0; i < u->n; i++) {
		const bg_nginx_server *s = &u->servers[i];

		memcpy(p, buf + from, s->port_off - from);
		p += s->port_off - from;
		memcpy(p, digits, dlen);
		p += dlen;
		from = s->port_off + s->port_len;
	}
	memcpy(p, buf + from, len - from);
	copy[size] = '\0';
	*out_len = size;
	return copy;
}

int bg_nginx_conf_rewrite(const char *buf, size_t len, const char *file, const char *upstream,
	const char *host, const int ports[2], int port, char **out, size_t *out_len, bg_error *err)
{
	bg_nginx_upstream u;
	char digits[8];

	*out = NULL;
	*out_len = 0;
	if (port < 1 || port > 65535) {
		return bg_error_set(err, BG_ERR_VALUE, "port %d is not in 1..65535", port);
	}
	if (bg_nginx_conf_find(buf, len, file, upstream, host, ports, &u, err) < 0) {
		return -1;
	}
	snprintf(digits, sizeof(digits), "%d", port);
	*out = bg_ngx_patch(buf, len, &u, digits, out_len);
	bg_nginx_upstream_free(&u);
	return *out ? 0 : bg_ngx_oom(err);
}

/* --- main context directives ------------------------------------------------------ */

typedef struct {
	const char *file;
	const char *name;
	char *value;
} bg_ngx_main_lookup;

static int bg_ngx_main_visit(void *ctx, const bg_ngx_stmt *st, size_t depth, bg_error *err)
{
	bg_ngx_main_lookup *l = ctx;
	const bg_ngx_word *arg;

	if (l->value || depth > 0 || st->kind != BG_NGX_SIMPLE || !bg_ngx_word_is(&st->words[0], l->name)) {
		return 0;
	}
	if (st->n < 2) {
		return bg_error_set(err, BG_ERR_NGINX, "%s:%d: invalid number of arguments in \"%s\" directive",
			l->file, st->line, l->name);
	}
	arg = &st->words[1];
	if (!(l->value = malloc(arg->len + 1))) {
		return bg_ngx_oom(err);
	}
	memcpy(l->value, arg->value, arg->len + 1);
	return 0;
}

int bg_nginx_conf_main_directive(const char *buf, size_t len, const char *file, const char *name,
	char **value, bg_error *err)
{
	bg_ngx_main_lookup l = { file, name, NULL };

	*value = NULL;
	if (bg_ngx_walk(buf, len, file, bg_ngx_main_visit, &l, err) < 0) {
		free(l.value);
		return -1;
	}
	*value = l.value;
	return 0;
}

/* --- any directive, by name ----------------------------------------------------- */

typedef struct {
	const char *name;
	bg_nginx_directive_fn fn;
	void *ctx;
} bg_ngx_each;

static int bg_ngx_each_visit(void *ctx, const bg_ngx_stmt *st, size_t depth, bg_error *err)
{
	bg_ngx_each *e = ctx;
	const char *args[16];
	size_t i, n;

	(void) depth;
	if (st->kind == BG_NGX_END || !bg_ngx_word_is(&st->words[0], e->name)) {
		return 0;
	}
	/* A directive's values are NUL-terminated; one with more than 16 words is
	 * none that this is asked about. */
	n = st->n - 1 < 16 ? st->n - 1 : 16;
	for (i = 0; i < n; i++) {
		args[i] = st->words[i + 1].value;
	}
	return e->fn(e->ctx, st->line, n, args, err);
}

int bg_nginx_conf_each(const char *buf, size_t len, const char *file, const char *name, bg_nginx_directive_fn fn,
	void *ctx, bg_error *err)
{
	bg_ngx_each e = { name, fn, ctx };

	return bg_ngx_walk(buf, len, file, bg_ngx_each_visit, &e, err);
}

/* --- the canary: both releases in the upstream, weighted ------------------------ */

typedef struct {
	const char *p;
	size_t n;
} bg_ngx_piece;

/* The pieces end to end, NUL-terminated; NULL when out of memory. */
static char *bg_ngx_concat(const bg_ngx_piece *pieces, size_t n, size_t *out_len)
{
	size_t size = 0, i;
	char *out, *d;

	for (i = 0; i < n; i++) {
		size += pieces[i].n;
	}
	if (!(out = malloc(size + 1))) {
		return NULL;
	}
	for (d = out, i = 0; i < n; i++) {
		memcpy(d, pieces[i].p, pieces[i].n);
		d += pieces[i].n;
	}
	*d = '\0';
	*out_len = size;
	return out;
}

/* The blanks before the entry on its line, when only blanks precede it. */
static bg_ngx_piece bg_ngx_indent(const char *buf, size_t off)
{
	size_t start = off;

	while (start > 0 && (buf[start - 1] == ' ' || buf[start - 1] == '\t')) {
		start--;
	}
	if (start > 0 && buf[start - 1] != '\n') {
		return (bg_ngx_piece) { "    ", 4 };
	}
	return (bg_ngx_piece) { buf + start, off - start };
}

int bg_nginx_conf_canary(const char *buf, size_t len, const char *file, const char *upstream, const char *host,
	const int ports[2], int port, int weight, char **out, size_t *out_len, bg_error *err)
{
	bg_nginx_upstream u;
	const bg_nginx_server *s;
	char old_w[32], new_w[32], digits[8];
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if (weight < 1 || weight > 99) {
		return bg_error_set(err, BG_ERR_VALUE, "canary weight %d is not in 1..99", weight);
	}
	if (bg_nginx_conf_find(buf, len, file, upstream, host, ports, &u, err) < 0) {
		return -1;
	}
	s = &u.servers[0];
	if (u.n != 1) {
		bg_error_set(err, BG_ERR_NGINX, "%s:%d: upstream \"%s\" has %zu server entries on the pair's ports; a "
			"canary needs exactly one", file, u.line, upstream, u.n);
	} else if (s->weight_off) {
		bg_error_set(err, BG_ERR_NGINX, "%s:%d: the server entry has a weight already; a canary sets the weights "
			"itself (remove it)", file, s->line);
	} else if (s->port == port) {
		bg_error_set(err, BG_ERR_NGINX, "%s:%d: the upstream points to port %d already", file, s->line, port);
	} else {
		bg_ngx_piece pieces[9];

		snprintf(old_w, sizeof(old_w), " weight=%d", 100 - weight);
		snprintf(new_w, sizeof(new_w), " weight=%d", weight);
		snprintf(digits, sizeof(digits), "%d", port);
		pieces[0] = (bg_ngx_piece) { buf, s->end_off - 1 };
		pieces[1] = (bg_ngx_piece) { old_w, strlen(old_w) };
		pieces[2] = (bg_ngx_piece) { ";\n", 2 };
		pieces[3] = bg_ngx_indent(buf, s->stmt_off);
		pieces[4] = (bg_ngx_piece) { buf + s->stmt_off, s->port_off - s->stmt_off };
		pieces[5] = (bg_ngx_piece) { digits, strlen(digits) };
		pieces[6] = (bg_ngx_piece) { buf + s->port_off + s->port_len, s->end_off - 1 - s->port_off - s->port_len };
		pieces[7] = (bg_ngx_piece) { new_w, strlen(new_w) };
		pieces[8] = (bg_ngx_piece) { buf + s->end_off - 1, len - (s->end_off - 1) };
		rc = (*out = bg_ngx_concat(pieces, 9, out_len)) ? 0 : bg_ngx_oom(err);
	}
	bg_nginx_upstream_free(&u);
	return rc;
}

/* Whether the two entries are what bg_nginx_conf_canary made: the first one
 * ends with the weight it added, the second follows on the next line. */
static int bg_ngx_is_canary(const char *buf, const bg_nginx_upstream *u)
{
	const bg_nginx_server *s = &u->servers[0], *t = &u->servers[1];
	size_t i;

	if (u->n != 2 || s->port == t->port || !s->weight_off || !t->weight_off
		|| s->weight_end != s->end_off - 1 || s->weight_off < 1 || buf[s->weight_off - 1] != ' '
		|| buf[s->end_off] != '\n' || t->weight_end != t->end_off - 1) {
		return 0;
	}
	for (i = s->end_off + 1; i < t->stmt_off; i++) {
		if (buf[i] != ' ' && buf[i] != '\t') {
			return 0;
		}
	}
	return 1;
}

int bg_nginx_conf_uncanary(const char *buf, size_t len, const char *file, const char *upstream, const char *host,
	const int ports[2], int port, int *from, char **out, size_t *out_len, bg_error *err)
{
	bg_nginx_upstream u;
	const bg_nginx_server *s;
	bg_ngx_piece pieces[4];
	char digits[8];
	int rc;

	*out = NULL;
	*out_len = 0;
	if (bg_nginx_conf_find(buf, len, file, upstream, host, ports, &u, err) < 0) {
		return -1;
	}
	if (!bg_ngx_is_canary(buf, &u) || (port != u.servers[0].port && port != u.servers[1].port)) {
		bg_nginx_upstream_free(&u);
		return 1;
	}
	s = &u.servers[0];
	*from = port == s->port ? u.servers[1].port : s->port;
	/* The first entry as it was before the canary (with `port`), then what
	 * followed the second one. */
	snprintf(digits, sizeof(digits), "%d", port);
	pieces[0] = (bg_ngx_piece) { buf, s->port_off };
	pieces[1] = (bg_ngx_piece) { digits, strlen(digits) };
	pieces[2] = (bg_ngx_piece) { buf + s->port_off + s->port_len, s->weight_off - 1 - s->port_off - s->port_len };
	pieces[3] = (bg_ngx_piece) { buf + u.servers[1].end_off - 1, len - (u.servers[1].end_off - 1) };
	rc = (*out = bg_ngx_concat(pieces, 4, out_len)) ? 0 : bg_ngx_oom(err);
	bg_nginx_upstream_free(&u);
	return rc;
}

/* --- the socket switch's upstream ------------------------------------------------- */

typedef struct {
	const char *name;
	const char *path;
	int line;              /* of `upstream NAME {`, once found */
	int inside;
	size_t body_depth;
	int names_path;        /* a `server unix:PATH` entry */
	char first[256];       /* the first server's address, for the message */
} bg_ngx_unix_lookup;

static int bg_ngx_unix_visit(void *ctx, const bg_ngx_stmt *st, size_t depth, bg_error *err)
{
	bg_ngx_unix_lookup *l = ctx;
	const bg_ngx_word *addr;

	(void) err;
	if (st->kind == BG_NGX_BLOCK && st->n == 2 && bg_ngx_word_is(&st->words[0], "upstream")
		&& st->words[1].len == strlen(l->name) && strncasecmp(st->words[1].value, l->name, st->words[1].len) == 0) {
		l->line = l->line ? l->line : st->line;
		l->inside = 1;
		l->body_depth = depth + 1;
		return 0;
	}
	if (!l->inside) {
		return 0;
	}
	if (st->kind == BG_NGX_END && depth < l->body_depth) {
		l->inside = 0;
		return 0;
	}
	if (st->kind != BG_NGX_SIMPLE || depth != l->body_depth || st->n < 2 || !bg_ngx_word_is(&st->words[0], "server")) {
		return 0;
	}
	addr = &st->words[1];
	if (!l->first[0]) {
		snprintf(l->first, sizeof(l->first), "%.*s", (int) addr->len, addr->value);
	}
	if (addr->len == 5 + strlen(l->path) && strncasecmp(addr->value, "unix:", 5) == 0
		&& memcmp(addr->value + 5, l->path, strlen(l->path)) == 0) {
		l->names_path = 1;
	}
	return 0;
}

int bg_nginx_conf_names_socket(const char *buf, size_t len, const char *file, const char *upstream,
	const char *path, bg_error *err)
{
	bg_ngx_unix_lookup l;

	memset(&l, 0, sizeof(l));
	l.name = upstream;
	l.path = path;
	if (bg_ngx_walk(buf, len, file, bg_ngx_unix_visit, &l, err) < 0) {
		return -1;
	}
	if (!l.line) {
		return bg_error_set(err, BG_ERR_NGINX, "%s: upstream \"%s\" not found", file, upstream);
	}
	if (!l.names_path) {
		return bg_error_set(err, BG_ERR_NGINX, "%s:%d: upstream \"%s\" does not name the live socket (%s%s): "
			"with option \"switch\" => \"socket\" its server must be `server unix:%s;`, which bluegreen "
			"points at the live release without rewriting or reloading nginx", file, l.line, upstream,
			l.first[0] ? "its first server is " : "it has no server", l.first, path);
	}
	return 0;
}
