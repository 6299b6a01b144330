--TEST--
Releaser::deploy() health gate: a release healthy once then 500 is refused (health.successes in a row); one healthy through the gate that turns unhealthy during the drain is switched back, the old service alive and serving through nginx all along
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-health-gate');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, [
    'log' => $log,
    'health' => ['path' => '/health', 'timeout' => 2, 'successes' => 3, 'interval' => 0.1],
]));
$n = fn (string $s) => bg_scene_names($scene, $s);
$old = bg_socket_holders($scene['a']);
// Port B after a step: a release deployed there listens at once; else it
// is waited for to close (2 s at most), not waited on when it listens.
$b_free = fn (?object $rel) => $rel && $rel->port === $scene['b'] ? !bg_wait_port($scene['b'], true, 2)
    : bg_wait_port($scene['b'], false, 2);
$try = function (string $what, callable $fn) use ($b_free, $n, $scene, $box, $old) {
    echo "-- $what\n";
    $rel = null;
    try {
        $rel = $fn();
        echo $rel ? $n("deployed on {$rel->port}") : 'null', "\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', strtok($n($e->getMessage()), "\n"), "\n";
    }
    echo "   nginx answers ", $n(bg_answer($scene['listen'])), ", port B ",
        $b_free($rel) ? 'free' : 'LISTENING', ", the old service ",
        $old && array_filter($old, 'bg_pid_alive') === $old ? 'alive' : 'GONE', "\n";
};
$load = bg_load_start($scene['listen']);

bg_app_commit($scene, 'v2', ['HEALTHY_TIMES' => "1\n"]);
$try('healthy once, then 500: refused at start', fn () => $r->deploy());

bg_app_commit($scene, 'v3', ['HEALTHY_TIMES' => "3\n"]);
$try('healthy 3 times (the gate), then 500 after the drain: switched back', fn () => $r->deploy());
foreach ($lines as $l) {
    if ($l['level'] === 'error') {
        echo "   ", $l['level'], ': ', strtok($n($l['message']), "\n"), "\n";
    }
}
$st = $r->status();
echo "   recorded: ", $st['last_error']['step'], ", failed commits: ", count($st['failed']),
    ", live is still root: ", var_export($st['live'], true), "\n";

bg_app_commit($scene, 'v4', ['HEALTHY_TIMES' => null]);
$try('a healthy release deploys', fn () => $r->deploy());

$result = bg_load_stop($load);
echo "-- under load all along: ", $result['requests'] > 500 ? 'many requests' : $result['raw'],
    ", non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-health-gate');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- healthy once, then 500: refused at start
BlueGreen\StartException: start of release-UTC-SHA on port B failed: not healthy 3 times in a row (health.successes, 0.1 s apart) within 2 s (health.timeout): at most 1; start command `%s easyswoole.php server start -d -mode=dev`: exit status 0; last health check: GET /health answered HTTP 500; output (BOX/releases/.bluegreen/logs/release-UTC-SHA.log):
   nginx answers version=v1 port=A, port B free, the old service alive
-- healthy 3 times (the gate), then 500 after the drain: switched back
BlueGreen\StartException: release-UTC-SHA on port B passed its health check (3 times in a row) but was no longer healthy after the drain (GET /health answered HTTP 500); nginx was switched back to port A, which kept serving, and the new service was stopped
   nginx answers version=v1 port=A, port B free, the old service alive
   error: deploy: %s failed at start: start of release-UTC-SHA on port B failed: not healthy 3 times in a row (health.successes, 0.1 s apart) within 2 s (health.timeout): at most 1; start command `%s`: exit status 0; last health check: GET /health answered HTTP 500; output (BOX/releases/.bluegreen/logs/release-UTC-SHA.log):
   error: deploy: release-UTC-SHA on port B is no longer healthy after the drain (GET /health answered HTTP 500); switching back to port A, which still runs
   error: deploy: %s failed at start: release-UTC-SHA on port B passed its health check (3 times in a row) but was no longer healthy after the drain (GET /health answered HTTP 500); nginx was switched back to port A, which kept serving, and the new service was stopped
   recorded: start, failed commits: 2, live is still root: NULL
-- a healthy release deploys
deployed on B
   nginx answers version=v4 port=B, port B LISTENING, the old service GONE
-- under load all along: many requests, non-2xx: 0, socket errors: 0
