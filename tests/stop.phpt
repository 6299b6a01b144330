--TEST--
Releaser::stop(): drains (a /slow request in flight completes with 200), stops only the service that owns the port, SIGKILLs one that ignores SIGTERM, and is a no-op on an idle port
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox('stop');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $b);
$lines = [];
$log = function ($level, $msg, $ctx) use (&$lines, $a, $b) {
    $lines[] = "$level: " . str_replace([$a, $b], ['A', 'B'], preg_replace('/\(\d+ ms\)|\([\d.]+ s\)|pid \d+/', 'T', $msg));
};
$r = new BlueGreen\Releaser(['root' => $box, 'ports' => [$a, $b], 'stop_timeout' => 1, 'drain_timeout' => 10,
    'nginx' => ['conf' => $conf, 'upstream' => 'app'], 'log' => $log]);

echo "-- a request in flight is answered before the service stops\n";
$pids[] = $old = bg_app_serve("$box/old", $a, 'v1');
$pids[] = $live = bg_app_serve("$box/live", $b, 'v2');
$slow = bg_http_start('127.0.0.1', $a, '/slow?ms=1200');
usleep(200000);
$t = microtime(true);
$r->stop($a);
$took = microtime(true) - $t;
$res = bg_http_finish($slow);
echo "in-flight request: ", $res['status'] ?? $res['error'], ' ', trim(str_replace($a, 'A', $res['body'] ?? '')) ? 'v1 answered' : '', "\n";
echo "stop waited for it: ", var_export($took > 0.8, true), "\n";
echo "old master gone: ", var_export(bg_wait_gone($old, 2), true), ", port A closed: ", var_export(bg_wait_port($a, false, 1), true), "\n";
echo "live untouched: ", var_export(bg_pid_alive($live), true), ', ', str_replace($b, 'B', bg_answer($b)), "\n";
echo implode("\n", $lines), "\n";
$lines = [];

echo "-- an idle port\n";
$r->stop($a);
echo implode("\n", $lines), "\n";
$lines = [];

echo "-- a service that ignores SIGTERM is SIGKILLed after stop_timeout\n";
$pids[] = $stubborn = bg_app_serve("$box/stubborn", $a, 'v1', ['IGNORE_SIGTERM' => '1']);
$t = microtime(true);
$r->stop($a);
printf("took about stop_timeout: %s\n", var_export(microtime(true) - $t > 0.9 && microtime(true) - $t < 5, true));
echo "gone: ", var_export(bg_wait_gone($stubborn, 2), true), ", port A closed: ", var_export(bg_wait_port($a, false, 1), true), "\n";
echo implode("\n", array_filter($lines, fn ($l) => str_starts_with($l, 'warning'))), "\n";

bg_kill_tree($live, $box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('stop');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- a request in flight is answered before the service stops
in-flight request: 200 v1 answered
stop waited for it: true
old master gone: true, port A closed: true
live untouched: true, version=v2 port=B
info: drain: no connection left on port A T
info: stop: SIGTERM to T, the service on port A
info: stop: port A stopped with SIGTERM to the owner of its socket T
-- an idle port
info: stop: nothing listens on port A
-- a service that ignores SIGTERM is SIGKILLed after stop_timeout
took about stop_timeout: true
gone: true, port A closed: true
warning: stop: port A still listening after 1 s; SIGKILL to 3 process(es)
