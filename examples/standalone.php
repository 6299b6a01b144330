<?php
/*
 * The EasySwoole process's job outside the service, as the seed itself
 * advises ("it is better to do this script alone"): every 30 s one tick(),
 * until SIGTERM or SIGINT. Nothing here stops with the release it deploys,
 * and no Swoole is needed: plain PHP CLI with the extension.
 *
 *   php -d extension=bluegreen.so standalone.php
 *
 * Run it as a service with systemd/bluegreen.service, which installs it as
 * /srv/app/bluegreen-standalone.php with the options file beside it
 * (easyswoole/bluegreen.php, copied to /srv/app/bluegreen.php; the path can
 * be given in BLUEGREEN_CONFIG). Outside the service EASYSWOOLE_ROOT is not
 * defined: the options' `root` is then BLUEGREEN_ROOT (the unit sets it to
 * the first checkout), else the directory the options file is in.
 *
 * Log lines go where the options' `log` says; a wrong option stops it here
 * with the reason and exit status 1, and systemd does not restart it for a
 * wrong file over and over (see the unit's RestartPreventExitStatus).
 */

if (!extension_loaded('bluegreen')) {
    fwrite(STDERR, "bluegreen extension not loaded (extension=bluegreen.so)\n");
    exit(1);
}

$config = getenv('BLUEGREEN_CONFIG') ?: __DIR__ . '/bluegreen.php';
if (!is_file($config)) {
    fwrite(STDERR, "$config: no such options file (set BLUEGREEN_CONFIG)\n");
    exit(1);
}
try {
    $releaser = new BlueGreen\Releaser(require $config);
} catch (Throwable $e) {
    fwrite(STDERR, "$config: " . get_class($e) . ': ' . $e->getMessage() . "\n");
    exit(1);
}

// The seed's while (true) { ...; sleep(30); }: one tick() every 30 s.
// A failed deploy is logged and the old release keeps serving; that commit
// is not tried again until the branch moves. SIGTERM (systemctl stop) or
// SIGINT ends the wait at once; a deploy under way finishes first.
$releaser->run(30);
