/* One branch of a git://, http:// or https:// remote by protocol v2's
 * ls-refs with a ref prefix (git_lsrefs.h). */
#include "git/git_lsrefs.h"
#include "base/http.h"
#include "base/strv.h"
#include "base/url.h"

#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GIT_DAEMON_PORT 9418
#define PKT_MAX 65520           /* the protocol's largest pkt-line */
#define PKT_FLUSH (-1)
#define PKT_DELIM (-2)
#define PKT_BAD (-3)

/* Where pkt-lines come from: a socket (git://), or an HTTP response body
 * held in memory (mem, len; fd -1). */
typedef struct {
	int fd;
	const char *mem;
	size_t len, pos;
	char buf[PKT_MAX + 1];
} conn;

/* Splits git://host[:port]/path into a host and a path that need no
 * decoding; 0 for anything else (user info, %-escapes, no path), which is
 * left to libgit2. */
static int split_url(const char *url, char **host, char **path)
{
	static const char scheme[] = "git://";
	const char *auth, *slash, *end;

	if (strncmp(url, scheme, sizeof(scheme) - 1) != 0) {
		return 0;
	}
	auth = url + sizeof(scheme) - 1;
	slash = strchr(auth, '/');
	if (!slash || slash == auth || memchr(auth, '@', (size_t) (slash - auth)) || strpbrk(slash, "%?#")) {
		return 0;
	}
	end = slash;
	if (*auth == '[') {
		const char *close = memchr(auth, ']', (size_t) (slash - auth));

		if (!close) {
			return 0;
		}
		*host = bg_asprintf("%.*s", (int) (close - auth - 1), auth + 1);
	} else {
		const char *colon = memchr(auth, ':', (size_t) (slash - auth));

		*host = bg_asprintf("%.*s", (int) ((colon ? colon : end) - auth), auth);
	}
	*path = strdup(slash);
	if (!*host || !*path) {
		free(*host);
		free(*path);
		return 0;
	}
	return 1;
}

static int dial(const char *host, int port)
{
	struct addrinfo hints, *list = NULL, *a;
	char service[16];
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &list) != 0) {
		return -1;
	}
	for (a = list; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(list);
	return fd;
}

static int send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

static int recv_all(int fd, char *out, size_t len)
{
	while (len > 0) {
		ssize_t n = recv(fd, out, len, 0);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		out += n;
		len -= (size_t) n;
	}
	return 0;
}

static int conn_read(conn *c, char *out, size_t len)
{
	if (c->fd >= 0) {
		return recv_all(c->fd, out, len);
	}
	if (c->len - c->pos < len) {
		return -1;
	}
	memcpy(out, c->mem + c->pos, len);
	c->pos += len;
	return 0;
}

/* Appends "<4 hex digits of length>data" (len bytes of data). */
static void pkt_put(char *out, size_t size, size_t *pos, const char *data, size_t len)
{
	if (*pos + 4 + len < size) {
		snprintf(out + *pos, 5, "%04zx", len + 4);
		memcpy(out + *pos + 4, data, len);
		*pos += 4 + len;
	}
}

/* Reads one pkt-line into c->buf (NUL-terminated, its newline dropped):
 * its length, or PKT_FLUSH, PKT_DELIM, PKT_BAD. */
static int pkt_get(conn *c)
{
	char head[5] = "";
	long len;
	char *end;

	if (conn_read(c, head, 4) < 0) {
		return PKT_BAD;
	}
	len = strtol(head, &end, 16);
	if (end != head + 4) {
		return PKT_BAD;
	}
	if (len == 0) {
		return PKT_FLUSH;
	}
	if (len == 1) {
		return PKT_DELIM;
	}
	if (len < 4 || len > PKT_MAX || conn_read(c, c->buf, (size_t) len - 4) < 0) {
		return PKT_BAD;
	}
	len -= 4;
	if (len > 0 && c->buf[len - 1] == '\n') {
		len--;
	}
	c->buf[len] = '\0';
	return (int) len;
}

/* The capability advertisement: 1 when it is v2's and offers ls-refs over
 * sha1 objects (what this libgit2 reads), 0 otherwise. */
static int speaks_v2(conn *c)
{
	int n, ls_refs = 0, sha1 = 1;

	if ((n = pkt_get(c)) < 0 || strcmp(c->buf, "version 2") != 0) {
		return 0;
	}
	while ((n = pkt_get(c)) >= 0) {
		if (strcmp(c->buf, "ls-refs") == 0 || strncmp(c->buf, "ls-refs=", 8) == 0) {
			ls_refs = 1;
		} else if (strncmp(c->buf, "object-format=", 14) == 0) {
			sha1 = strcmp(c->buf + 14, "sha1") == 0;
		}
	}
	return n == PKT_FLUSH && ls_refs && sha1;
}

/* The ls-refs command for exactly refname into req: its length, 0 when
 * it does not fit. */
