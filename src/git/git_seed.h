/* bluegreen core: a new cache seeded from root's objects.
 *
 * root, the first checkout, was cloned by hand and holds the whole history
 * in its packs. A cache made empty would fetch all of it again (minutes for
 * a large repository); seeded with root's packs, hardlinked (no copy, and
 * root may gc or go away: the links keep the data), its first fetch is a
 * small delta. The seed is verified before it is trusted: root's HEAD
 * commit and its whole tree must read back from the cache with their
 * hashes checked. A seed that fails (root on another filesystem, no packs,
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

#endif
