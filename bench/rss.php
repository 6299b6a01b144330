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
 * (nginx, the fixture app started and stopped) with the name remote. Then,
 * each a KIND of its own:
 *   metrics  TICKS tick()s with `metrics_file` (the file rewritten at each check)
 *   fleet    a member of a fleet on a real redis-server, live on the commit
 *            of a done rollout: TICKS tick()s (each reads the rollout and
 *            writes its heartbeat)
 *   watch    DEPLOYS deploy()s with a 1 s `watch` under wrk's load, the
 *            access log growing across them (each watch reads it from its
 *            size at the switch); then one deploy with a 60 s watch under
 *            load, its RSS sampled from another process meanwhile
 * RSS is VmRSS of /proc/self/status, printed at five points after a
 * warm-up, and the growth from the first. Everything is made under /tmp and
 * removed.
 */

declare(strict_types=1);

require __DIR__ . '/../tests/inc/fleet.inc';
require __DIR__ . '/../tests/inc/watch.inc';

if (!extension_loaded('bluegreen')) {
    fwrite(STDERR, "run with: php -d extension=modules/bluegreen.so bench/rss.php\n");
    exit(2);
}
$ticks = max(5, (int) ($argv[1] ?? 10000));
$deploys = max(5, (int) ($argv[2] ?? 50));
$kinds = explode(',', $argv[3] ?? 'name,path,file,git,http,deploy,metrics,fleet,watch');

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

if (in_array('metrics', $kinds, true)) {
    $r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => 'origin', 'build' => [], 'log' => fn () => null,
        'metrics_file' => "$box/bluegreen.prom"]));
    measure('name: tick(), metrics_file', $ticks, 100, fn () => $r->tick());
}

if (in_array('fleet', $kinds, true)) {
    mkdir("$box/fleet");
    $store = bg_fleet_store_start('redis', "$box/fleet");
    $servers[] = [$store['proc'], $store['pidfile']];
    $fleet = bg_fleet_hosts("$box/fleet", 1);
    try {
        $r = new BlueGreen\Releaser(bg_fleet_options($fleet['hosts'][1], $store['url'], [], ['log' => fn () => null]));
        bg_app_commit($fleet['world'], 'v2');
        $done = bg_wait_for(function () use ($r) {
            $r->tick();
            return ($r->status()['fleet']['rollout']['state'] ?? null) === 'done';
        }, 60);
        if (!$done) {
            throw new RuntimeException('the fleet member did not finish its rollout within 60 s');
        }
        measure('fleet: tick(), rollout done', $ticks, 100, fn () => $r->tick());
    } finally {
        bg_fleet_stop("$box/fleet", $fleet);
    }
}

/** A process that prints the VmRSS of $pid (KB) every 0.5 s for $seconds: read it with bg_output(). */
function rss_sampler(int $pid, float $seconds): array
{
    $code = 'for ($end = microtime(true) + ' . $seconds . '; microtime(true) < $end; usleep(500000)) {'
        . ' preg_match("/^VmRSS:\\s+(\\d+) kB/m", (string) @file_get_contents("/proc/' . $pid . '/status"), $m);'
        . ' echo ($m[1] ?? 0), "\\n"; }';
    return bg_spawn([PHP_BINARY, '-n', '-r', $code], sys_get_temp_dir());
}

if (in_array('watch', $kinds, true)) {
    $scene = bg_watch_scene("$box/watch");
    $load = bg_load_start($scene['listen'], 4, 3600);
    try {
        $r = new BlueGreen\Releaser(bg_watch_options($scene, ['seconds' => 1, 'min_requests' => 20],
            ['keep_releases' => 3, 'build' => [], 'log' => fn () => null]));
        measure('watch: deploy(), 1 s watch, load', $deploys, 3, function (int $i) use ($scene, $r) {
            bg_app_commit($scene, "v$i");
            if (!$r->deploy()) {
                throw new RuntimeException("deploy of v$i did nothing");
            }
        });
        $long = 60;
        $r = new BlueGreen\Releaser(bg_watch_options($scene, ['seconds' => $long, 'min_requests' => 20],
            ['keep_releases' => 3, 'build' => [], 'log' => fn () => null]));
        bg_app_commit($scene, 'long');
        $sampler = rss_sampler(getmypid(), $long + 20);
        $t = microtime(true);
        $r->deploy();
        $took = microtime(true) - $t;
        bg_wait_exit($sampler, $long + 30);
        $samples = array_values(array_filter(array_map('intval', explode("\n", bg_output($sampler)))));
        proc_close($sampler['proc']);
        // The watch's samples: from 2 s after the deploy began to its end.
        $during = array_slice($samples, 4, max(1, (int) ($took * 2) - 4));
        $points = [];
        for ($k = 0; $k <= 5; $k++) {
            $points[] = $during[min(count($during) - 1, intdiv($k * (count($during) - 1), 5))];
        }
        printf("%-34s %6d  %s  %+7d KB  (a deploy of %.1f s, %d samples)\n", "watch: one {$long} s watch, load", 1,
            implode(' ', array_map(fn ($kb) => sprintf('%6.1f', $kb / 1024), $points)),
            end($points) - $points[0], $took, count($during));
        clearstatcache();
        printf("%-34s access log: %.1f MB\n", '', filesize($scene['log']) / 1048576);
    } finally {
        bg_load_stop($load);
        bg_scene_stop($scene);
    }
}
