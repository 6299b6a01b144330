--TEST--
Releaser::run(): ticks every interval, deploys what is pushed, and stops at once and cleanly on SIGTERM or SIGINT
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('run');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, $s);
file_put_contents("$box/run.php", '<?php
$r = new BlueGreen\Releaser(json_decode($argv[1], true));
$r->run((int) $argv[2]);
echo "run() returned\n";');
$runner = function (int $interval) use ($box, $scene) {
    return bg_spawn(bg_php(["$box/run.php",
        json_encode(bg_deploy_options($scene, ['log' => "$box/run.log"])), (string) $interval]), $box);
};

echo "-- a push goes live within an interval or two\n";
$child = $runner(1);
$pids[] = $child['pid'];
bg_app_commit($scene, 'v2');
$live = bg_wait_for(fn () => bg_answer($scene['listen']) === 'version=v2 port=' . $scene['b'], 15);
echo "v2 live: ", var_export($live, true), "\n";

echo "-- SIGTERM ends the wait at once\n";
$t = microtime(true);
posix_kill($child['pid'], SIGTERM);
$exit = bg_wait_exit($child, 10);
printf("exit %s within a second: %s; %s", var_export($exit, true), var_export(microtime(true) - $t < 1, true), bg_output($child));
$log = file_get_contents("$box/run.log");
foreach (['run: checking', 'deploy: ', 'run: SIGTERM received; stopping'] as $needle) {
    echo "logged '$needle': ", var_export(str_contains($log, $needle), true), "\n";
}

echo "-- SIGINT too, with a long interval\n";
$child = $runner(3600);
$pids[] = $child['pid'];
bg_wait_for(fn () => substr_count((string) @file_get_contents("$box/run.log"), 'run: checking') === 2, 10);
usleep(300000);
$t = microtime(true);
posix_kill($child['pid'], SIGINT);
$exit = bg_wait_exit($child, 10);
printf("exit %s within a second: %s; %s", var_export($exit, true), var_export(microtime(true) - $t < 1, true), bg_output($child));

echo "-- a bad interval\n";
$r = new BlueGreen\Releaser(bg_deploy_options($scene));
try { $r->run(0); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('run');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- a push goes live within an interval or two
v2 live: true
-- SIGTERM ends the wait at once
exit 0 within a second: true; run() returned
logged 'run: checking': true
logged 'deploy: ': true
logged 'run: SIGTERM received; stopping': true
-- SIGINT too, with a long interval
exit 0 within a second: true; run() returned
-- a bad interval
BlueGreen\Releaser::run(): Argument #1 ($interval) must be between 1 and 86400 (seconds)
