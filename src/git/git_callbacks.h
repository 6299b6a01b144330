/* bluegreen core: the callbacks of every libgit2 network operation —
 * credentials from the `git` options, SSH host key checks, and a deadline.
 *
 * libgit2 asks for credentials again after each refusal; each kind is
 * offered once, so that a wrong password ends in an authentication error
 * instead of a loop. A transfer still running after timeout_s is aborted
 * (libgit2 1.5 has no connect timeout: that part is the OS's). */
#ifndef BG_GIT_CALLBACKS_H
#define BG_GIT_CALLBACKS_H

#include "base/options.h"

#include <git2.h>

typedef struct {
	const bg_git_options *auth;
	const char *url;       /* the real URL: its port names the known_hosts entry */
	double timeout_s;
	double deadline_ms;    /* bg_now_ms() past which the transfer is aborted */
	unsigned int offered;  /* GIT_CREDENTIAL_* kinds offered so far */
} bg_git_session;

/* Initializes cb, points it at the session (which must outlive the
 * operation), and starts the deadline. */
void bg_git_callbacks_init(git_remote_callbacks *cb, bg_git_session *s,
	const bg_git_options *auth, const char *url, double timeout_s);

#endif
