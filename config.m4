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

  dnl The fleet's stores: Redis through libhiredis, etcd's JSON gateway through libcurl.
  PKG_CHECK_MODULES([HIREDIS], [hiredis], [],
    [AC_MSG_ERROR([bluegreen requires libhiredis (Debian: apt-get install libhiredis-dev)])])
  PHP_EVAL_INCLINE([$HIREDIS_CFLAGS])
  PHP_EVAL_LIBLINE([$HIREDIS_LIBS], [BLUEGREEN_SHARED_LIBADD])
  PKG_CHECK_MODULES([LIBCURL], [libcurl], [],
    [AC_MSG_ERROR([bluegreen requires libcurl (Debian: apt-get install libcurl4-openssl-dev)])])
  PHP_EVAL_INCLINE([$LIBCURL_CFLAGS])
  PHP_EVAL_LIBLINE([$LIBCURL_LIBS], [BLUEGREEN_SHARED_LIBADD])

  dnl Every child is started by posix_spawn, which closes every inherited
  dnl descriptor with posix_spawn_file_actions_addclosefrom_np (glibc 2.34).
  AC_CHECK_FUNC([posix_spawn_file_actions_addclosefrom_np], [],
    [AC_MSG_ERROR([bluegreen requires glibc >= 2.34 (posix_spawn_file_actions_addclosefrom_np)])])

  dnl The PHP face: classes, option parsing, errors to exceptions.
  bluegreen_glue="bluegreen.c releaser.c releaser_deploy.c release.c options.c logger.c"

  dnl The core: no Zend header below src/. PHP's configure defines _GNU_SOURCE
  dnl (vasprintf, pipe2, ...); a build of src/ alone must pass -D_GNU_SOURCE.
  dnl One folder per role (README, Layout); every include names its folder,
  dnl from src/: #include "base/error.h".
  dnl base: errors, logging, time, strings, files, options, JSON, addresses, bounded HTTP
  bluegreen_core="src/base/error.c src/base/strv.c src/base/log.c src/base/clock.c src/base/options.c \
    src/base/fs.c src/base/json.c src/base/netaddr.c src/base/url.c src/base/http.c"
  dnl sys: commands, processes, sockets (every /proc and sock_diag read), probes
  bluegreen_core="$bluegreen_core src/sys/spawn.c src/sys/proc.c src/sys/probe.c \
    src/sys/sockdiag.c"
  dnl layout: what lives under releases_dir (paths, releases, state.json, the lock)
  bluegreen_core="$bluegreen_core src/layout/layout.c src/layout/release.c src/layout/state.c src/layout/lock.c"
  dnl git: check() and prepare()
  bluegreen_core="$bluegreen_core src/git/git.c src/git/git_util.c src/git/git_callbacks.c \
    src/git/known_hosts.c src/git/git_remote.c src/git/git_lsrefs.c src/git/git_cache.c src/git/git_seed.c src/git/git_release.c \
    src/git/git_checkout.c src/git/git_submodule.c src/git/git_child.c"
  dnl app: EasySwoole, the start command of a release, its TEMP_DIR; port files
  bluegreen_core="$bluegreen_core src/app/easyswoole.c src/app/easyswoole_temp.c src/app/composer.c \
    src/app/portfile.c"
  dnl release: prepare() builds a release directory
  bluegreen_core="$bluegreen_core src/release/prepare.c src/release/release_shared.c src/release/release_build.c"
  dnl nginx: switchTo()
  bluegreen_core="$bluegreen_core src/nginx/nginx.c src/nginx/nginx_switch.c src/nginx/nginx_socket.c \
    src/nginx/nginx_conf.c src/nginx/nginx_access.c"
  dnl service: ports(), start(), stop()
  bluegreen_core="$bluegreen_core src/service/service.c src/service/service_start.c src/service/service_stop.c"
  dnl ops: what operators read afterwards: the deploy history, the metrics file
  bluegreen_core="$bluegreen_core src/ops/ops.c src/ops/history.c src/ops/metrics.c"
  dnl fleet: the coordination store (Redis, etcd) and the fleet's rollouts
  bluegreen_core="$bluegreen_core src/fleet/store.c src/fleet/store_redis.c src/fleet/store_etcd.c src/fleet/fleet.c"
  dnl pipeline: the releaser, deploy(), tick(), rollback(), status(), run()
  bluegreen_core="$bluegreen_core src/pipeline/releaser.c src/pipeline/pipeline.c \
    src/pipeline/pipeline_recover.c src/pipeline/pipeline_prune.c src/pipeline/pipeline_self.c \
    src/pipeline/pipeline_retry.c src/pipeline/pipeline_heal.c src/pipeline/pipeline_hooks.c src/pipeline/run_loop.c \
    src/pipeline/pipeline_fleet.c src/pipeline/pipeline_watch.c"

  PHP_NEW_EXTENSION([bluegreen], [$bluegreen_glue $bluegreen_core], [$ext_shared],,
    [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1])
  PHP_ADD_INCLUDE([$ext_srcdir/src])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/base])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/sys])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/layout])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/git])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/app])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/release])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/nginx])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/service])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/ops])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/fleet])
  PHP_ADD_BUILD_DIR([$ext_builddir/src/pipeline])
  PHP_SUBST([BLUEGREEN_SHARED_LIBADD])
fi
