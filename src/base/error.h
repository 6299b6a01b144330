/* bluegreen core: the error value every C function of src/ fills in.
 *
 * Functions return 0 on success and -1 on failure; on failure they fill a
 * caller-owned bg_error. The glue maps `code` to one PHP exception class, so the
 * code says which stage failed and the message says what, naming the file,
 * command or option involved. */
#ifndef BG_ERROR_H
#define BG_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
	BG_OK = 0,
	BG_ERR_SYSTEM,  /* anything else: BlueGreen\Exception */
	BG_ERR_VALUE,   /* a bad argument: ValueError */
	BG_ERR_CONFIG,  /* BlueGreen\ConfigException */
	BG_ERR_GIT,     /* BlueGreen\GitException */
	BG_ERR_BUILD,   /* BlueGreen\BuildException */
	BG_ERR_START,   /* BlueGreen\StartException */
	BG_ERR_NGINX,   /* BlueGreen\NginxException */
	BG_ERR_LOCK     /* BlueGreen\LockException */
} bg_code;

#define BG_ERROR_MSG_MAX 4096

typedef struct {
	bg_code code;
	int sys_errno;  /* errno at the failure, 0 if none */
	int git_klass;  /* libgit2 error class, 0 if none */
	int logged;     /* already reported to the log: callers need not again */
	int stopped;    /* SIGTERM/SIGINT that cut the operation short (bg_stop_requested), 0 if none */
	char msg[BG_ERROR_MSG_MAX];
} bg_error;

void bg_error_clear(bg_error *err);

/* Sets code and message; always returns -1 so callers can `return bg_error_set(...)`. */
int bg_error_set(bg_error *err, bg_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int bg_error_vset(bg_error *err, bg_code code, const char *fmt, va_list ap);

/* Like bg_error_set, with ": strerror(errno)" appended and errno kept. */
int bg_error_sys(bg_error *err, bg_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "prefix: " in front of the message already there, keeping the code. */
int bg_error_prefix(bg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends text to the message (truncated to fit). */
void bg_error_append(bg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const char *bg_code_name(bg_code code);

#endif
