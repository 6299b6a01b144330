--TEST--
Releaser::deploy() failures under load: a start that fails, health 500, a failing build step, a config nginx rejects — none takes traffic, v1 keeps answering, each is recorded, tick() skips it, and the next good commit deploys
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-error');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, [
    'log' => $log,
    'health' => ['path' => '/health', 'timeout' => 2],
    // a build step that fails in a commit holding BROKEN
    'build' => [[PHP_BINARY, '-r', 'exit(is_file("BROKEN") ? 3 : 0);']],
]));
$n = fn (string $s) => bg_scene_names($scene, $s);
$clean = ['FAIL_START' => null, 'HEALTH_STATUS' => null, 'BROKEN' => null];
// Port B after a step: a release deployed there listens at once; else it
// is waited for to close (1 s at most), not waited on when it listens.
$b_free = fn (?object $rel) => $rel && $rel->port === $scene['b'] ? !bg_wait_port($scene['b'], true, 1)
    : bg_wait_port($scene['b'], false, 1);
$try = function (string $what, callable $fn) use ($b_free, $n, $scene, $box) {
    echo "-- $what\n";
    $rel = null;
    try {
        $rel = $fn();
        echo $rel ? $n("deployed on {$rel->port}") : 'null', "\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', strtok($n($e->getMessage()), "\n"), "\n";
    }
    echo "   nginx answers ", $n(bg_answer($scene['listen'])), ", port B ",
        $b_free($rel) ? 'free' : 'LISTENING', ", releases: ", count(glob("$box/releases/release-*")), "\n";
};
$load = bg_load_start($scene['listen']);

$v2 = bg_app_commit($scene, 'v2', ['FAIL_START' => "no\n"] + $clean);
$try('the start command fails', fn () => $r->deploy());
$try('tick() does not try it again', fn () => $r->tick());
echo "   ", $n(preg_replace('/[0-9a-f]{40}/', 'SHA', $lines[count($lines) - 1]['message'])), "\n";
$try('deploy(sha) forces it', fn () => $r->deploy($v2));

bg_app_commit($scene, 'v3', ['HEALTH_STATUS' => "500\n"] + $clean);
$try('health answers 500: tick() logs and records it, and returns null', fn () => $r->tick());

bg_app_commit($scene, 'v4', ['BROKEN' => "yes\n"] + $clean);
$try('a build step fails', fn () => $r->deploy());

bg_app_commit($scene, 'v5', $clean);
$main = file_get_contents($scene['main']);
file_put_contents($scene['main'], str_replace("http {\n", "http {\n    bogus_directive on;\n", $main));
$conf = file_get_contents($scene['conf']);
$try('nginx rejects the config', fn () => $r->deploy());
echo "   upstream config restored: ", var_export(file_get_contents($scene['conf']) === $conf, true), "\n";
file_put_contents($scene['main'], $main);

$st = $r->status();
echo "-- recorded\n";
foreach ($st['failed'] as $f) {
    echo "   ", $f['step'], ': ', strtok($n($f['error']), ':'), "\n";
}
echo "   last error: ", $st['last_error']['step'], ", live is still root: ", var_export($st['live'], true), "\n";

bg_app_commit($scene, 'v6', $clean);
$try('the next good commit, by tick()', fn () => $r->tick());

$result = bg_load_stop($load);
echo "-- under load all along: ", $result['requests'] > 500 ? 'many requests' : $result['raw'],
    ", non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-error');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- the start command fails
BlueGreen\StartException: start of release-UTC-SHA on port B failed: the start command failed; start command `%s easyswoole.php server start -d -mode=dev`: exit status 1; last health check: connect: Connection refused; output (BOX/releases/.bluegreen/logs/release-UTC-SHA.log):
   nginx answers version=v1 port=A, port B free, releases: 1
-- tick() does not try it again
null
   nginx answers version=v1 port=A, port B free, releases: 1
   tick: %s failed at start before; it is not deployed again until the branch moves (deploy('SHA') forces it)
-- deploy(sha) forces it
BlueGreen\StartException: start of release-UTC-SHA on port B failed: the start command failed; start command `%s easyswoole.php server start -d -mode=dev`: exit status 1; last health check: connect: Connection refused; output (BOX/releases/.bluegreen/logs/release-UTC-SHA.log):
   nginx answers version=v1 port=A, port B free, releases: 2
-- health answers 500: tick() logs and records it, and returns null
null
   nginx answers version=v1 port=A, port B free, releases: 3
-- a build step fails
BlueGreen\BuildException: %s
   nginx answers version=v1 port=A, port B free, releases: 3
-- nginx rejects the config
BlueGreen\NginxException: nginx rejected the new config: `%s -t -q -p BOX/ngx -c BOX/ngx/nginx.conf`: exit status 1:
   nginx answers version=v1 port=A, port B free, releases: 4
   upstream config restored: true
-- recorded
   start: start of release-UTC-SHA on port B failed
   start: start of release-UTC-SHA on port B failed
   prepare: build step 1/1 %s
   switch: nginx rejected the new config
   last error: switch, live is still root: NULL
-- the next good commit, by tick()
deployed on B
   nginx answers version=v6 port=B, port B LISTENING, releases: %d
-- under load all along: many requests, non-2xx: 0, socket errors: 0
