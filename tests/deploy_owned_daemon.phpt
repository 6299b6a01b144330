--TEST--
deploy(): a service bluegreen started that then left every trace of its release (changed to /, a clean environment, no file of the release open, a process title) is still known as ours from state.json, and stopped by the next deploy
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-owned-daemon');
$pids = [];
bg_cleanup_at_exit($box, $pids);
// The start command: forks a daemon that leaves the release behind, then exits.
$daemon = <<<'PHP'
<?php
$port = getenv('BLUEGREEN_PORT');
$version = trim(file_get_contents(__DIR__ . '/VERSION'));
$serve = '$s = stream_socket_server("tcp://127.0.0.1:" . $argv[1], $errno, $error);
for ($i = 0; $s && $i < 100000 && ($c = @stream_socket_accept($s, 600)); $i++) {
    fgets($c);
    $body = "version=" . $argv[2] . " port=" . $argv[1] . " pid=" . getmypid();
    fwrite($c, "HTTP/1.0 200 OK\r\nContent-Length: " . strlen($body) . "\r\n\r\n" . $body);
    fclose($c);
}';
if (pcntl_fork() !== 0) {
    exit(0);
}
posix_setsid();
chdir('/');
fclose(STDIN);
fclose(STDOUT);
fclose(STDERR);
$keep = [fopen('/dev/null', 'r'), fopen('/dev/null', 'w'), fopen('/dev/null', 'w')];
pcntl_exec(PHP_BINARY, ['-r', "cli_set_process_title('some-daemon'); $serve", $port, $version], []);
PHP;
$scene = bg_deploy_scene($box, ['daemon.php' => $daemon]);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log, 'start' => [PHP_BINARY, 'daemon.php'],
    'port_files' => []]));
$pid_on = function (int $port): ?int {
    preg_match('/pid=(\d+)/', bg_http_get('127.0.0.1', $port, '/')['body'] ?? '', $m);
    return isset($m[1]) ? (int) $m[1] : null;
};

$r->deploy(bg_app_commit($scene, 'v2'));
$v2 = $pid_on($scene['b']);
$pids[] = $v2;
echo "v2 live through nginx: ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
bg_check('its daemon left the release', @readlink("/proc/$v2/cwd") === '/'
    && @file_get_contents("/proc/$v2/environ") === '' && !bg_cwd_under($v2, $box), @readlink("/proc/$v2/cwd"));

$lines->exchangeArray([]);
$r->deploy(bg_app_commit($scene, 'v3'));
echo "v3 live through nginx: ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
bg_check("v2's daemon was stopped", bg_wait_gone($v2, 5));
foreach ($lines as $l) {
    if ($l['level'] === 'error' || $l['level'] === 'warning') {
        echo $l['level'], ': ', bg_scene_names($scene, $l['message']), "\n";
    }
}
$pids[] = $pid_on($scene['a']);
bg_scene_stop($scene);
foreach ($pids as $pid) {
    if ($pid && bg_pid_alive($pid) && str_contains(bg_cmdline($pid), 'some-daemon')) {
        posix_kill($pid, SIGKILL);
    }
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-owned-daemon');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
v2 live through nginx: version=v2 port=B
its daemon left the release: ok
v3 live through nginx: version=v3 port=A
v2's daemon was stopped: ok
