--TEST--
Socket switch: hooks are told the socket the commit goes live on (BLUEGREEN_SOCKET, beside BLUEGREEN_PORT; tests/hooks.phpt: empty in reload mode), and the health check's error names the live socket's symlink, not an nginx upstream
--EXTENSIONS--
bluegreen
posix
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip a heal within health.timeout is timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox('socket-hooks-heal');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_socket_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_socket_names($scene, $s);
// A hook that appends what it was told to a file.
file_put_contents("$box/hook.php", <<<'PHP'
<?php
file_put_contents($argv[1], sprintf("%s port=%s socket=%s\n", getenv('BLUEGREEN_EVENT'), getenv('BLUEGREEN_PORT'),
    var_export(getenv('BLUEGREEN_SOCKET'), true)), FILE_APPEND);
PHP);
$events = "$box/events.log";
$hook = [[PHP_BINARY, "$box/hook.php", $events]];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_socket_options($scene, ['log' => $log, 'stop_timeout' => 2,
    'health' => ['path' => '/health', 'timeout' => 3],
    'hooks' => ['before_start' => $hook, 'after_switch' => $hook, 'after_deploy' => $hook]]));
$sha = bg_app_commit($scene, 'v2');
echo "deployed on ", $n((string) $r->deploy()->port), "\n";
echo $n(file_get_contents($events));

echo "== the live service is killed with SIGKILL; tick() heals it\n";
foreach (bg_unix_holders($scene['socks'][$scene['b']]) as $pid) {
    posix_kill($pid, SIGKILL);
}
bg_wait_for(fn () => bg_unix_holders($scene['socks'][$scene['b']]) === [], 5);
$lines->exchangeArray([]);
echo 'tick(): ', json_encode($r->tick()), "\n";
foreach ($lines as $l) {
    if ($l['level'] === 'error' || str_starts_with($l['message'], 'heal:')) {
        echo '  ', $l['level'], ': ', str_replace(substr($sha, 0, 7), 'v2',
            preg_replace('/down for \d+ s/', 'down for N s', $n($l['message']))), "\n";
    }
}
echo "nginx answers: ", $n(bg_answer($scene['listen'])), "\n";
bg_socket_scene_stop($scene);

?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-hooks-heal');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
deployed on B
before_start port=B socket='SOCK_B'
after_switch port=B socket='SOCK_B'
after_deploy port=B socket='SOCK_B'
== the live service is killed with SIGKILL; tick() heals it
tick(): null
  error: health: the live release v2 (release-UTC-SHA) on port B, where the live socket LIVE points (SOCK_B), fails its health check: connect: Connection refused; down for N s; healing
  info: heal: v2 started again on port B and healthy: nginx serves it again (T)
nginx answers: version=v2 port=B
