#include "git/git_remote.h"
#include "git/git_callbacks.h"
#include "git/git_child.h"
#include "git/git_lsrefs.h"
#include "git/git_util.h"
#include "base/strv.h"
#include "base/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BG_GIT_LIST_FAILED "cannot list the branches of %s (branch %s)"
#define LSREFS_HTTP_MAX_MS 10000L  /* each request of an HTTP ls-refs */
#define BG_GIT_NO_BRANCH "branch \"%s\" is not on the remote %s"

static int listed_head(const bg_git_remote *r, git_oid *head, bg_error *err);

/* A remote name ("origin") rather than a URL or a path. */
static int is_remote_name(const char *s)
{
	return bg_url_kind_of(s) == BG_URL_LOCAL && s[0] != '/' && s[0] != '.' && s[0] != '~';
}

/* Whether config key `name` is url.<base>.insteadof; *base then points
 * into it, *len its length. Section and variable names come lowercased. */
static int insteadof_key(const char *name, const char **base, size_t *len)
{
	static const char tail[] = ".insteadof";
	size_t n = strlen(name), t = sizeof(tail) - 1;

	if (n <= 4 + t || strncmp(name, "url.", 4) != 0 || strcmp(name + n - t, tail) != 0) {
		return 0;
	}
	*base = name + 4;
	*len = n - 4 - t;
	return 1;
}

/* url with git's url.<base>.insteadOf applied: the longest matching
 * prefix is replaced by its base. Done here over a plain iterator because
 * libgit2's own (in git_remote_lookup) matches config keys with a regex
 * whose match data Debian 12's libgit2 1.5.1 leaks on every miss. */
static char *apply_insteadof(git_config *cfg, const char *url)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	char *best = NULL;
	size_t best_len = 0;

	if (git_config_iterator_new(&it, cfg) < 0) {
		git_error_clear();
		return strdup(url);
	}
	while (git_config_next(&e, it) == 0) {
		const char *base;
		size_t base_len, n = e->value ? strlen(e->value) : 0;

		if (n > best_len && insteadof_key(e->name, &base, &base_len) && strncmp(url, e->value, n) == 0) {
			free(best);
			best = bg_asprintf("%.*s%s", (int) base_len, base, url + n);
			best_len = n;
		}
	}
	git_error_clear();
	git_config_iterator_free(it);
	return best ? best : strdup(url);
}

/* The URL of remote `name` in root's repository, read from its config
 * (remote.<name>.url, then insteadOf) without git_remote_lookup, which
 * leaks (see apply_insteadof): this runs on every tick. */
static int url_of_name(const bg_options *opt, char **url, bg_error *err)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	const char *raw = NULL;
	char *key = bg_asprintf("remote.%s.url", opt->remote);
	int rc = -1;

	if (!key) {
		return bg_error_sys(err, BG_ERR_GIT, "remote \"%s\"", opt->remote);
	}
	if (git_repository_open(&repo, opt->root) < 0) {
		bg_git_fail(err, "remote \"%s\" names a remote of root, but root %s is not a git checkout",
			opt->remote, opt->root);
		goto cleanup;
	}
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		bg_git_fail(err, "cannot read the config of %s", opt->root);
		goto cleanup;
	}
	if (git_config_get_string(&raw, cfg, key) < 0 || !*raw) {
		git_error_clear();
		bg_error_set(err, BG_ERR_GIT, "remote \"%s\" is not configured in %s (give `remote` as a URL or path instead)",
			opt->remote, opt->root);
		goto cleanup;
	}
	*url = apply_insteadof(cfg, raw);
	rc = *url ? 0 : bg_error_sys(err, BG_ERR_GIT, "remote \"%s\"", opt->remote);

cleanup:
	git_config_free(cfg);
	git_repository_free(repo);
	free(key);
	return rc;
}

/* This libgit2 may have been built without HTTPS or SSH: say so plainly
 * instead of libgit2's "unsupported URL protocol". */
