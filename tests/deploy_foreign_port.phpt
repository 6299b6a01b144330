--TEST--
deploy(): a process that is not one of our releases on the idle port (another app) is never signalled: the deploy is refused naming it, the live release keeps serving; once it is gone, the deploy goes through
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-foreign-port');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log]));
$name = fn (string $s) => bg_scene_names($scene, $s);

// Another app on the pair's idle port, from a directory beside root (in
// releases_dir, which defaults to root's parent, but no release of ours).
mkdir("$box/releases/other-app");
file_put_contents("$box/releases/other-app/server.php", '<?php
$s = stream_socket_server("tcp://127.0.0.1:" . $argv[1], $errno, $error);
for ($i = 0; $i < 100000 && ($c = @stream_socket_accept($s, 60)); $i++) {
    fwrite($c, "HTTP/1.0 200 OK\r\nContent-Length: 8\r\n\r\nstranger");
    fclose($c);
}
');
$stranger = bg_spawn([PHP_BINARY, 'server.php', (string) $scene['b']], "$box/releases/other-app");
$pids[] = $stranger['pid'];
bg_check('the stranger listens on B', bg_wait_port($scene['b'], true, 5));

$v2 = bg_app_commit($scene, 'v2');
try {
    $r->deploy();
    echo "deployed: NOT REFUSED\n";
} catch (BlueGreen\StartException $e) {
    echo get_class($e), ': ', str_replace([(string) $stranger['pid'], PHP_BINARY], ['PID', 'PHP'], $name($e->getMessage())), "\n";
}
bg_check('the stranger is alive', bg_pid_alive($stranger['pid']));
usleep(300000);
bg_check('and still answers on B', bg_answer_raw($scene['b']) === 'stranger', bg_answer_raw($scene['b']));
bg_check('v1 serves through nginx', str_starts_with(bg_answer($scene['listen']), 'version=v1'), bg_answer($scene['listen']));
bg_check('nothing logged about stopping it', !array_filter((array) $lines,
    fn ($l) => str_contains($l['message'], 'SIGTERM') || str_contains($l['message'], 'stopping it first')));

echo "-- stop() of its port is refused alike\n";
try {
    $r->stop($scene['b']);
    echo "stopped: NOT REFUSED\n";
} catch (BlueGreen\StartException $e) {
    echo get_class($e), ': ', str_replace([(string) $stranger['pid'], PHP_BINARY], ['PID', 'PHP'], $name($e->getMessage())), "\n";
}
bg_check('the stranger is alive', bg_pid_alive($stranger['pid']));

echo "-- the stranger goes: the next deploy succeeds\n";
posix_kill($stranger['pid'], SIGTERM);
bg_check('stranger gone', bg_wait_gone($stranger['pid'], 5));
proc_close($stranger['proc']);
$release = $r->deploy($v2);
echo $name("{$release->commit} live on port {$release->port}"), ': ', $name(bg_answer($scene['listen'])), "\n";

function bg_answer_raw(int $port): string
{
    $c = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 2);
    if (!$c) {
        return "error: $error";
    }
    stream_set_timeout($c, 2);
    fwrite($c, "GET / HTTP/1.0\r\n\r\n");
    $raw = stream_get_contents($c);
    return substr($raw, strpos($raw, "\r\n\r\n") + 4);
}

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-foreign-port');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
the stranger listens on B: ok
BlueGreen\StartException: port B is held by pid PID `PHP server.php B` (in BOX/releases/other-app), which is not one of bluegreen's releases: neither its working directory, executable, script, environment nor open files lead to root (BOX/releases/app) or to what bluegreen made in releases_dir (BOX/releases/release-*, shared, .bluegreen), nor does .bluegreen/state.json record it; refusing to stop it. Stop it yourself, or give bluegreen ports of its own (option "ports")
the stranger is alive: ok
and still answers on B: ok
v1 serves through nginx: ok
nothing logged about stopping it: ok
-- stop() of its port is refused alike
BlueGreen\StartException: port B is held by pid PID `PHP server.php B` (in BOX/releases/other-app), which is not one of bluegreen's releases: neither its working directory, executable, script, environment nor open files lead to root (BOX/releases/app) or to what bluegreen made in releases_dir (BOX/releases/release-*, shared, .bluegreen), nor does .bluegreen/state.json record it; refusing to stop it. Stop it yourself, or give bluegreen ports of its own (option "ports")
the stranger is alive: ok
-- the stranger goes: the next deploy succeeds
stranger gone: ok
%s live on port B: version=v2 port=B
