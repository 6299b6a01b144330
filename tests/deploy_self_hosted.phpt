--TEST--
Self-hosted: three generations of a Swoole-shaped service, each one's embedded releaser (in its user process) deploying the next and handing over, under continuous load through nginx with zero failed requests
--EXTENSIONS--
bluegreen
pcntl
posix
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-self-hosted');
$pids = [];
bg_cleanup_at_exit($box, $pids);

// The service's PHP loads the extension itself: run-tests.php's -d does not reach it.
$start = bg_php(['easyswoole', 'start', 'd']);

// The embedded releaser, as an EasySwoole custom process runs it: options from
// the file BG_SELF_CONF names (the start command passes the environment on),
// root = the release it runs in, tick() every 0.3 s, for 4 minutes at most.
// When a tick deploys, it writes its descriptors before and after that tick
// to ROOT/handoff.json.
$user_process = <<<'PHP'
    <?php
    $options = json_decode(file_get_contents(getenv('BG_SELF_CONF')), true, 512, JSON_THROW_ON_ERROR);
    $options['root'] = EASYSWOOLE_ROOT;
    $releaser = new BlueGreen\Releaser($options);
    $fds = function () {
        $all = [];
        foreach (scandir('/proc/self/fd') as $fd) {
            if ($fd[0] !== '.') {
                $all[$fd] = @readlink("/proc/self/fd/$fd");
            }
        }
        return $all;
    };
    for ($until = time() + 240; time() < $until; usleep(300000)) {
        $before = $fds();
        if ($releaser->tick() !== null) {
            file_put_contents(EASYSWOOLE_ROOT . '/handoff.json', json_encode([$before, $fds()]));
        }
    }
    PHP;
// max_wait_time 1: how long the manager lets the user process (SIGTERM blocked) outlive the stop.
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
    'build' => [],
    'log' => "$box/self.log",
    'keep_releases' => 2,
]);
file_put_contents("$box/self.json", json_encode($options, JSON_UNESCAPED_SLASHES));
$env = getenv() + ['BG_SELF_CONF' => "$box/self.json"];

// Generation 1: root, started by hand, as before any deploy.
$res = bg_run($start, $world['root'], 10.0, $env);
if ($res['exit'] !== 0 || !bg_wait_port($a, true, 5.0)) {
    die('root did not start: ' . json_encode($res));
}

/** The generation serving from $dir: its master and every descendant (master, manager, 2 workers, user process). */
function generation(string $dir): array
{
    $master = 0;
    bg_wait_for(function () use ($dir, &$master) {
        $master = (int) bg_app_pid($dir);
        return $master > 0 && count(bg_descendants($master)) === 4;
    }, 5.0);
    return array_merge([$master], bg_descendants($master));
}

/** state.json, read as it is: status() would probe the ports, and a probe is a connection the drain waits for. */
$state = fn () => json_decode((string) @file_get_contents("$box/releases/.bluegreen/state.json"), true) ?? [];

/** The pid holding the deploy lock, or null when nobody holds it. */
function lock_holder(string $box): ?int
{
    $f = fopen("$box/releases/.bluegreen/lock", 'r');
    $held = !flock($f, LOCK_SH | LOCK_NB, $blocked) && $blocked;
    $pid = $held ? (int) stream_get_contents($f) : null;
    fclose($f);
    return $pid;
}

$gen = generation($world['root']);
$pids[] = $gen[0];
$old = [];                          // every process of every earlier generation
$shas = [substr($world['first'], 0, 7) => 'v1'];
echo "before: ", bg_scene_names($scene, bg_answer($listen)), "\n";
bg_check('generation 1: master, manager, 2 workers, user process', count($gen) === 5, $gen);

