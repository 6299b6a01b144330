/* bg_git_release_checkout(): a release's working tree, made from the cache. */
#include "git/git.h"
#include "layout/layout.h"
#include "base/fs.h"
#include "git/git_cache.h"
#include "git/git_checkout.h"
#include "git/git_child.h"
#include "git/git_remote.h"
#include "git/git_submodule.h"
#include "git/git_util.h"
#include "base/strv.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The commit spec names in the cache: 0, GIT_ENOTFOUND, GIT_EAMBIGUOUS or
 * another libgit2 error. A prefix of a tree or blob is not found. */
static int find_commit(git_repository *cache, const char *spec, git_oid *oid)
{
	git_object *obj = NULL;
	git_oid prefix;
	size_t len = strlen(spec);
	int rc = git_oid_fromstrn(&prefix, spec, len);

	if (rc == 0) {
		rc = git_object_lookup_prefix(&obj, cache, &prefix, len, GIT_OBJECT_COMMIT);
	}
	if (rc == 0) {
		git_oid_cpy(oid, git_object_id(obj));
	}
	git_object_free(obj);
	return rc;
}

/* Finds the commit, fetching the branch only when the cache lacks it: a
 * commit that check() fetched costs no transfer at all. */
static int resolve_commit(const bg_git_remote *remote, git_repository *cache, const char *spec,
	git_oid *oid, const bg_logger *log, bg_error *err)
{
	int rc = find_commit(cache, spec, oid);

	if (rc == GIT_ENOTFOUND) {
		if (bg_git_remote_fetch(remote, cache, log, err) < 0) {
			return -1;
		}
		rc = find_commit(cache, spec, oid);
	}
	switch (rc) {
	case 0:
		return 0;
	case GIT_EAMBIGUOUS:
		return bg_error_set(err, BG_ERR_VALUE, "commit \"%s\" is ambiguous in the history of %s: "
			"give more digits", spec, remote->shown);
	case GIT_ENOTFOUND:
		return bg_error_set(err, BG_ERR_GIT, "commit %s is not in branch %s of %s, even after a fetch",
			spec, remote->opt->branch, remote->shown);
	default:
		return bg_git_fail(err, "cannot look up commit %s in the cache", spec);
	}
}

/* A local clone of the cache: its objects are hardlinked (GIT_CLONE_LOCAL),
 * not copied, and nothing is checked out yet. */
static int clone_cache(const bg_options *opt, const char *dir, git_repository **repo, bg_error *err)
{
	git_clone_options co;
	char *cache = bg_git_cache_path(opt);
	int rc = 0;

	if (!cache) {
		return bg_error_sys(err, BG_ERR_GIT, "clone");
	}
	git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
	co.local = GIT_CLONE_LOCAL;
	co.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
	if (git_clone(repo, cache, dir, &co) < 0) {
		rc = bg_git_fail(err, "cannot clone the cache %s into %s", cache, dir);
	}
	free(cache);
	return rc;
}

/* The release's origin is the real remote, not the cache, so that the
 * release can itself be root later. */
static int set_origin(git_repository *repo, const bg_git_remote *remote, bg_error *err)
{
	if (git_remote_set_url(repo, "origin", remote->url) < 0) {
		return bg_git_fail(err, "cannot set the origin of %s to %s", git_repository_workdir(repo),
			remote->shown);
	}
	return 0;
}

static int make_tree(const bg_git_remote *remote, const git_oid *oid, const char *dir,
	const bg_logger *log, bg_error *err)
{
	git_repository *repo = NULL;
	int rc = -1;

	bg_git_phase("clone of the cache", 0);
	if (clone_cache(remote->opt, dir, &repo, err) == 0) {
		bg_git_phase("checkout", 0);
		if (bg_git_checkout_commit(repo, oid, remote->refname, err) == 0 && set_origin(repo, remote, err) == 0
			&& bg_git_submodules_checkout(remote->opt, log, repo, remote->url, err) == 0) {
			rc = 0;
		}
	}
	git_repository_free(repo);
	return rc;
}

static void log_clone(const bg_logger *log, const bg_release *out, double t0)
{
	bg_log_ctx ctx = { "clone", bg_now_ms() - t0, out->commit, 0 };

	bg_log_step(log, BG_LOG_INFO, &ctx, "prepare: cloned %.*s into %s, objects hardlinked from the cache",
		BG_SHORT_SHA_LEN, out->commit, out->path);
}

