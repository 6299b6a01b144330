/* bluegreen core: a release, as every module passes it around. */
#ifndef BG_RELEASE_H
#define BG_RELEASE_H

#include "base/error.h"

/* How many hex digits of a commit name it in release names and log lines
 * ("%.*s", BG_SHORT_SHA_LEN, commit). */
#define BG_SHORT_SHA_LEN 7

typedef struct {
	char commit[41];      /* full sha, hex */
	char *path;           /* its directory (layout.h names it) */
	int port;             /* the port it serves on; 0 when not started */
	long long created_at; /* unix time of its creation */
} bg_release;

void bg_release_init(bg_release *r);
void bg_release_free(bg_release *r);

/* A deep copy into an initialized dst; -1 when out of memory. */
int bg_release_copy(bg_release *dst, const bg_release *src);

#endif
