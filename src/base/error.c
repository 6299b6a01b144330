#include "base/error.h"
#include "base/strv.h"
#include "base/url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void bg_error_clear(bg_error *err)
{
	err->code = BG_OK;
	err->sys_errno = 0;
	err->git_klass = 0;
	err->logged = 0;
	err->stopped = 0;
	err->msg[0] = '\0';
}

int bg_error_vset(bg_error *err, bg_code code, const char *fmt, va_list ap)
{
	err->code = code;
	err->sys_errno = 0;
	err->git_klass = 0;
	err->logged = 0;
	err->stopped = 0;
	/* Masked as it is made, before any cut: a URL cut inside its password
	 * would no longer be known for one. */
	bg_vformat_masked(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int bg_error_set(bg_error *err, bg_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bg_error_vset(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int bg_error_sys(bg_error *err, bg_code code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	bg_error_vset(err, code, fmt, ap);
	va_end(ap);
	bg_error_append(err, ": %s", strerror(saved));
	err->sys_errno = saved;
	errno = saved;
	return -1;
}

int bg_error_prefix(bg_error *err, const char *fmt, ...)
{
	char head[512];
	size_t hlen, mlen;
	int cut;
	va_list ap;

	va_start(ap, fmt);
	bg_vformat_masked(head, sizeof(head) - 2, fmt, ap);
	va_end(ap);
	strcat(head, ": ");
	hlen = strlen(head);
	mlen = strlen(err->msg);
	cut = hlen + mlen + 1 > sizeof(err->msg);
	if (cut) {
		mlen = sizeof(err->msg) - hlen - 1;
	}
	memmove(err->msg + hlen, err->msg, mlen);
	memcpy(err->msg, head, hlen);
	err->msg[hlen + mlen] = '\0';
	if (cut) {
		bg_cut_last_word(err->msg, sizeof(err->msg));
	}
	return -1;
}

void bg_error_append(bg_error *err, const char *fmt, ...)
{
	size_t len = strlen(err->msg);
	va_list ap;

	if (len + 1 >= sizeof(err->msg)) {
		return;
	}
	va_start(ap, fmt);
	bg_vformat_masked(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
}

const char *bg_code_name(bg_code code)
{
	switch (code) {
	case BG_OK: return "ok";
	case BG_ERR_SYSTEM: return "system";
	case BG_ERR_VALUE: return "value";
	case BG_ERR_CONFIG: return "config";
	case BG_ERR_GIT: return "git";
	case BG_ERR_BUILD: return "build";
	case BG_ERR_START: return "start";
	case BG_ERR_NGINX: return "nginx";
	case BG_ERR_LOCK: return "lock";
	}
	return "unknown";
}
