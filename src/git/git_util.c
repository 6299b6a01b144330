#include "git/git_util.h"
#include "git/git.h"
#include "base/url.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
