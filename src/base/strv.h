/* NULL-terminated vectors of malloc'd strings: argv arrays, path lists.
 * A NULL vector is an empty one for every function here. */
#ifndef BG_STRV_H
#define BG_STRV_H

#include <stddef.h>

size_t bg_strv_len(char *const *v);

/* Appends a copy of s; returns 0, or -1 when out of memory (v unchanged). */
int bg_strv_push(char ***v, const char *s);

/* A deep copy; NULL in gives NULL out. Sets *ok to 0 when out of memory. */
char **bg_strv_dup(char *const *v, int *ok);

void bg_strv_free(char **v);

/* Joins with spaces for log lines and messages ("php easyswoole start d"). */
char *bg_strv_join(char *const *v);

/* Lists of argv vectors (the `build` steps), NULL-terminated as well. */
size_t bg_argvv_len(char **const *vv);
int bg_argvv_push(char ****vv, char **argv);  /* takes ownership of argv on success */
void bg_argvv_free(char ***vv);

/* Removes terminal escape sequences (CSI such as a colour's ESC [ 1;32 m,
 * OSC and the other string sequences up to BEL or ESC \, two-byte escapes)
 * and control characters other than \n and \t from s[0..len) in place:
 * command output (EasySwoole's coloured banner) goes into log lines,
 * exception messages and state.json as plain text. Returns the new length
 * and NUL-terminates it (s must have room for len + 1 bytes). */
size_t bg_strip_terminal(char *s, size_t len);

/* Text cut short (a message longer than its buffer, the last bytes of a
 * file) may end or start inside a word, and so inside a URL's credentials:
 * "https://user:pa" or "er:pass@host/x", which no masking recognises once
 * cut. These drop the word the cut went through, whole, and mark the cut
 * with BG_CUT_MARK.
 *
 * bg_cut_last_word: s (NUL-terminated, in a buffer of size bytes) is the
 * start of a longer text. bg_cut_first_word: s is the end of a longer
 * text, its first word cut. */
#define BG_CUT_MARK "..."
void bg_cut_last_word(char *s, size_t size);
void bg_cut_first_word(char *s);

/* Copies src into dst (size bytes, NUL-terminated), cut with
 * bg_cut_last_word when it does not fit. */
void bg_copy_words(char *dst, size_t size, const char *src);

/* Small helpers that every module needs. */
char *bg_strdup(const char *s);                   /* NULL in, NULL out */
char *bg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
