/* bluegreen core: one deploy at a time per releases_dir.
 *
 * An flock on bg_layout_lock_path(), which the kernel releases when
 * the holder dies, however it dies: no stale lock to clean up by hand. Who
 * holds it is read from the kernel's lock table (bg_proc_flock_holder, there
 * from the moment it is taken); the holder also writes its pid into the
 * file, read when the kernel's table names no live process. */
#ifndef BG_LOCK_H
#define BG_LOCK_H

#include "base/error.h"
#include "base/options.h"

typedef struct {
	int fd;   /* -1 when not held */
} bg_lock;

#define BG_LOCK_INIT { -1 }

/* Takes the lock without waiting. BG_ERR_LOCK only when another live
 * process has it, naming its pid (or saying it could not be read); a lock
 * that cannot be made, opened or flocked (permissions, a directory in its
 * place) is BG_ERR_SYSTEM naming the path and errno. */
int bg_lock_take(const bg_options *opt, bg_lock *lock, bg_error *err);

/* Releases it (nothing when not held). */
void bg_lock_release(bg_lock *lock);

/* The pid that holds the lock now, or 0 when nobody does. */
int bg_lock_holder(const bg_options *opt);

#endif
