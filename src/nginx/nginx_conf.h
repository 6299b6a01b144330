/* bluegreen core: reading and patching an nginx configuration.
 *
 * The switch from one port of the pair to the other rewrites the port of the
 * `server` entries of one `upstream` block, and nothing else: a `listen`, a
 * comment, a log path or another upstream naming the same port keep every
 * byte. So the buffer is tokenized with nginx's own grammar
 * (ngx_conf_read_token): words, ';', '{', '}', '#' comments, quotes, backslash
 * escapes and "${var}". Every function here parses the whole buffer and fails
 * on a syntax error nginx would also reject, with BG_ERR_NGINX and a message
 * "<file>:<line>: ...":
 *   unexpected "<c>"        a stray ';' '{' '}', or a byte glued to a closing
 *                           quote ("unexpected byte 0x01" when not printable)
 *   unexpected end of file, expecting ";" or "}"
 *                           line of the unfinished directive
 *   unterminated string     line where the quote opens
 *   unbalanced braces       line of the outermost '{' never closed
 * `file` is only used in these messages and must not be NULL.
 *
 * Nothing here follows `include`: the caller reads each file. */
#ifndef BG_NGINX_CONF_H
#define BG_NGINX_CONF_H

#include "base/error.h"

#include <stddef.h>

typedef struct {
	int line;          /* 1-based line of the `server` directive */
	size_t port_off;   /* byte offset of the port digits in the buffer */
	size_t port_len;   /* number of port digits */
	int port;          /* the port written there now */
	int backup;        /* has the `backup` parameter */
	int down;          /* has the `down` parameter */
	size_t stmt_off;   /* byte offset of the word `server` */
	size_t end_off;    /* byte offset just past its ';' */
	size_t weight_off; /* a `weight=N` parameter: its bytes, [weight_off, weight_end); */
	size_t weight_end; /*   both 0 without one */
} bg_nginx_server;

typedef struct {
	int line;                 /* line of `upstream NAME {` */
	bg_nginx_server *servers; /* the matching server entries, in file order */
	size_t n;
} bg_nginx_upstream;

/* Finds `upstream <name> { ... }` (exactly once, at any depth: usually inside `http {}`,
 * or top-level in an included file) in buf and, inside it, the `server` entries whose
 * address is on `host` and whose port is one of ports[0], ports[1]. `file` is only used
 * in messages. Errors (BG_ERR_NGINX), each naming file and line:
 *   "<file>:<line>: unbalanced braces" / "unexpected \"}\"", "<file>:<line>: unterminated string",
 *   "<file>: upstream \"<name>\" not found", "<file>:<line>: upstream \"<name>\" is defined twice (first at line N)",
 *   "<file>:<line>: upstream \"<name>\" has no server on <host> at port <p0> or <p1>".
 *
 * The name is compared without regard to case, as nginx does. Only `server NAME ...;`
 * directly inside the block counts. Its address (quoted or not, escapes resolved) is
 * host:port or [ipv6]:port; `unix:` sockets and addresses without a port are skipped,
 * and so are ports with a leading zero or above 65535. A loopback `host` (127.0.0.1,
 * localhost, ::1 or [::1]) matches any of those forms; any other host must be equal,
 * an IPv6 one written in brackets in the config. On failure *out is empty. */
int bg_nginx_conf_find(const char *buf, size_t len, const char *file, const char *upstream,
	const char *host, const int ports[2], bg_nginx_upstream *out, bg_error *err);
void bg_nginx_upstream_free(bg_nginx_upstream *u);

/* The port nginx points to: the port of the matching servers. When several match and
 * disagree, the first entry without the `backup`/`down` parameter wins (the first
 * entry if all have one). */
int bg_nginx_conf_active_port(const char *buf, size_t len, const char *file, const char *upstream,
	const char *host, const int ports[2], int *port, bg_error *err);

/* A malloc'd copy of buf where the port of every matching server entry is `port`; every
 * other byte is unchanged (comments, formatting, parameters such as weight=5 max_fails=3
 * backup, other upstreams, listen directives, strings, log paths). *out is NUL-terminated
 * for convenience; *out_len excludes the NUL. A port outside 1..65535 is BG_ERR_VALUE. */
int bg_nginx_conf_rewrite(const char *buf, size_t len, const char *file, const char *upstream,
	const char *host, const int ports[2], int port, char **out, size_t *out_len, bg_error *err);

/* The first argument (unquoted, escapes resolved) of a directive at the top level (main
 * context) of the config, e.g. "pid" or "error_log"; *value = NULL when absent. The
 * first occurrence wins; one without an argument is an error ("invalid number of
 * arguments in \"pid\" directive", as nginx says). */
int bg_nginx_conf_main_directive(const char *buf, size_t len, const char *file, const char *name,
	char **value, bg_error *err);

/* The canary: the upstream's one matching server entry (on the pair's other port) gets
 * ` weight=<100 - weight>` before its ';', and a copy of it on `port` with ` weight=<weight>`
 * follows on a line of its own, indented as it is. Every other byte is unchanged. Errors
 * (BG_ERR_NGINX): not exactly one matching entry, one with a weight already, or already on port. */
int bg_nginx_conf_canary(const char *buf, size_t len, const char *file, const char *upstream, const char *host,
	const int ports[2], int port, int weight, char **out, size_t *out_len, bg_error *err);

/* The way out of a canary, to `port` alone: 1 (and *out NULL) when the upstream is not in the
 * form bg_nginx_conf_canary makes, or port is neither of its two; else 0, *out the config as it
 * was before the canary with its entry on `port` (byte for byte the same for the port it had),
 * and *from the other port. */
int bg_nginx_conf_uncanary(const char *buf, size_t len, const char *file, const char *upstream, const char *host,
	const int ports[2], int port, int *from, char **out, size_t *out_len, bg_error *err);

/* Calls fn for each directive called `name`, at any depth, in file order, with its
 * arguments (unquoted, escapes resolved; at most 16). fn returning -1 stops the walk. */
typedef int (*bg_nginx_directive_fn)(void *ctx, int line, size_t argc, const char *const *argv, bg_error *err);
int bg_nginx_conf_each(const char *buf, size_t len, const char *file, const char *name, bg_nginx_directive_fn fn,
	void *ctx, bg_error *err);

/* Socket switch: 0 when `upstream <name>` has a `server unix:<path>;` entry;
 * else BG_ERR_NGINX saying what the upstream names instead and what to
 * write ("<file>:<line>: upstream \"<name>\" does not name the live socket ..."). */
int bg_nginx_conf_names_socket(const char *buf, size_t len, const char *file, const char *upstream,
	const char *path, bg_error *err);

#endif
