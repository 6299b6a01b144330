/* bluegreen core: a new cache seeded from root's objects.
 *
 * root, the first checkout, was cloned by hand and holds the whole history
 * in its packs. A cache made empty would fetch all of it again (minutes for
 * a large repository); seeded with root's packs, hardlinked (no copy, and
 * root may gc or go away: the links keep the data), its first fetch is a
 * small delta. The seed is verified before it is trusted: root's HEAD
 * commit and its whole tree must read back from the cache, every object
 * hashed. The first prepare() verifies in a thread while it fetches and
 * checks out (the checkout is mostly the kernel making files: the second
 * core is free), and hands the release over only once the seed is found
 * good; a seed found bad there throws the cache and the release away and
 * makes both again from a real fetch. A seed that fails (root on another filesystem, no packs,
 * a pack that is corrupt or lacks HEAD) is removed again and a warning
 * logged: the cache then fetches everything, as it would unseeded. */
#ifndef BG_GIT_SEED_H
#define BG_GIT_SEED_H

#include "base/log.h"
#include "base/options.h"

/* Seeds the bare repository at cache (just made, empty) from opt->root's
 * packs and points its refs/heads/<branch> at root's HEAD, which the
 * first fetch then offers as what it has. Never fails: 1 when seeded, 0
 * when not (logged). */
int bg_git_seed_from_root(const bg_options *opt, const char *cache, const bg_logger *log);

/* The same for any cache: seeded from the repository at source (a
 * submodule's checkout in root), refname pointed at its HEAD; label names
 * the cache in the log lines. 1 when seeded, 0 when not (logged). */
int bg_git_seed_from(const char *source, const char *refname, const char *label, const char *cache,
	const bg_logger *log);

/* A seed whose verification runs beside the caller's work. */
typedef struct bg_git_seed bg_git_seed;

/* Seeds like bg_git_seed_from_root() but verifies in a thread: the cache
 * may be fetched into and cloned at once, but nothing made from it may be
 * handed over before bg_git_seed_finish() says the seed is good. NULL when
 * not seeded (logged: the cache is empty, as unseeded). */
bg_git_seed *bg_git_seed_start(const bg_options *opt, const char *cache, const bg_logger *log);

/* Waits for the verification and frees seed: 1 when good (logged at
 * debug), 0 when not (the warning logged, the seed's objects removed): the
 * caller then removes the cache and whatever it made from it. */
int bg_git_seed_finish(bg_git_seed *seed, const bg_logger *log);

#endif