static int check_transport(const bg_git_remote *r, bg_error *err)
{
	int features = git_libgit2_features();
	bg_url_kind kind = bg_url_kind_of(r->url);

	if ((kind == BG_URL_SSH && !(features & GIT_FEATURE_SSH))
		|| (kind == BG_URL_HTTPS && !(features & GIT_FEATURE_HTTPS))) {
		return bg_error_set(err, BG_ERR_GIT, "remote %s: this libgit2 was built without %s support "
			"(php --ri bluegreen lists what it speaks)", r->shown, bg_url_kind_name(kind));
	}
	return 0;
}

int bg_git_remote_resolve(const bg_options *opt, bg_git_remote *r, bg_error *err)
{
	memset(r, 0, sizeof(*r));
	r->opt = opt;
	if (is_remote_name(opt->remote)) {
		if (url_of_name(opt, &r->url, err) < 0) {
			return -1;
		}
	} else {
		r->url = strdup(opt->remote);
	}
	if (r->url && bg_url_kind_of(r->url) == BG_URL_LOCAL && r->url[0] != '/') {
		char *abs = bg_asprintf("%s/%s", opt->root, r->url);

		free(r->url);
		r->url = abs;
	}
	r->shown = r->url ? bg_url_mask_dup(r->url) : NULL;
	r->refname = bg_asprintf("refs/heads/%s", opt->branch);
	if (!r->url || !r->shown || !r->refname) {
		bg_git_remote_free(r);
		return bg_error_sys(err, BG_ERR_GIT, "remote \"%s\"", opt->remote);
	}
	if (check_transport(r, err) < 0) {
		bg_git_remote_free(r);
		return -1;
	}
	return 0;
}

