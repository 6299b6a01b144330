/* bluegreen core: small helpers shared by the modules that use libgit2. */
#ifndef BG_GIT_UTIL_H
#define BG_GIT_UTIL_H

#include "base/error.h"
#include "layout/release.h"

#include <git2.h>

/* Fails with BG_ERR_GIT: the message formatted from fmt, then ": " and
 * libgit2's last error (if any), every URL in it masked. Returns -1. */
int bg_git_fail(bg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The abbreviation that names a commit in log lines and release names. */
void bg_git_short(const git_oid *oid, char out[BG_SHORT_SHA_LEN + 1]);

/* Whether spec is 4 to 40 hex digits: a full or abbreviated sha. */
int bg_git_sha_spec_valid(const char *spec);

/* The CA certificates an https:// remote is checked against: libgit2's,
 * and the same for every other TLS client of this folder (git_lsrefs.c's
 * libcurl), so that both give one verdict on a certificate.
 *
 * Debian's libgit2 1.5.1 is built with mbedTLS, which reads no
 * environment: it trusts the bundle it was built with
 * (GIT_DEFAULT_CERT_LOCATION, BG_GIT_CA_BUILT_IN) unless told otherwise
 * by GIT_OPT_SET_SSL_CERT_LOCATIONS. bg_git_tls_init, at startup, tells it
 * SSL_CERT_FILE and SSL_CERT_DIR when either is set (what OpenSSL builds
 * of libgit2, git and curl's tool honour); when libgit2 cannot load them,
 * its built-in bundle stays, and so it does here. */
#define BG_GIT_CA_BUILT_IN "/etc/ssl/certs/ca-certificates.crt"
void bg_git_tls_init(void);

/* The file and directory (either may be NULL) libgit2 now trusts. */
void bg_git_tls_ca(const char **file, const char **dir);

#endif
