/* bluegreen core: the cache — one bare repository per releases_dir,
 * the cache repository (layout.h: bg_layout_cache_path), that fetches the branch incrementally.
 * Every release is a local clone of it whose objects are hardlinks, so no
 * release downloads anything the cache already has. */
#ifndef BG_GIT_CACHE_H
#define BG_GIT_CACHE_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"
#include "git/git_seed.h"

#include <git2.h>

/* Where the cache is (bg_layout_cache_path), malloc'd. */
char *bg_git_cache_path(const bg_options *opt);

/* How a cache made new is seeded from root (git_seed.h). */
typedef enum {
	BG_SEED_NOW,       /* verified before the cache is opened */
	BG_SEED_DEFERRED,  /* verified in a thread: *pending, for bg_git_seed_finish() */
	BG_SEED_NONE       /* not seeded: a seed was found bad, the cache is made again */
} bg_git_seed_mode;

/* Opens the cache, creating it on first use (*created then 1: seeded from
 * root's packs as mode says, logged to log), with HEAD on
 * refs/heads/<branch> so that a clone of it checks out that branch.
 * pending (BG_SEED_DEFERRED only) is set to the seed still being verified,
 * or NULL. */
int bg_git_cache_open(const bg_options *opt, const bg_logger *log, bg_git_seed_mode mode,
	bg_git_seed **pending, git_repository **repo, int *created, bg_error *err);

/* Frees repo; removes the cache too when `created` (a failed first use
 * leaves nothing behind). */
void bg_git_cache_close(const bg_options *opt, git_repository *repo, int created);

#endif
