--TEST--
Fixture app SWOOLE_SHAPE: master, manager, workers and a user process all hold the listening socket; the user process blocks SIGTERM
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
$box = bg_sandbox(bg_app_sandbox_name('fixture_app_swoole_shape'));
[$port] = bg_free_ports();
$masters = [];
bg_cleanup_at_exit($box, $masters);
$app = bg_app_copy("$box/app", [
    'SWOOLE_SHAPE' => '',
    // Runs in the user process: proves it runs, with EASYSWOOLE_ROOT and $cfg.
    'user_process.php' => '<?php file_put_contents(EASYSWOOLE_ROOT . "/user_process.ran", getmypid() . " " . $cfg["port"]);',
]);
bg_set_port($app, $port);
// A short max_wait_time keeps the test fast: it is how long the user process outlives SIGTERM.
// It must outlast what the test does before it looks at the user process:
// up to 0.8 s for the workers to exit (with a request of 0.3 s before the
// look, 1.1 s: more than the 1 s it once was), and a margin for a loaded
// machine's scheduling.
$max_wait = 2;
file_put_contents("$app/dev.php", str_replace("'max_wait_time' => 3", "'max_wait_time' => $max_wait", file_get_contents("$app/dev.php")));

$r = bg_app_run($app, ['easyswoole', 'start', 'd']);
bg_check('start d: exit 0, port listening', $r['exit'] === 0 && bg_wait_port($port, true, 5.0), $r);
bg_wait_for(fn () => bg_app_pid($app) !== null, 5.0);
$masters[] = $master = (int)bg_app_pid($app);

// Who is who, by process title.
$titles = [];
bg_wait_for(function () use ($master, $port, &$titles) {
    $titles = [];
    foreach (array_merge([$master], bg_descendants($master)) as $pid) {
        $titles[$pid] = str_replace(" port=$port", '', bg_cmdline($pid));
    }
    return count($titles) === 5;
}, 5.0);
$manager = array_search('fixture manager', $titles, true);
$user = array_search('fixture user process', $titles, true);
$workers = array_keys($titles, 'fixture worker', true);
$managed = array_values(array_diff(array_keys($titles), [$master, $manager]));
sort($managed);
bg_check('master -> manager -> 2 workers + user process', ($titles[$master] ?? '') === 'fixture master'
    && $manager !== false && bg_children($master) === [$manager] && $user !== false && count($workers) === 2
    && bg_children((int)$manager) === $managed, $titles);
$all = array_keys($titles);

$holders = bg_socket_holders($port);
sort($all);
bg_check('all five hold the listening socket', $holders === $all, [$holders, $titles]);

bg_check('user process: SIGTERM blocked, SIGPIPE ignored', bg_mask_has(bg_proc_mask((int)$user, 'SigBlk'), SIGTERM)
    && bg_mask_has(bg_proc_mask((int)$user, 'SigIgn'), SIGPIPE));
bg_check('workers: SIGTERM not blocked', !bg_mask_has(bg_proc_mask($workers[0], 'SigBlk'), SIGTERM)
    && !bg_mask_has(bg_proc_mask($workers[1], 'SigBlk'), SIGTERM));
bg_check('user_process.php ran in the user process', bg_wait_for(fn () => is_file("$app/user_process.ran"), 5.0)
    && file_get_contents("$app/user_process.ran") === "$user $port", @file_get_contents("$app/user_process.ran"));

$res = bg_http_get('127.0.0.1', $port, '/');
bg_check('workers serve', ($res['status'] ?? 0) === 200 && preg_match('/ pid=(\d+)\n$/', $res['body'], $m)
    && in_array((int)$m[1], $workers, true), $res);

posix_kill((int)$user, SIGTERM);
usleep(200000);
bg_check('SIGTERM to the user process does nothing', bg_pid_alive((int)$user));

echo "-- SIGTERM to the master\n";
$t0 = microtime(true);
posix_kill($master, SIGTERM);
bg_check('workers exit at once', bg_wait_gone($workers[0], 0.8) && bg_wait_gone($workers[1], 0.8));
// Alive and listening, seen together before the request's 0.3 s.
$listening = bg_listen_inodes($port) !== [];
$alive = bg_pid_alive((int)$user);
$seen_at = microtime(true) - $t0;
$res = bg_http_get('127.0.0.1', $port, '/', 0.3);
bg_check('the user process lives on and keeps the port: a request is not served', $alive
    && $listening && isset($res['error']), [$alive, $listening, $res, 'seconds since SIGTERM' => $seen_at]);
bg_check('the port closes after max_wait_time', bg_wait_port($port, false, $max_wait + 4.0)
    && microtime(true) - $t0 >= $max_wait - 0.1, microtime(true) - $t0);
bg_check('the manager SIGKILLed the user process', !bg_pid_alive((int)$user) && str_contains(
    file_get_contents("$app/Log/fixture.log"), "user process $user still running after max_wait_time: SIGKILL"));
bg_check('master and manager gone, pid file removed', bg_wait_gone($master, 3.0) && bg_wait_gone((int)$manager, 3.0)
    && bg_app_pid($app) === null);

bg_check('no process left in the sandbox', bg_procs_in($box) === [], bg_procs_in($box));
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = sys_get_temp_dir() . '/bluegreen-test-' . bg_app_sandbox_name('fixture_app_swoole_shape');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
start d: exit 0, port listening: ok
master -> manager -> 2 workers + user process: ok
all five hold the listening socket: ok
user process: SIGTERM blocked, SIGPIPE ignored: ok
workers: SIGTERM not blocked: ok
user_process.php ran in the user process: ok
workers serve: ok
SIGTERM to the user process does nothing: ok
-- SIGTERM to the master
workers exit at once: ok
the user process lives on and keeps the port: a request is not served: ok
the port closes after max_wait_time: ok
the manager SIGKILLed the user process: ok
master and manager gone, pid file removed: ok
no process left in the sandbox: ok
