#include "git/git_cache.h"
#include "layout/layout.h"
#include "base/fs.h"
#include "git/git_seed.h"
#include "git/git_util.h"
#include "base/strv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *bg_git_cache_path(const bg_options *opt)
{
	return bg_layout_cache_path(opt);
}

static int cache_create(const bg_options *opt, const char *path, git_repository **repo, bg_error *err)
{
	git_repository_init_options init;

	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
	init.initial_head = opt->branch;
	if (git_repository_init_ext(repo, path, &init) < 0) {
		return bg_git_fail(err, "cannot create the cache repository %s", path);
	}
	return 0;
}

/* Points HEAD at the branch (a releaser may have changed `branch`). */
static int head_on_branch(git_repository *repo, const char *branch, const char *path, bg_error *err)
{
	git_reference *head = NULL;
	char *refname = bg_asprintf("refs/heads/%s", branch);
	int rc = 0;

	if (!refname) {
		return bg_error_sys(err, BG_ERR_GIT, "cache %s", path);
	}
	if (git_reference_lookup(&head, repo, "HEAD") < 0
		|| git_reference_type(head) != GIT_REFERENCE_SYMBOLIC
		|| strcmp(git_reference_symbolic_target(head), refname) != 0) {
		if (git_repository_set_head(repo, refname) < 0) {
			rc = bg_git_fail(err, "cannot point HEAD of the cache %s at %s", path, refname);
		}
	}
	git_reference_free(head);
	free(refname);
	return rc;
}

/* A new cache seeded from root as mode asks; *pending set when deferred. */
static void seed_new(const bg_options *opt, const char *path, bg_git_seed_mode mode, bg_git_seed **pending,
	const bg_logger *log)
{
	if (mode == BG_SEED_NOW) {
		bg_git_seed_from_root(opt, path, log);
	} else if (mode == BG_SEED_DEFERRED) {
		*pending = bg_git_seed_start(opt, path, log);
	}
}

/* A failed open waits for the seed's thread before the cache goes. */
static void drop_pending(bg_git_seed **pending, const bg_logger *log)
{
	if (pending && *pending) {
		bg_git_seed_finish(*pending, log);
		*pending = NULL;
	}
}

int bg_git_cache_open(const bg_options *opt, const bg_logger *log, bg_git_seed_mode mode,
	bg_git_seed **pending, git_repository **repo, int *created, bg_error *err)
{
	char *path = bg_git_cache_path(opt);
	int rc = -1;

	*repo = NULL;
	*created = 0;
	if (pending) {
		*pending = NULL;
	}
	if (!path) {
		return bg_error_sys(err, BG_ERR_GIT, "cache");
	}
	if (!bg_path_exists(path)) {
		if (cache_create(opt, path, repo, err) < 0) {
			bg_rm_rf(path);
			goto cleanup;
		}
		*created = 1;
		/* seeded with nothing open on it: a seed found bad is removed
		 * again, and no odb may have seen its packs */
		git_repository_free(*repo);
		*repo = NULL;
		seed_new(opt, path, mode, pending, log);
	}
	if (!*repo && git_repository_open_bare(repo, path) < 0) {
		bg_git_fail(err, "cannot open the cache repository %s (remove it to have it made again)", path);
		drop_pending(pending, log);
		if (*created) {
			bg_rm_rf(path);
		}
		goto cleanup;
	}
	if (head_on_branch(*repo, opt->branch, path, err) < 0) {
		drop_pending(pending, log);
		bg_git_cache_close(opt, *repo, *created);
		*repo = NULL;
		goto cleanup;
	}
	rc = 0;

cleanup:
	free(path);
	return rc;
}

void bg_git_cache_close(const bg_options *opt, git_repository *repo, int created)
{
	git_repository_free(repo);
	if (created) {
		char *path = bg_git_cache_path(opt);
		char *dir = bg_layout_own_dir(opt);

		if (path) {
			bg_rm_rf(path);
		}
		if (dir) {
			rmdir(dir);  /* only if we left it empty */
		}
		free(path);
		free(dir);
	}
}
