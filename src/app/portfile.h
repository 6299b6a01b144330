/* bluegreen core: setting a release's port in its port files (dev.php).
 *
 * Every standalone occurrence of either port of the pair becomes the target
 * port: "9501" but not "95010" or "19501". A port file with no occurrence
 * is an error, because the release would not listen where we expect. */
#ifndef BG_PORTFILE_H
#define BG_PORTFILE_H

#include "base/error.h"

#include <stddef.h>

/* Rewrites buf; *out is malloc'd (NUL-terminated), *count the replacements. */
int bg_portfile_rewrite(const char *buf, size_t len, const int ports[2], int port,
	char **out, size_t *out_len, int *count);

/* Whether buf names `port` as a standalone number. */
int bg_portfile_names(const char *buf, size_t len, int port);

/* Rewrites the file at path atomically (BG_ERR_CONFIG naming it on failure,
 * or when it holds neither port). */
int bg_portfile_set(const char *path, const int ports[2], int port, bg_error *err);

/* The file a release's port file `rel` names, resolved (malloc'd in *path):
 * 1 when found inside the release, 0 when missing (*path NULL), -1 with
 * `code` naming it when it resolves outside the release (a symlink in the
 * commit must not make us rewrite a file that is not the release's). */
int bg_portfile_locate(const char *release, const char *rel, char **path, bg_code code, bg_error *err);

/* Every port file of the release located (bg_portfile_locate): -1 naming the
 * first that leads outside. */
int bg_portfiles_check(char *const *port_files, const char *release, bg_code code, bg_error *err);

#endif
