#include "git/git_submodule.h"
#include "layout/layout.h"
#include "base/clock.h"
#include "base/fs.h"
#include "git/git_checkout.h"
#include "git/git_remote.h"
#include "git/git_seed.h"
#include "git/git_util.h"
#include "base/strv.h"
#include "base/url.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper than this is a loop of submodules, not a project. */
#define BG_SUBMODULE_DEPTH 8

/* One submodule being checked out. */
typedef struct {
	const bg_options *opt;
	const bg_logger *log;
	const char *shown_path;   /* its path from the release's root, for messages */
	char *url;                /* resolved */
	char *shown;              /* url, masked */
	git_oid oid;              /* the commit the superproject records */
} submodule;

char *bg_git_submodule_url(const char *base, const char *url)
{
	char *b, *out, sep = '/';
	size_t len;
	int up = 0;

	if (strncmp(url, "./", 2) != 0 && strncmp(url, "../", 3) != 0) {
		return strdup(url);
	}
	if (!(b = strdup(base))) {
		return NULL;
	}
	for (len = strlen(b); len > 1 && b[len - 1] == '/'; ) {
		b[--len] = '\0';
	}
	for (;;) {
		if (strncmp(url, "./", 2) == 0) {
			url += 2;
		} else if (strncmp(url, "../", 3) == 0) {
			char *slash = strrchr(b, '/'), *colon = strrchr(b, ':');
			char *cut = colon && (!slash || colon > slash) ? colon : slash;

			/* Never into "scheme://": nothing is above a host. */
			if (!cut || cut == b || (cut > b && cut[-1] == '/' && cut >= b + 2 && cut[-2] == ':')) {
				free(b);
				return NULL;
			}
			sep = *cut;
			*cut = '\0';
			url += 3;
			up = 1;
		} else {
			break;
		}
	}
	out = bg_asprintf("%s%c%s", b, up ? sep : '/', url);
	free(b);
	return out;
}

/* The cache of a submodule's URL (layout.h): named by the last part of the
 * URL and a hash of the whole URL, one per URL, recognizable by a person. */
static char *cache_path(const bg_options *opt, const char *url)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	const char *p, *base = url;
	char name[41];
	size_t n = 0;

	for (p = url; *p; p++) {
		h = (h ^ (unsigned char) *p) * 1099511628211ULL;
		if ((*p == '/' || *p == ':') && p[1]) {
			base = p + 1;
		}
	}
	for (p = base; *p && *p != '/' && n < sizeof(name) - 1; p++) {
		name[n++] = strchr("-_.", *p) || (*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'z')
			? *p : '_';
	}
	while (n > 4 && strncmp(name + n - 4, ".git", 4) == 0) {
		n -= 4;
	}
	name[n] = '\0';
	return bg_layout_submodule_cache_path(opt, n ? name : "repo", (unsigned long long) h);
}

/* The ref a submodule's cache is seeded at: any ref but a tag is a "have"
 * its first fetch offers; its branches stay the remote's. */
#define SEED_REF "refs/bluegreen-seed/root"

/* A new cache of the submodule seeded from root's checkout of it (its
 * objects in root/.git/modules/..., hardlinked, verified: git_seed.h),
 * when root has one: the recorded commit is mostly there already. */
static void seed_from_root(const submodule *sm, const char *path)
{
	char *source = bg_asprintf("%s/%s", sm->opt->root, sm->shown_path);
	char *dotgit = source ? bg_asprintf("%s/.git", source) : NULL;
	char *label = bg_asprintf("cache of submodule %s", sm->shown_path);

	if (dotgit && label && bg_path_exists(dotgit)) {
		bg_git_seed_from(source, SEED_REF, label, path, sm->log);
	}
	free(source);
	free(dotgit);
	free(label);
}

/* The submodule's cache, made on first use (*created then 1, seeded from
 * root's checkout of it). */
static int cache_open(const submodule *sm, const char *path, git_repository **cache, int *created, bg_error *err)
{
	git_repository_init_options init;

	*created = 0;
	if (bg_path_exists(path)) {
		if (git_repository_open_bare(cache, path) < 0) {
			return bg_git_fail(err, "cannot open its cache %s (remove it to have it made again)", path);
		}
		return 0;
	}
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	if (git_repository_init_ext(cache, path, &init) < 0) {
		bg_git_fail(err, "cannot create its cache %s", path);
		bg_rm_rf(path);
		return -1;
	}
	*created = 1;
	/* seeded with nothing open on it: a seed found bad is removed again,
	 * and no odb may have seen its packs */
	git_repository_free(*cache);
	*cache = NULL;
	seed_from_root(sm, path);
	if (git_repository_open_bare(cache, path) < 0) {
		bg_git_fail(err, "cannot open its cache %s", path);
		bg_rm_rf(path);
		return -1;
	}
	return 0;
}

