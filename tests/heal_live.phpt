--TEST--
tick() heals the live release: killed with SIGKILL it is started again on its port; when it cannot start the previous release goes live; both down is an error at every tick, retried with a backoff, nothing touched; status() tells
--EXTENSIONS--
bluegreen
posix
--SKIPIF--
<?php
// Under valgrind (tests/run.sh -m, which sets VALGRIND_OPTS) every step is ten times slower:
// a heal must show within one tick and health.timeout. ASan (tests/asan.sh) still runs it.
if (getenv('VALGRIND_OPTS') !== false) die('skip not under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('heal-live');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, preg_replace('/pid \d+/', 'pid PID', $s));
[$log, $lines] = bg_log_recorder();
// health.timeout bounds a start and is the grace of a hung service. Under
// valgrind and ASan (USE_ZEND_ALLOC=0) every PHP child is traced too, and a
// start takes longer than 2 s.
$health_timeout = getenv('USE_ZEND_ALLOC') === '0' ? 15 : 2;
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log,
    'health' => ['path' => '/health', 'timeout' => $health_timeout], 'stop_timeout' => 1]));
$versions = [];

// What a user sees: nginx's answer (its status when not 200), status()'s live.
$through = function () use ($scene, $n) {
    $res = bg_http_get('127.0.0.1', $scene['listen'], '/');
    return ($res['status'] ?? 0) === 200 ? $n(strstr($res['body'], ' pid=', true)) : 'HTTP ' . ($res['status'] ?? '-');
};
$status = function () use ($r, $n, &$versions) {
    $live = $r->status()['live'];
    echo 'status(): live ', $versions[$live['commit']] ?? '?', ' on ', $n((string) $live['port']), ', healthy ',
        json_encode($live['healthy']), ', unhealthy_since ', $live['unhealthy_since'] === null ? 'null'
        : (abs($live['unhealthy_since'] - time()) < 60 ? 'now' : $live['unhealthy_since']),
        ', health_error ', json_encode($live['health_error'] === null ? null : $n($live['health_error'])), "\n";
};
$show_log = function () use ($lines, $n, &$versions, $health_timeout) {
    foreach ($lines as $l) {
        if ($l['level'] !== 'debug') {
            $m = preg_replace('/\(\d+(\.\d+)? m?s( in all: [^)]*)?\)/', '(T)', $l['message']);
            $m = preg_replace('/down for \d+ s/', 'down for N s', $m);
            $m = str_replace("fails in $health_timeout s (health.timeout)", 'fails in HEALTH_TIMEOUT s (health.timeout)', $m);
            $m = preg_replace('/failing it for \d+ s/', 'failing it for N s', $m);
            $m = preg_replace('/output \(.*/s', 'output (...)', str_replace(PHP_BINARY, 'PHP', $m));
            echo '  ', $l['level'], ': ', strtr($n($m), $versions), "\n";
        }
    }
    $lines->exchangeArray([]);
};
// The service on a port, killed by pid with SIGKILL: every process holding its socket.
$kill9 = function (int $port) {
    foreach (bg_socket_holders($port) as $pid) {
        posix_kill($pid, SIGKILL);
    }
    return bg_wait_port($port, false, 5);
};

$versions[bg_git(['rev-parse', 'HEAD'], $scene['root'])] = 'v1';
$sha = bg_app_commit($scene, 'v2');
$versions[$sha] = 'v2';
$versions[substr($sha, 0, 7)] = 'v2';
$versions[substr(array_key_first($versions), 0, 7)] = 'v1';
$v2 = $r->deploy()->path;
$lines->exchangeArray([]);
echo "nginx answers: ", $through(), "\n";

echo "== the live service is killed with SIGKILL\n";
echo 'killed: ', json_encode($kill9($scene['b'])), "\n";
echo "nginx answers: ", $through(), "\n";
$status();
echo 'tick(): ', json_encode($r->tick()), "\n";
echo "nginx answers: ", $through(), "\n";
$status();
$show_log();
$r->tick();
echo 'the next tick logs: ', json_encode(array_map(fn ($l) => $l['level'], array_filter((array) $lines,
    fn ($l) => $l['level'] !== 'debug'))), "\n";
