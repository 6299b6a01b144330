/* bluegreen core: the remote a releaser polls — its URL resolved once per
 * operation, its branch head listed without fetching (ls-remote), and the
 * branch fetched into a local repository. */
#ifndef BG_GIT_REMOTE_H
#define BG_GIT_REMOTE_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"

#include <git2.h>

typedef struct {
	const bg_options *opt;
	char *url;       /* the real URL, or an absolute path */
	char *shown;     /* url with its credentials masked: the only form logged */
	char *refname;   /* refs/heads/<branch> */
} bg_git_remote;

/* Resolves opt->remote: a remote name of root's repository (its URL from
 * root's .git/config), else a URL or path (a relative path is taken from
 * root). Fails when this libgit2 cannot speak the URL's transport. */
int bg_git_remote_resolve(const bg_options *opt, bg_git_remote *r, bg_error *err);
void bg_git_remote_free(bg_git_remote *r);

/* The commit the remote's branch points to, and no other ref looked at
 * where the transport allows: a path or file:// remote's ref read from its
 * own refdb, a git:// one's asked for by protocol v2 ls-refs
 * (git_lsrefs.h); the rest (https, ssh, a git daemon without v2) from the
 * refs advertised on one connection. No object is transferred. */
int bg_git_remote_head(const bg_git_remote *r, git_oid *head, bg_error *err);

/* Fetches the branch into repo's refs/heads/<branch> (forced: a
 * force-pushed branch is followed), without tags or FETCH_HEAD, and logs
 * what was received. */
int bg_git_remote_fetch(const bg_git_remote *r, git_repository *repo, const bg_logger *log,
	bg_error *err);

#endif
