#include "git/known_hosts.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	int matched;      /* an entry with this host and this key */
	int mismatched;   /* an entry with this host and another key */
	int revoked;      /* a @revoked entry with this key */
	int hashed;       /* entries we could not read */
} scan_result;

/* Decodes base64 in place; returns the length, or -1 if it is not base64. */
static long base64_decode(char *s)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long bits = 0;
	int nbits = 0;
	long out = 0;
	char *p;

	for (p = s; *p && *p != '='; p++) {
		const char *c = strchr(alphabet, *p);

		if (!c) {
			return -1;
		}
		bits = (bits << 6) | (unsigned long) (c - alphabet);
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			s[out++] = (char) ((bits >> nbits) & 0xff);
		}
	}
	return out;
}

/* OpenSSH's wildcards: '*' and '?' only ("[host]:port" is literal), and
 * host names compare without case. A mismatch after a '*' retries only from
 * the latest '*', one character further on: at most strlen(pat) * strlen(s)
 * steps, where trying every split of every '*' takes exponential time (a
 * line of a dozen stars would stall the fetch). */
static int wildcard_match(const char *pat, const char *s)
{
	const char *star = NULL, *retry = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			retry = s;
		} else if (*pat && (*pat == '?' || tolower((unsigned char) *pat) == tolower((unsigned char) *s))) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++retry;
		} else {
			return 0;
		}
	}
	while (*pat == '*') {
		pat++;
	}
	return !*pat;
}

/* OpenSSH's rule: a host matches a list when one pattern matches it and
 * no negated pattern does. */
static int host_in_list(char *patterns, const char *name)
{
	int matched = 0;
	char *save = NULL, *pat;

	for (pat = strtok_r(patterns, ",", &save); pat; pat = strtok_r(NULL, ",", &save)) {
		int negated = *pat == '!';

		if (wildcard_match(pat + negated, name)) {
			if (negated) {
				return 0;
			}
			matched = 1;
		}
	}
	return matched;
}

static void scan_line(char *line, const char *name, const unsigned char *key, size_t key_len,
	scan_result *res)
{
	char *save = NULL, *hosts, *b64;
	int revoked = 0;
	long len;

	hosts = strtok_r(line, " \t\r\n", &save);
	if (!hosts || *hosts == '#') {
		return;
	}
	if (*hosts == '@') {
		if (strcmp(hosts, "@revoked") != 0) {
			return;  /* @cert-authority: certificates are not checked here */
		}
		revoked = 1;
		hosts = strtok_r(NULL, " \t\r\n", &save);
	}
	if (!hosts || !strtok_r(NULL, " \t\r\n", &save) || !(b64 = strtok_r(NULL, " \t\r\n", &save))) {
		return;
	}
	if (strncmp(hosts, "|1|", 3) == 0) {
		res->hashed++;
		return;
	}
	if (!host_in_list(hosts, name)) {
		return;
	}
	len = base64_decode(b64);
	if (len == (long) key_len && memcmp(b64, key, key_len) == 0) {
		*(revoked ? &res->revoked : &res->matched) = 1;
	} else if (!revoked) {
		res->mismatched = 1;
	}
}

int bg_known_hosts_check(const char *file, const char *host, int port,
	const unsigned char *key, size_t key_len, bg_error *err)
{
	char name[300], port_arg[16] = "", *line = NULL;
	size_t cap = 0;
	scan_result res = { 0, 0, 0, 0 };
	FILE *f = fopen(file, "re");

	if (!f) {
		return bg_error_sys(err, BG_ERR_GIT, "cannot read the known_hosts file %s", file);
	}
	if (port == 22 || port <= 0) {
		snprintf(name, sizeof(name), "%s", host);
	} else {
		snprintf(name, sizeof(name), "[%s]:%d", host, port);
		snprintf(port_arg, sizeof(port_arg), "-p %d ", port);
	}
	while (getline(&line, &cap, f) > 0) {
		scan_line(line, name, key, key_len, &res);
	}
	free(line);
	fclose(f);

	if (res.revoked) {
		bg_error_set(err, BG_ERR_GIT, "the SSH host key of %s is marked @revoked in %s", name, file);
		return 0;
	}
	if (res.matched) {
		return 1;
	}
	if (res.mismatched) {
		bg_error_set(err, BG_ERR_GIT, "the SSH host key of %s does not match its entry in %s: "
			"if the server's key really changed, replace the entry", name, file);
		return 0;
	}
	bg_error_set(err, BG_ERR_GIT, "%s is not in the known_hosts file %s: add it "
		"(ssh-keyscan %s%s >> %s)%s", name, file, port_arg, host, file,
		res.hashed ? "; its hashed entries (ssh-keyscan -H) cannot be read here" : "");
	return 0;
}
