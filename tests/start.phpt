--TEST--
Releaser::start(): a prepared release comes up healthy on the idle port, detached, with its port set, no inherited descriptor or signal state, and outlives the PHP process that started it
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('start');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$world = bg_app_world($box, $a);
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $a);
[$log, $lines] = bg_log_recorder();
$opts = ['root' => $world['root'], 'ports' => [$a, $b], 'health' => ['path' => '/health', 'timeout' => 10],
    'nginx' => ['conf' => $conf, 'upstream' => 'app'], 'log' => $log];
$r = new BlueGreen\Releaser($opts);
$name = fn (string $s) => str_replace([$box, (string) $a, (string) $b], ['BOX', 'A', 'B'], $s);

echo "-- start\n";
$sha = bg_app_commit($world, 'v2');
$release = $r->prepare($sha);
// Descriptors the releaser's process holds, which the service must not get.
$file = fopen("$box/held-open.txt", 'w');
$listening = stream_socket_server('tcp://127.0.0.1:0');
$started = $r->start($release, $b);
echo get_class($started), ' port=', $name((string) $started->port), ' same release: ',
    var_export($started->path === $release->path && $started->commit === $sha, true), "\n";
echo "prepared release untouched: port=", var_export($release->port, true), "\n";
echo "answers: ", $name(bg_answer($b)), "\n";
echo "dev.php: ", $name(preg_match("/'PORT' => (\d+)/", file_get_contents("$release->path/dev.php"), $m) ? $m[1] : '?'), "\n";
foreach (['BLUEGREEN_PORT', 'BLUEGREEN_COMMIT', 'BLUEGREEN_RELEASE'] as $var) {
    $v = bg_app_env($b, $var);
    echo "$var: ", $v === (string) $b ? 'B' : ($v === $sha ? 'the commit' : ($v === $release->path ? 'the release' : $v)), "\n";
}
$service = bg_socket_holders($b);
$pids = array_merge($pids, $service);
$master = bg_app_pid($release->path);
echo "processes holding B: ", count($service), ", the master among them: ", var_export(in_array($master, $service, true), true), "\n";
echo "detached (its own session): ", var_export(bg_proc_stat($master)['sid'] !== posix_getsid(0), true), "\n";
$mine = [];
foreach (scandir('/proc/self/fd') as $fd) {
    $t = @readlink("/proc/self/fd/$fd");
    if ($t && (str_starts_with($t, 'socket:') || str_contains($t, 'held-open'))) {
        $mine[] = $t;
    }
}
$leaked = [];
foreach ($service as $pid) {
    foreach (scandir("/proc/$pid/fd") as $fd) {
        if (in_array(@readlink("/proc/$pid/fd/$fd"), $mine, true)) {
            $leaked[] = "$pid:$fd";
        }
    }
}
echo "descriptors of ours in the service: ", $leaked ? implode(' ', $leaked) : 'none', "\n";
// PHP's CLI ignores SIGPIPE itself; what matters for a service is that
// nothing is blocked and SIGTERM is not ignored.
foreach ($service as $pid) {
    $blk = bg_proc_mask($pid, 'SigBlk');
    $ign = bg_proc_mask($pid, 'SigIgn');
    if ($blk !== 0 || bg_mask_has($ign, SIGTERM)) {
        echo "pid $pid: SigBlk=$blk SigIgn=$ign\n";
    }
}
echo "no signal blocked, SIGTERM not ignored\n";
bg_log_print($lines, [$box => 'BOX', (string) $b => 'B', substr($sha, 0, 7) => 'SHA', PHP_BINARY => 'PHP',
    substr(bg_git(['rev-parse', 'HEAD'], $world['root']), 0, 7) => 'ROOT']);

echo "-- the service outlives the PHP process that started it\n";
$child = "$box/child.php";
file_put_contents($child, '<?php
$o = json_decode($argv[1], true);
$r = new BlueGreen\Releaser($o);
echo $r->start($r->prepare($argv[2]), (int) $argv[3])->port, "\n";');
$r->stop($b);
$sha3 = bg_app_commit($world, 'v3');
unset($opts['log']);
$res = bg_run(bg_php([$child,
    json_encode($opts), $sha3, (string) $b]), $box, 30);
$out = explode("\n", trim($res['output']));
echo "child exited: ", $res['exit'], ", printed ", $name(end($out)), "\n";
echo "still answers: ", $name(bg_answer($b)), "\n";
$pids = array_merge($pids, bg_socket_holders($b));

echo "-- a start command that stays in the foreground is the service\n";
$r->stop($b);
[$log2, $lines2] = bg_log_recorder();
$r2 = new BlueGreen\Releaser(['log' => $log2, 'start' => [PHP_BINARY, 'easyswoole', 'start']] + $opts);
$fg = $r2->start($r2->prepare($sha3), $b);
echo "answers: ", $name(bg_answer($b)), "\n";
echo $name(preg_replace('/release-\S+ |\(\d+ ms\)|\([\d.]+ s\)/', '', $lines2[count($lines2) - 1]['message'])), "\n";
$pids = array_merge($pids, bg_socket_holders($b));
$r2->stop($b);
echo "stopped: ", var_export(bg_wait_port($b, false, 2), true), "\n";

foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('start');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- start
BlueGreen\Release port=B same release: true
prepared release untouched: port=NULL
answers: version=v2 port=B
dev.php: B
BLUEGREEN_PORT: B
BLUEGREEN_COMMIT: the commit
BLUEGREEN_RELEASE: the release
processes holding B: 3, the master among them: true
detached (its own session): true
descriptors of ours in the service: none
no signal blocked, SIGTERM not ignored
info: fetch: master from BOX/remote.git: received N objects, B bytes (DURATION)
debug: cache: seeded from root's objects (0 packs, 13 loose), hardlinked; its HEAD ROOT and tree verified (DURATION)
info: prepare: cloned SHA into BOX/releases/release-UTC-SHA, objects hardlinked from the cache (DURATION)
info: prepare: release BOX/releases/release-UTC-SHA ready (DURATION)
info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
info: start: release-UTC-SHA healthy on port B (DURATION)
-- the service outlives the PHP process that started it
child exited: 0, printed B
still answers: version=v3 port=B
-- a start command that stays in the foreground is the service
answers: version=v3 port=B
start: healthy on port B (its start command stays in the foreground as the service) 
stopped: true
