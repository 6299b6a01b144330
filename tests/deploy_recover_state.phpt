--TEST--
Recovery: a state.json that is not JSON (or not bluegreen's) is a clear exception naming it and nothing is touched; the deploy of a releaser that is alive holds the lock (LockException naming it), and once it is killed the next deploy recovers
--EXTENSIONS--
bluegreen
pcntl
posix
--FILE--
<?php
require __DIR__ . '/inc/recover.inc';
$box = bg_sandbox('deploy-recover-state');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$t = bg_recover_setup($box, $pids);
$scene = $t['scene'];
$child_pid = 0;
$name = function (string $s) use (&$t, &$child_pid): string {
    $s = $child_pid ? str_replace((string) $child_pid, 'CHILD', $s) : $s;
    return bg_recover_names($t['scene'], $t['versions'], $s);
};
/** Runs $fn and prints what it returned, or the class and message of what it threw. */
$try = function (callable $fn) use ($name): void {
    try {
        echo $name(json_encode($fn(), JSON_UNESCAPED_SLASHES)), "\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $name($e->getMessage()), "\n";
    }
};
$state = "$box/releases/.bluegreen/state.json";
$r = new BlueGreen\Releaser(['log' => $t['log']] + $t['opts']);

/** Everything a releaser could have touched, to compare. */
$snapshot = fn () => [
    'state' => @file_get_contents($state), 'nginx.conf' => file_get_contents($scene['conf']),
    'releases' => bg_recover_release_dirs($scene), 'nginx answers' => bg_answer($scene['listen']),
    'B listens' => bg_recover_listens($scene['b']),
];

foreach (['not JSON' => '{"version": 1, "live": {"commit": "3f2a9c1', 'not a bluegreen state' => '{"version": 7}'] as $what => $bytes) {
    echo "-- a state.json that is $what\n";
    @mkdir(dirname($state), 0755, true);
    file_put_contents($state, $bytes);
    $before = $snapshot();
    $try(fn () => $r->status());
    $try(fn () => $r->deploy());
    $try(fn () => $r->rollback());
    echo 'tick(): ', json_encode($r->tick()), "\n";
    bg_log_print($t['lines'], [$box => 'BOX']);
    echo 'nothing touched: ', json_encode($snapshot() === $before), "\n";
}

echo "-- removed, the next deploy works\n";
unlink($state);
bg_recover_next_deploy($t, 'v2');

echo "-- a deploy under way, its releaser alive: the lock is held\n";
$sha = bg_app_commit($scene, 'v3');
$t['versions'][$sha] = 'v3';
$child = bg_recover_spawn($scene, ['build' => [['sleep', '30']]] + $t['opts'], $sha);
$pids[] = $child['pid'];
$sleeper = null;
bg_wait_for(function () use ($scene, $child, &$sleeper) {
    foreach (bg_children($child['pid']) as $pid) {
        $sleeper = bg_cmdline($pid) === 'sleep 30' ? $pid : $sleeper;
    }
    return $sleeper !== null && (bg_recover_state($scene)['deploy']['step'] ?? null) === 'prepare';
}, 30);
$child_pid = $child['pid'];
$try(fn () => $r->deploy());
$try(fn () => $r->rollback());
$st = $r->status();
echo $name('status(): deploying ' . json_encode(array_intersect_key($st['deploying'],
    ['commit' => 1, 'step' => 1, 'pid' => 1, 'running' => 1])) . ', lock holder ' . $st['lock_holder']), "\n";
echo 'tick(): ', json_encode($r->tick()), "\n";
bg_log_print($t['lines'], [$box => 'BOX', (string) $child_pid => 'CHILD']);
echo 'still deploying, untouched: ', json_encode(bg_pid_alive($child['pid']) && bg_pid_alive($sleeper)), "\n";

echo "-- killed: the next deploy recovers, and deploys\n";
posix_kill($child['pid'], SIGKILL);
echo 'child: ', bg_recover_reap($child), "\n";
$release = $r->deploy();
echo 'deploy(): ', $name("$release->commit on $release->port"), "\n";
bg_recover_print_log($scene, $t['versions'], $t['lines']);
bg_recover_report($scene, $r, $t['versions']);
echo 'the build step: ', bg_pid_alive($sleeper) ? 'STILL RUNNING' : 'gone', "\n";

echo "-- a deploy recorded by a pid that now belongs to another process: not running, recovered\n";
$sha = bg_app_commit($scene, 'v4');
$t['versions'][$sha] = 'v4';
$forged = json_decode(file_get_contents($state), true);
$forged['deploy'] = ['commit' => $sha, 'path' => null, 'port' => null, 'created_at' => 0, 'step' => 'start',
    'from_port' => $scene['a'], 'started' => time(), 'pid' => getmypid(), 'pid_start' => 1];
file_put_contents($state, json_encode($forged));
$st = $r->status();
echo $name('status(): deploying ' . json_encode(array_intersect_key($st['deploying'], ['commit' => 1, 'step' => 1,
    'running' => 1])) . ', lock holder ' . json_encode($st['lock_holder'])), "\n";
$release = $r->deploy();
echo 'deploy(): ', $name("$release->commit on $release->port"), "\n";
bg_recover_print_log($scene, $t['versions'], $t['lines']);
bg_recover_report($scene, $r, $t['versions']);

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-recover-state');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- a state.json that is not JSON
BlueGreen\Exception: BOX/releases/.bluegreen/state.json:1:35: unterminated string (the releaser's state: fix or remove the file)
BlueGreen\Exception: BOX/releases/.bluegreen/state.json:1:35: unterminated string (the releaser's state: fix or remove the file)
BlueGreen\Exception: BOX/releases/.bluegreen/state.json:1:35: unterminated string (the releaser's state: fix or remove the file)
tick(): null
error: tick: system error: BOX/releases/.bluegreen/state.json:1:35: unterminated string (the releaser's state: fix or remove the file)
nothing touched: true
-- a state.json that is not a bluegreen state
BlueGreen\Exception: BOX/releases/.bluegreen/state.json is not a bluegreen state file of version 1
BlueGreen\Exception: BOX/releases/.bluegreen/state.json is not a bluegreen state file of version 1
BlueGreen\Exception: BOX/releases/.bluegreen/state.json is not a bluegreen state file of version 1
tick(): null
error: tick: system error: BOX/releases/.bluegreen/state.json is not a bluegreen state file of version 1
nothing touched: true
-- removed, the next deploy works
deploy() of v2: v2 on B, nginx answers version=v2 port=B
-- a deploy under way, its releaser alive: the lock is held
BlueGreen\LockException: another deploy is running: BOX/releases/.bluegreen/lock is held by pid CHILD
BlueGreen\LockException: another deploy is running: BOX/releases/.bluegreen/lock is held by pid CHILD
status(): deploying {"commit":"v3","step":"prepare","pid":CHILD,"running":true}, lock holder CHILD
tick(): null
debug: tick: another deploy is running: BOX/releases/.bluegreen/lock is held by pid CHILD
still deploying, untouched: true
-- killed: the next deploy recovers, and deploys
child: killed by SIGKILL
deploy(): v3 on A
  warning: recover: the deploy of v3 by pid PID was interrupted at step prepare; reconciling
  info: stop: nothing listens on port A
  info: recover: stopping 1 process(es) the interrupted deploy left running for release-UTC-SHA: sleep (pid PID)
  info: recover: removed the half-made release BOX/releases/release-UTC-SHA
  info: recover: live is v2 on port B
nginx answers: version=v3 port=A
state: live v3 on A, previous v2 on B, deploying null, lock holder null
last error: v3 at prepare: interrupted at step prepare: its releaser (pid PID) died; recovered: the release did not go live
listening: A; nginx.conf points to A
leftover processes: none
the build step: gone
-- a deploy recorded by a pid that now belongs to another process: not running, recovered
status(): deploying {"commit":"v4","step":"start","running":false}, lock holder null
deploy(): v4 on B
  warning: recover: the deploy of v4 by pid PID was interrupted at step start; reconciling
  info: stop: nothing listens on port B
  info: recover: live is v3 on port A
nginx answers: version=v4 port=B
state: live v4 on B, previous v3 on A, deploying null, lock holder null
last error: v4 at start: interrupted at step start: its releaser (pid PID) died; recovered: the release did not go live
listening: B; nginx.conf points to B
leftover processes: none