typedef struct {
	const bg_options *opt;
	const char *commit_spec;
} checkout_arg;

/* One attempt at the release: the cache opened (a new one seeded as mode
 * says), the commit found or fetched, the release directory made (its
 * path handed back at once, so that the parent removes it should this
 * child be killed), the tree written. A seed verified beside that work is
 * waited for before anything is handed over; *seed_bad is set when it was
 * found bad: the release and the cache are gone again. */
static int checkout_once(const checkout_arg *a, const bg_git_remote *remote, bg_git_seed_mode mode,
	bg_git_result *res, bg_release *out, int *seed_bad, const bg_logger *log, bg_error *err)
{
	const bg_options *opt = a->opt;
	git_repository *cache = NULL;
	bg_git_seed *seed = NULL;
	git_oid oid;
	int created = 0, rc = -1;

	if (bg_git_cache_open(opt, log, mode, &seed, &cache, &created, err) < 0) {
		return -1;
	}
	if (resolve_commit(remote, cache, a->commit_spec, &oid, log, err) == 0) {
		git_oid_tostr(out->commit, sizeof(out->commit), &oid);
		if (bg_layout_release_create(opt->releases_dir, out, err) == 0) {
			snprintf(res->rel_path, sizeof(res->rel_path), "%s", out->path);
			rc = make_tree(remote, &oid, out->path, log, err);
		}
	}
	if (seed && !bg_git_seed_finish(seed, log)) {
		*seed_bad = 1;
		rc = -1;
	}
	if (rc < 0 && res->rel_path[0]) {
		bg_rm_rf(res->rel_path);
		res->rel_path[0] = '\0';
	}
	bg_git_cache_close(opt, cache, rc < 0 && created);
	return rc;
}

/* The checkout itself, in the git child: a new cache is seeded from root
 * and verified while the first attempt fetches and checks out; a seed
 * found bad costs a second attempt, from a cache made without it. */
static int checkout_in_child(void *data, bg_git_result *res, const bg_logger *log, bg_error *err)
{
	const checkout_arg *a = data;
	bg_git_remote remote;
	bg_release out;
	double t0 = bg_now_ms();
	int seed_bad = 0, rc;

	bg_release_init(&out);
	if (bg_git_remote_resolve(a->opt, &remote, err) < 0) {
		return -1;
	}
	rc = checkout_once(a, &remote, BG_SEED_DEFERRED, res, &out, &seed_bad, log, err);
	if (rc < 0 && seed_bad) {
		bg_error_clear(err);
		bg_release_free(&out);
		bg_release_init(&out);
		rc = checkout_once(a, &remote, BG_SEED_NONE, res, &out, &seed_bad, log, err);
	}
	if (rc == 0) {
		memcpy(res->rel_commit, out.commit, sizeof(res->rel_commit));
		res->rel_created_at = out.created_at;
		log_clone(log, &out, t0);
	}
	bg_release_free(&out);
	bg_git_remote_free(&remote);
	return rc;
}

int bg_git_release_checkout(const bg_options *opt, const bg_logger *log, const char *commit_spec,
	bg_release *out, bg_error *err)
{
	checkout_arg arg = { opt, commit_spec };
	bg_git_remote remote;
	bg_git_result *res = NULL;
	char *what;
	int rc;

	bg_release_init(out);
	if (bg_git_check_sha_spec(commit_spec, err) < 0 || bg_git_remote_resolve(opt, &remote, err) < 0) {
		return -1;
	}
	what = bg_asprintf("prepare of %s from", commit_spec);
	rc = what ? bg_git_child_run(opt, log, what, remote.shown, checkout_in_child, &arg, &res, err)
		: bg_error_sys(err, BG_ERR_GIT, "prepare");
	if (rc == 0) {
		memcpy(out->commit, res->rel_commit, sizeof(out->commit));
		out->created_at = res->rel_created_at;
		if (!(out->path = strdup(res->rel_path))) {
			bg_rm_rf(res->rel_path);
			rc = bg_error_sys(err, BG_ERR_SYSTEM, "prepare");
		}
	}
	bg_git_result_free(res);
	free(what);
	bg_git_remote_free(&remote);
	return rc;
}
