--TEST--
Fixture app: daemon start, routes, prefork concurrency, stop, graceful SIGTERM, bind errors, the three CLI grammars
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
$box = bg_sandbox(bg_app_sandbox_name('fixture_app'));
[$port, $port2] = bg_free_ports();
$app = bg_app_copy("$box/app", ['VERSION' => "v1\n"]);
bg_set_port($app, $port);
bg_set_port($app, $port2, 'produce.php');
$masters = [];                  // every master this test starts
bg_cleanup_at_exit($box, $masters);

/** Runs a daemonizing start command; returns the master's pid from the pid file. */
function start_daemon(string $app, array $args, int $port, array &$masters): ?int
{
    $r = bg_app_run($app, $args);
    // The launcher may return before the daemon has written its pid file.
    bg_wait_for(fn () => bg_app_pid($app) !== null, 5.0);
    $pid = bg_app_pid($app);
    if ($pid !== null) {
        $masters[] = $pid;
    }
    bg_check(implode(' ', $args) . ': exit 0 at once', $r['exit'] === 0 && $r['seconds'] < 2.0, $r);
    bg_check('  port listening', bg_wait_port($port, true, 5.0));
    return $pid;
}

function stop_daemon(string $app, array $args, int $port, ?int $pid): void
{
    $r = bg_app_run($app, $args, 20.0);
    bg_check(implode(' ', $args) . ': exit 0, stopped', $r['exit'] === 0 && str_contains($r['output'], 'server stop at'), $r);
    bg_check('  port closed, master gone, pid file removed',
        bg_wait_port($port, false, 5.0) && $pid !== null && !bg_pid_alive($pid) && bg_app_pid($app) === null);
}

echo "-- 3.3: start d\n";
$pid = start_daemon($app, ['easyswoole', 'start', 'd'], $port, $masters);
bg_check('pid file names a live master', $pid !== null && bg_pid_alive($pid)
    && bg_cmdline($pid) === "fixture master port=$port", [$pid, $pid ? bg_cmdline($pid) : null]);
$workers = $pid ? bg_children($pid) : [];
bg_check('two workers', count($workers) === 2 && bg_cmdline($workers[0]) === "fixture worker port=$port", $workers);

$res = bg_http_get('127.0.0.1', $port, '/');
bg_check('GET / names version, port and a worker pid', ($res['status'] ?? 0) === 200
    && preg_match("/^version=v1 port=$port pid=(\\d+)\\n\\z/", $res['body'], $m)
    && in_array((int)$m[1], $workers, true), $res);
bg_check('Content-Length and Connection: close', ($res['headers']['connection'] ?? '') === 'close'
    && ($res['headers']['content-length'] ?? '') === (string)strlen($res['body']), $res);
$res = bg_http_get('127.0.0.1', $port, '/anything/else?x=1');
bg_check('any other path is the normal answer', ($res['status'] ?? 0) === 200 && str_starts_with($res['body'], 'version=v1 '), $res);
$res = bg_http_get('127.0.0.1', $port, '/health');
bg_check('GET /health is 200 ok', $res === ['status' => 200, 'headers' => $res['headers'] ?? [], 'body' => "ok\n"], $res);

$t0 = microtime(true);
$a = bg_http_start('127.0.0.1', $port, '/slow?ms=500');
$b = bg_http_start('127.0.0.1', $port, '/slow?ms=500');
$a = bg_http_finish($a);
$b = bg_http_finish($b);
$took = microtime(true) - $t0;
bg_check('two /slow?ms=500 at once take < 1 s, on two workers', ($a['status'] ?? 0) === 200 && ($b['status'] ?? 0) === 200
    && $took >= 0.5 && $took < 1.0 && $a['body'] !== $b['body'], [$took, $a, $b]);

echo "-- SIGTERM to a worker: it exits and the master respawns it\n";
posix_kill($workers[0], SIGTERM);
$deadline = microtime(true) + 5.0;
do {
    usleep(20000);
    $now = bg_children($pid);
} while ((count($now) !== 2 || in_array($workers[0], $now, true)) && microtime(true) < $deadline);
bg_check('old worker gone, a new one in its place', !bg_pid_alive($workers[0]) && count($now) === 2
    && in_array($workers[1], $now, true), [$workers, $now]);
$res = bg_http_get('127.0.0.1', $port, '/');
bg_check('still serving', ($res['status'] ?? 0) === 200, $res);

echo "-- 3.3: stop\n";
stop_daemon($app, ['easyswoole', 'stop'], $port, $pid);
$r = bg_app_run($app, ['easyswoole', 'stop']);
bg_check('stop with no pid file: exit 0 and says why', $r['exit'] === 0 && str_contains($r['output'], 'does not exist'), $r);

echo "-- foreground start; SIGTERM with a request in flight\n";
$fg = bg_spawn([PHP_BINARY, 'easyswoole', 'start'], $app);
$masters[] = $fg['pid'];
bg_check('port listening', bg_wait_port($port, true, 5.0), bg_output($fg));
bg_check('the started process is the master', bg_wait_for(fn () => bg_app_pid($app) === $fg['pid'], 5.0),
    [bg_app_pid($app), $fg['pid']]);
