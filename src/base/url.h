/* bluegreen core: remote URLs, as the user writes them and as we show them.
 *
 * A remote URL may carry a credential (https://user:token@host/repo). Every
 * error message (bg_error_set and its kin) and every log line (bg_log) is
 * masked as it is made, whole, before it is cut to fit its buffer
 * (bg_vformat_masked), so that no credential ever leaves the process: a URL
 * cut inside its password would no longer be known for one. */
#ifndef BG_URL_H
#define BG_URL_H

#include "base/error.h"

#include <stdarg.h>
#include <stddef.h>

typedef enum {
	BG_URL_LOCAL,   /* a path on this machine */
	BG_URL_FILE,    /* file:// */
	BG_URL_GIT,     /* git:// */
	BG_URL_HTTP,    /* http:// */
	BG_URL_HTTPS,   /* https:// */
	BG_URL_SSH,     /* ssh://, git+ssh://, or scp-style user@host:path */
	BG_URL_OTHER    /* another scheme: left to libgit2 to accept or refuse */
} bg_url_kind;

bg_url_kind bg_url_kind_of(const char *url);
const char *bg_url_kind_name(bg_url_kind kind);

/* The port of a URL's authority (ssh://host:2222/x), else default_port. */
int bg_url_port(const char *url, int default_port);

/* Copies text into out (size bytes, always NUL-terminated) with the user
 * information of every "scheme://user:pass@" in it masked: the password of
 * "https://user:pass@h/x" becomes "***" (the user name stays), and so does
 * the whole user part of "https://token@h/x" (it may be a token). */
char *bg_url_mask(const char *text, char *out, size_t size);

/* The same into a malloc'd string; NULL when out of memory. */
char *bg_url_mask_dup(const char *text);

/* vsnprintf into out (size bytes, NUL-terminated) with every URL's
 * credentials masked in the whole text before it is cut to fit; a cut text
 * ends at a whole word and BG_CUT_MARK (base/strv.h). */
void bg_vformat_masked(char *out, size_t size, const char *fmt, va_list ap);

/* Masks text (in a buffer of size bytes) in place. */
void bg_url_mask_in_place(char *text, size_t size);

/* Masks err's message in place. */
void bg_url_mask_error(bg_error *err);

#endif
