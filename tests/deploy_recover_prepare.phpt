--TEST--
Recovery: a releaser killed with SIGKILL before the switch (during a build step, after prepare, during a slow start, after start); the next tick() reconciles and deploys, nothing leaks, nginx never stops answering
--EXTENSIONS--
bluegreen
pcntl
posix
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound (kills at a stage, under load), not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/recover.inc';
$box = bg_sandbox('deploy-recover-prepare');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$t = bg_recover_setup($box, $pids);
$scene = $t['scene'];
$loop = bg_recover_loop_start($scene, $pids);

// A build step still running when the releaser dies: its process group is
// orphaned, holds no lock (the lock's descriptor is close-on-exec, and a
// child gets none above 2), and the next releaser stops it.
$sleeper = null;
bg_recover_stage($t, 'during prepare (a build step running)', 'v2', [], ['build' => [['sleep', '30']]], '',
    function (array $child) use ($scene, &$sleeper) {
        return bg_recover_kill_at($scene, $child, 'prepare', function () use ($child, &$sleeper) {
            foreach (bg_children($child['pid']) as $pid) {
                if (bg_cmdline($pid) === 'sleep 30') {
                    $sleeper = $pid;
                }
            }
            return $sleeper !== null;
        });
    },
    function (array $t) use (&$sleeper) {
        $st = (new BlueGreen\Releaser($t['opts']))->status();
        echo 'after the kill: the build step runs on: ', json_encode(bg_pid_alive($sleeper)),
            ', with descriptors ', implode(' ', array_diff(scandir("/proc/$sleeper/fd"), ['.', '..'])),
            ' (none is the lock\'s); lock holder: ', json_encode($st['lock_holder']), "\n";
    });
bg_recover_next_deploy($t, 'v3');

bg_recover_stage($t, 'after prepare, before start', 'v4', [], [], ' ready (', null);
bg_recover_next_deploy($t, 'v5');

// The new service has daemonized but not bound yet: nothing listens on its
// port when the next releaser looks.
bg_recover_stage($t, 'during start (the service daemonized, not listening yet)', 'v6', ['SLOW_START' => "3000\n"], [], '',
    fn (array $child) => bg_recover_kill_at($scene, $child, 'start', function () use ($scene) {
        $path = bg_recover_state($scene)['deploy']['path'] ?? null;
        return $path !== null && bg_app_pid($path) !== null;
    }),
    function (array $t) {
        $daemon = bg_app_pid(bg_recover_state($t['scene'])['deploy']['path']);
        echo 'after the kill: its daemon runs on: ', json_encode(bg_pid_alive($daemon)), ', listening on B: ',
            json_encode(bg_recover_listens($t['scene']['b'])), "\n";
    });
bg_recover_next_deploy($t, 'v7', ['SLOW_START' => null]);

bg_recover_stage($t, 'after start, before the switch', 'v8', [], [], 'healthy on port', null);
bg_recover_next_deploy($t, 'v9');

bg_recover_loop_stop($loop);
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-recover-prepare');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
== killed during prepare (a build step running)
child: killed by SIGKILL
after the kill: the build step runs on: true, with descriptors 0 1 2 (none is the lock's); lock holder: null
status(): deploying v2 at step prepare, running false, lock holder null
tick(): v2 on B
  warning: recover: the deploy of v2 by pid PID was interrupted at step prepare; reconciling
  info: stop: nothing listens on port B
  info: recover: stopping 1 process(es) the interrupted deploy left running for release-UTC-SHA: sleep (pid PID)
  info: recover: removed the half-made release BOX/releases/release-UTC-SHA
  info: recover: live is root on port A
nginx answers: version=v2 port=B
state: live v2 on B, previous v1 on A, deploying null, lock holder null
last error: v2 at prepare: interrupted at step prepare: its releaser (pid PID) died; recovered: the release did not go live
listening: B; nginx.conf points to B
leftover processes: none
half-made release directory: removed
the killed releaser's descendants at the kill: gone
deploy() of v3: v3 on A, nginx answers version=v3 port=A
== killed after prepare, before start
child: killed by SIGKILL
status(): deploying v4 at step prepare, running false, lock holder null
tick(): v4 on B
  warning: recover: the deploy of v4 by pid PID was interrupted at step prepare; reconciling
  info: stop: nothing listens on port B
  info: recover: removed the half-made release BOX/releases/release-UTC-SHA
  info: recover: live is v3 on port A
nginx answers: version=v4 port=B
state: live v4 on B, previous v3 on A, deploying null, lock holder null
last error: v4 at prepare: interrupted at step prepare: its releaser (pid PID) died; recovered: the release did not go live
listening: B; nginx.conf points to B
leftover processes: none
half-made release directory: removed
deploy() of v5: v5 on A, nginx answers version=v5 port=A
== killed during start (the service daemonized, not listening yet)
child: killed by SIGKILL
after the kill: its daemon runs on: true, listening on B: false
status(): deploying v6 at step start, running false, lock holder null
tick(): v6 on B
  warning: recover: the deploy of v6 by pid PID was interrupted at step start; reconciling
  info: stop: nothing listens on port B
  info: recover: stopping 1 process(es) the interrupted deploy left running for release-UTC-SHA: php (pid PID)
  info: recover: live is v5 on port A
nginx answers: version=v6 port=B
state: live v6 on B, previous v5 on A, deploying null, lock holder null
last error: v6 at start: interrupted at step start: its releaser (pid PID) died; recovered: the release did not go live
listening: B; nginx.conf points to B
leftover processes: none
the killed releaser's descendants at the kill: gone
deploy() of v7: v7 on A, nginx answers version=v7 port=A
== killed after start, before the switch
child: killed by SIGKILL
status(): deploying v8 at step start, running false, lock holder null
tick(): v8 on B
  warning: recover: the deploy of v8 by pid PID was interrupted at step start; reconciling
  info: drain: no connection left on port B (T)
  info: stop: SIGTERM to pid PID, the service on port B
  info: stop: port B stopped with SIGTERM to the owner of its socket (T)
  info: recover: live is v7 on port A
nginx answers: version=v8 port=B
state: live v8 on B, previous v7 on A, deploying null, lock holder null
last error: v8 at start: interrupted at step start: its releaser (pid PID) died; recovered: the release did not go live
listening: B; nginx.conf points to B
leftover processes: none
deploy() of v9: v9 on A, nginx answers version=v9 port=A
requests through nginx all along: many, failed: 0