$sent = microtime(true);
$slow = bg_http_start('127.0.0.1', $port, '/slow?ms=1500');
usleep(300000);                 // a worker has accepted it by now
$t0 = microtime(true);
posix_kill($fg['pid'], SIGTERM);
$res = bg_http_finish($slow);
bg_check('the request in flight completes with 200, all 1.5 s of it', ($res['status'] ?? 0) === 200
    && str_starts_with($res['body'], 'version=v1 ') && microtime(true) - $sent >= 1.5, [$res, microtime(true) - $sent]);
$exit = bg_wait_exit($fg, 6.0);
bg_check('master exits 0 after it, within max_wait_time', $exit === 0 && microtime(true) - $t0 < 4.0, [$exit, bg_output($fg)]);
bg_check('port closed, pid file removed', bg_wait_port($port, false, 5.0) && bg_app_pid($app) === null);
proc_close($fg['proc']);

echo "-- port in use\n";
$hog = stream_socket_server("tcp://127.0.0.1:$port");
$r = bg_app_run($app, ['easyswoole', 'start', 'd']);
bg_check('start d exits non-zero and says why', $r['exit'] !== 0 && $r['exit'] !== null
    && str_contains($r['output'], "bind 127.0.0.1:$port failed: Address already in use"), $r);
bg_check('no pid file, no daemon', bg_app_pid($app) === null && bg_socket_holders($port) === [getmypid()], bg_socket_holders($port));
fclose($hog);

echo "-- 3.4: server start -d -mode=produce\n";
$pid = start_daemon($app, ['easyswoole', 'server', 'start', '-d', '-mode=produce'], $port2, $masters);
$res = bg_http_get('127.0.0.1', $port2, '/');
bg_check('produce.php port answers; dev.php port unused', ($res['status'] ?? 0) === 200
    && str_starts_with($res['body'], "version=v1 port=$port2 ") && bg_listen_inodes($port) === [], $res);
stop_daemon($app, ['easyswoole', 'server', 'stop', '-mode=produce'], $port2, $pid);

echo "-- 3.4: server start -d -mode produce (a space: EasySwoole loads dev.php)\n";
$pid = start_daemon($app, ['easyswoole', 'server', 'start', '-d', '-mode', 'produce'], $port, $masters);
bg_check('dev.php port; produce.php port unused', bg_listen_inodes($port2) === []);
stop_daemon($app, ['easyswoole', 'server', 'stop'], $port, $pid);

echo "-- 3.6: easyswoole.php server start -d\n";
$pid = start_daemon($app, ['easyswoole.php', 'server', 'start', '-d'], $port, $masters);
$res = bg_http_get('127.0.0.1', $port, '/');
bg_check('serves', ($res['status'] ?? 0) === 200 && str_starts_with($res['body'], "version=v1 port=$port "), $res);
stop_daemon($app, ['easyswoole.php', 'server', 'stop'], $port, $pid);

echo "-- 3.3: start daemonize produce\n";
$pid = start_daemon($app, ['easyswoole', 'start', 'daemonize', 'produce'], $port2, $masters);
stop_daemon($app, ['easyswoole', 'stop', 'produce'], $port2, $pid);

bg_check('no process left in the sandbox', bg_procs_in($box) === [], bg_procs_in($box));
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = sys_get_temp_dir() . '/bluegreen-test-' . bg_app_sandbox_name('fixture_app');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- 3.3: start d
easyswoole start d: exit 0 at once: ok
  port listening: ok
pid file names a live master: ok
two workers: ok
GET / names version, port and a worker pid: ok
Content-Length and Connection: close: ok
any other path is the normal answer: ok
GET /health is 200 ok: ok
two /slow?ms=500 at once take < 1 s, on two workers: ok
-- SIGTERM to a worker: it exits and the master respawns it
old worker gone, a new one in its place: ok
still serving: ok
-- 3.3: stop
easyswoole stop: exit 0, stopped: ok
  port closed, master gone, pid file removed: ok
stop with no pid file: exit 0 and says why: ok
-- foreground start; SIGTERM with a request in flight
port listening: ok
the started process is the master: ok
the request in flight completes with 200, all 1.5 s of it: ok
master exits 0 after it, within max_wait_time: ok
port closed, pid file removed: ok
-- port in use
start d exits non-zero and says why: ok
no pid file, no daemon: ok
-- 3.4: server start -d -mode=produce
easyswoole server start -d -mode=produce: exit 0 at once: ok
  port listening: ok
produce.php port answers; dev.php port unused: ok
easyswoole server stop -mode=produce: exit 0, stopped: ok
  port closed, master gone, pid file removed: ok
-- 3.4: server start -d -mode produce (a space: EasySwoole loads dev.php)
easyswoole server start -d -mode produce: exit 0 at once: ok
  port listening: ok
dev.php port; produce.php port unused: ok
easyswoole server stop: exit 0, stopped: ok
  port closed, master gone, pid file removed: ok
-- 3.6: easyswoole.php server start -d
easyswoole.php server start -d: exit 0 at once: ok
  port listening: ok
serves: ok
easyswoole.php server stop: exit 0, stopped: ok
  port closed, master gone, pid file removed: ok
-- 3.3: start daemonize produce
easyswoole start daemonize produce: exit 0 at once: ok
  port listening: ok
easyswoole stop produce: exit 0, stopped: ok
  port closed, master gone, pid file removed: ok
no process left in the sandbox: ok
