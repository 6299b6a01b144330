/* bluegreen core: a release, as every module passes it around. */
#ifndef BG_RELEASE_H
#define BG_RELEASE_H

#include "base/error.h"

typedef struct {
	char commit[41];      /* full sha, hex */
	char *path;           /* its directory: releases_dir/release-<UTC>-<short sha> */
	int port;             /* the port it serves on; 0 when not started */
	long long created_at; /* unix time of its creation */
} bg_release;

void bg_release_init(bg_release *r);
void bg_release_free(bg_release *r);

/* A deep copy into an initialized dst; -1 when out of memory. */
int bg_release_copy(bg_release *dst, const bg_release *src);

/* Creates the directory of a new release of r->commit (which must be set):
 * releases_dir/release-<UTC yyyymmddTHHMMSS>-<7-digit sha>, with "-2",
 * "-3"... when a release of that commit was made in the same second. Sets
 * r->path and r->created_at. */
int bg_release_dir_create(const char *releases_dir, bg_release *r, bg_error *err);

#endif