static int has_commit(git_repository *repo, const git_oid *oid)
{
	git_commit *commit = NULL;
	int found = git_commit_lookup(&commit, repo, oid) == 0;

	git_commit_free(commit);
	git_error_clear();
	return found;
}

/* Fetches refs (every branch, then every tag) until the cache has the
 * commit, through the same fetch as the release's own cache: bounded by
 * command_timeout, credentials from the `git` option, counts logged. */
static int fetch_commit(const submodule *sm, git_repository *cache, bg_error *err)
{
	static const char *const globs[] = { "refs/heads/*", "refs/tags/*", NULL };
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	git_oid_tostr(hex, sizeof(hex), &sm->oid);
	for (i = 0; globs[i]; i++) {
		bg_options o = *sm->opt;   /* a view: only the label in its log lines differs */
		char *label = bg_asprintf("%s (submodule %s)", globs[i], sm->shown_path);
		bg_git_remote r = { &o, sm->url, sm->shown, (char *) globs[i] };
		int rc;

		if (!label) {
			return bg_error_sys(err, BG_ERR_GIT, "fetch");
		}
		o.branch = label;
		rc = bg_git_remote_fetch(&r, cache, sm->log, err);
		free(label);
		if (rc < 0) {
			return -1;
		}
		if (has_commit(cache, &sm->oid)) {
			return 0;
		}
	}
	return bg_error_set(err, BG_ERR_GIT, "commit %s is on no branch or tag of %s", hex, sm->shown);
}

/* The submodule's tree: a local clone of its cache (hardlinked objects)
 * into dir, HEAD detached at the recorded commit as git leaves it, origin
 * the real URL. */
static int make_tree(const submodule *sm, const char *cache, const char *dir, git_repository **repo,
	bg_error *err)
{
	git_clone_options co;

	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	co.local = GIT_CLONE_LOCAL;
	co.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
	if (git_clone(repo, cache, dir, &co) < 0) {
		return bg_git_fail(err, "cannot clone its cache %s into %s", cache, dir);
	}
	if (bg_git_checkout_commit(*repo, &sm->oid, NULL, err) < 0) {
		return -1;
	}
	if (git_remote_set_url(*repo, "origin", sm->url) < 0) {
		return bg_git_fail(err, "cannot set its origin");
	}
	return 0;
}

static int checkout_all(const bg_options *opt, const bg_logger *log, git_repository *repo, const char *url,
	const char *prefix, int depth, bg_error *err);

/* Fetched if need be, checked out, and its own submodules after it. -1
 * when this one fails, -2 when one of its own does. */
static int checkout_one(submodule *sm, git_repository *parent, const char *path, int depth, bg_error *err)
{
	char *cache = cache_path(sm->opt, sm->url);
	char *dir = bg_asprintf("%s%s", git_repository_workdir(parent), path);
	git_repository *cache_repo = NULL, *repo = NULL;
	bg_log_ctx ctx = { "prepare", 0, NULL, 0 };
	double t0 = bg_now_ms();
	char hex[8];
	int created = 0, fetched = 0, rc = -1;
	struct stat st;

	if (!cache || !dir) {
		bg_error_sys(err, BG_ERR_GIT, "submodule");
		goto cleanup;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		bg_error_set(err, BG_ERR_GIT, "its path is not a directory of the checkout");
		goto cleanup;
	}
	if (cache_open(sm, cache, &cache_repo, &created, err) < 0) {
		goto cleanup;
	}
	if (!has_commit(cache_repo, &sm->oid)) {
		fetched = 1;
		if (fetch_commit(sm, cache_repo, err) < 0) {
			goto cleanup;
		}
	}
	if (make_tree(sm, cache, dir, &repo, err) < 0) {
		goto cleanup;
	}
	if (checkout_all(sm->opt, sm->log, repo, sm->url, sm->shown_path, depth + 1, err) < 0) {
		rc = -2;   /* the nested one's error names it */
		goto cleanup;
	}
	ctx.duration_ms = bg_now_ms() - t0;
	git_oid_tostr(hex, sizeof(hex), &sm->oid);
	bg_log_step(sm->log, BG_LOG_INFO, &ctx, "prepare: submodule %s at %s from %s, %s", sm->shown_path, hex,
		sm->shown, fetched ? "fetched into its cache" : "already in its cache");
	rc = 0;

cleanup:
	git_repository_free(repo);
	git_repository_free(cache_repo);
	if (rc == -1 && created) {
		bg_rm_rf(cache);   /* a failed first use leaves nothing behind */
	}
	free(cache);
	free(dir);
	return rc;
}

