--TEST--
Children of a releaser running where SIGTERM is blocked and SIGPIPE ignored (a Swoole user process): a build step sees neither, and a service it starts still stops on SIGTERM
--EXTENSIONS--
bluegreen
pcntl
posix
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('spawn-signals');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$world = bg_app_world($box, $a);
$sha = bg_app_commit($world, 'v2');
$opts = ['root' => $world['root'], 'ports' => [$a, $b], 'health' => ['path' => '/health', 'timeout' => 10],
    'nginx' => ['conf' => bg_write_upstream_conf("$box/upstream.conf", 'app', $a), 'upstream' => 'app'],
    // Not PHP: PHP's CLI sets SIGPIPE to SIG_IGN itself, whatever it inherited.
    'build' => [['grep', '-E', '^Sig(Blk|Ign):', '/proc/self/status']], 'log' => "$box/releaser.log"];

// The releaser's process, shaped like a Swoole user process: SIGTERM blocked,
// SIGPIPE ignored. It prepares and starts v2 on B, then exits.
file_put_contents("$box/child.php", <<<'PHP'
    <?php
    pcntl_sigprocmask(SIG_BLOCK, [SIGTERM]);
    pcntl_signal(SIGPIPE, SIG_IGN);
    preg_match_all('/^Sig(Blk|Ign):\s*(\S+)$/m', file_get_contents('/proc/self/status'), $m);
    $mask = array_combine($m[1], array_map('hexdec', $m[2]));
    echo 'releaser: SIGTERM blocked ', var_export((($mask['Blk'] >> (SIGTERM - 1)) & 1) === 1, true),
        ', SIGPIPE ignored ', var_export((($mask['Ign'] >> (SIGPIPE - 1)) & 1) === 1, true), "\n";
    $opts = json_decode($argv[1], true);
    $r = new BlueGreen\Releaser($opts);
    $release = $r->start($r->prepare($argv[2]), (int) $argv[3]);
    echo "started: ", basename($release->path), "\n";
    // A service that installs no SIGTERM handler, so never unblocks it itself
    // (PHP's pcntl_signal() does, which the fixture uses): php -S, exec'd by
    // a php -r that keeps the mask it was given.
    $plain = json_decode($argv[4], true);
    file_put_contents("$release->path/plain.php", "<?php return ['PORT' => {$plain['ports'][0]}];\n");
    $r2 = new BlueGreen\Releaser($plain + $opts);
    $r2->start($release, (int) $argv[5]);
    echo "started php -S\n";
    PHP);
[$c, $d] = bg_free_ports();
$plain = ['ports' => [$c, $d], 'health' => ['path' => null, 'timeout' => 10], 'port_files' => ['plain.php'],
    'nginx' => ['conf' => bg_write_upstream_conf("$box/upstream-plain.conf", 'plain', $c), 'upstream' => 'plain'],
    'start' => [PHP_BINARY, '-r', 'pcntl_exec(PHP_BINARY, ["-S", "127.0.0.1:" . getenv("BLUEGREEN_PORT")]);']];
$res = bg_run(bg_php(["$box/child.php",
    json_encode($opts), $sha, (string) $b, json_encode($plain), (string) $d]), $box, 30);
echo preg_replace('/release-\d{8}T\d{6}-[0-9a-f]{7}(-\d+)?/', 'RELEASE', $res['output']);
echo "releaser exited: ", var_export($res['exit'], true), "\n";
$pids = array_merge($pids, bg_socket_holders($b), bg_socket_holders($d));

echo "-- the build step\n";
$logs = glob("$box/releases/.bluegreen/logs/release-*.log");
preg_match_all('/^Sig(?:Blk|Ign):.*$/m', $logs ? file_get_contents($logs[0]) : '', $m);
echo implode("\n", $m[0]), "\n";

echo "-- the service\n";
$service = bg_socket_holders($b);
$master = (int) bg_app_pid(glob("$box/releases/release-*")[0] ?? '/nonexistent');
bg_check('serving on B: the master and its workers', $master > 0 && count($service) >= 2
    && in_array($master, $service, true), [$master, $service]);
$bad = [];
foreach ($service as $pid) {
    if (bg_proc_mask($pid, 'SigBlk') !== 0 || bg_mask_has(bg_proc_mask($pid, 'SigIgn'), SIGTERM)) {
        $bad[] = $pid;
    }
}
bg_check('no signal blocked, SIGTERM not ignored, in any of its processes', $service && !$bad, $bad);
// Timed by the processes (a /proc/PID/stat read each), not by the port: with
// many sockets open on the machine, reading /proc/net/tcp* is what takes time.
$t0 = microtime(true);
posix_kill($master, SIGTERM);
$gone = bg_wait_for(fn () => !array_filter($service, 'bg_pid_alive'), 10.0);
$took = microtime(true) - $t0;
bg_check('SIGTERM to its master: it and its workers are gone within 5 s', $gone && $took < 5.0,
    [$took, array_filter($service, 'bg_pid_alive'), file_get_contents(glob("$box/releases/release-*")[0] . '/Log/fixture.log')]);
bg_check('and the port is closed', bg_listen_inodes($b) === []);

echo "-- php -S, which leaves its signal mask as it finds it\n";
$plain = bg_socket_holders($d);
bg_check('listening: one process', count($plain) === 1, $plain);
bg_check('SigBlk 0', $plain && bg_proc_mask($plain[0], 'SigBlk') === 0, $plain ? bg_proc_mask($plain[0], 'SigBlk') : null);
$t0 = microtime(true);
$plain && posix_kill($plain[0], SIGTERM);
bg_check('SIGTERM: gone within 5 s', $plain && bg_wait_gone($plain[0], 5.0), microtime(true) - $t0);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('spawn-signals');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
releaser: SIGTERM blocked true, SIGPIPE ignored true
started: RELEASE
started php -S
releaser exited: 0
-- the build step
SigBlk:	0000000000000000
SigIgn:	0000000000000000
-- the service
serving on B: the master and its workers: ok
no signal blocked, SIGTERM not ignored, in any of its processes: ok
SIGTERM to its master: it and its workers are gone within 5 s: ok
and the port is closed: ok
-- php -S, which leaves its signal mask as it finds it
listening: one process: ok
SigBlk 0: ok
SIGTERM: gone within 5 s: ok
