#include "git/git.h"
#include "git/git_cache.h"
#include "git/git_child.h"
#include "git/git_remote.h"
#include "git/git_util.h"
#include "base/strv.h"
#include "base/url.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bg_git_branch_name_valid(const char *branch)
{
	char *ref = bg_asprintf("refs/heads/%s", branch);
	int valid = 0;

	if (ref && git_reference_name_is_valid(&valid, ref) < 0) {
		valid = 0;
	}
	free(ref);
	return valid;
}

static int head_oid(const char *dir, git_oid *out, bg_error *err)
{
	git_repository *repo = NULL;
	int rc = 0;

	if (git_repository_open(&repo, dir) < 0 || git_reference_name_to_id(out, repo, "HEAD") < 0) {
		rc = bg_git_fail(err, "cannot read the HEAD of %s", dir);
	}
	git_repository_free(repo);
	return rc;
}

int bg_git_head(const char *dir, char sha[41], bg_error *err)
{
	git_oid oid;

	if (head_oid(dir, &oid, err) < 0) {
		return -1;
	}
	git_oid_tostr(sha, 41, &oid);
	return 0;
}

/* The commit live now: the one given, else the HEAD of root. */
static int live_oid(const bg_options *opt, const char *live_commit, git_oid *out, bg_error *err)
{
	if (live_commit) {
		if (strlen(live_commit) != GIT_OID_HEXSZ || git_oid_fromstr(out, live_commit) < 0) {
			return bg_error_set(err, BG_ERR_VALUE, "the live commit must be a full sha, \"%s\" given",
				live_commit);
		}
		return 0;
	}
	if (head_oid(opt->root, out, err) < 0) {
		return bg_error_prefix(err, "cannot read the live commit (root)");
	}
	return 0;
}

/* Whether repo has the object (0 as well when it cannot tell). */
static int has_object(git_repository *repo, const git_oid *oid)
{
	git_odb *odb = NULL;
	int have = git_repository_odb(&odb, repo) == 0 && git_odb_exists(odb, oid);

	git_odb_free(odb);
	return have;
}

/* Makes the cache hold `head` under refs/heads/<branch>: fetched if it
 * lacks it (then head becomes what the fetch brought, should the branch
 * have moved again meanwhile), else just the ref moved. */
static int cache_take_head(const bg_git_remote *remote, git_repository *cache, git_oid *head,
	const bg_logger *log, bg_error *err)
{
	git_reference *ref = NULL;
	int rc;

	if (!has_object(cache, head)) {
		if (bg_git_remote_fetch(remote, cache, log, err) < 0) {
			return -1;
		}
		if (git_reference_name_to_id(head, cache, remote->refname) < 0) {
			return bg_git_fail(err, "the fetch from %s brought no %s", remote->shown, remote->refname);
		}
		return 0;
	}
	if (git_reference_create(&ref, cache, remote->refname, head, 1, "bluegreen: check") < 0) {
		rc = bg_git_fail(err, "cannot update %s in the cache", remote->refname);
	} else {
		rc = 0;
	}
	git_reference_free(ref);
	return rc;
}

/* The cache may lack the live commit (a release made from a local commit,
 * or a branch rewritten since): lend it root's objects for this diff, in
 * memory only. */
static void borrow_root_objects(const bg_options *opt, git_repository *cache)
{
	git_repository *root = NULL;
	git_odb *odb = NULL;
	char *objects = NULL;

	if (git_repository_open(&root, opt->root) == 0
		&& (objects = bg_asprintf("%sobjects", git_repository_commondir(root)))
		&& git_repository_odb(&odb, cache) == 0) {
		git_odb_add_disk_alternate(odb, objects);
	}
	git_error_clear();
	git_odb_free(odb);
	free(objects);
	git_repository_free(root);
}

static int commit_tree(git_repository *repo, const git_oid *oid, git_tree **tree)
{
	git_commit *commit = NULL;
	int rc = git_commit_lookup(&commit, repo, oid);

	if (rc == 0) {
		rc = git_commit_tree(tree, commit);
	}
	git_commit_free(commit);
	return rc;
}

/* "3 files changed, 10 insertions(+), 2 deletions(-)", as `git diff --stat`
 * ends, renames found as git does by default; "" when it cannot be had. */
static void diff_stat(const bg_options *opt, git_repository *cache, const git_oid *from,
	const git_oid *to, char *out, size_t size)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_stats *stats = NULL;
	git_buf buf = GIT_BUF_INIT;
	const char *text;

	out[0] = '\0';
	if (!has_object(cache, from)) {
		borrow_root_objects(opt, cache);
	}
	if (commit_tree(cache, from, &a) < 0 || commit_tree(cache, to, &b) < 0
		|| git_diff_tree_to_tree(&diff, cache, a, b, NULL) < 0
		|| git_diff_find_similar(diff, NULL) < 0
		|| git_diff_get_stats(&stats, diff) < 0
		|| git_diff_stats_to_buf(&buf, stats, GIT_DIFF_STATS_SHORT, 0) < 0) {
		git_error_clear();
		goto cleanup;
	}
	for (text = buf.ptr; *text == ' '; text++) {
		/* git's leading space */
	}
	snprintf(out, size, "%.*s", (int) strcspn(text, "\n"), text);

cleanup:
	git_buf_dispose(&buf);
	git_diff_stats_free(stats);
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
}