/* A path from .gitmodules must stay inside the checkout. */
static int path_ok(const char *path)
{
	const char *p;

	if (!path[0] || path[0] == '/') {
		return 0;
	}
	for (p = path; (p = strstr(p, "..")); p += 2) {
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) {
			return 0;
		}
	}
	return 1;
}

static int collect_name(git_submodule *sm, const char *name, void *names)
{
	(void) sm;
	return bg_strv_push((char ***) names, name) < 0 ? -1 : 0;
}

/* One submodule of repo by name: looked up, its URL resolved against the
 * superproject's, then checked out. Errors name it. */
static int checkout_named(const bg_options *opt, const bg_logger *log, git_repository *repo, const char *url,
	const char *prefix, const char *name, int depth, bg_error *err)
{
	git_submodule *gsm = NULL;
	submodule sm;
	const char *path = NULL, *raw_url = NULL;
	char *shown_path = NULL;
	int rc = -1;

	memset(&sm, 0, sizeof(sm));
	if (git_submodule_lookup(&gsm, repo, name) < 0) {
		bg_git_fail(err, "submodule \"%s\" in %s: cannot read it from .gitmodules", name,
			prefix ? prefix : "the release");
		goto cleanup;
	}
	path = git_submodule_path(gsm);
	raw_url = git_submodule_url(gsm);
	shown_path = prefix ? bg_asprintf("%s/%s", prefix, path) : strdup(path);
	if (!shown_path) {
		bg_error_sys(err, BG_ERR_GIT, "submodule");
		goto cleanup;
	}
	if (!git_submodule_head_id(gsm)) {
		/* In .gitmodules, but the commit records no submodule there. */
		bg_log(log, BG_LOG_DEBUG, "prepare: submodule %s is in .gitmodules but not in the commit: skipped",
			shown_path);
		rc = 0;
		goto cleanup;
	}
	sm.opt = opt;
	sm.log = log;
	sm.shown_path = shown_path;
	git_oid_cpy(&sm.oid, git_submodule_head_id(gsm));
	sm.url = raw_url ? bg_git_submodule_url(url, raw_url) : NULL;
	sm.shown = bg_url_mask_dup(sm.url ? sm.url : raw_url ? raw_url : "(none)");
	if (!path_ok(path)) {
		bg_error_set(err, BG_ERR_GIT, "its path leaves the release");
	} else if (depth > BG_SUBMODULE_DEPTH) {
		bg_error_set(err, BG_ERR_GIT, "submodules nested more than %d deep", BG_SUBMODULE_DEPTH);
	} else if (!raw_url) {
		bg_error_set(err, BG_ERR_GIT, "no url in .gitmodules");
	} else if (!sm.url) {
		bg_error_set(err, BG_ERR_GIT, "its relative url climbs above the superproject's url");
	} else if (bg_url_kind_of(sm.url) == BG_URL_LOCAL && !bg_path_exists(sm.url)) {
		bg_error_set(err, BG_ERR_GIT, "no repository at %s", sm.shown);
	} else {
		rc = checkout_one(&sm, repo, path, depth, err);
	}
	if (rc == -1) {
		bg_error_prefix(err, "submodule %s (url %s) cannot be had", shown_path, sm.shown ? sm.shown : "?");
	}
	rc = rc < 0 ? -1 : 0;

cleanup:
	free(sm.url);
	free(sm.shown);
	free(shown_path);
	git_submodule_free(gsm);
	return rc;
}

static int checkout_all(const bg_options *opt, const bg_logger *log, git_repository *repo, const char *url,
	const char *prefix, int depth, bg_error *err)
{
	char *gitmodules = bg_asprintf("%s.gitmodules", git_repository_workdir(repo));
	char **names = NULL;
	int rc = 0;
	size_t i;

	if (!gitmodules) {
		return bg_error_sys(err, BG_ERR_GIT, "submodules");
	}
	/* No .gitmodules, no submodule: libgit2's submodule calls (which read
	 * the config) are not made at all. */
	if (bg_path_exists(gitmodules)) {
		if (git_submodule_foreach(repo, collect_name, &names) < 0) {
			rc = bg_git_fail(err, "cannot list the submodules of %s", prefix ? prefix : "the release");
		}
		for (i = 0; rc == 0 && names && names[i]; i++) {
			rc = checkout_named(opt, log, repo, url, prefix, names[i], depth, err);
		}
	}
	bg_strv_free(names);
	free(gitmodules);
	return rc;
}

int bg_git_submodules_checkout(const bg_options *opt, const bg_logger *log, git_repository *repo,
	const char *url, bg_error *err)
{
	return checkout_all(opt, log, repo, url, NULL, 1, err);
}
