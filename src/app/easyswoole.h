/* bluegreen core: what bluegreen knows of EasySwoole itself — which command
 * line starts a release (it changed twice between 3.3 and 3.7), and where a
 * release keeps its pid file and unix sockets (TEMP_DIR), which two
 * releases must not share. */
#ifndef BG_EASYSWOOLE_H
#define BG_EASYSWOOLE_H

#include "base/error.h"
#include "base/log.h"
#include "base/options.h"

#include <stddef.h>

/* The argv that starts the release at dir daemonized in opt->mode, `php`
 * being opt->php_binary, chosen from the release itself:
 *
 *   3.3        php easyswoole start d [produce]
 *   3.4, 3.5   php easyswoole server start -d -mode=M
 *   3.6+       php easyswoole.php server start -d -mode=M
 *
 * The grammar comes from the version of easyswoole/easyswoole in
 * vendor/composer/installed.json, else from the entry script: easyswoole.php
 * exists only from 3.6 on. why (for the log) says which applied. Fails
 * with BG_ERR_CONFIG when the release has no entry script, or the mode has
 * no 3.3 form. *argv is malloc'd (bg_strv_free). */
int bg_es_start_argv(const bg_options *opt, const char *dir, char ***argv, char *why, size_t size,
	bg_error *err);

/* Before the release at dir (of commit) starts on port: reads its TEMP_DIR
 * and the one of the live release at live_dir (serving live_port; NULL:
 * none) from their mode files, with a php child each, and refuses with
 * BG_ERR_CONFIG when both are one directory — the new master would take
 * over the live one's pid file and unix sockets — unless
 * opt->allow_shared_temp_dir, which makes it a warning. A mode file of dir
 * that cannot be read is BG_ERR_CONFIG with the child's output; the live
 * one's only a warning (that release is running already). */
int bg_es_check_temp_dir(const bg_options *opt, const bg_logger *log, const char *dir, int port,
	const char *commit, const char *live_dir, int live_port, bg_error *err);

/* The reads of bg_es_check_temp_dir() ahead of it, with the same
 * arguments (from the prepare step, once dir is built and its port files
 * set): their answers are remembered while the mode files keep their
 * inode, size and mtime, so that the check itself, in the start step,
 * runs no php child. Quiet: whatever fails here fails again, and is
 * reported, in the check. */
void bg_es_read_temp_dirs(const bg_options *opt, const char *dir, int port, const char *commit,
	const char *live_dir, int live_port);

#endif
