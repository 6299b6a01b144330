--TEST--
bin/bluegreen rollback: nothing to roll back to exits 1; after a deploy it puts the previous release live (exit 0) and back again; a `log` set in the config is kept (nothing on stderr, the lines in its file)
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-rollback');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene, ['log' => "$box/bluegreen.log"]));
$shas = ['v1' => $scene['first']];
$n = function (string $s) use ($scene, &$shas) { return bg_cli_names($scene, $s, $shas); };
$cli = function (string $label, array $args) use ($box, $n, $scene) {
    bg_cli_show($label, bg_cli($args, $box), $n);
    echo "  nginx answers ", $n(bg_answer($scene['listen'])), "\n";
};

$cli('rollback, nothing to roll back to', ['rollback']);
$shas['v2'] = bg_app_commit($scene, 'v2');
$cli('deploy', ['deploy']);
$cli('rollback', ['rollback']);
$res = bg_cli(['status'], $box);
echo implode("\n", preg_grep('/^(live|previous)/', explode("\n", $n($res['out'])))), "\n";
$cli('rollback again', ['rollback']);

$log = $n((string) @file_get_contents("$box/bluegreen.log"));
echo "the config's log file has the lines: ", implode(', ', array_map(fn ($w) => "$w " . var_export(str_contains($log, $w), true),
    ['info: deploy: v2 live on port B', 'info: rollback: v1 live on port A', 'info: rollback: v2 live on port B'])), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox_path('cli-rollback');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
rollback, nothing to roll back to: exit 1
  stderr| rollback failed: nothing to roll back to: no previous release is recorded (BOX/releases/.bluegreen/state.json)
  nginx answers version=v1 port=A
deploy: exit 0
  stdout| v2 live on port B (release-UTC-v2)
  nginx answers version=v2 port=B
rollback: exit 0
  stdout| v1 live on port A (app)
  nginx answers version=v1 port=A
live        v1 on port A, since WHEN
previous    v2 on port B, live from WHEN
rollback again: exit 0
  stdout| v2 live on port B (release-UTC-v2)
  nginx answers version=v2 port=B
the config's log file has the lines: info: deploy: v2 live on port B true, info: rollback: v1 live on port A true, info: rollback: v2 live on port B true