--TEST--
Fixture app failure switches: FAIL_START, NEVER_LISTEN, HEALTH_STATUS, IGNORE_SIGTERM, SLOW_START
--EXTENSIONS--
pcntl
posix
--SKIPIF--
<?php
// Under valgrind (tests/run.sh -m) every PHP process the test starts is traced too: far too slow for these timings.
if (getenv('USE_ZEND_ALLOC') === '0') die('skip not under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox(bg_app_sandbox_name('fixture_app_failures'));
[$port] = bg_free_ports();
$masters = [];                  // every master this test starts
bg_cleanup_at_exit($box, $masters);

/** A fresh copy of the app in $box/$name with $files added, on $port. */
function app_with(string $box, string $name, int $port, array $files): string
{
    $app = bg_app_copy("$box/$name", $files);
    bg_set_port($app, $port);
    return $app;
}

echo "-- FAIL_START\n";
$app = app_with($box, 'fail_start', $port, ['FAIL_START' => "broken on purpose\n"]);
foreach ([['easyswoole', 'start', 'd'], ['easyswoole', 'server', 'start', '-d']] as $args) {
    $r = bg_app_run($app, $args);
    bg_check(implode(' ', $args) . ': exit 1 with the reason', $r['exit'] === 1
        && str_contains($r['output'], 'FAIL_START') && str_contains($r['output'], 'broken on purpose'), $r);
}
bg_check('nothing started, nothing created', bg_listen_inodes($port) === [] && !is_dir("$app/Temp") && !is_dir("$app/Log"));

echo "-- NEVER_LISTEN\n";
$app = app_with($box, 'never_listen', $port, ['NEVER_LISTEN' => '']);
$r = bg_app_run($app, ['easyswoole', 'start', 'd']);
bg_check('start d: exit 0 at once', $r['exit'] === 0 && $r['seconds'] < 2.0, $r);
bg_check('a live daemon in the pid file', bg_wait_for(fn () => bg_app_pid($app) !== null, 5.0)
    && bg_pid_alive($masters[] = bg_app_pid($app)));
bg_check('the port never opens', !bg_wait_port($port, true, 1.0));
$pid = bg_app_pid($app);
$r = bg_app_run($app, ['easyswoole', 'stop'], 20.0);
bg_check('stop (SIGTERM) ends it; pid file removed', $r['exit'] === 0 && str_contains($r['output'], 'server stop at')
    && !bg_pid_alive($pid) && bg_app_pid($app) === null, $r);

echo "-- HEALTH_STATUS=500\n";
$app = app_with($box, 'health', $port, ['HEALTH_STATUS' => "500\n"]);
$r = bg_app_run($app, ['easyswoole', 'start', 'd']);
bg_check('start d: exit 0, port listening', $r['exit'] === 0 && bg_wait_port($port, true, 5.0), $r);
bg_wait_for(fn () => bg_app_pid($app) !== null, 5.0);
$masters[] = $pid = bg_app_pid($app);
$res = bg_http_get('127.0.0.1', $port, '/health');
bg_check('/health answers 500', ($res['status'] ?? 0) === 500 && $res['body'] === "unhealthy\n", $res);
$res = bg_http_get('127.0.0.1', $port, '/');
bg_check('/ still answers 200', ($res['status'] ?? 0) === 200, $res);
$r = bg_app_run($app, ['easyswoole', 'stop'], 20.0);
bg_check('stop', $r['exit'] === 0 && bg_wait_port($port, false, 5.0) && !bg_pid_alive((int)$pid), $r);

echo "-- IGNORE_SIGTERM\n";
$app = app_with($box, 'ignore_sigterm', $port, ['IGNORE_SIGTERM' => '']);
$r = bg_app_run($app, ['easyswoole', 'start', 'd']);
bg_check('start d: exit 0, port listening', $r['exit'] === 0 && bg_wait_port($port, true, 5.0), $r);
bg_wait_for(fn () => bg_app_pid($app) !== null, 5.0);
$masters[] = $pid = (int)bg_app_pid($app);
$workers = bg_children($pid);
posix_kill($pid, SIGTERM);
posix_kill($workers[0], SIGTERM);
usleep(1000000);
$res = bg_http_get('127.0.0.1', $port, '/');
bg_check('1 s after SIGTERM to master and a worker, all alive and serving', count($workers) === 2
    && bg_pid_alive($pid) && bg_pid_alive($workers[0]) && bg_pid_alive($workers[1]) && ($res['status'] ?? 0) === 200, [$workers, $res]);
$r = bg_app_run($app, ['easyswoole', 'stop', 'force']);
bg_check('stop force (SIGKILL) ends the master', $r['exit'] === 0 && str_contains($r['output'], 'server stop at') && !bg_pid_alive($pid), $r);
bg_check('its workers follow; the port closes', bg_wait_port($port, false, 5.0)
    && bg_wait_gone($workers[0], 5.0) && bg_wait_gone($workers[1], 5.0));
bg_check('the pid file stays behind (no clean exit)', bg_app_pid($app) === $pid);

echo "-- SLOW_START=1000\n";
$app = app_with($box, 'slow_start', $port, ['SLOW_START' => "1000\n"]);
$t0 = microtime(true);
$r = bg_app_run($app, ['easyswoole', 'start', 'd']);
bg_check('start d: exit 0 at once, port not open yet', $r['exit'] === 0 && $r['seconds'] < 0.9 && bg_listen_inodes($port) === [], $r);
bg_check('a live daemon in the pid file meanwhile', bg_wait_for(fn () => bg_app_pid($app) !== null, 5.0)
    && bg_pid_alive($masters[] = bg_app_pid($app)));
bg_check('the port opens after ~1 s', bg_wait_port($port, true, 5.0) && microtime(true) - $t0 >= 0.9, microtime(true) - $t0);
$res = bg_http_get('127.0.0.1', $port, '/health');
bg_check('then it is healthy', ($res['status'] ?? 0) === 200, $res);
$pid = bg_app_pid($app);
$r = bg_app_run($app, ['easyswoole', 'stop'], 20.0);
bg_check('stop', $r['exit'] === 0 && bg_wait_port($port, false, 5.0) && !bg_pid_alive((int)$pid), $r);

bg_check('no process left in the sandbox', bg_procs_in($box) === [], bg_procs_in($box));
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = sys_get_temp_dir() . '/bluegreen-test-' . bg_app_sandbox_name('fixture_app_failures');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- FAIL_START
easyswoole start d: exit 1 with the reason: ok
easyswoole server start -d: exit 1 with the reason: ok
nothing started, nothing created: ok
-- NEVER_LISTEN
start d: exit 0 at once: ok
a live daemon in the pid file: ok
the port never opens: ok
stop (SIGTERM) ends it; pid file removed: ok
-- HEALTH_STATUS=500
start d: exit 0, port listening: ok
/health answers 500: ok
/ still answers 200: ok
stop: ok
-- IGNORE_SIGTERM
start d: exit 0, port listening: ok
1 s after SIGTERM to master and a worker, all alive and serving: ok
stop force (SIGKILL) ends the master: ok
its workers follow; the port closes: ok
the pid file stays behind (no clean exit): ok
-- SLOW_START=1000
start d: exit 0 at once, port not open yet: ok
a live daemon in the pid file meanwhile: ok
the port opens after ~1 s: ok
then it is healthy: ok
stop: ok
no process left in the sandbox: ok