static void log_check(const bg_logger *log, const bg_options *opt, const git_oid *from,
	const git_oid *to, const char *stat, double t0)
{
	char a[BG_SHORT_SHA_LEN + 1], b[BG_SHORT_SHA_LEN + 1], sha[GIT_OID_HEXSZ + 1];
	bg_log_ctx ctx = { "check", bg_now_ms() - t0, sha, 0 };

	bg_git_short(from, a);
	bg_git_short(to, b);
	git_oid_tostr(sha, sizeof(sha), to);
	if (git_oid_equal(from, to)) {
		bg_log_step(log, BG_LOG_DEBUG, &ctx, "check: %s at %s, nothing new", opt->branch, a);
	} else {
		bg_log_step(log, BG_LOG_INFO, &ctx, "check: %s moved %s..%s: %s", opt->branch, a, b,
			*stat ? stat : "no diff stat: the live commit is not in the cache or root");
	}
}

typedef struct {
	const bg_options *opt;
	const char *live_commit;
} check_arg;

/* The check itself, in the git child: ls-remote, and when the branch moved
 * the fetch into the cache and its diff stat. */
static int check_in_child(void *data, bg_git_result *res, const bg_logger *log, bg_error *err)
{
	const check_arg *a = data;
	const bg_options *opt = a->opt;
	bg_git_remote remote;
	git_repository *cache = NULL;
	git_oid live, head;
	char stat[256] = "";
	double t0 = bg_now_ms();
	int created = 0, rc = -1;

	if (live_oid(opt, a->live_commit, &live, err) < 0 || bg_git_remote_resolve(opt, &remote, err) < 0) {
		return -1;
	}
	if (bg_git_remote_head(&remote, &head, err) < 0) {
		goto cleanup;
	}
	if (!git_oid_equal(&live, &head)) {
		if (bg_git_cache_open(opt, log, BG_SEED_NOW, NULL, &cache, &created, err) < 0
			|| cache_take_head(&remote, cache, &head, log, err) < 0) {
			goto cleanup;
		}
		diff_stat(opt, cache, &live, &head, stat, sizeof(stat));
	}
	log_check(log, opt, &live, &head, stat, t0);
	res->changed = !git_oid_equal(&live, &head);
	git_oid_tostr(res->sha, sizeof(res->sha), &head);
	rc = 0;

cleanup:
	if (cache) {
		bg_git_cache_close(opt, cache, rc < 0 && created);
	}
	bg_git_remote_free(&remote);
	return rc;
}

/* A remote on this machine (a path, file://) that has not moved is told
 * here, without the git child: its ref listing leaks nothing, needs no
 * network wait to bound, and a fork would cost more than the whole check
 * (about 2 ms against 0.3 ms). 1 when unchanged (new_sha set, logged), 0
 * when the child must look, -1 on error. */
static int unchanged_local(const bg_options *opt, const bg_logger *log, const bg_git_remote *remote,
	const git_oid *live, char new_sha[41], bg_error *err)
{
	bg_url_kind kind = bg_url_kind_of(remote->url);
	double t0 = bg_now_ms();
	git_oid head;

	if (kind != BG_URL_LOCAL && kind != BG_URL_FILE) {
		return 0;
	}
	if (bg_git_remote_head(remote, &head, err) < 0) {
		return -1;
	}
	if (!git_oid_equal(live, &head)) {
		return 0;
	}
	log_check(log, opt, live, &head, "", t0);
	git_oid_tostr(new_sha, GIT_OID_HEXSZ + 1, &head);
	return 1;
}

int bg_git_check(const bg_options *opt, const bg_logger *log, const char *live_commit,
	char new_sha[41], int *changed, bg_error *err)
{
	char live_sha[GIT_OID_HEXSZ + 1];
	check_arg arg = { opt, live_sha };
	bg_git_remote remote;
	bg_git_result *res = NULL;
	git_oid live;
	char *what;
	int rc;

	*changed = 0;
	new_sha[0] = '\0';
	if (live_oid(opt, live_commit, &live, err) < 0 || bg_git_remote_resolve(opt, &remote, err) < 0) {
		return -1;
	}
	git_oid_tostr(live_sha, sizeof(live_sha), &live);
	if ((rc = unchanged_local(opt, log, &remote, &live, new_sha, err)) != 0) {
		bg_git_remote_free(&remote);
		return rc < 0 ? -1 : 0;
	}
	what = bg_asprintf("check of branch %s on", opt->branch);
	rc = what ? bg_git_child_run(opt, log, what, remote.shown, check_in_child, &arg, &res, err)
		: bg_error_sys(err, BG_ERR_GIT, "check");
	if (rc == 0) {
		*changed = res->changed;
		memcpy(new_sha, res->sha, GIT_OID_HEXSZ + 1);
	}
	bg_git_result_free(res);
	free(what);
	bg_git_remote_free(&remote);
	return rc;
}

void bg_git_global_init(void)
{
	git_libgit2_init();
	bg_git_tls_init();
}

void bg_git_global_shutdown(void)
{
	git_libgit2_shutdown();
}

void bg_git_library_info(bg_git_library *out)
{
	int major, minor, rev, features = git_libgit2_features();

	git_libgit2_version(&major, &minor, &rev);
	snprintf(out->version, sizeof(out->version), "%d.%d.%d", major, minor, rev);
	out->https = (features & GIT_FEATURE_HTTPS) != 0;
	out->ssh = (features & GIT_FEATURE_SSH) != 0;
	out->threads = (features & GIT_FEATURE_THREADS) != 0;
}
