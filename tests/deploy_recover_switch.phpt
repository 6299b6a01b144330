--TEST--
Recovery: a releaser killed with SIGKILL from the switch on (between the config write and the reload, after the switch, during the drain, during the old service's stop, after it); the next tick() finishes the deploy, nothing leaks, nginx never stops answering
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
$box = bg_sandbox('deploy-recover-switch');
$pids = [];
bg_cleanup_at_exit($box, $pids);
// The releasers of this process give a stubborn service 3 s; the killed ones 30.
$t = bg_recover_setup($box, $pids, ['stop_timeout' => 3]);
$scene = $t['scene'];
$loop = bg_recover_loop_start($scene, $pids);

// nginx -t stand-in that kills the releaser running it (its parent) and
// passes: the new config is on disk, nginx never got to load it.
file_put_contents("$box/kill-parent.php", "<?php posix_kill(posix_getppid(), SIGKILL);\n");
bg_recover_stage($t, 'between the config write and the reload (the first deploy, from root)', 'v2', [],
    ['nginx' => ['test' => [PHP_BINARY, "$box/kill-parent.php"]] + $t['opts']['nginx']], '', null,
    function (array $t) {
        echo 'after the kill: nginx.conf points to ', bg_scene_names($t['scene'], (string) bg_recover_conf_port($t['scene'])),
            ', nginx answers ', bg_scene_names($t['scene'], bg_answer($t['scene']['listen'])), "\n";
    });
bg_recover_next_deploy($t, 'v3');

// Killed as the switch logs its success: the state still says "switch". A
// client of the old nginx workers has not sent its whole request yet: the
// old service must still be there when it does.
$slow = bg_recover_slow_start($scene, $pids);
bg_recover_stage($t, 'after the switch, before the state says drain', 'v4', [], [], 'now points to port', null,
    fn (array $t) => bg_recover_slow_go($t['scene']));
echo 'the request a client of the old nginx workers sent late: ', bg_recover_slow_result($scene, $slow), "\n";
bg_recover_next_deploy($t, 'v5');

// A slow request in flight to the old service keeps the drain waiting.
$slow = bg_http_start('127.0.0.1', $scene['listen'], '/slow?ms=4000', 10);
bg_recover_stage($t, 'during the drain (a request in flight to the old service)', 'v6', [], [], '',
    fn (array $child) => bg_recover_kill_at($scene, $child, 'drain'), function () use ($slow) {
        $r = [$slow];
        $w = $e = null;
        echo 'after the kill: the request is still in flight: ', json_encode(stream_select($r, $w, $e, 0) === 0), "\n";
    });
echo 'the request in flight: ', bg_scene_names($scene, preg_replace('/ pid=\d+/', '', json_encode(array_intersect_key(
    bg_http_finish($slow, 10), ['status' => 1, 'body' => 1, 'error' => 1])))), "\n";
bg_recover_next_deploy($t, 'v7', ['IGNORE_SIGTERM' => "1\n"]);

// v7 ignores SIGTERM: the killed releaser waits out its stop_timeout.
bg_recover_stage($t, 'during the stop of an old service that ignores SIGTERM', 'v8', ['IGNORE_SIGTERM' => null],
    ['stop_timeout' => 30], '', fn (array $child) => bg_recover_kill_at($scene, $child, 'stop',
        fn () => str_contains((string) @file_get_contents("{$scene['box']}/child.log"), 'stop: SIGTERM to pid')),
    function (array $t) {
        echo 'after the kill: the old service on A answers: ', bg_scene_names($t['scene'], bg_answer($t['scene']['a'])), "\n";
    });
bg_recover_next_deploy($t, 'v9');

bg_recover_stage($t, 'after the old service stopped, before prune', 'v10', [], [], ' stopped with ');
bg_recover_next_deploy($t, 'v11');

bg_recover_loop_stop($loop);
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-recover-switch');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
== killed between the config write and the reload (the first deploy, from root)
child: killed by SIGKILL
after the kill: nginx.conf points to B, nginx answers version=v1 port=A
status(): deploying v2 at step switch, running false, lock holder null
tick(): null
  warning: recover: the deploy of v2 by pid PID was interrupted at step switch; reconciling
  info: nginx reloaded with BOX/ngx/nginx.conf as it is
  info: recover: nginx's N process(es) of before the reload have exited (T)
  info: drain: no connection left on port A (T)
  info: stop: SIGTERM to pid PID, the service on port A
  info: stop: port A stopped with SIGTERM to the owner of its socket (T)
  info: recover: live is v2 on port B
nginx answers: version=v2 port=B
state: live v2 on B, previous v1 on A, deploying null, lock holder null
last error: v2 at switch: interrupted at step switch: its releaser (pid PID) died; recovered: the release went live
listening: B; nginx.conf points to B
leftover processes: none
deploy() of v3: v3 on A, nginx answers version=v3 port=A
== killed after the switch, before the state says drain
child: killed by SIGKILL
status(): deploying v4 at step switch, running false, lock holder null
tick(): null
  warning: recover: the deploy of v4 by pid PID was interrupted at step switch; reconciling
  info: nginx reloaded with BOX/ngx/nginx.conf as it is
  info: recover: nginx's N process(es) of before the reload have exited (T)
  info: drain: no connection left on port A (T)
  info: stop: SIGTERM to pid PID, the service on port A
  info: stop: port A stopped with SIGTERM to the owner of its socket (T)
  info: recover: live is v4 on port B
nginx answers: version=v4 port=B
state: live v4 on B, previous v3 on A, deploying null, lock holder null
last error: v4 at switch: interrupted at step switch: its releaser (pid PID) died; recovered: the release went live
listening: B; nginx.conf points to B
leftover processes: none
the request a client of the old nginx workers sent late: {"status":200,"body":"version=v3 port=A\n"}
deploy() of v5: v5 on A, nginx answers version=v5 port=A
== killed during the drain (a request in flight to the old service)
child: killed by SIGKILL
after the kill: the request is still in flight: true
status(): deploying v6 at step drain, running false, lock holder null
tick(): null
  warning: recover: the deploy of v6 by pid PID was interrupted at step drain; reconciling
  info: nginx reloaded with BOX/ngx/nginx.conf as it is
  info: recover: nginx's N process(es) of before the reload have exited (T)
  info: drain: no connection left on port A (T)
  info: stop: SIGTERM to pid PID, the service on port A
  info: stop: port A stopped with SIGTERM to the owner of its socket (T)
  info: recover: live is v6 on port B
nginx answers: version=v6 port=B
state: live v6 on B, previous v5 on A, deploying null, lock holder null
last error: v6 at drain: interrupted at step drain: its releaser (pid PID) died; recovered: the release went live
listening: B; nginx.conf points to B
leftover processes: none
the killed releaser's descendants at the kill: gone
the request in flight: {"status":200,"body":"version=v5 port=A\n"}
deploy() of v7: v7 on A, nginx answers version=v7 port=A
== killed during the stop of an old service that ignores SIGTERM
child: killed by SIGKILL
after the kill: the old service on A answers: version=v7 port=A
status(): deploying v8 at step stop, running false, lock holder null
tick(): null
  warning: recover: the deploy of v8 by pid PID was interrupted at step stop; reconciling
  info: drain: no connection left on port A (T)
  info: stop: SIGTERM to pid PID, the service on port A
  warning: stop: port A still listening after 3 s; SIGKILL to 3 process(es)
  info: stop: port A stopped with SIGTERM to the owner of its socket (T)
  info: recover: live is v8 on port B
nginx answers: version=v8 port=B
state: live v8 on B, previous v7 on A, deploying null, lock holder null
last error: v8 at stop: interrupted at step stop: its releaser (pid PID) died; recovered: the release went live
listening: B; nginx.conf points to B
leftover processes: none
the killed releaser's descendants at the kill: gone
deploy() of v9: v9 on A, nginx answers version=v9 port=A
== killed after the old service stopped, before prune
child: killed by SIGKILL
status(): deploying v10 at step stop, running false, lock holder null
tick(): null
  warning: recover: the deploy of v10 by pid PID was interrupted at step stop; reconciling
  info: stop: nothing listens on port A
  info: recover: live is v10 on port B
nginx answers: version=v10 port=B
state: live v10 on B, previous v9 on A, deploying null, lock holder null
last error: v10 at stop: interrupted at step stop: its releaser (pid PID) died; recovered: the release went live
listening: B; nginx.conf points to B
leftover processes: none
deploy() of v11: v11 on A, nginx answers version=v11 port=A
requests through nginx all along: many, failed: 0
