--TEST--
Self-hosted, the releaser in a child of a service process (which the service's stop does not end) with a `stop` command: it hands over, outlives the service, releases the lock, and the next generation confirms the stop
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
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-self-hosted-child');
$pids = [];
bg_cleanup_at_exit($box, $pids);

$start = bg_php(['easyswoole', 'start', 'd']);
// The user process forks the releaser, as a worker might: a process below the
// service that holds its listening socket, that Swoole's manager does not
// know of, and that nothing ends when the service stops.
$user_process = <<<'PHP'
    <?php
    if (pcntl_fork() === 0) {
        cli_set_process_title('fixture releaser child');
        $options = json_decode(file_get_contents(getenv('BG_SELF_CONF')), true, 512, JSON_THROW_ON_ERROR);
        $options['root'] = EASYSWOOLE_ROOT;
        $releaser = new BlueGreen\Releaser($options);
        for ($until = time() + 60; time() < $until; usleep(300000)) {
            $releaser->tick();
        }
        exit(0);
    }
    PHP;
$dev = str_replace("'max_wait_time' => 3", "'max_wait_time' => 1", file_get_contents(BG_APP_SRC . '/dev.php'));

[$a, $b] = bg_free_ports();
[$listen] = bg_free_ports();
$world = bg_app_world($box, $a, ['SWOOLE_SHAPE' => '', 'user_process.php' => $user_process, 'dev.php' => $dev]);
[$main, $conf] = bg_nginx_write_conf("$box/ngx", $listen, 'app', $a, true);
$scene = $world + ['a' => $a, 'b' => $b, 'listen' => $listen, 'ngx' => "$box/ngx", 'main' => $main, 'conf' => $conf,
    'box' => $box];
$pids[] = $scene['master'] = bg_nginx_start("$box/ngx", $main);
$options = bg_deploy_options($scene, [
    'releases_dir' => "$box/releases",
    'start' => $start,
    'stop' => [PHP_BINARY, 'easyswoole', 'stop'],
    'build' => [],
    'log' => "$box/self.log",
]);
file_put_contents("$box/self.json", json_encode($options, JSON_UNESCAPED_SLASHES));
$res = bg_run($start, $world['root'], 10.0, getenv() + ['BG_SELF_CONF' => "$box/self.json"]);
if ($res['exit'] !== 0 || !bg_wait_port($a, true, 5.0)) {
    die('root did not start: ' . json_encode($res));
}
$state = fn () => json_decode((string) @file_get_contents("$box/releases/.bluegreen/state.json"), true) ?? [];

/** The service in $dir: [master and its descendants, the releaser child among them]. */
function service(string $dir): array
{
    $all = [];
    bg_wait_for(function () use ($dir, &$all) {
        $master = (int) bg_app_pid($dir);
        $all = $master ? array_merge([$master], bg_descendants($master)) : [];
        return count($all) === 6;
    }, 5.0);
    $child = array_values(array_filter($all, fn ($p) => str_starts_with(bg_cmdline($p), 'fixture releaser child')));
    return [array_values(array_diff($all, $child)), $child[0] ?? 0];
}

[$gen1, $child1] = service($world['root']);
$pids[] = $gen1[0];
bg_check('generation 1: five service processes and the releaser child', count($gen1) === 5 && $child1 > 0,
    [$gen1, $child1]);
bg_check('the releaser child holds the listening socket', in_array($child1, bg_socket_holders($a), true));

$sha = bg_app_commit($world, 'v2');
$done = bg_wait_for(function () use ($state, $listen, $sha) {
    $st = $state();
    return str_starts_with(bg_answer($listen), 'version=v2 ') && ($st['live']['commit'] ?? '') === $sha
        && $st['deploy'] === null && $st['stop_pending'] === null;
}, 30.0);
bg_check('v2 live, and the stop confirmed by the next generation', $done, [$state(),
    preg_grep('/ debug: /', file("$box/self.log"), PREG_GREP_INVERT)]);
echo "nginx answers ", bg_scene_names($scene, bg_answer($listen)), "\n";
bg_check('the service of generation 1 is gone', array_filter($gen1, 'bg_pid_alive') === [], $gen1);
bg_check('its releaser child lives on, holding no socket of the old port', bg_pid_alive($child1)
    && !in_array($child1, bg_socket_holders($a), true));
bg_check('and it has no zombie child left (the stop command was reaped)', bg_wait_for(function () use ($child1) {
    foreach (glob('/proc/[0-9]*', GLOB_ONLYDIR) as $d) {
        $st = bg_proc_stat((int) basename($d));
        if ($st && $st['ppid'] === $child1 && $st['state'] === 'Z') {
            return false;
        }
    }
    return true;
}, 3.0));
$stop_log = (string) @file_get_contents("$box/releases/.bluegreen/logs/app.log");
bg_check('the stop command ran in root, its output in root\'s output log', str_contains($stop_log, '$ ' . PHP_BINARY
    . ' easyswoole stop   (in ' . $world['root'] . ')') && str_contains($stop_log, 'server stop at'), $stop_log);

// Sorted: the stop command's end and the release of the lock come from two
// processes that finish at about the same time, in either order.
echo "-- the releasers' log, sorted\n";
$log = file_get_contents("$box/self.log");
$shown = [];
foreach (explode("\n", $log) as $line) {
    if (preg_match('/^\S+ (\w+: (deploy: \w+ is live on port|stop: |recover: the old service|tick: the service).*)$/',
        $line, $m)) {
        $line = preg_replace(['/ \((prepare|start) [^)]*\)$/', '/pid \d+/', '/(output in )\S+/'],
            [' (timings)', 'pid N', '$1LOG'], $m[1]);
        $shown[] = bg_scene_names($scene, strtr($line, [substr($sha, 0, 7) => 'v2', PHP_BINARY => 'PHP']));
    }
}
sort($shown);
echo implode("\n", $shown), "\n";
echo "errors or warnings logged: ", preg_match_all('/^\S+ (error|warning):/m', $log), "\n";

bg_scene_stop($scene);
bg_kill_tree($child1, $box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-self-hosted-child');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
generation 1: five service processes and the releaser child: ok
the releaser child holds the listening socket: ok
v2 live, and the stop confirmed by the next generation: ok
nginx answers version=v2 port=B
the service of generation 1 is gone: ok
its releaser child lives on, holding no socket of the old port: ok
and it has no zombie child left (the stop command was reaped): ok
the stop command ran in root, its output in root's output log: ok
-- the releasers' log, sorted
info: deploy: v2 is live on port B; this releaser runs inside the service on port A, which it now stops: the next generation's releaser confirms the stop (timings)
info: recover: the old service on port A, stopped by the previous generation's releaser, is gone
info: stop: `PHP easyswoole stop` started in BOX/releases/app (pid N), not waited for; output in LOG
info: stop: the `stop` command (pid N) for port A ended: exit status 0
info: tick: the service on port A is gone and this process (pid N) outlived it, so it was not one of its processes: the deploy lock is released for the next generation's releaser; this one deploys nothing more
errors or warnings logged: 0