--TEST--
tick() and a full disk: a deploy whose prepare fails with ENOSPC (releases_dir on a small tmpfs, filled) is not marked failed but retried after the backoff; once there is room again, a later tick deploys the same commit and it answers through nginx
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (posix_getuid() !== 0) die('skip needs root to mount a small tmpfs');
$dir = sys_get_temp_dir() . '/bluegreen-mount-probe-' . getmypid();
@mkdir($dir);
$run = fn (array $argv) => proc_close(proc_open($argv, [['file', '/dev/null', 'r'], ['file', '/dev/null', 'w'], ['file', '/dev/null', 'w']], $pipes));
$rc = $run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', $dir]);
if ($rc === 0) $run(['umount', $dir]);
@rmdir($dir);
if ($rc !== 0) die('skip cannot mount a tmpfs here');
?>
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('tick-retry-disk-full');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$full = "$box/full";
mkdir($full);
$m = bg_run(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', $full], $box);
echo "tmpfs mounted: ", var_export($m['exit'] === 0, true), "\n";
[$log, $lines] = bg_log_recorder();
$opts = bg_deploy_options($scene, ['build' => [], 'retry_backoff' => 1, 'releases_dir' => $full]);
$r = new BlueGreen\Releaser(['log' => $log] + $opts);
$v2 = bg_app_commit($scene, 'v2');
$n = fn (string $s) => str_replace([$v2, substr($v2, 0, 7)], 'v2', bg_scene_names($scene, $s));
echo "check() fetched v2 into the cache on the tmpfs: ", $n((string) $r->check()), "\n";

// All the room but 16 KB taken: the state fits, a release does not.
$filler = fopen("$full/filler", 'w');
$left = (int) disk_free_space($full) - 16384;
for ($i = 0; $i < 64 && $left > 0; $i++) {
    $left -= (int) fwrite($filler, str_repeat("\0", min($left, 65536)));
}
fclose($filler);
$lines->exchangeArray([]);
echo "-- the disk is full: the tick fails at prepare, the commit is not marked failed\n";
var_dump($r->tick());
foreach ($lines as $l) {
    if ($l['level'] !== 'info' && $l['level'] !== 'debug') {
        echo "  {$l['level']}: ", $n(preg_replace(['/release-\d{8}T\d{6}-\w+/', "/'[^']*'/"], ['RELEASE', "'FILE'"], $l['message'])), "\n";
    }
}
$lines->exchangeArray([]);
$st = $r->status();
echo "  status: failed ", json_encode($st['failed']), ", retry ", $n("{$st['retry']['commit']} at {$st['retry']['step']}: " . strtok($st['retry']['reason'], ':')), "\n";
echo "  no release directory left behind: ", var_export(glob("$full/release-*") === [], true), "\n";
echo "  nginx answers ", $n(bg_answer($scene['listen'])), "\n";

echo "-- room again: the tick after the backoff deploys v2\n";
unlink("$full/filler");
$deadline = microtime(true) + 10;
while (time() < $st['retry']['retry_after'] && microtime(true) < $deadline) {
    usleep(50000);
}
$rel = $r->tick();
echo "  tick(): ", $rel ? $n("$rel->commit on port $rel->port") : 'null', ", retry ", json_encode($r->status()['retry']), "\n";
echo "  nginx answers ", $n(bg_answer($scene['listen'])), "\n";

bg_scene_stop($scene);
bg_run(['umount', '-l', $full], $box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('tick-retry-disk-full');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
if (is_dir("$box/full")) {
    bg_run(['umount', '-l', "$box/full"], $box);
}
bg_rmrf($box);
?>
--EXPECTF--
tmpfs mounted: true
check() fetched v2 into the cache on the tmpfs: v2
-- the disk is full: the tick fails at prepare, the commit is not marked failed
NULL
  error: deploy: v2 failed at prepare: %sNo space left on device; the disk is full, which is not the commit's fault: tick() tries again in 1 s (attempt 1)
  status: failed [], retry v2 at prepare: the disk is full
  no release directory left behind: true
  nginx answers version=v1 port=A
-- room again: the tick after the backoff deploys v2
  tick(): v2 on port B, retry null
  nginx answers version=v2 port=B
