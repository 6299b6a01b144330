dnl config.m4 for the bluegreen extension

PHP_ARG_WITH([bluegreen],
  [for bluegreen support],
  [AS_HELP_STRING([--with-bluegreen],
    [Include bluegreen: zero-downtime blue/green releases (needs libgit2 >= 1.1)])])

if test "$PHP_BLUEGREEN" != "no"; then
  PKG_CHECK_MODULES([LIBGIT2], [libgit2 >= 1.1], [],
    [AC_MSG_ERROR([bluegreen requires libgit2 >= 1.1 and pkg-config to find it (Debian: apt-get install libgit2-dev pkg-config)])])

  PHP_EVAL_INCLINE([$LIBGIT2_CFLAGS])
  PHP_EVAL_LIBLINE([$LIBGIT2_LIBS], [BLUEGREEN_SHARED_LIBADD])

  dnl Every child is started by posix_spawn, which closes every inherited
  dnl descriptor with posix_spawn_file_actions_addclosefrom_np (glibc 2.34).
  AC_CHECK_FUNC([posix_spawn_file_actions_addclosefrom_np], [],
    [AC_MSG_ERROR([bluegreen requires glibc >= 2.34 (posix_spawn_file_actions_addclosefrom_np)])])

  dnl The PHP face: classes, option parsing, errors to exceptions.
  bluegreen_glue="bluegreen.c releaser.c releaser_deploy.c release.c options.c logger.c"

  dnl The core: no Zend header below src/. PHP's configure defines _GNU_SOURCE
  dnl (vasprintf, pipe2, ...); a build of src/ alone must pass -D_GNU_SOURCE.
  bluegreen_core="src/error.c src/strv.c src/log.c src/clock.c src/options.c src/fs.c src/layout.c \
    src/release.c src/spawn.c src/proc.c src/netaddr.c src/probe.c src/sockdiag.c src/url.c"
  dnl git: check() and prepare()
  bluegreen_core="$bluegreen_core src/git.c src/git_util.c src/git_callbacks.c src/known_hosts.c \
    src/git_remote.c src/git_cache.c src/git_release.c src/git_checkout.c src/git_submodule.c src/git_child.c \
    src/prepare.c src/release_shared.c src/release_build.c"
  dnl services: ports(), start(), stop()
  bluegreen_core="$bluegreen_core src/portfile.c src/service.c src/service_start.c src/service_stop.c"
  dnl EasySwoole: the start command of a release, its TEMP_DIR
  bluegreen_core="$bluegreen_core src/easyswoole.c src/easyswoole_temp.c src/composer.c"
  dnl nginx: switchTo()
  bluegreen_core="$bluegreen_core src/nginx.c src/nginx_switch.c src/nginx_conf.c"
  dnl the releaser and its pipeline: deploy(), tick(), rollback(), status(), run()
  bluegreen_core="$bluegreen_core src/releaser.c src/json.c src/state.c src/lock.c src/pipeline.c \
    src/pipeline_recover.c src/pipeline_prune.c src/pipeline_self.c src/pipeline_retry.c src/pipeline_heal.c \
    src/run_loop.c"

  PHP_NEW_EXTENSION([bluegreen], [$bluegreen_glue $bluegreen_core], [$ext_shared],,
    [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1])
  PHP_ADD_BUILD_DIR([$ext_builddir/src])
  PHP_SUBST([BLUEGREEN_SHARED_LIBADD])
fi