static size_t lsrefs_request(char *req, size_t size, const char *refname)
{
	char *line;
	size_t pos = 0;

	if (strlen(refname) > size / 2 || !(line = bg_asprintf("ref-prefix %s\n", refname))) {
		return 0;
	}
	pkt_put(req, size, &pos, "command=ls-refs\n", 16);
	pkt_put(req, size, &pos, "object-format=sha1\n", 19);
	memcpy(req + pos, "0001", 4);
	pos += 4;
	pkt_put(req, size, &pos, line, strlen(line));
	free(line);
	memcpy(req + pos, "0000", 4);
	return pos + 4;
}

/* Reads ls-refs' answer: 1 when whole (*found, head set), 0 otherwise. */
static int lsrefs_answer(conn *c, const char *refname, git_oid *head, int *found)
{
	size_t rlen = strlen(refname);
	int n;

	*found = 0;
	while ((n = pkt_get(c)) >= 0) {
		/* "<oid> <refname>[ <attribute>...]"; the prefix also matches
		 * longer names (refs/heads/master-old) */
		if (n > GIT_OID_HEXSZ + 1 && c->buf[GIT_OID_HEXSZ] == ' '
			&& strncmp(c->buf + GIT_OID_HEXSZ + 1, refname, rlen) == 0
			&& (c->buf[GIT_OID_HEXSZ + 1 + rlen] == '\0' || c->buf[GIT_OID_HEXSZ + 1 + rlen] == ' ')) {
			if (git_oid_fromstrn(head, c->buf, GIT_OID_HEXSZ) < 0) {
				git_error_clear();
				return 0;
			}
			*found = 1;
		}
	}
	return n == PKT_FLUSH;
}

/* Sends the ls-refs command for exactly refname; reads the answer. */
static int ls_ref(conn *c, const char *refname, git_oid *head, int *found)
{
	char req[1024];
	size_t len = lsrefs_request(req, sizeof(req), refname);

	/* one write: the request goes out in one segment, not held by Nagle */
	return len > 0 && send_all(c->fd, req, len) == 0 && lsrefs_answer(c, refname, head, found);
}

/* git daemon's request, "git-upload-pack <path>\0host=<host>[:<port>]\0"
 * then "\0version=2\0" (extra parameters, after an empty field, ask for
 * v2), as one pkt-line into out; its length, 0 when it does not fit. */
static size_t hello(char *out, size_t size, const char *path, const char *host, int port)
{
	char body[1024], hostport[300];
	int n = port == GIT_DAEMON_PORT ? snprintf(hostport, sizeof(hostport), "%s", host)
		: snprintf(hostport, sizeof(hostport), "%s:%d", host, port);
	int m = snprintf(body, sizeof(body), "git-upload-pack %s host=%s  version=2 ", path, hostport);
	size_t pos = 0, nul1 = strlen("git-upload-pack ") + strlen(path);

	if (n < 0 || (size_t) n >= sizeof(hostport) || m < 0 || (size_t) m >= sizeof(body)) {
		return 0;
	}
	/* the spaces after the path and the host stand for NULs */
	body[nul1] = body[nul1 + 6 + n] = body[nul1 + 7 + n] = body[m - 1] = '\0';
	pkt_put(out, size, &pos, body, (size_t) m);
	return pos;
}

int bg_git_lsrefs_git(const char *url, const char *refname, git_oid *head, int *found)
{
	conn *c = NULL;
	char *host = NULL, *path = NULL, req[1100];
	int port = bg_url_port(url, GIT_DAEMON_PORT), answered = 0;
	size_t len;

	if (!split_url(url, &host, &path)) {
		return 0;
	}
	if ((len = hello(req, sizeof(req), path, host, port)) > 0 && (c = calloc(1, sizeof(*c)))
		&& (c->fd = dial(host, port)) >= 0) {
		answered = send_all(c->fd, req, len) == 0 && speaks_v2(c) && ls_ref(c, refname, head, found);
		close(c->fd);
	}
	free(c);
	free(host);
	free(path);
	return answered;
}

/* --- the same over smart HTTP: GET info/refs, then POST git-upload-pack,
 * each with "Git-Protocol: version=2" --- */

#define HTTP_BODY_MAX (256 * 1024)  /* a v2 advertisement, or one ref's answer, is a few hundred bytes */
#define HTTP_ADVERTISEMENT "application/x-git-upload-pack-advertisement"
#define HTTP_RESULT "application/x-git-upload-pack-result"

typedef struct {
	char *data;
	size_t len;
} http_body;

static size_t body_write(char *ptr, size_t size, size_t n, void *data)
{
	http_body *b = data;
	size_t add = size * n;
	char *grown;

	if (b->len + add > HTTP_BODY_MAX || !(grown = realloc(b->data, b->len + add + 1))) {
		return 0;  /* curl stops: more than ls-refs ever answers */
	}
	memcpy(grown + b->len, ptr, add);
	b->data = grown;
	b->len += add;
	return add;
}

