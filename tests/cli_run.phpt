--TEST--
bin/bluegreen run: deploys what is pushed within an interval or two, logging on stderr, and exits 0 at once on SIGTERM, or on SIGINT in the middle of the default 30 s wait
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-run');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene));
$shas = ['v1' => $scene['first']];
$n = function (string $s) use ($scene, &$shas) { return bg_cli_names($scene, $s, $shas); };
$stop = function (array $child, int $sig) use ($n) {
    $t = microtime(true);
    posix_kill($child['pid'], $sig);
    $exit = bg_wait_exit($child, 10);
    $took = microtime(true) - $t;
    if ($exit === null) {
        bg_kill_tree($child['pid']);
    }
    proc_close($child['proc']);
    echo "exit ", var_export($exit, true), " within a second: ", var_export($took < 1, true),
        ", stdout ", var_export(bg_output($child), true), "\n";
    return $n(bg_cli_stderr($child));
};

echo "-- run --interval 1, then SIGTERM\n";
$child = bg_cli_spawn(['run', '--interval', '1'], $box);
$pids[] = $child['pid'];
echo "looping: ", var_export(bg_wait_for(fn () => str_contains(bg_cli_stderr($child), 'run: checking'), 10), true), "\n";
$shas['v2'] = bg_app_commit($scene, 'v2');
// The deploy's last line: it has stopped the old service and pruned.
echo "v2 deployed: ", var_export(bg_wait_for(fn () => str_contains(bg_cli_stderr($child), '[info] deploy: ' . substr($shas['v2'], 0, 7) . ' live'), 20), true),
    ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
$err = $stop($child, SIGTERM);
foreach (['[info] run: checking master of origin every 1 s until SIGTERM or SIGINT', '[info] deploy: v2 live on port B',
    '[info] run: SIGTERM received; stopping'] as $line) {
    echo "stderr has '$line': ", var_export(str_contains($err, $line), true), "\n";
}

echo "-- -v run (every 30 s), then SIGINT\n";
$child = bg_cli_spawn(['-v', 'run'], $box);
$pids[] = $child['pid'];
echo "waiting: ", var_export(bg_wait_for(fn () => str_contains(bg_cli_stderr($child), '[debug] check: master at'), 10), true), "\n";
usleep(200000);
$err = $stop($child, SIGINT);
echo $err;

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox_path('cli-run');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- run --interval 1, then SIGTERM
looping: true
v2 deployed: true, nginx answers version=v2 port=B
exit 0 within a second: true, stdout ''
stderr has '[info] run: checking master of origin every 1 s until SIGTERM or SIGINT': true
stderr has '[info] deploy: v2 live on port B': true
stderr has '[info] run: SIGTERM received; stopping': true
-- -v run (every 30 s), then SIGINT
waiting: true
exit 0 within a second: true, stdout ''
[info] run: checking master of origin every 30 s until SIGTERM or SIGINT
[debug] check: master at v2, nothing new (T)
[info] run: SIGINT received; stopping