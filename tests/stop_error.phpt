--TEST--
Releaser::stop(): refuses the live port; with releases sharing one pid file (one TEMP_DIR) the default stops only the old service, while a `stop` command hitting the live one is reported; drain_timeout is a bound
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox('stop-error');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $b);
$lines = [];
$name = fn (string $s) => str_replace([$box, $a, $b], ['BOX', 'A', 'B'], preg_replace('/\(\d+ ms\)|\([\d.]+ s\)|pid \d+/', 'T', $s));
$opts = ['root' => $box, 'ports' => [$a, $b], 'stop_timeout' => 2, 'drain_timeout' => 0.5,
    'nginx' => ['conf' => $conf, 'upstream' => 'app'],
    'log' => function ($level, $msg) use (&$lines, $name) { $lines[] = "$level: " . $name($msg); }];
$try = function (callable $fn) use ($name) {
    try { $fn(); echo "no exception\n"; } catch (Throwable $e) { echo get_class($e), ': ', $name($e->getMessage()), "\n"; }
};

echo "-- the live port\n";
$r = new BlueGreen\Releaser($opts);
$try(fn () => $r->stop($b));

echo "-- one TEMP_DIR for both releases: the new master overwrote the old one's pid file\n";
$shared = ['dev.php' => str_replace("'TEMP_DIR' => null", "'TEMP_DIR' => '$box/temp'", file_get_contents(BG_APP_SRC . '/dev.php'))];
$pids[] = $old = bg_app_serve("$box/old", $a, 'v1', $shared);
$pids[] = $live = bg_app_serve("$box/live", $b, 'v2', $shared);
echo "pid file names the live master: ", var_export((int) file_get_contents("$box/temp/pid.pid") === $live, true), "\n";
$r->stop($a);
echo "default stop: old gone ", var_export(bg_wait_gone($old, 2), true), ", live serving: ", $name(bg_answer($b)), "\n";

echo "-- the same with the app's own stop command, run in the old release\n";
bg_kill_tree($live, $box);
bg_wait_port($b, false, 5);
$pids[] = $old = bg_app_serve("$box/old", $a, 'v1', $shared);
$pids[] = $live = bg_app_serve("$box/live", $b, 'v2', $shared);
// The old release is root, as in the seed: `stop` runs there.
$r = new BlueGreen\Releaser(['stop' => [PHP_BINARY, 'easyswoole', 'stop'], 'root' => "$box/old"] + $opts);
$lines = [];
$try(fn () => $r->stop($a));
echo "the live master was hit: ", var_export(!bg_pid_alive($live) || bg_wait_gone($live, 3), true), "\n";
echo "but the old port is closed all the same: ", var_export(bg_wait_port($a, false, 1), true), "\n";
echo implode("\n", array_filter($lines, fn ($l) => str_contains($l, 'easyswoole stop'))), "\n";

echo "-- drain_timeout bounds the wait for connections\n";
$pids[] = bg_app_serve("$box/old", $a, 'v1');
$slow = bg_http_start('127.0.0.1', $a, '/slow?ms=1500');
usleep(100000);
$lines = [];
$r = new BlueGreen\Releaser($opts);
$r->stop($a);
echo implode("\n", array_filter($lines, fn ($l) => str_contains($l, 'drain'))), "\n";
echo "the request still completed (graceful shutdown): ", bg_http_finish($slow)['status'] ?? 'error', "\n";

foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('stop-error');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- the live port
BlueGreen\StartException: refusing to stop port B: nginx (BOX/upstream.conf, upstream "app") points there, it is the live service
-- one TEMP_DIR for both releases: the new master overwrote the old one's pid file
pid file names the live master: true
default stop: old gone true, live serving: version=v2 port=B
-- the same with the app's own stop command, run in the old release
BlueGreen\StartException: stopping port A with `%s easyswoole stop` in %s also hit the live service on port B: %d of its %d process(es) are gone%s. Do the releases share a pid file (one TEMP_DIR)? Leave the `stop` option null to stop by the port's socket owner
the live master was hit: true
but the old port is closed all the same: true
info: stop: `%s easyswoole stop` in %s: exit status 0 T%a
-- drain_timeout bounds the wait for connections
warning: drain: 1 connection(s) still open on port A after %s (drain_timeout); stopping anyway
the request still completed (graceful shutdown): 200
