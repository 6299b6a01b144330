--TEST--
Releaser::deploy(): five consecutive deploys under continuous concurrent load through nginx, zero failed requests, the version moving v1 to v6 and the port alternating
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-load');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => "$box/deploy.log"]));

echo "before: ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
$load = bg_load_start($scene['listen']);
for ($v = 2; $v <= 6; $v++) {
    bg_app_commit($scene, "v$v");
    $release = $r->deploy();
    usleep(200000);  // load on the new release before the next deploy
    echo "v$v: ", $release->port === $scene[$v % 2 ? 'a' : 'b'] ? 'alternated' : 'SAME PORT', ', nginx answers ',
        bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
}
$result = bg_load_stop($load);
echo "requests under load: ", $result["requests"] > 500 ? "many" : $result["raw"], "\n";
echo "non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
echo "one service left: ", count(array_filter([$scene['a'], $scene['b']], fn ($p) => bg_wait_port($p, true, 0.1))), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-load');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
before: version=v1 port=A
v2: alternated, nginx answers version=v2 port=B
v3: alternated, nginx answers version=v3 port=A
v4: alternated, nginx answers version=v4 port=B
v5: alternated, nginx answers version=v5 port=A
v6: alternated, nginx answers version=v6 port=B
requests under load: many
non-2xx: 0, socket errors: 0
one service left: 1
