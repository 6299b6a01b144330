/* bluegreen core: one branch of a git://, http:// or https:// remote,
 * asked for by name.
 *
 * libgit2 1.5 speaks only protocol v0, where the server advertises every
 * ref before anything else: 20,000 refs cost the server and us some 60 ms
 * for the one we want. Protocol v2's ls-refs takes a ref prefix, and git
 * daemon and git http-backend (git >= 2.18) answer it with just that ref,
 * in a few ms. Only the ref listing is spoken here; fetches stay
 * libgit2's. Runs in the git child, which bounds it with command_timeout. */
#ifndef BG_GIT_LSREFS_H
#define BG_GIT_LSREFS_H

#include <git2.h>

/* 1 when the git:// remote at url answered ls-refs for refname over v2:
 * *found then says whether it has it, and head is its commit. 0 for
 * anything else (not git://, a server without v2, a connection or
 * protocol error): the caller lists the refs with libgit2, which says
 * what went wrong. */
int bg_git_lsrefs_git(const char *url, const char *refname, git_oid *head, int *found);

/* What an http:// or https:// listing needs from the options:
 * credentials (besides the URL's own) and a bound on each of its two
 * requests; for https://, the CA file and directory to trust (either may
 * be NULL): libgit2's own (bg_git_tls_ca), no more. */
typedef struct {
	const char *username, *password;
	long timeout_ms;
	const char *ca_file, *ca_dir;
} bg_lsrefs_http;

/* The same over smart HTTP (http:// and https://): GET info/refs and POST
 * git-upload-pack with "Git-Protocol: version=2", as git does. 0 for a
 * server without v2 (git http-backend before 2.18, a dumb server), an
 * answer that is not 200, a certificate not trusted, or anything
 * unexpected: the caller then lists with libgit2, which says what went
 * wrong. Never through a proxy: https:// goes direct (the caller leaves a
 * proxied remote to libgit2). Logs nothing. */
int bg_git_lsrefs_http(const char *url, const char *refname, const bg_lsrefs_http *h, git_oid *head,
	int *found);

#endif
