--TEST--
check() after a deploy compares the branch head with the live release of the state (root's HEAD only before any deploy): null once the head is live, as deploy() says nothing new; the CLI's check prints "up to date"
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('check-after-deploy');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$opts = bg_deploy_options($scene, ['log' => fn () => null]);
bg_cli_config("$box/bluegreen.php", bg_deploy_options($scene));
$shas = ['v1' => $scene['first']];
$n = function (string $s) use ($scene, &$shas) { return bg_cli_names($scene, $s, $shas); };
$r = new BlueGreen\Releaser($opts);
$cli_check = function () use ($box, $n) {
    $res = bg_cli(['-q', 'check'], $box);
    echo "  bluegreen check: exit {$res['exit']}: ", $n($res['out'] . $res['err']);
};

echo "-- before any deploy: root's HEAD is live\n";
echo "  check(): ", var_export($r->check(), true), "\n";
$cli_check();
$shas['v2'] = bg_app_commit($scene, 'v2');
echo "  after a push, check(): ", $n((string) $r->check()), "\n";
$cli_check();

echo "-- v2 deployed: the head is live\n";
echo "  deploy(): ", $n($r->deploy()->commit), ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
echo "  check(): ", var_export($r->check(), true), "\n";
echo "  deploy() again: ", var_export($r->deploy(), true), "\n";
$cli_check();
echo "  from a new releaser, check(): ", var_export((new BlueGreen\Releaser($opts))->check(), true), "\n";

echo "-- v3 pushed: new again\n";
$shas['v3'] = bg_app_commit($scene, 'v3');
echo "  check(): ", $n((string) $r->check()), "\n";
$cli_check();

echo "-- rolled back to v1: the head, v3, is new; v1 is what is live\n";
$r->rollback();
echo "  nginx answers ", $n(bg_answer($scene['listen'])), ", check(): ", $n((string) $r->check()), "\n";
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('check-after-deploy');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- before any deploy: root's HEAD is live
  check(): NULL
  bluegreen check: exit 0: up to date
  after a push, check(): v2
  bluegreen check: exit 0: v2
-- v2 deployed: the head is live
  deploy(): v2, nginx answers version=v2 port=B
  check(): NULL
  deploy() again: NULL
  bluegreen check: exit 0: up to date
  from a new releaser, check(): NULL
-- v3 pushed: new again
  check(): v3
  bluegreen check: exit 0: v3
-- rolled back to v1: the head, v3, is new; v1 is what is live
  nginx answers version=v1 port=A, check(): v3
