#include "git/git_util.h"
#include "git/git.h"
#include "base/url.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SSL_CERT_FILE and SSL_CERT_DIR once libgit2 took them (ca_set) */
static char ca_file[PATH_MAX], ca_dir[PATH_MAX];
static int ca_set;

int bg_git_fail(bg_error *err, const char *fmt, ...)
{
	const git_error *last = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	bg_error_vset(err, BG_ERR_GIT, fmt, ap);
	va_end(ap);
	if (last && last->message && *last->message) {
		bg_error_append(err, ": %s", last->message);
		err->git_klass = last->klass;
	}
	/* libgit2's messages may quote the URL, credentials included. */
	bg_url_mask_error(err);
	return -1;
}

void bg_git_short(const git_oid *oid, char out[BG_SHORT_SHA_LEN + 1])
{
	git_oid_tostr(out, BG_SHORT_SHA_LEN + 1, oid);
}

int bg_git_sha_spec_valid(const char *spec)
{
	size_t len = strlen(spec);

	return len >= GIT_OID_MINPREFIXLEN && len <= GIT_OID_HEXSZ
		&& strspn(spec, "0123456789abcdefABCDEF") == len;
}

int bg_git_check_sha_spec(const char *spec, bg_error *err)
{
	if (!bg_git_sha_spec_valid(spec)) {
		return bg_error_set(err, BG_ERR_VALUE, "commit must be a full or abbreviated sha "
			"(4 to 40 hex digits), \"%s\" given", spec);
	}
	return 0;
}

/* An environment variable's value, NULL when unset or empty. */
static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Copies v (or "" for NULL) into out; 0 when it does not fit. */
static int keep(char out[PATH_MAX], const char *v)
{
	return snprintf(out, PATH_MAX, "%s", v ? v : "") < PATH_MAX;
}

void bg_git_tls_init(void)
{
	const char *file = env_value("SSL_CERT_FILE"), *dir = env_value("SSL_CERT_DIR");

	/* a path too long to keep is given to neither: libgit2's built-in bundle stays */
	if ((!file && !dir) || !keep(ca_file, file) || !keep(ca_dir, dir)) {
		return;
	}
	if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) < 0) {
		git_error_clear();   /* libgit2 keeps its built-in bundle: so does bg_git_tls_ca */
		return;
	}
	ca_set = 1;
}

void bg_git_tls_ca(const char **file, const char **dir)
{
	*file = !ca_set ? BG_GIT_CA_BUILT_IN : *ca_file ? ca_file : NULL;
	*dir = ca_set && *ca_dir ? ca_dir : NULL;
}
