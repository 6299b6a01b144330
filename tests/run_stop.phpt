--TEST--
bin/bluegreen run exits within a second of SIGTERM mid-fetch (a remote that never answers), mid-build (`sleep 30`) and mid-start (health 500): the git process and the build step gone, no release dir left, the commit not marked failed, and the next run deploys it
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound: not under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('run-stop');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$silent_port] = bg_free_ports();
$silent = bg_start_server([PHP_BINARY, '-n', __DIR__ . '/fixtures/stall_server.php', (string) $silent_port, 'silent'],
    $silent_port, "$box/stall.pid");
$shas = ['v1' => $scene['first']];
$n = function (string $s) use ($scene, &$shas, $silent_port) {
    return str_replace((string) $silent_port, 'SILENT', bg_cli_names($scene, $s, $shas));
};
$releases = fn () => glob("$box/releases/release-*") ?: [];

/* Starts `run`, waits for $ready (a callable over the child's pid and stderr,
 * returning the pids of the step in progress), sends SIGTERM, and reports. */
$stop_in = function (string $label, array $options, callable $ready) use ($box, $scene, &$pids, $n) {
    bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene, $options));
    $child = bg_cli_spawn(['run', '--interval', '1'], $box);
    $pids[] = $child['pid'];
    $step = [];
    $in_step = bg_wait_for(function () use ($child, $ready, &$step) {
        return ($step = $ready($child['pid'], bg_cli_stderr($child))) !== [];
    }, 20);
    echo "$label: in progress: ", var_export($in_step, true), "\n";
    $t = microtime(true);
    posix_kill($child['pid'], SIGTERM);
    $exit = bg_wait_exit($child, 10);
    $took = microtime(true) - $t;
    if ($exit === null) {
        bg_kill_tree($child['pid']);
    }
    proc_close($child['proc']);
    echo "  exit ", var_export($exit, true), " within a second: ", var_export($took < 1, true), "\n";
    echo "  its step's processes gone: ", var_export(bg_wait_for(fn () => !array_filter($step, 'bg_pid_alive'), 1), true), "\n";
    foreach (explode("\n", $n(bg_cli_stderr($child))) as $line) {
        if (str_contains($line, 'SIGTERM')) {
            echo '  ', preg_replace('/; start command .*/', '; ...', $line), "\n";
        }
    }
};

echo "-- mid-fetch: the remote accepts and never answers\n";
$stop_in('fetch', ['remote' => "git://127.0.0.1:$silent_port/remote.git", 'command_timeout' => 60],
    fn (int $pid, string $err) => str_contains($err, 'run: checking') ? bg_descendants($pid) : []);

echo "-- mid-build: v2's build step is `sleep 30`\n";
$shas['v2'] = bg_app_commit($scene, 'v2');
$stop_in('build', ['build' => [['sleep', '30']], 'command_timeout' => 60],
    fn (int $pid, string $err) => array_values(array_filter(bg_descendants($pid), fn ($p) => bg_cmdline($p) === 'sleep 30')));
echo "no release dir left: ", var_export($releases() === [], true), "\n";
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";

echo "-- the next run deploys v2\n";
bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene, ['build' => []]));
$child = bg_cli_spawn(['run', '--interval', '1'], $box);
$pids[] = $child['pid'];
echo "v2 deployed: ", var_export(bg_wait_for(fn () => str_contains(bg_cli_stderr($child), '[info] deploy: ' . substr($shas['v2'], 0, 7) . ' live'), 20), true),
    ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
posix_kill($child['pid'], SIGTERM);
echo "exit ", var_export(bg_wait_exit($child, 10), true), "\n";
proc_close($child['proc']);

echo "-- mid-start: v3 answers its health check with 500, so start waits\n";
$shas['v3'] = bg_app_commit($scene, 'v3', ['HEALTH_STATUS' => "500\n"]);
$stop_in('start', ['build' => []],
    fn (int $pid, string $err) => str_contains($err, '[info] start: command') ? bg_socket_holders($scene['a']) : []);
echo "nothing left on port A: ", var_export(bg_socket_holders($scene['a']) === [], true), ", nginx answers ",
    $n(bg_answer($scene['listen'])), "\n";

bg_stop_server($silent, "$box/stall.pid");
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox_path('run-stop');
bg_kill_pidfile("$box/stall.pid");
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- mid-fetch: the remote accepts and never answers
fetch: in progress: true
  exit 0 within a second: true
  its step's processes gone: true
  [info] run: checking master of git://127.0.0.1:SILENT/remote.git every 1 s until SIGTERM or SIGINT
  [warning] tick: git error: check of branch master on git://127.0.0.1:SILENT/remote.git: interrupted by SIGTERM during %s
  [info] run: SIGTERM received; stopping
-- mid-build: v2's build step is `sleep 30`
build: in progress: true
  exit 0 within a second: true
  its step's processes gone: true
  [info] run: checking master of origin every 1 s until SIGTERM or SIGINT
  [warning] deploy: v2 failed at prepare: build step 1/1 `sleep 30` did not succeed in BOX/releases/release-UTC-v2: interrupted by SIGTERM; its process group was killed; its last lines:
  [info] run: SIGTERM received; stopping
no release dir left: true
nginx answers version=v1 port=A
-- the next run deploys v2
v2 deployed: true, nginx answers version=v2 port=B
exit 0
-- mid-start: v3 answers its health check with 500, so start waits
start: in progress: true
  exit 0 within a second: true
  its step's processes gone: true
  [info] run: checking master of origin every 1 s until SIGTERM or SIGINT
  [warning] deploy: v3 failed at start: start of release-UTC-v3 on port A failed: interrupted by SIGTERM while waiting for it to be healthy; ...
  [info] run: SIGTERM received; stopping
nothing left on port A: true, nginx answers version=v2 port=B
