<?php
/*
 * The memory benchmark (not a test): RSS of the process that runs the
 * releaser, over many ticks and deploys, for each kind of remote that can
 * be served on this machine.
 *
 *   php -d extension=modules/bluegreen.so bench/rss.php [TICKS=10000] [DEPLOYS=50] [KINDS]
 *
 * KINDS (default all): a comma-separated subset of
 *   name   remote => 'origin' (the default), root's remote: a path
 *   path   the bare repository's path
 *   file   file://
 *   git    git:// from `git daemon` on loopback
 *   http   http:// from git http-backend behind `php -S` on loopback
 *          (these two servers take 50-70 ms to answer a ref listing: they
 *          run TICKS / 5 ticks)
 * For each: TICKS tick()s against an unchanged remote, then DEPLOYS times
 * the git part of a deploy (a commit pushed, check() fetching it,
 * prepare() cloning it; the release removed). Then DEPLOYS real deploy()s
 * (nginx, the fixture app started and stopped) with the name remote. RSS is
 * VmRSS of /proc/self/status, printed at five points after a warm-up, and
 * the growth from the first. Everything is made under /tmp and removed.
 */

declare(strict_types=1);

require __DIR__ . '/../tests/inc/deploy.inc';

if (!extension_loaded('bluegreen')) {
    fwrite(STDERR, "run with: php -d extension=modules/bluegreen.so bench/rss.php\n");
    exit(2);
}
$ticks = max(5, (int) ($argv[1] ?? 10000));
$deploys = max(5, (int) ($argv[2] ?? 50));
$kinds = explode(',', $argv[3] ?? 'name,path,file,git,http,deploy');

function rss_kb(): int
{
    preg_match('/^VmRSS:\s+(\d+) kB/m', file_get_contents('/proc/self/status'), $m);
    return (int) $m[1];
}

/** Runs $step $n times after $warm warm-up runs; prints RSS at five points. */
function measure(string $label, int $n, int $warm, callable $step): void
{
    for ($i = 0; $i < $warm; $i++) {
        $step($i);
    }
    $points = [rss_kb()];
    $t = microtime(true);
    for ($i = 1; $i <= $n; $i++) {
        $step($warm + $i);
        if ($i % max(1, intdiv($n, 5)) === 0 && count($points) < 6) {
            $points[] = rss_kb();
        }
    }
    printf("%-34s %6d  %s  %+7d KB  (%.1f ms each)\n", $label, $n,
        implode(' ', array_map(fn ($kb) => sprintf('%6.1f', $kb / 1024), $points)),
        end($points) - $points[0], (microtime(true) - $t) * 1000 / $n);
}

$box = bg_sandbox('bench-rss');
$g = bg_git_setup($box);
$servers = [];
register_shutdown_function(function () use (&$servers, $box) {
    foreach ($servers as [$proc, $pidfile]) {
        bg_stop_server($proc, $pidfile);
    }
    bg_kill_dir($box);
    bg_rmrf($box);
});
[$daemon_port, $http_port] = bg_free_ports();
$urls = ['name' => 'origin', 'path' => $g['remote'], 'file' => 'file://' . $g['remote']];
if (array_intersect(['git'], $kinds)) {
    $servers[] = [bg_start_server(['git', 'daemon', '--reuseaddr', '--export-all', "--base-path=$box",
        '--listen=127.0.0.1', "--port=$daemon_port", $box], $daemon_port, "$box/daemon.pid"), "$box/daemon.pid"];
    $urls['git'] = "git://127.0.0.1:$daemon_port/remote.git";
}
if (array_intersect(['http'], $kinds)) {
    putenv("GIT_PROJECT_ROOT=$box");
    $servers[] = [bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$http_port", __DIR__ . '/../tests/fixtures/git_http_router.php'],
        $http_port, "$box/http.pid"), "$box/http.pid"];
    $urls['http'] = "http://127.0.0.1:$http_port/remote.git";
}

printf("%-34s %6s  %s  %10s\n", 'remote: what', 'times', 'RSS MB at 0, 1/5 ... 5/5 (after a warm-up)', 'growth');
$commits = 0;
foreach ($urls as $kind => $url) {
    if (!in_array($kind, $kinds, true)) {
        continue;
    }
    $r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => $url, 'build' => [], 'log' => fn () => null]));
    $n = in_array($kind, ['git', 'http'], true) ? max(5, intdiv($ticks, 5)) : $ticks;
    measure("$kind: tick(), nothing new", $n, 100, fn () => $r->tick());
    measure("$kind: check()+prepare() of a push", $deploys, 3, function () use ($g, $r, &$commits) {
        $sha = bg_git_commit($g['work'], ['index.php' => '<?php echo ' . ++$commits . ";\n"], "c$commits");
        bg_git_push($g['work']);
        if ($r->check() !== $sha) {
            throw new RuntimeException("check() did not see $sha");
        }
        bg_rmrf($r->prepare($sha)->path);
    });
    // The next kind's tick() starts from the branch head.
    bg_git(['fetch', '-q', 'origin'], $g['root']);
    bg_git(['reset', '-q', '--hard', 'origin/master'], $g['root']);
}

if (in_array('deploy', $kinds, true)) {
    $scene = bg_deploy_scene("$box/deploy");
    $r = new BlueGreen\Releaser(bg_deploy_options($scene, ['keep_releases' => 3, 'build' => [], 'log' => fn () => null]));
    try {
        measure('name: deploy() (nginx, app)', $deploys, 3, function (int $i) use ($scene, $r) {
            bg_app_commit($scene, "v$i");
            if (!$r->deploy()) {
                throw new RuntimeException("deploy of v$i did nothing");
            }
        });
    } finally {
        bg_scene_stop($scene);
    }
}