void bg_git_remote_free(bg_git_remote *r)
{
	free(r->url);
	free(r->shown);
	free(r->refname);
	r->url = r->shown = r->refname = NULL;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The path of a remote on this machine: url itself, or a file:// URL's
 * path (empty host or localhost, %XX decoded); NULL for any other URL, or
 * one that is not plain enough to be sure of (left to the transport). */
static char *local_path(const char *url)
{
	static const char scheme[] = "file://", localhost[] = "localhost";
	const char *p;
	char *out, *o;

	if (bg_url_kind_of(url) == BG_URL_LOCAL) {
		return strdup(url);
	}
	if (strncmp(url, scheme, sizeof(scheme) - 1) != 0) {
		return NULL;
	}
	p = url + sizeof(scheme) - 1;
	if (strncmp(p, localhost, sizeof(localhost) - 1) == 0) {
		p += sizeof(localhost) - 1;
	}
	if (*p != '/' || !(out = o = malloc(strlen(p) + 1))) {
		return NULL;
	}
	for (; *p; p++) {
		int hi, lo;

		if (*p != '%') {
			*o++ = *p;
		} else if ((hi = hex_digit(p[1])) >= 0 && (lo = hex_digit(p[2])) >= 0 && (hi || lo)) {
			*o++ = (char) (hi * 16 + lo);
			p += 2;
		} else {
			free(out);
			return NULL;
		}
	}
	*o = '\0';
	return out;
}

/* The branch of a remote on this machine, read from the remote's own
 * refdb: one ref, however many others it has. libgit2's local transport
 * would resolve every ref (a stat each, 20,000 refs: a quarter of a
 * second) only to advertise them all. */
static int local_head(const bg_git_remote *r, const char *path, git_oid *head, bg_error *err)
{
	git_repository *repo = NULL;
	int rc = -1, found;

	if (git_repository_open(&repo, path) < 0) {
		bg_git_fail(err, BG_GIT_LIST_FAILED, r->shown, r->opt->branch);
	} else if ((found = git_reference_name_to_id(head, repo, r->refname)) == GIT_ENOTFOUND) {
		git_error_clear();
		bg_error_set(err, BG_ERR_GIT, BG_GIT_NO_BRANCH, r->opt->branch, r->shown);
	} else if (found < 0) {
		bg_git_fail(err, BG_GIT_LIST_FAILED, r->shown, r->opt->branch);
	} else {
		rc = 0;
	}
	git_repository_free(repo);
	return rc;
}

/* ls-refs over HTTP is a shortcut, not the only way: a server slow to
 * answer it (or a proxy that holds the connection open after the answer)
 * leaves the listing most of command_timeout. */
static long lsrefs_http_ms(const bg_options *opt)
{
	double ms = opt->command_timeout * 1000 / 4;

	return ms < LSREFS_HTTP_MAX_MS ? (long) ms : LSREFS_HTTP_MAX_MS;
}

/* Whether git's config (global, XDG, system: what libgit2 reads for a
 * detached remote) names an HTTP proxy: http.proxy or http.<url>.proxy. */
static int config_proxy(void)
{
	static const char tail[] = ".proxy";
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int found = 0;

	if (git_config_open_default(&cfg) < 0 || git_config_iterator_new(&it, cfg) < 0) {
		git_error_clear();
		git_config_free(cfg);
		return 1;   /* not known: libgit2 decides */
	}
	while (!found && git_config_next(&e, it) == 0) {
		size_t n = strlen(e->name);

		/* "http." and ".proxy" share their dot in http.proxy */
		found = strncmp(e->name, "http.", 5) == 0 && n >= 4 + sizeof(tail) - 1
			&& strcmp(e->name + n - (sizeof(tail) - 1), tail) == 0 && e->value && *e->value;
	}
	git_error_clear();
	git_config_iterator_free(it);
	git_config_free(cfg);
	return found;
}

/* Whether the host of an https:// URL is an IP address ([v6] or dotted). */
static int ip_host(const char *url)
{
	const char *host = strstr(url, "://") + 3, *end = host + strcspn(host, "/"), *at;

	while ((at = memchr(host, '@', (size_t) (end - host)))) {
		host = at + 1;
	}
	return *host == '[' || strspn(host, "0123456789.") == strcspn(host, ":/");
}

/* Whether an https:// remote's branch may be asked for by ls-refs with
 * libcurl, giving libgit2's verdict on the way there: not when a proxy
 * applies (libgit2 reads git's http.proxy, then https_proxy/HTTPS_PROXY
 * with its own no_proxy matching: it goes that way itself), nor to an IP
 * address (mbedTLS, libgit2's TLS here, matches the host against DNS
 * names only: it refuses a certificate for an IP address that libcurl's
 * OpenSSL would accept). */
static int https_direct(const char *url)
{
	const char *p = getenv("https_proxy");

	if (!p || !*p) {
		p = getenv("HTTPS_PROXY");
	}
	return bg_url_kind_of(url) == BG_URL_HTTPS && !(p && *p) && !ip_host(url) && !config_proxy();
}

int bg_git_remote_head(const bg_git_remote *r, git_oid *head, bg_error *err)
{
	char *path = local_path(r->url);
	int found = 0;

	if (path) {
		int rc = local_head(r, path, head, err);

		free(path);
		return rc;
	}
	if (bg_url_kind_of(r->url) == BG_URL_GIT) {
		bg_git_phase("connect and ref advertisement", 1);
		if (bg_git_lsrefs_git(r->url, r->refname, head, &found)) {
			return found ? 0 : bg_error_set(err, BG_ERR_GIT, BG_GIT_NO_BRANCH, r->opt->branch, r->shown);
		}
	}
	/* https://: libcurl trusts libgit2's CAs, no more, and checks the
	 * host's name, so a certificate it accepts is one libgit2 accepts. One
	 * it refuses is left to libgit2 (0 from bg_git_lsrefs_http) rather
	 * than refused here: the verdict and the message stay libgit2's, as
	 * before this shortcut, even where OpenSSL is stricter than mbedTLS
	 * (an SSL_CERT_DIR without hash links), at the cost of a second
	 * handshake for a certificate that is refused anyway. */
	if (bg_url_kind_of(r->url) == BG_URL_HTTP || https_direct(r->url)) {
		bg_lsrefs_http h = { r->opt->git.username, r->opt->git.password, lsrefs_http_ms(r->opt), NULL, NULL };

		bg_git_tls_ca(&h.ca_file, &h.ca_dir);
		bg_git_phase("connect and ref advertisement", 1);
		if (bg_git_lsrefs_http(r->url, r->refname, &h, head, &found)) {
			return found ? 0 : bg_error_set(err, BG_ERR_GIT, BG_GIT_NO_BRANCH, r->opt->branch, r->shown);
		}
	}
	return listed_head(r, head, err);
}

/* The branch from the refs the remote advertises on one connection. */
static int listed_head(const bg_git_remote *r, git_oid *head, bg_error *err)
{
	git_remote *remote = NULL;
	git_remote_callbacks cb;
	git_proxy_options proxy;
	const git_remote_head **refs;
	bg_git_session session;
	size_t n, i;
	int rc = -1;

	bg_git_callbacks_init(&cb, &session, &r->opt->git, r->url, r->opt->command_timeout);
	git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION);
	proxy.type = GIT_PROXY_AUTO;
	/* Detached: listing refs needs no local repository, so a check that
	 * finds nothing new touches nothing on disk. */
	bg_git_phase("connect and ref advertisement", 1);
	if (git_remote_create_detached(&remote, r->url) < 0
		|| git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, &proxy, NULL) < 0
		|| git_remote_ls(&refs, &n, remote) < 0) {
		bg_git_fail(err, BG_GIT_LIST_FAILED, r->shown, r->opt->branch);
		goto cleanup;
	}
	bg_git_phase("ref lookup", 0);
	for (i = 0; i < n; i++) {
		if (strcmp(refs[i]->name, r->refname) == 0) {
			git_oid_cpy(head, &refs[i]->oid);
			rc = 0;
			goto cleanup;
		}
	}
	bg_error_set(err, BG_ERR_GIT, BG_GIT_NO_BRANCH, r->opt->branch, r->shown);