$lines->exchangeArray([]);

echo "== the live service hangs for a moment (SIGSTOP, SIGCONT): nothing is done but say so\n";
$hung = bg_socket_holders($scene['b']);
array_map(fn ($pid) => posix_kill($pid, SIGSTOP), $hung);
echo 'tick(): ', json_encode($r->tick()), "\n";
array_map(fn ($pid) => posix_kill($pid, SIGCONT), $hung);
echo 'tick(): ', json_encode($r->tick()), "\n";
$status();
$show_log();

echo "== the live service hangs (SIGSTOP): it still listens, so it gets health.timeout, then the previous release takes over\n";
$hung = bg_socket_holders($scene['b']);
foreach ($hung as $pid) {
    posix_kill($pid, SIGSTOP);
}
echo 'tick(): ', json_encode($r->tick()), "\n";
$show_log();
usleep((int) (($health_timeout + 0.2) * 1000000));
echo 'tick(): ', json_encode($r->tick()), "\n";
echo "nginx answers: ", $through(), "\n";
$status();
$show_log();
echo 'the hung processes are gone: ', json_encode(bg_wait_for(fn () => !array_filter($hung, 'bg_pid_alive'), 5)), "\n";

echo "== the live one killed, and its start now fails: the previous release goes live\n";
file_put_contents("{$scene['root']}/FAIL_START", "1\n");
echo 'killed: ', json_encode($kill9($scene['a'])), "\n";
echo 'tick(): ', json_encode($r->tick()), "\n";
echo "nginx answers: ", $through(), "\n";
$status();
$show_log();

echo "== both down: the live one killed, neither can start\n";
file_put_contents("$v2/FAIL_START", "1\n");
echo 'killed: ', json_encode($kill9($scene['b'])), "\n";
$conf = file_get_contents($scene['conf']);
echo 'tick(): ', json_encode($r->tick()), "\n";
$show_log();
echo "-- the next tick, within the backoff\n";
echo 'tick(): ', json_encode($r->tick()), "\n";
$show_log();
echo "nginx answers: ", $through(), "\n";
$status();
echo 'nginx.conf unchanged: ', json_encode(file_get_contents($scene['conf']) === $conf), ', listening: ',
    json_encode(array_values(array_filter([$scene['a'], $scene['b']], fn ($p) => bg_socket_holders($p) !== []))), "\n";
$cli = bg_cli(['--config', bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene)), 'status'], $box);
echo 'bluegreen status: ', bg_cli_names($scene, implode("\n", preg_grep('/^(live|health) /', explode("\n", $cli['out']))), ['v2' => $sha]), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('heal-live');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
nginx answers: version=v2 port=B
== the live service is killed with SIGKILL
killed: true
nginx answers: HTTP 502
status(): live v2 on B, healthy false, unhealthy_since null, health_error null
tick(): null
nginx answers: version=v2 port=B
status(): live v2 on B, healthy true, unhealthy_since null, health_error null
  error: health: the live release v2 (release-UTC-SHA) on port B, where nginx upstream "app" points, fails its health check: connect: Connection refused; down for N s; healing
  info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
  info: start: release-UTC-SHA healthy on port B (T)
  info: heal: v2 started again on port B and healthy: nginx serves it again (T)
the next tick logs: []
== the live service hangs for a moment (SIGSTOP, SIGCONT): nothing is done but say so
tick(): null
tick(): null
status(): live v2 on B, healthy true, unhealthy_since null, health_error null
  error: health: the live release v2 (release-UTC-SHA) on port B, where nginx upstream "app" points, fails its health check: no response before the timeout; down for N s; it still listens: healed if it still fails in HEALTH_TIMEOUT s (health.timeout)
  info: health: the live release v2 on port B answers its health check again, after failing it for N s
