--TEST--
The drain has one deadline: with a request in flight to the old port longer than drain_timeout, the old nginx workers and the old port's connections share drain_timeout, in a deploy and in the recovery of a deploy killed during its drain
--EXTENSIONS--
bluegreen
pcntl
posix
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/recover.inc';
$box = bg_sandbox('drain-deadline');
$pids = [];
bg_cleanup_at_exit($box, $pids);
// nginx started by a process that listens on a socket of its own (a PHP
// server; run-tests.php in a parallel run) inherits it, as its workers do:
// PHP's sockets are not close-on-exec. The switch must still see the old
// workers stop accepting as they close nginx's own listening sockets.
[$other] = bg_free_ports();
$inherited = stream_socket_server("tcp://127.0.0.1:$other");
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
fclose($inherited);
bg_check('the nginx worker holds the inherited listening socket', array_intersect(bg_nginx_workers($scene['master']),
    bg_socket_holders($other)) !== [], bg_socket_holders($other));
$drain = 2;
$lines = [];
$log = function (string $level, string $message) use (&$lines) {
    $lines[] = [microtime(true), $message];
};
$opts = bg_deploy_options($scene, ['build' => [], 'drain_timeout' => $drain, 'stop_timeout' => 2]);
// When the first line matching $from was logged, and the last matching $to.
$span = function (string $from, string $to) use (&$lines): ?float {
    $t0 = $t1 = null;
    foreach ($lines as [$t, $m]) {
        if ($t0 === null && preg_match($from, $m)) {
            $t0 = $t;
        } elseif ($t0 !== null && preg_match($to, $m)) {
            $t1 = $t;
        }
    }
    return $t0 === null || $t1 === null ? null : $t1 - $t0;
};
$report = function (string $what, ?float $took) use ($drain, &$lines) {
    bg_check("$what: the drain waited for the slow request", $took !== null && $took >= $drain - 0.2, $took);
    bg_check("$what: the whole drain ended within drain_timeout + 0.5 s", $took !== null && $took <= $drain + 0.5,
        [$took, array_column($lines, 1)]);
};

echo "-- a deploy: a request of 8 s in flight to the old port through nginx\n";
bg_app_commit($scene, 'v2');
$slow = bg_http_start('127.0.0.1', $scene['listen'], '/slow?ms=8000', 10);
// In flight through an old nginx worker once it reached the old port.
bg_check('deploy: the slow request reached port A', bg_wait_for(fn () => bg_established_count($scene['a']) > 0, 5.0));
$rel = (new BlueGreen\Releaser(['log' => $log] + $opts))->deploy();
echo "deployed: ", bg_scene_names($scene, "port $rel->port"), ", nginx answers ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
$report('deploy', $span('/^switch: nginx upstream .* now points to port/', '/^drain: /'));
fclose($slow);

echo "-- a deploy killed at its drain, recovered by the next tick()\n";
$lines = [];
$v3 = bg_app_commit($scene, 'v3');
$slow = bg_http_start('127.0.0.1', $scene['listen'], '/slow?ms=8000', 10);
bg_check('recovery: the slow request reached port B', bg_wait_for(fn () => bg_established_count($scene['b']) > 0, 5.0));
$child = bg_recover_spawn($scene, ['drain_timeout' => 30] + $opts, $v3);
bg_recover_kill_at($scene, $child, 'drain');
echo "child: ", bg_recover_reap($child), "\n";
(new BlueGreen\Releaser(['log' => $log] + $opts))->tick();
echo "nginx answers ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
$report('recovery', $span('/^recover: the deploy of .* was interrupted/', '/^drain: /'));
fclose($slow);

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('drain-deadline');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
the nginx worker holds the inherited listening socket: ok
-- a deploy: a request of 8 s in flight to the old port through nginx
deploy: the slow request reached port A: ok
deployed: port B, nginx answers version=v2 port=B
deploy: the drain waited for the slow request: ok
deploy: the whole drain ended within drain_timeout + 0.5 s: ok
-- a deploy killed at its drain, recovered by the next tick()
recovery: the slow request reached port B: ok
child: killed by SIGKILL
nginx answers version=v3 port=A
recovery: the drain waited for the slow request: ok
recovery: the whole drain ended within drain_timeout + 0.5 s: ok
