--TEST--
Releaser::deploy(): a start command that prints a coloured banner (as EasySwoole does) and fails: the StartException, the log, status()'s last_error and state.json hold its text without escape sequences or control bytes
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-output-escapes');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
// EasySwoole's banner: SGR colours, an OSC window title ended by BEL, a
// cursor move, a carriage return, a lone BEL; then the failure, in red.
$banner = 'echo "\033]0;EasySwoole\007\033[2J\033[H\033[1;32m  ______                          \033[0m\n"'
    . ' . "\033[33mmain server\033[0m\t\033[1mSWOOLE_WEB\033[0m\r\n\007";'
    . ' fwrite(STDERR, "\033[31mbind failed\033[0m\n"); exit(1);';
$r = new BlueGreen\Releaser(bg_deploy_options($scene, [
    'log' => $log,
    'start' => [PHP_BINARY, '-r', $banner],
    'health' => ['path' => '/health', 'timeout' => 2],
]));
bg_app_commit($scene, 'v2');
$clean = fn (string $s) => preg_match('/[\x00-\x08\x0b-\x1f\x7f]/', $s) ? 'ESCAPES LEFT: ' . json_encode($s) : 'clean';
try {
    $r->deploy();
    echo "deployed?\n";
} catch (BlueGreen\StartException $e) {
    $msg = $e->getMessage();
    echo "exception: ", $clean($msg), "\n";
    echo substr($msg, strpos($msg, "\n") + 1), "\n";
}
$st = $r->status();
echo "last_error: ", $clean($st['last_error']['error']), ", failed: ", $clean($st['failed'][0]['error']), "\n";
$json = file_get_contents("$box/releases/.bluegreen/state.json");
echo "state.json: ", preg_match('/\\\\u00(1b|07|0d)/i', $json) || strpbrk($json, "\x1b\x07\r") !== false ? 'ESCAPES LEFT' : 'clean', "\n";
$errors = array_filter((array) $lines, fn ($l) => $l['level'] === 'error');
echo "log: ", count($errors), " error line(s), ", $clean(implode("\n", array_column($errors, 'message'))), "\n";
echo "nginx answers ", bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-output-escapes');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
exception: clean
  ______                          
main server	SWOOLE_WEB
bind failed
last_error: clean, failed: clean
state.json: clean
log: 1 error line(s), clean
nginx answers version=v1 port=A
