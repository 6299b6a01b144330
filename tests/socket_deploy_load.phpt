--TEST--
Socket switch: three deploys and a rollback under keep-alive load through a real nginx whose upstream names the live socket's symlink; zero failed requests, nginx never reloaded (same worker pids, same config bytes), each old release stopped
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0' || getenv('VALGRIND_OPTS') !== false) die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox('socket-deploy-load');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_socket_scene($box);
$pids[] = $scene['master'];
$lines = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_socket_options($scene, ['log' => $lines[0],
    'health' => ['path' => '/health', 'timeout' => 10, 'interval' => 0.05]]));
$workers = bg_nginx_workers($scene['master']);
$conf = file_get_contents($scene['conf']);

echo "before: ", bg_scene_names($scene, bg_answer($scene['listen'])), ", the live socket points to ",
    bg_socket_points_to($scene), "\n";
echo "status()['switch']: ", bg_socket_names($scene, json_encode($r->status()['switch'], JSON_UNESCAPED_SLASHES)), "\n";
$load = bg_load_start($scene['listen'], 16, 120, false);
for ($v = 2; $v <= 4; $v++) {
    // v2 takes BLUEGREEN_SOCKET as the fixture does; v3 and v4 the README's EasySwoole lines in dev.php.
    bg_app_commit($scene, "v$v", $v < 3 ? [] : ['dev.php' => bg_socket_recipe_dev_php($scene['a'])]);
    $release = $r->deploy();
    usleep(200000);  // load on the new release before the next deploy
    $old = $scene['socks'][$release->port === $scene['a'] ? $scene['b'] : $scene['a']];
    echo "v$v: ", bg_socket_names($scene, "port {$release->port}"), ', the live socket points to ',
        bg_socket_points_to($scene), ', nginx answers ', bg_scene_names($scene, bg_answer($scene['listen'])),
        ', the old socket has ', count(bg_unix_holders($old)), " listener(s)\n";
}
$back = $r->rollback();
echo "rollback: ", bg_socket_names($scene, "port {$back->port}"), ', the live socket points to ', bg_socket_points_to($scene),
    ', nginx answers ', bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
$result = bg_load_stop($load);
echo "requests under load: ", $result["requests"] > 500 ? "many" : $result["raw"], "\n";
echo "non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
bg_check('nginx worker pids unchanged', bg_nginx_workers($scene['master']) === $workers,
    [$workers, bg_nginx_workers($scene['master'])]);
bg_check('nginx config unchanged', file_get_contents($scene['conf']) === $conf);
$switches = array_values(array_filter($lines[1]->getArrayCopy(), fn ($l) => str_contains($l['message'], 'switch: the live socket')));
echo "switch log lines: ", count($switches), "\n";
echo bg_socket_names($scene, $switches[0]['message']), "\n";
$ms = array_map(fn ($l) => $l['ctx']['duration_ms'] ?? 1e9, $switches);
bg_check('every switch took under 100 ms', max($ms) < 100, $ms);

require __DIR__ . '/inc/cli.inc';
$cli = bg_cli(['--config', bg_cli_config("$box/bluegreen.php", bg_socket_options($scene)), 'status'], $box);
echo "bin/bluegreen status:\n", bg_socket_names($scene, implode("\n", array_filter(explode("\n", $cli['out']),
    fn ($l) => preg_match('/^(switch|ports|\s+port )/', $l)))), "\n";

bg_socket_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-deploy-load');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
before: version=v1 port=A, the live socket points to A
status()['switch']: {"kind":"socket","live_socket":"LIVE","sockets":{"A":"SOCK_A","B":"SOCK_B"}}
v2: port B, the live socket points to B, nginx answers version=v2 port=B, the old socket has 0 listener(s)
v3: port A, the live socket points to A, nginx answers version=v3 port=A, the old socket has 0 listener(s)
v4: port B, the live socket points to B, nginx answers version=v4 port=B, the old socket has 0 listener(s)
rollback: port A, the live socket points to A, nginx answers version=v3 port=A
requests under load: many
non-2xx: 0, socket errors: 0
nginx worker pids unchanged: ok
nginx config unchanged: ok
switch log lines: 4
switch: the live socket LIVE now points to SOCK_B (port B) instead of port A's; nginx not reloaded (T)
every switch took under 100 ms: ok
bin/bluegreen status:
ports       active A, idle B, listening A
switch      socket: nginx's upstream names LIVE
            port A on SOCK_A
            port B on SOCK_B
