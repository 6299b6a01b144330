--TEST--
bin/bluegreen and the lock: while one `bluegreen deploy` builds, a second deploy and a rollback exit 3 naming the holder's pid, and status shows the deploy under way and the lock's holder; the first one then goes live and the lock is free
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-lock');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
// The first deploy holds the lock through a slow build step.
bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene, ['build' => [['sleep', '5']]]));
$shas = ['v1' => $scene['first'], 'v2' => bg_app_commit($scene, 'v2')];
$holder = bg_cli_spawn(['-q', 'deploy'], $box);
$pids[] = $holder['pid'];
$n = fn (string $s) => bg_cli_names($scene, $s, $shas, ['HOLDER' => $holder['pid']]);
echo "the first deploy is building: ", var_export(bg_wait_for(
    fn () => str_contains((string) @file_get_contents("$box/releases/.bluegreen/state.json"), '"prepare"'), 10), true), "\n";

bg_cli_show('deploy', bg_cli(['deploy'], $box), $n);
bg_cli_show('rollback', bg_cli(['rollback'], $box), $n);
$res = bg_cli(['status'], $box);
echo "status: exit {$res['exit']}\n", implode("\n", preg_grep('/^(deploying|lock)/', explode("\n", $n($res['out'])))), "\n";
$json = json_decode(bg_cli(['status', '--json'], $box)['out'], true);
echo "status --json: lock_holder is the first deploy: ", var_export($json['lock_holder'] === $holder['pid'], true),
    ", deploying: step {$json['deploying']['step']}, pid is it: ", var_export($json['deploying']['pid'] === $holder['pid'], true), "\n";

$exit = bg_wait_exit($holder, 30);
proc_close($holder['proc']);
echo "the first deploy: exit ", var_export($exit, true), ", stdout ", $n(bg_output($holder)), "stderr ",
    var_export(bg_cli_stderr($holder), true), "\n";
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";
$res = bg_cli(['status'], $box);
echo implode("\n", preg_grep('/^(deploying|lock)/', explode("\n", $n($res['out'])))), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox_path('cli-lock');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
the first deploy is building: true
deploy: exit 3
  stderr| bluegreen: deploy: another deploy is running: BOX/releases/.bluegreen/lock is held by pid HOLDER
rollback: exit 3
  stderr| bluegreen: rollback: another deploy is running: BOX/releases/.bluegreen/lock is held by pid HOLDER
status: exit 0
deploying   v2 at prepare, pid HOLDER (running), since WHEN
lock        held by pid HOLDER
status --json: lock_holder is the first deploy: true, deploying: step prepare, pid is it: true
the first deploy: exit 0, stdout v2 live on port B (release-UTC-v2)
stderr ''
nginx answers version=v2 port=B
deploying   no
lock        free