#include "base/strv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t bg_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n]) {
		n++;
	}
	return n;
}

int bg_strv_push(char ***v, const char *s)
{
	size_t n = bg_strv_len(*v);
	char *copy = strdup(s);
	char **grown;

	if (!copy) {
		return -1;
	}
	grown = realloc(*v, (n + 2) * sizeof(char *));
	if (!grown) {
		free(copy);
		return -1;
	}
	grown[n] = copy;
	grown[n + 1] = NULL;
	*v = grown;
	return 0;
}

char **bg_strv_dup(char *const *v, int *ok)
{
	size_t n = bg_strv_len(v), i;
	char **copy;

	*ok = 1;
	if (!v) {
		return NULL;
	}
	copy = calloc(n + 1, sizeof(char *));
	if (!copy) {
		*ok = 0;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!(copy[i] = strdup(v[i]))) {
			bg_strv_free(copy);
			*ok = 0;
			return NULL;
		}
	}
	return copy;
}

void bg_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++) {
		free(v[i]);
	}
	free(v);
}

char *bg_strv_join(char *const *v)
{
	size_t len = 1, i;
	char *out, *p;

	for (i = 0; v && v[i]; i++) {
		len += strlen(v[i]) + 1;
	}
	if (!(out = malloc(len))) {
		return NULL;
	}
	p = out;
	for (i = 0; v && v[i]; i++) {
		size_t l = strlen(v[i]);

		if (i) {
			*p++ = ' ';
		}
		memcpy(p, v[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}

size_t bg_argvv_len(char **const *vv)
{
	size_t n = 0;

	while (vv && vv[n]) {
		n++;
	}
	return n;
}

int bg_argvv_push(char ****vv, char **argv)
{
	size_t n = bg_argvv_len(*vv);
	char ***grown = realloc(*vv, (n + 2) * sizeof(char **));

	if (!grown) {
		return -1;
	}
	grown[n] = argv;
	grown[n + 1] = NULL;
	*vv = grown;
	return 0;
}

void bg_argvv_free(char ***vv)
{
	size_t i;

	for (i = 0; vv && vv[i]; i++) {
		bg_strv_free(vv[i]);
	}
	free(vv);
}

char *bg_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *bg_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;

	va_start(ap, fmt);
	if (vasprintf(&out, fmt, ap) < 0) {
		out = NULL;
	}
	va_end(ap);
	return out;
}

/* The end of the escape sequence at s[i] == ESC (the index after it). */
static size_t escape_end(const char *s, size_t len, size_t i)
{
	unsigned char c;

	if (++i >= len) {
		return len;
	}
	c = (unsigned char) s[i++];
	if (c == '[') {             /* CSI: parameters and intermediates, then a final byte */
		while (i < len && (unsigned char) s[i] >= 0x20 && (unsigned char) s[i] <= 0x3f) {
			i++;
		}
		return i < len && (unsigned char) s[i] >= 0x40 && (unsigned char) s[i] <= 0x7e ? i + 1 : i;
	}
	if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
		/* OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \) */
		for (; i < len; i++) {
			if (s[i] == '\a') {
				return i + 1;
			}
			if (s[i] == '\033' && i + 1 < len && s[i + 1] == '\\') {
				return i + 2;
			}
		}
		return len;
	}
	while (c >= 0x20 && c <= 0x2f && i < len) {   /* intermediates, e.g. ESC ( B */
		c = (unsigned char) s[i++];
	}
	return i;
}

size_t bg_strip_terminal(char *s, size_t len)
{
	size_t i = 0, out = 0;

	while (i < len) {
		unsigned char c = (unsigned char) s[i];

		if (c == 0x1b) {
			i = escape_end(s, len, i);
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			i++;
		} else {
			s[out++] = s[i++];
		}
	}
	s[out] = '\0';
	return out;
}

/* What ends a word for the cuts: white space, quotes, brackets; a URL's
 * user information has none of them unescaped. */
static int word_end(char c)
{
	return c && strchr(" \t\r\n'\"`<>()[]", c) != NULL;
}

void bg_cut_last_word(char *s, size_t size)
{
	size_t mark = sizeof(BG_CUT_MARK) - 1, len = strlen(s);

	if (size <= mark) {
		s[0] = '\0';
		return;
	}
	if (len > size - 1 - mark) {
		len = size - 1 - mark;
	}
	/* The character after the cut is lost: the last word may go on there. */
	while (len > 0 && !word_end(s[len - 1])) {
		len--;
	}
	memcpy(s + len, BG_CUT_MARK, mark + 1);
}

void bg_cut_first_word(char *s)
{
	size_t mark = sizeof(BG_CUT_MARK) - 1, skip = 0;

	/* The cut word, and more whole words while the mark needs their room. */
	while (s[skip] && (skip < mark || !word_end(s[skip]))) {
		skip++;
	}
	if (skip < mark) {
		s[0] = '\0';  /* the whole text was shorter than the mark */
		return;
	}
	memmove(s + mark, s + skip, strlen(s + skip) + 1);
	memcpy(s, BG_CUT_MARK, mark);
}

void bg_copy_words(char *dst, size_t size, const char *src)
{
	if (size == 0) {
		return;
	}
	if ((size_t) snprintf(dst, size, "%s", src) >= size) {
		bg_cut_last_word(dst, size);
	}
}
