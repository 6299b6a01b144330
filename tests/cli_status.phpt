--TEST--
bin/bluegreen status, check and deploy: status (human and --json, the very status() array) before and after a deploy; check says "up to date", then the new sha; deploy puts it live and nginx answers it, then "nothing new"; -q and -v set what is logged on stderr
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('cli-status');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$opts = bg_deploy_options($scene);
bg_cli_config("$box/bluegreen.php", $opts);      // found as ./bluegreen.php: no --config
$r = new BlueGreen\Releaser($opts + ['log' => fn () => null]);
$shas = ['v1' => $scene['first']];
$n = function (string $s) use ($scene, &$shas) { return bg_cli_names($scene, $s, $shas); };
$cli = fn (string $label, array $args) => bg_cli_show($label, bg_cli($args, $box), $n);
$same_json = function () use ($box, $r) {
    $res = bg_cli(['status', '--json'], $box);
    $json = json_decode($res['out'], true);
    echo "status --json: exit {$res['exit']}, pretty-printed: ", var_export(str_contains($res['out'], "\n    \""), true),
        ", the status() array: ", var_export($json === $r->status(), true), ", keys: ", implode(' ', array_keys($json ?? [])), "\n";
};

echo "-- before any deploy\n";
$cli('status', ['status']);
$same_json();
$cli('check', ['check']);
$cli('check -v', ['-v', 'check']);

echo "-- a push\n";
$shas['v2'] = bg_app_commit($scene, 'v2');
$cli('check', ['check']);
$cli('deploy -q', ['deploy', '-q']);
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";
$cli('deploy', ['deploy']);

echo "-- after the deploy\n";
$cli('status', ['status']);
$res = bg_cli(['status'], $box);
echo "since, in UTC and how long ago: ", preg_match('/^live {8}[0-9a-f]{7} on port \d+, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+ s ago\)$/m', $res['out']) ? 'ok' : $res['out'], "\n";
$same_json();

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox_path('cli-status');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- before any deploy
status: exit 0
  stdout| live        none recorded: no deploy yet, root serves as before
  stdout| previous    none recorded
  stdout| ports       active A, idle B, listening A
  stdout| deploying   no
  stdout| last check  never
  stdout| last error  none
  stdout| failed      none
  stdout| lock        free
status --json: exit 0, pretty-printed: true, the status() array: true, keys: live previous ports deploying last_check last_error failed lock_holder stop_pending retry history switch
check: exit 0
  stdout| up to date
check -v: exit 0
  stdout| up to date
  stderr| [debug] check: master at v1, nothing new (T)
-- a push
check: exit 0
  stdout| v2
  stderr| [info] fetch: master from BOX/remote.git: received N objects, B bytes (T)
  stderr| [info] check: master moved v1..v2: 1 file changed, 1 insertion(+), 1 deletion(-) (T)
deploy -q: exit 0
  stdout| v2 live on port B (release-UTC-v2)
nginx answers version=v2 port=B
deploy: exit 0
  stdout| nothing new
-- after the deploy
status: exit 0
  stdout| live        v2 on port B, since WHEN
  stdout|             BOX/releases/release-UTC-v2
  stdout| previous    v1 on port A
  stdout|             BOX/releases/app
  stdout| ports       active B, idle A, listening B
  stdout| deploying   no
  stdout| last check  WHEN, head v2
  stdout| last error  none
  stdout| failed      none
  stdout| lock        free
since, in UTC and how long ago: ok
status --json: exit 0, pretty-printed: true, the status() array: true, keys: live previous ports deploying last_check last_error failed lock_holder stop_pending retry history switch