== the live service hangs (SIGSTOP): it still listens, so it gets health.timeout, then the previous release takes over
tick(): null
  error: health: the live release v2 (release-UTC-SHA) on port B, where nginx upstream "app" points, fails its health check: no response before the timeout; down for N s; it still listens: healed if it still fails in HEALTH_TIMEOUT s (health.timeout)
tick(): null
nginx answers: version=v1 port=A
status(): live v1 on A, healthy true, unhealthy_since null, health_error null
  error: health: the live release v2 (release-UTC-SHA) on port B, where nginx upstream "app" points, fails its health check: no response before the timeout; down for N s; healing
  error: heal: cannot start v2 again on port B: a process still listens on port B; it is left alone; trying the previous release
  info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
  info: start: app healthy on port A (T)
  info: switch: nginx upstream "app" now points to port A instead of B; reloaded, 1 old worker(s) finishing their requests (T)
  info: drain: the 1 old nginx worker(s) have exited (T)
  info: drain: no connection left on port B (T)
  info: stop: SIGTERM to pid PID, the service on port B
  warning: stop: port B still listening after 1 s; SIGKILL to 3 process(es)
  info: stop: port B stopped with SIGTERM to the owner of its socket (T)
  info: prune: 1 release(s) kept, 0 removed (T)
  info: heal: v1 live on port A (T)
the hung processes are gone: true
== the live one killed, and its start now fails: the previous release goes live
killed: true
tick(): null
nginx answers: version=v2 port=B
status(): live v2 on B, healthy true, unhealthy_since null, health_error null
  error: health: the live release v1 (app) on port A, where nginx upstream "app" points, fails its health check: connect: Connection refused; down for N s; healing
  info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
  error: heal: cannot start v1 again on port A: start of app on port A failed: the start command failed; start command `PHP easyswoole.php server start -d -mode=dev`: exit status 1; last health check: connect: Connection refused; output (...)
  info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
  info: start: release-UTC-SHA healthy on port B (T)
  info: switch: nginx upstream "app" now points to port B instead of A; reloaded, 1 old worker(s) finishing their requests (T)
  info: drain: the 1 old nginx worker(s) have exited (T)
  info: drain: no connection left on port A (T)
  info: stop: nothing listens on port A
  info: prune: 1 release(s) kept, 0 removed (T)
  info: heal: v2 live on port B (T)
== both down: the live one killed, neither can start
killed: true
tick(): null
  error: health: the live release v2 (release-UTC-SHA) on port B, where nginx upstream "app" points, fails its health check: connect: Connection refused; down for N s; healing
  info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
  error: heal: cannot start v2 again on port B: start of release-UTC-SHA on port B failed: the start command failed; start command `PHP easyswoole.php server start -d -mode=dev`: exit status 1; last health check: connect: Connection refused; output (...)
  info: start: command `PHP easyswoole.php server start -d -mode=dev`: easyswoole.php entry script, the EasySwoole 3.6+ form (no vendor/composer/installed.json)
  error: deploy: v1 failed at start: start of app on port A failed: the start command failed; start command `PHP easyswoole.php server start -d -mode=dev`: exit status 1; last health check: connect: Connection refused; output (...)
  error: heal: nothing answers behind nginx on port B: neither the live release nor the previous one could be made to serve; next attempt in 10 s
-- the next tick, within the backoff
tick(): null
  error: health: the live release v2 (release-UTC-SHA) on port B, where nginx upstream "app" points, fails its health check: connect: Connection refused; down for N s; next heal attempt in 10 s
nginx answers: HTTP 502
status(): live v2 on B, healthy false, unhealthy_since now, health_error "connect: Connection refused"
nginx.conf unchanged: true, listening: []
bluegreen status: live        v2 on port B, since WHEN
health      FAILING: the port nginx points to fails its health check (connect: Connection refused), since WHEN
