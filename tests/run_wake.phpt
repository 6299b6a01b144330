--TEST--
Releaser::run() with a 30 s poll: wake() (what a push webhook calls, from another process) and SIGUSR1 make it tick at once, and the push goes live through nginx in about a start and a switch; woken() says whether wake() came since the last tick
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('run_wake');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, $s);
$opts = bg_deploy_options($scene, ['log' => "$box/run.log", 'drain_timeout' => 5]);
file_put_contents("$box/run.php", '<?php
$r = new BlueGreen\Releaser(json_decode($argv[1], true));
$r->run(30);
echo "run() returned\n";');
$child = bg_spawn([PHP_BINARY, '-d', 'extension=' . realpath(__DIR__ . '/../modules/bluegreen.so'), "$box/run.php",
    json_encode($opts)], $box);
$pids[] = $child['pid'];
$log = fn () => (string) @file_get_contents("$box/run.log");
// The first tick is over once run() waits: its lock is free again.
$idle = fn () => (new BlueGreen\Releaser($opts))->status()['lock_holder'] === null;
echo "first tick done: ", var_export(bg_wait_for(fn () => str_contains($log(), 'run: checking') && $idle(), 15), true), "\n";
usleep(200000);

$push_to_live = function (string $v, callable $wake) use ($scene) {
    bg_app_commit($scene, $v);
    $t = microtime(true);
    $wake();
    $port = $v === 'v2' ? $scene['b'] : $scene['a'];
    $live = bg_wait_for(fn () => bg_answer($scene['listen']) === "version=$v port=$port", 25);
    $took = microtime(true) - $t;
    printf("%s: push to live in %.2f s\n", $v, $took);
    echo "$v live through nginx: ", var_export($live, true), ", in well under the 30 s poll (< 10 s): ",
        var_export($took < 10, true), "\n";
};

echo "-- a webhook's wake(), from another process\n";
$push_to_live('v2', fn () => (new BlueGreen\Releaser($opts))->wake());
echo "logged: ", var_export(str_contains($log(), 'run: woken by wake(); checking now'), true), "\n";

echo "-- SIGUSR1 to the process running run()\n";
bg_wait_for($idle, 15);
$push_to_live('v3', fn () => posix_kill($child['pid'], SIGUSR1));
echo "logged: ", var_export(str_contains($log(), 'run: woken by SIGUSR1; checking now'), true), "\n";

echo "-- five wakes in a row: at least one tick, at most one per wake (those during a tick make one)\n";
bg_wait_for($idle, 15);
$ticks = substr_count($log(), 'run: woken by');
$w = new BlueGreen\Releaser($opts);
for ($i = 0; $i < 5; $i++) {
    $w->wake();
}
usleep(800000);
$more = substr_count($log(), 'run: woken by') - $ticks;
echo "ticks for 5 wakes in a row: ", $more >= 1 && $more <= 5 ? 'between 1 and 5' : $more, "\n";

echo "-- SIGTERM still ends it at once\n";
$t = microtime(true);
posix_kill($child['pid'], SIGTERM);
$exit = bg_wait_exit($child, 10);
printf("exit %s within a second: %s; %s", var_export($exit, true), var_export(microtime(true) - $t < 1, true), bg_output($child));

echo "-- woken()\n";
$q = new BlueGreen\Releaser($opts);
$q->tick();
echo "after a tick: ", var_export($q->woken(), true), "\n";
$w->wake();
echo "after wake() from another releaser: ", var_export($q->woken(), true), "\n";
$q->tick();
echo "after the next tick: ", var_export($q->woken(), true), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('run_wake');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
first tick done: true
-- a webhook's wake(), from another process
v2: push to live in %f s
v2 live through nginx: true, in well under the 30 s poll (< 10 s): true
logged: true
-- SIGUSR1 to the process running run()
v3: push to live in %f s
v3 live through nginx: true, in well under the 30 s poll (< 10 s): true
logged: true
-- five wakes in a row: at least one tick, at most one per wake (those during a tick make one)
ticks for 5 wakes in a row: between 1 and 5
-- SIGTERM still ends it at once
exit 0 within a second: true; run() returned
-- woken()
after a tick: false
after wake() from another releaser: true
after the next tick: false