cleanup:
	git_remote_free(remote);
	return rc;
}

int bg_git_remote_fetch(const bg_git_remote *r, git_repository *repo, const bg_logger *log,
	bg_error *err)
{
	git_remote *remote = NULL;
	git_fetch_options fo;
	char *refspec = bg_asprintf("+%s:%s", r->refname, r->refname);
	git_strarray refspecs = { &refspec, 1 };
	const git_indexer_progress *stats;
	bg_git_session session;
	bg_log_ctx ctx = { "fetch", 0, NULL, 0 };
	double t0 = bg_now_ms();
	int rc = -1;

	if (!refspec) {
		return bg_error_sys(err, BG_ERR_GIT, "fetch");
	}
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	bg_git_callbacks_init(&fo.callbacks, &session, &r->opt->git, r->url, r->opt->command_timeout);
	fo.proxy_opts.type = GIT_PROXY_AUTO;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.prune = GIT_FETCH_NO_PRUNE;
	fo.update_fetchhead = 0;
	/* git_remote_fetch()'s steps one by one, so that a timeout can say
	 * which of them the remote stalled in. */
	bg_git_phase("connect and ref advertisement", 1);
	if (git_remote_create_anonymous(&remote, repo, r->url) < 0
		|| git_remote_connect(remote, GIT_DIRECTION_FETCH, &fo.callbacks, &fo.proxy_opts, NULL) < 0
		|| (bg_git_phase("negotiation and pack transfer", 1), git_remote_download(remote, &refspecs, &fo)) < 0
		|| (bg_git_phase("ref update", 0), git_remote_update_tips(remote, &fo.callbacks, 0,
			GIT_REMOTE_DOWNLOAD_TAGS_NONE, "bluegreen: fetch")) < 0) {
		bg_git_fail(err, "cannot fetch branch %s from %s", r->opt->branch, r->shown);
		goto cleanup;
	}
	git_remote_disconnect(remote);
	stats = git_remote_stats(remote);
	ctx.duration_ms = bg_now_ms() - t0;
	bg_log_step(log, BG_LOG_INFO, &ctx, "fetch: %s from %s: received %u objects, %zu bytes",
		r->opt->branch, r->shown, stats->received_objects, stats->received_bytes);
	rc = 0;

cleanup:
	git_remote_free(remote);
	free(refspec);
	return rc;
}
