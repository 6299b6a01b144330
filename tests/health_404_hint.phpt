--TEST--
A health check answered 404 (a stock EasySwoole app has no /health): the start's error names the path asked and the option that changes it
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('health_404_hint');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$world = bg_app_world($box, $a);
$r = new BlueGreen\Releaser([
    'root' => $world['root'],
    'ports' => [$a, $b],
    'health' => ['path' => '/health', 'timeout' => 1.5],
    'nginx' => ['conf' => bg_write_upstream_conf("$box/upstream.conf", 'app', $a), 'upstream' => 'app'],
    'log' => "$box/bluegreen.log",
]);
// The fixture answers /health as a stock app would: 404.
$release = $r->prepare(bg_app_commit($world, 'v2', ['HEALTH_STATUS' => '404']));
try {
    $r->start($release, $b);
    echo "started\n";
} catch (BlueGreen\StartException $e) {
    $first = strstr($e->getMessage(), '; output (', true) ?: $e->getMessage();
    echo preg_replace(['/release-\d{8}T\d{6}-[0-9a-f]{7}/', '/`[^`]*`/'], ['RELEASE', 'CMD'],
        str_replace((string) $b, 'B', $first)), "\n";
}
echo 'port B free: ', var_export(bg_wait_port($b, false, 2), true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('health_404_hint');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
start of RELEASE on port B failed: not healthy within 1.5 s (health.timeout); start command CMD: exit status 0; last health check: GET /health answered HTTP 404 (the release has no route for /health: add one, or set the option health.path to a path it answers, e.g. '/')
port B free: true
