--TEST--
Socket switch, self-hosted: two generations of a Swoole-shaped service on unix sockets, each one's embedded releaser deploying the next, renaming the live socket's symlink and handing over, under keep-alive load through nginx with zero failed requests and nginx never reloaded
--EXTENSIONS--
bluegreen
pcntl
posix
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0' || getenv('VALGRIND_OPTS') !== false) die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox('socket-self-hosted');
$pids = [];
bg_cleanup_at_exit($box, $pids);

// The service's PHP loads the extension itself: run-tests.php's -d does not reach it.
$so = realpath(__DIR__ . '/../modules/bluegreen.so');
$start = [PHP_BINARY, '-d', "extension=$so", 'easyswoole', 'start', 'd'];
// The embedded releaser (as in deploy_self_hosted.phpt): options from the
// file BG_SELF_CONF names, written once the scene is up; tick() every 0.3 s.
$user_process = <<<'PHP'
    <?php
    for ($i = 0; $i < 100 && !is_file(getenv('BG_SELF_CONF')); $i++) {
        usleep(100000);
    }
    $options = json_decode(file_get_contents(getenv('BG_SELF_CONF')), true, 512, JSON_THROW_ON_ERROR);
    $options['root'] = EASYSWOOLE_ROOT;
    $releaser = new BlueGreen\Releaser($options);
    for ($until = time() + 120; time() < $until; usleep(300000)) {
        $releaser->tick();
    }
    PHP;
$dev = str_replace("'max_wait_time' => 3", "'max_wait_time' => 1", file_get_contents(BG_APP_SRC . '/dev.php'));
$scene = bg_socket_scene($box, ['SWOOLE_SHAPE' => '', 'user_process.php' => $user_process, 'dev.php' => $dev],
    $start, ['BG_SELF_CONF' => "$box/self.json"]);
$pids[] = $scene['master'];
file_put_contents("$box/self.json", json_encode(bg_socket_options($scene, ['start' => $start, 'build' => [],
    'log' => "$box/self.log", 'keep_releases' => 2,
    'health' => ['path' => '/health', 'timeout' => 10, 'interval' => 0.05]]), JSON_UNESCAPED_SLASHES));
$state = fn () => json_decode((string) @file_get_contents("{$scene['releases']}/.bluegreen/state.json"), true) ?? [];
$workers = bg_nginx_workers($scene['master']);

echo "before: ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
$load = bg_load_start($scene['listen'], 8, 120, false);
for ($v = 2; $v <= 3; $v++) {
    $old = bg_unix_holders($scene['socks'][$scene[$v % 2 ? 'b' : 'a']]);
    $sha = bg_app_commit($scene, "v$v");
    // The test only pushes: the embedded releaser of the generation serving now does the rest.
    $done = bg_wait_for(function () use ($state, $sha, $old, $scene, $v) {
        $st = $state();
        return str_starts_with(bg_answer($scene['listen']), "version=v$v ") && ($st['live']['commit'] ?? '') === $sha
            && $st['stop_pending'] === null && $st['deploy'] === null && array_filter($old, 'bg_pid_alive') === [];
    }, 40.0);
    echo "v$v: ", $done ? 'deployed by the previous generation, which is gone; the stop is confirmed' : 'TIMED OUT',
        ', the live socket points to ', bg_socket_points_to($scene), ', nginx answers ',
        bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
    if (!$done) {
        echo json_encode($state(), JSON_UNESCAPED_SLASHES), "\n", @file_get_contents("$box/self.log");
        break;
    }
}
usleep(300000);
$result = bg_load_stop($load);
echo "requests under load: ", $result["requests"] > 500 ? "many" : $result["raw"], "\n";
echo "non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
bg_check('nginx worker pids unchanged', bg_nginx_workers($scene['master']) === $workers);
echo "-- the embedded releasers' log\n";
$log = (string) @file_get_contents("$box/self.log");
foreach (explode("\n", $log) as $line) {
    if (preg_match('/^\S+ (\w+: (deploy: \w+ is live on port|recover: the old service).*)$/', $line, $m)) {
        echo bg_scene_names($scene, preg_replace(['/ \((prepare|start) [^)]*\)$/', '/\b[0-9a-f]{7}\b/'],
            [' (timings)', 'SHA'], $m[1])), "\n";
    }
}
echo "errors or warnings logged: ", preg_match_all('/^\S+ (error|warning):/m', $log), "\n";

bg_socket_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-self-hosted');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
before: version=v1 port=A
v2: deployed by the previous generation, which is gone; the stop is confirmed, the live socket points to B, nginx answers version=v2 port=B
v3: deployed by the previous generation, which is gone; the stop is confirmed, the live socket points to A, nginx answers version=v3 port=A
requests under load: many
non-2xx: 0, socket errors: 0
nginx worker pids unchanged: ok
-- the embedded releasers' log
info: deploy: SHA is live on port B; this releaser runs inside the service on port A, which it now stops: the next generation's releaser confirms the stop (timings)
info: recover: the old service on port A, stopped by the previous generation's releaser, is gone
info: deploy: SHA is live on port A; this releaser runs inside the service on port B, which it now stops: the next generation's releaser confirms the stop (timings)
info: recover: the old service on port B, stopped by the previous generation's releaser, is gone
errors or warnings logged: 0
