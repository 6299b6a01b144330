/* bluegreen core: SSH host key checking against a known_hosts file that the
 * `git.known_hosts` option names (libgit2 1.5 only reads ~/.ssh/known_hosts).
 *
 * OpenSSH's format: "patterns keytype base64-key [comment]", patterns a
 * comma-separated list of host names or "[host]:port" with '*' and '?'
 * wildcards and '!' negation; "@revoked" lines reject a key. Hashed host
 * names ("|1|salt|hash", ssh-keyscan -H) are not readable without HMAC-SHA1,
 * which libgit2 does not export: the error says so. */
#ifndef BG_KNOWN_HOSTS_H
#define BG_KNOWN_HOSTS_H

#include "base/error.h"

#include <stddef.h>

/* 1 when file lists host (at port) with exactly this raw host key; 0 when
 * it does not, err saying why (unknown host, different key, revoked); -1
 * when the file cannot be read. Errors are BG_ERR_GIT. */
int bg_known_hosts_check(const char *file, const char *host, int port,
	const unsigned char *key, size_t key_len, bg_error *err);

#endif
