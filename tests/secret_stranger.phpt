--TEST--
A process that is not one of ours on the idle port, a URL with its password on its command line: the deploy is refused naming it with the password masked, in the exception, the log, status(), state.json and history.jsonl
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('secret-stranger');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$pw = 'PqRsTuVwXyZaBcDeFgHiJkLmNoPq';  // two capitals in every 4 characters
$log = "$box/bluegreen.log";
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log, 'log_format' => 'json']));

// Another app on the idle port, started with a URL that carries a password.
file_put_contents("$box/server.php", '<?php
$s = stream_socket_server("tcp://127.0.0.1:" . $argv[1], $errno, $error);
while ($c = @stream_socket_accept($s, 60)) {
    fclose($c);
}
');
$stranger = bg_spawn([PHP_BINARY, "$box/server.php", (string) $scene['b'], "https://deploy:$pw@repo.example.com/x.git"], $box);
$pids[] = $stranger['pid'];
bg_check('the stranger listens on B', bg_wait_port($scene['b'], true, 5));

bg_app_commit($scene, 'v2');
try {
    $r->deploy();
    $message = 'NOT REFUSED';
} catch (BlueGreen\StartException $e) {
    $message = $e->getMessage();
}
echo "refused, naming it: ", var_export(str_contains($message, "https://deploy:***@repo.example.com/x.git"), true), "\n";
$places = [
    'exception' => $message,
    'log' => file_get_contents($log),
    'status()' => print_r($r->status(), true),
    'state.json' => file_get_contents("$box/releases/.bluegreen/state.json"),
    'history.jsonl' => (string) @file_get_contents("$box/releases/.bluegreen/history.jsonl"),
];
foreach ($places as $where => $text) {
    echo "  $where: ", bg_secret_shown($pw, $text), "\n";
}
posix_kill($stranger['pid'], SIGKILL);
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('secret-stranger');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
the stranger listens on B: ok
refused, naming it: true
  exception: no part of the password
  log: no part of the password
  status(): no part of the password
  state.json: no part of the password
  history.jsonl: no part of the password
