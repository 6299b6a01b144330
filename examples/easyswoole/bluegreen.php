<?php
/*
 * bluegreen's options for one EasySwoole service: the only place they are
 * written. Copy this file to the project's root, beside dev.php, and commit it.
 * Three things read it:
 *   - App/Release/Release.php, the process that deploys from inside the service;
 *   - examples/standalone.php, the same loop outside it (systemd);
 *   - the command-line tool, given it with --config.
 * Every key is in README.md under "Options"; a key left out takes its default.
 *
 * The layout on the server (README.md, "Examples"), as the seed had it (its
 * relase-<time> directories); nothing in this file names /srv/app:
 *   /srv/app/releases/first/            the first checkout, cloned, `composer install`ed
 *                                       and started by hand once: root
 *   /srv/app/releases/release-<UTC time>-<short sha>/   one per deploy, made by bluegreen
 *   /srv/app/releases/shared/           the `shared` paths below
 *   /srv/app/releases/.bluegreen/       state, lock, git cache and build logs
 *   /srv/app/releases/bluegreen.log     the log
 *   /srv/app/nginx/                     nginx's prefix: conf/nginx.conf, conf/servers/, logs/
 *
 * The paths can be changed without editing the file, with environment
 * variables: BLUEGREEN_ROOT, BLUEGREEN_NGINX_PREFIX, BLUEGREEN_NGINX_CONF,
 * BLUEGREEN_NGINX_MAIN_CONF, BLUEGREEN_LOG.
 */

$env = static fn (string $name, string $default): string => (string) (getenv($name) ?: $default);

// The checkout this file is in: inside the service, the release whose
// process requires it (EASYSWOOLE_ROOT); from the command line
// (`bluegreen --config /srv/app/releases/first/bluegreen.php`) the first one.
$root = $env('BLUEGREEN_ROOT', defined('EASYSWOOLE_ROOT') ? EASYSWOOLE_ROOT : __DIR__);
// nginx's prefix (nginx -p): beside releases_dir, /srv/app/nginx.
$nginx = $env('BLUEGREEN_NGINX_PREFIX', dirname($root, 2) . '/nginx');

