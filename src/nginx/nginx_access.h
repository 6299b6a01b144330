/* bluegreen core: nginx's access log in the bluegreen format, read to judge
 * a release by the answers nginx gave for requests it sent there.
 *
 * The format (in nginx's http block):
 *     log_format bluegreen '$upstream_addr $status $request_time';
 *     access_log /path/to/access.log bluegreen;
 * A line is "127.0.0.1:9502 200 0.004". $upstream_addr lists every server
 * nginx tried ("127.0.0.1:9502, 127.0.0.1:9501" when it passed the request
 * on; " : " between internal redirects), so the last two words are always
 * the status and the time, and everything before them the addresses. */
#ifndef BG_NGINX_ACCESS_H
#define BG_NGINX_ACCESS_H

#include "base/error.h"
#include "base/options.h"

/* The log_format line the README shows, and the only one accepted. */
#define BG_ACCESS_FORMAT "$upstream_addr $status $request_time"

/* Where an incremental read stands: the file (device and inode: a rotated
 * log is another file) and the offset of the first byte not yet read. */
typedef struct {
	unsigned long long dev;
	unsigned long long ino;   /* 0: the file did not exist when marked */
	long long offset;
} bg_access_cursor;

typedef struct {
	long requests;   /* requests nginx sent to the address */
	long errors;     /* of those: answered 5xx, or failed there and passed on */
} bg_access_counts;

/* The cursor at the end of the log now: only lines written after count. A
 * missing file is a cursor at its start (nginx creates it at its first line). */
int bg_access_mark(const char *path, bg_access_cursor *c, bg_error *err);

/* Reads the complete lines written since the cursor and adds those about
 * `addr` (as nginx writes it in $upstream_addr: "127.0.0.1:9502", or
 * "unix:/run/app.sock") to counts; the cursor moves past them. A log
 * rotated (another inode at the path) or truncated (shorter than the
 * offset) is read from its start. */
int bg_access_read(const char *path, bg_access_cursor *c, const char *addr, bg_access_counts *counts, bg_error *err);

/* Checks that nginx's config (the main config and the upstream's file) has
 * `log_format bluegreen` as BG_ACCESS_FORMAT and an `access_log <path>
 * bluegreen` for `path`; BG_ERR_CONFIG saying what is missing otherwise. */
int bg_access_check_conf(const bg_options *opt, const char *path, bg_error *err);

/* "127.0.0.1:9502": how nginx writes the address of a server on host:port
 * (localhost is the address nginx resolved it to, 127.0.0.1). */
void bg_access_addr(const char *host, int port, char *buf, size_t size);

#endif
