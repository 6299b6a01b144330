--TEST--
Socket switch: ten deploys under keep-alive load and ten under Connection: close through a real nginx whose upstream names the live socket's symlink, then a rollback; zero failed requests, nginx never reloaded (same worker pids, same config bytes), each old release stopped, the switch step a few milliseconds
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
// Ten deploys under each kind of client: keep-alive, then Connection: close.
// Each commit changes one file (VERSION; from v3 on dev.php holds the
// README's EasySwoole lines, as v2's fixture reads BLUEGREEN_SOCKET itself).
$v = 1;
foreach (['keep-alive' => false, 'close' => true] as $clients => $close) {
    $load = bg_load_start($scene['listen'], 4, 120, $close);
    $seen = [];
    for ($i = 0; $i < 10; $i++) {
        $v++;
        bg_app_commit($scene, "v$v", $v === 3 ? ['dev.php' => bg_socket_recipe_dev_php($scene['a'])] : []);
        $release = $r->deploy();
        usleep(100000);  // load on the new release before the next deploy
        $old = $scene['socks'][$release->port === $scene['a'] ? $scene['b'] : $scene['a']];
        $answer = bg_answer($scene['listen']);
        $seen[] = bg_socket_points_to($scene) === ($release->port === $scene['a'] ? 'A' : 'B')
            && $answer === "version=v$v port={$release->port}"
            ? 'ok' : bg_socket_names($scene, "v$v on port {$release->port}: the live socket points to "
                . bg_socket_points_to($scene) . ", nginx answers $answer");
        $seen[] = bg_unix_holders($old) === [] ? 'ok' : "v$v: the old socket still has listeners";
    }
    if ($close) {
        $back = $r->rollback();   // under load too
        $rollback = "rollback: " . bg_socket_names($scene, "port {$back->port}") . ', the live socket points to '
            . bg_socket_points_to($scene) . ', nginx answers ' . bg_scene_names($scene, bg_answer($scene['listen'])) . "\n";
    }
    $result = bg_load_stop($load);
    echo "$clients: 10 deploys to v$v, each live through nginx with its old release stopped: ",
        implode(', ', array_unique($seen)), "\n";
    echo "  requests under load: ", $result["requests"] > 500 ? "many" : $result["raw"], "\n";
    echo "  non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
}
echo $rollback;
bg_check('nginx worker pids unchanged', bg_nginx_workers($scene['master']) === $workers,
    [$workers, bg_nginx_workers($scene['master'])]);
bg_check('nginx config unchanged', file_get_contents($scene['conf']) === $conf);
$switches = array_values(array_filter($lines[1]->getArrayCopy(), fn ($l) => str_contains($l['message'], 'switch: the live socket')));
echo "switch log lines: ", count($switches), "\n";
echo bg_socket_names($scene, $switches[0]['message']), "\n";
$ms = array_map(fn ($l) => $l['ctx']['duration_ms'] ?? 1e9, $switches);
sort($ms);
bg_check('the switch step\'s median in the log is a few milliseconds (under 20 ms)', $ms[intdiv(count($ms), 2)] < 20, $ms);
bg_check('every switch took under 100 ms', max($ms) < 100, $ms);
$steps = [];
foreach ($r->history(21) as $h) {
    foreach ($h['steps'] as $st) {
        $steps[$st['step']][] = $st['ms'];
    }
}
echo "history: ", count($r->history(21)), " entries, ", count($steps['switch'] ?? []), " switch steps\n";

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
keep-alive: 10 deploys to v11, each live through nginx with its old release stopped: ok
  requests under load: many
  non-2xx: 0, socket errors: 0
close: 10 deploys to v21, each live through nginx with its old release stopped: ok
  requests under load: many
  non-2xx: 0, socket errors: 0
rollback: port B, the live socket points to B, nginx answers version=v20 port=B
nginx worker pids unchanged: ok
nginx config unchanged: ok
switch log lines: 21
switch: the live socket LIVE now points to SOCK_B (port B) instead of port A's; nginx not reloaded (T)
the switch step's median in the log is a few milliseconds (under 20 ms): ok
every switch took under 100 ms: ok
history: 21 entries, 21 switch steps
bin/bluegreen status:
ports       active B, idle A, listening B
switch      socket: nginx's upstream names LIVE
            port A on SOCK_A
            port B on SOCK_B