return [
    // The checkout live before the first deploy (after it, the state file
    // knows). New releases go beside it: releases_dir defaults to its parent.
    'root' => $root,

    // What the seed polled with `git fetch; git diff --stat master origin/master`:
    // root's remote `origin`, branch master. Private remotes: see `git` in the README.
    'remote' => 'origin',
    'branch' => 'master',

    // The blue/green pair on 127.0.0.1: each release starts on the one nginx
    // does not point to.
    'ports' => [9501, 9502],
    // Files in a new release whose 9501/9502 is set to the port it starts on
    // (the seed's str_replace on dev.php). None: dev.php reads BLUEGREEN_PORT,
    // which bluegreen sets for the start command (dev.php in this directory),
    // so every release stays exactly as git checked it out (`git status`
    // clean). An app whose mode file has the port as a plain number needs
    // ['dev.php'] here (['produce.php'] with -mode=produce).
    'port_files' => [],

    // Paths linked from /srv/app/releases/shared/ into every release, so they
    // outlive it ('Log/' with a slash: a directory). Never Temp/: each release
    // keeps its own TEMP_DIR (see dev.php).
    'shared' => ['Log/'],

    // Run in the new release before it starts, as argv arrays (no shell). The
    // default, when composer.json exists, is the seed's `composer update` done
    // from the lock file:
    // 'build' => [['composer', 'install', '--no-interaction', '--no-dev', '--optimize-autoloader']],

    // How a release starts, in its own directory. EasySwoole 3.6.1 and later
    // (3.7); for 3.4-3.5: [PHP_BINARY, 'easyswoole', 'server', 'start', '-d'];
    // for 3.3: [PHP_BINARY, 'easyswoole', 'start', 'd'] (bluegreen's default).
    // Add '-mode=produce' (one word) to load produce.php instead of dev.php.
    // PHP_BINARY is the PHP running bluegreen, with the CLI's php.ini: Swoole
    // must be enabled there (phpenmod swoole). Otherwise load it here:
    // [PHP_BINARY, '-d', 'extension=swoole.so', 'easyswoole.php', ...]; a start
    // failing with `Undefined constant "SWOOLE_TCP"` in its output means this.
    'start' => [PHP_BINARY, 'easyswoole.php', 'server', 'start', '-d'],
    // How the old one stops: by default SIGTERM to the service that owns the
    // old port's socket, after nginx stopped sending to it and its requests
    // drained. (`php easyswoole stop` exits 0 even when it fails.)
    // 'stop' => null,

    // Proof that a started release serves: a GET on 127.0.0.1:<its port> that
    // must answer 2xx or 3xx within `timeout` seconds. /health is answered by
    // App/HttpController/Health.php in this directory: copy it into the
    // project, or a stock app answers 404 and no release ever goes live.
    // Without it: 'path' => '/' (the skeleton's Index); null: TCP only.
    // It must answer healthy `successes` times in a row, `interval` seconds
    // apart, before nginx is switched to it, and once more after the drain
    // before the old service is stopped.
    'health' => ['path' => '/health', 'timeout' => 30, 'successes' => 3, 'interval' => 0.2],

    'nginx' => [
        // The file holding `upstream easyswoole.relase.com { server 127.0.0.1:9501; }`
        // (nginx.conf in this directory). bluegreen rewrites it through a
        // temporary file beside it: the releaser's user writes the file and
        // its directory.
        'conf' => $env('BLUEGREEN_NGINX_CONF', "$nginx/conf/nginx.conf"),
        'upstream' => 'easyswoole.relase.com',
        // nginx's main file, where `pid` and `error_log` are read; tested with
        // `nginx -t -q -p <prefix> -c <main_conf>` before every reload.
        'main_conf' => $env('BLUEGREEN_NGINX_MAIN_CONF', "$nginx/conf/nginx.conf"),
        // The -p nginx was started with (`nginx -p /srv/app/nginx/ -c conf/nginx.conf`):
        // the relative `pid` and `error_log` of nginx.conf are read from it.
        // Debian's own nginx (systemctl, /etc/nginx/nginx.conf with absolute
        // paths): leave prefix out and point conf and main_conf there.
        'prefix' => $nginx,
        // By default nginx reloads on SIGHUP from the releaser, which must
        // then be root or nginx's user. An unprivileged releaser (systemd/
        // bluegreen.service) goes through sudo for both:
        // 'reload' => ['sudo', '-n', 'systemctl', 'reload', 'nginx'],
        // 'test' => ['sudo', '-n', '/usr/sbin/nginx', '-t', '-q'],
    ],

    // Bounds, in seconds: in-flight requests drain, the old service stops,
    // each build or start command runs.
    'drain_timeout' => 30,
    'stop_timeout' => 30,
    'command_timeout' => 600,
    // Release directories kept on disk (never the live or previous one).
    'keep_releases' => 5,

    // Commands around a deploy (README.md, "Hooks"), argv arrays, no shell:
    // before_/after_ prepare, start, switch, drain, stop; after_deploy,
    // after_rollback, on_failure. A failing before_prepare, before_start or
    // before_switch fails the deploy (the live release keeps serving); any
    // other failing hook is logged only. A Slack-style notification: copy
    // examples/hooks/slack.php beside this file, and set SLACK_WEBHOOK_URL in
    // the environment of the process running the releaser (never here: hooks
    // are logged by their argv).
    // 'hooks' => [
    //     'after_deploy' => [[PHP_BINARY, __DIR__ . '/slack.php']],
    //     'on_failure' => [[PHP_BINARY, __DIR__ . '/slack.php']],
    // ],

    // One line per step and per poll; a path, or a callable.
    'log' => $env('BLUEGREEN_LOG', dirname($root) . '/bluegreen.log'),
];
