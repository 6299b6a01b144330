--TEST--
Releaser::run() with a 30 s poll: wake() (what a push webhook calls, from another process) and SIGUSR1 make it tick at once (it says so within seconds, not at the poll), and that tick deploys the push through nginx; woken() says whether wake() came since the last tick
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
$count = fn (string $what) => substr_count($log(), $what);
// What run() logs: "run: woken by ...; checking now" when a wait ends early;
// a tick that finds nothing ends with "check: ... nothing new" (debug, kept
// in the log file), one that deploys with "deploy: SHA live". The test waits
// for those lines, not for the lock to be free: the lock is also free just
// before a tick takes it.
$woken = 'run: woken by';
$nothing_new = ', nothing new (';
echo "first tick done: ", var_export(bg_wait_for(fn () => str_contains($log(), 'run: checking') && $count($nothing_new) >= 1, 30), true), "\n";

// A push, then $wake: how long until run() says it is woken (the 30 s poll
// would take 30), and the deploy of the push through nginx. How long the
// deploy itself takes is the machine's (a loaded one takes many seconds),
// not the wake's: it is printed, not bounded.
$push_to_live = function (string $v, string $by, callable $wake) use ($scene, $log, $count, $woken) {
    $sha = bg_app_commit($scene, $v);
    $before = $count("$woken $by");
    $t = microtime(true);
    $wake();
    $at_once = bg_wait_for(fn () => $count("$woken $by") > $before, 10);
    $woke = microtime(true) - $t;
    $deployed = 'deploy: ' . substr($sha, 0, 7) . ' live';
    $live = bg_wait_for(fn () => str_contains($log(), $deployed), 60)
        && strrpos($log(), "$woken $by") < strpos($log(), $deployed);
    $took = microtime(true) - $t;
    $port = $v === 'v2' ? $scene['b'] : $scene['a'];
    printf("%s: woken in %.2f s, push to live in %.2f s\n", $v, $woke, $took);
    echo "logged 'run: woken by $by; checking now' at once (< 5 s; the poll is 30 s): ",
        var_export($at_once && $woke < 5 && str_contains($log(), "run: woken by $by; checking now"), true), "\n";
    echo "$v deployed by that tick, live through nginx: ",
        var_export($live && bg_answer($scene['listen']) === "version=$v port=$port", true), "\n";
};

echo "-- a webhook's wake(), from another process\n";
$push_to_live('v2', 'wake()', fn () => (new BlueGreen\Releaser($opts))->wake());

echo "-- SIGUSR1 to the process running run()\n";
$push_to_live('v3', 'SIGUSR1', fn () => posix_kill($child['pid'], SIGUSR1));

echo "-- five wakes in a row: at least one tick, at most one per wake (those during a tick make one)\n";
$ticks = $count($woken);
$ends = $count($nothing_new);
$w = new BlueGreen\Releaser($opts);
for ($i = 0; $i < 5; $i++) {
    $w->wake();
}
// Until a tick came and every tick that came has ended.
bg_wait_for(fn () => $count($woken) > $ticks && $count($nothing_new) - $ends >= $count($woken) - $ticks, 10);
$more = $count($woken) - $ticks;
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
v2: woken in %f s, push to live in %f s
logged 'run: woken by wake(); checking now' at once (< 5 s; the poll is 30 s): true
v2 deployed by that tick, live through nginx: true
-- SIGUSR1 to the process running run()
v3: woken in %f s, push to live in %f s
logged 'run: woken by SIGUSR1; checking now' at once (< 5 s; the poll is 30 s): true
v3 deployed by that tick, live through nginx: true
-- five wakes in a row: at least one tick, at most one per wake (those during a tick make one)
ticks for 5 wakes in a row: between 1 and 5
-- SIGTERM still ends it at once
exit 0 within a second: true; run() returned
-- woken()
after a tick: false
after wake() from another releaser: true
after the next tick: false