$load = bg_load_start($listen);
for ($v = 2; $v <= 4; $v++) {
    $dir = $v === 2 ? $world['root'] : $state()['live']['path'];   // the generation serving now
    $sockets = array_map(fn ($i) => "socket:[$i]", bg_listen_inodes($scene[$v % 2 ? 'b' : 'a']));
    $sha = bg_app_commit($world, "v$v");
    $shas[substr($sha, 0, 7)] = "v$v";
    // The test only pushes: the embedded releaser of the generation serving now does the rest.
    $done = bg_wait_for(function () use ($state, $sha, $gen, $listen, $v) {
        $st = $state();
        return str_starts_with(bg_answer($listen), "version=v$v ") && ($st['live']['commit'] ?? '') === $sha
            && $st['stop_pending'] === null && $st['deploy'] === null
            && array_filter($gen, 'bg_pid_alive') === [];
    }, 40.0);
    $old = array_merge($old, $gen);
    $gen = generation($state()['live']['path'] ?? '/nonexistent');
    $pids[] = $gen[0];
    echo "v$v: ", $done ? 'deployed by the previous generation, which is gone; the stop is confirmed' : 'TIMED OUT',
        ", nginx answers ", bg_scene_names($scene, bg_answer($listen)), "\n";
    // In the tick that handed over, the user process's copies of its listening socket became /dev/null.
    [$before, $after] = json_decode((string) @file_get_contents("$dir/handoff.json"), true) ?? [[], []];
    $copies = array_intersect($before, $sockets);
    bg_check("v$v: the old user process let go of its copies of the listening socket, their numbers still taken "
        . "(/dev/null)", $copies !== [] && array_intersect_key($after, $copies)
        === array_fill_keys(array_keys($copies), '/dev/null') && !array_intersect($after, $sockets), [$before, $after, $sockets]);
    if (!$done) {
        echo json_encode($state(), JSON_UNESCAPED_SLASHES), "\n",
            implode('', preg_grep('/ debug: /', file("$box/self.log"), PREG_GREP_INVERT));
        break;
    }
}
usleep(300000);                     // load on the last release too
$result = bg_load_stop($load);
echo "requests under load: ", $result["requests"] > 500 ? "many" : $result["raw"], "\n";
echo "non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";

$listening = array_values(array_filter([$a, $b], fn ($p) => bg_listen_inodes($p) !== []));
echo "listening: ", bg_scene_names($scene, implode(' ', $listening)), "\n";
bg_check('the last generation: five processes, all holding its port', count($gen) === 5 && $listening
    && bg_socket_holders($listening[0]) === (function () use ($gen) { sort($gen); return $gen; })(), $gen);
$left = array_values(array_filter($old, 'bg_pid_alive'));
bg_check('every process of the three earlier generations is gone (' . count($old) . ')', count($old) === 15
    && $left === [], [$old, $left]);
$st = $state();
echo "state: live ", $shas[substr($st['live']['commit'], 0, 7)] ?? '?', ', stop_pending ',
    json_encode($st['stop_pending']), ', deploy ', json_encode($st['deploy']), "\n";
$holder = lock_holder($box);
$kept = array_map(fn ($d) => trim(file_get_contents("$d/VERSION")), glob("$box/releases/release-*"));
echo "releases kept (keep_releases 2, pruned at each hand-off): ", implode(' ', $kept), "\n";
bg_check('the lock is free, or held by the live user process', $holder === null || in_array($holder, $gen, true), $holder);

echo "-- the embedded releasers' log\n";
$log = file_get_contents("$box/self.log");
foreach (explode("\n", $log) as $line) {
    if (preg_match('/^\S+ (\w+: (deploy: \w+ is live on port|recover: the old service).*)$/', $line, $m)) {
        $line = preg_replace('/ \((prepare|start) [^)]*\)$/', ' (timings)', $m[1]);
        echo bg_scene_names($scene, strtr($line, $shas)), "\n";
    }
}
echo "errors or warnings logged: ", preg_match_all('/^\S+ (error|warning):/m', $log), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-self-hosted');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
before: version=v1 port=A
generation 1: master, manager, 2 workers, user process: ok
v2: deployed by the previous generation, which is gone; the stop is confirmed, nginx answers version=v2 port=B
v2: the old user process let go of its copies of the listening socket, their numbers still taken (/dev/null): ok
v3: deployed by the previous generation, which is gone; the stop is confirmed, nginx answers version=v3 port=A
v3: the old user process let go of its copies of the listening socket, their numbers still taken (/dev/null): ok
v4: deployed by the previous generation, which is gone; the stop is confirmed, nginx answers version=v4 port=B
v4: the old user process let go of its copies of the listening socket, their numbers still taken (/dev/null): ok
requests under load: many
non-2xx: 0, socket errors: 0
listening: B
the last generation: five processes, all holding its port: ok
every process of the three earlier generations is gone (15): ok
state: live v4, stop_pending null, deploy null
releases kept (keep_releases 2, pruned at each hand-off): v3 v4
the lock is free, or held by the live user process: ok
-- the embedded releasers' log
info: deploy: v2 is live on port B; this releaser runs inside the service on port A, which it now stops: the next generation's releaser confirms the stop (timings)
info: recover: the old service on port A, stopped by the previous generation's releaser, is gone
info: deploy: v3 is live on port A; this releaser runs inside the service on port B, which it now stops: the next generation's releaser confirms the stop (timings)
info: recover: the old service on port B, stopped by the previous generation's releaser, is gone
info: deploy: v4 is live on port B; this releaser runs inside the service on port A, which it now stops: the next generation's releaser confirms the stop (timings)
info: recover: the old service on port A, stopped by the previous generation's releaser, is gone
errors or warnings logged: 0