/* Whether the response is 200 with exactly the content type want. */
static int answered_as(CURL *curl, const char *want)
{
	long status = 0;
	char *type = NULL;

	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
	return status == 200 && type && strncmp(type, want, strlen(want)) == 0
		&& (type[strlen(want)] == '\0' || type[strlen(want)] == ';');
}

/* list with h appended; NULL (the list freed) when out of memory. */
static struct curl_slist *add_header(struct curl_slist *list, const char *h)
{
	struct curl_slist *grown = curl_slist_append(list, h);

	if (!grown) {
		curl_slist_free_all(list);
	}
	return grown;
}

/* https://: the peer's certificate and its name checked (never less than
 * libgit2 does) against exactly the CAs libgit2 trusts, not curl's
 * default (which adds /etc/ssl/certs as a CA directory), and no proxy
 * from the environment (all_proxy, which libgit2 ignores). */
static void tls_setup(CURL *curl, const char *url, const bg_lsrefs_http *h)
{
	if (bg_url_kind_of(url) != BG_URL_HTTPS) {
		return;
	}
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_CAINFO, h->ca_file);
	curl_easy_setopt(curl, CURLOPT_CAPATH, h->ca_dir);
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
}

/* One request on curl (a POST when post is set); 1 when answered as
 * want, the body in *out. Credentials: the URL's own, or the `git`
 * option's, offered only when the server asks (CURLAUTH_ANY: curl asks
 * first, then keeps to the method found for the next request on the same
 * handle); never in an error or a log. */
static int http_call(CURL *curl, const char *url, const char *post, size_t post_len, const char *want,
	const bg_lsrefs_http *h, http_body *out)
{
	struct curl_slist *headers = add_header(NULL, "Git-Protocol: version=2");
	int ok = 0;

	if (post && headers) {
		headers = add_header(headers, "Content-Type: application/x-git-upload-pack-request");
	}
	if (post && headers) {
		headers = add_header(headers, "Accept: " HTTP_RESULT);
	}
	if (headers) {
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_write);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
		bg_http_bound(curl, h->timeout_ms);
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_ANY);
		if (h->username || h->password) {
			curl_easy_setopt(curl, CURLOPT_USERNAME, h->username ? h->username : "");
			curl_easy_setopt(curl, CURLOPT_PASSWORD, h->password ? h->password : "");
		}
		tls_setup(curl, url, h);
		if (post) {
			curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post);
			curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long) post_len);
		}
		ok = curl_easy_perform(curl) == CURLE_OK && answered_as(curl, want);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	return ok;
}

/* The advertisement of info/refs: a v0 server puts "# service=..." and
 * a flush first; v2's starts with "version 2". */
static int http_speaks_v2(conn *c)
{
	static const char service[] = "# service=";

	if (c->len >= 4 + sizeof(service) - 1 && memcmp(c->mem + 4, service, sizeof(service) - 1) == 0
		&& (pkt_get(c) < 0 || pkt_get(c) != PKT_FLUSH)) {
		return 0;
	}
	return speaks_v2(c);
}

int bg_git_lsrefs_http(const char *url, const char *refname, const bg_lsrefs_http *h, git_oid *head,
	int *found)
{
	size_t n = strlen(url);
	char *refs_url, *post_url, req[1024];
	http_body adv = { NULL, 0 }, ans = { NULL, 0 };
	size_t req_len = lsrefs_request(req, sizeof(req), refname);
	conn *c = calloc(1, sizeof(*c));
	CURL *curl = curl_easy_init();
	int answered = 0;

	while (n > 0 && url[n - 1] == '/') {
		n--;
	}
	refs_url = bg_asprintf("%.*s/info/refs?service=git-upload-pack", (int) n, url);
	post_url = bg_asprintf("%.*s/git-upload-pack", (int) n, url);
	if (c && curl && refs_url && post_url && req_len > 0
		&& (bg_url_kind_of(url) == BG_URL_HTTP || bg_url_kind_of(url) == BG_URL_HTTPS) && !strpbrk(url, "?#")
		&& http_call(curl, refs_url, NULL, 0, HTTP_ADVERTISEMENT, h, &adv)) {
		*c = (conn) { .fd = -1, .mem = adv.data, .len = adv.len };
		if (http_speaks_v2(c) && http_call(curl, post_url, req, req_len, HTTP_RESULT, h, &ans)) {
			*c = (conn) { .fd = -1, .mem = ans.data, .len = ans.len };
			answered = lsrefs_answer(c, refname, head, found);
		}
	}
	if (curl) {
		curl_easy_cleanup(curl);
	}
	free(adv.data);
	free(ans.data);
	free(c);
	free(refs_url);
	free(post_url);
	return answered;
}
