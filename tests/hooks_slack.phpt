--TEST--
examples/hooks/slack.php as an on_failure hook: a failed deploy posts its Slack message to the webhook through curl; the webhook URL (from the environment) reaches no log line, exception, state or argv
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (!is_file(__DIR__ . '/../examples/hooks/slack.php')) die('skip no examples/ beside tests/');
exec('command -v curl', $out, $rc);
if ($rc !== 0) die('skip curl not installed');
?>
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('hooks_slack');
$slack = realpath(__DIR__ . '/../examples/hooks/slack.php');

// The webhook: php -S recording each request's path and body.
file_put_contents("$box/hook-router.php", <<<'PHP'
<?php
file_put_contents(__DIR__ . '/posted.log', json_encode(['path' => $_SERVER['REQUEST_URI'],
    'type' => $_SERVER['CONTENT_TYPE'] ?? '', 'body' => file_get_contents('php://input')]) . "\n", FILE_APPEND);
echo 'ok';
PHP);
[$port] = bg_free_ports();
$server = bg_start_server([PHP_BINARY, '-S', "127.0.0.1:$port", "$box/hook-router.php"], $port, "$box/server.pid");
$secret = 'T000/B000/s3cr3tT0k3n';
$url = "http://127.0.0.1:$port/services/$secret";
$posted = function () use ($box) {
    $all = array_map('json_decode', file("$box/posted.log") ?: []);
    @unlink("$box/posted.log");
    return $all;
};

echo "-- run by hand, as bluegreen would after a deploy\n";
$env = ['PATH' => getenv('PATH'), 'SLACK_WEBHOOK_URL' => $url, 'BLUEGREEN_EVENT' => 'after_deploy',
    'BLUEGREEN_STEP' => 'deploy', 'BLUEGREEN_COMMIT' => str_repeat('ab', 20), 'BLUEGREEN_PREVIOUS_COMMIT' => str_repeat('cd', 20),
    'BLUEGREEN_PORT' => '9502', 'BLUEGREEN_RELEASE' => '/srv/app/releases/release-20261130T010203-abababa',
    'BLUEGREEN_DURATION_MS' => '2912', 'BLUEGREEN_ERROR' => ''];
$res = bg_run([PHP_BINARY, $slack], $box, 15, $env);
echo "exit {$res['exit']}\n";
foreach ($posted() as $p) {
    echo "POST ", str_replace($secret, 'SECRET', $p->path), " ($p->type): $p->body\n";
}
$res = bg_run([PHP_BINARY, $slack], $box, 15, ['SLACK_WEBHOOK_URL' => ''] + $env);
echo "without SLACK_WEBHOOK_URL: exit {$res['exit']}: ", trim($res['output']), "\n";

echo "-- as on_failure hook of a deploy whose build fails\n";
putenv("SLACK_WEBHOOK_URL=$url");   // the releaser's environment, which hooks inherit
$world = bg_git_setup($box);
$sha = bg_git_commit($world['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($world['work']);
$r = new BlueGreen\Releaser(bg_min_options($box, [
    'root' => $world['root'],
    'build' => [['false']],
    'log' => "$box/bluegreen.log",
    'hooks' => ['on_failure' => [[PHP_BINARY, $slack]]],
]));
try {
    $r->deploy();
} catch (BlueGreen\Exception $e) {
    echo get_class($e), "\n";
}
foreach ($posted() as $p) {
    $body = str_replace([substr($sha, 0, 7), substr($world['first'], 0, 7), $box], ['SHA', 'FIRST', 'BOX'], $p->body);
    echo "POST ", str_replace($secret, 'SECRET', $p->path), ": ", preg_replace('/after [\d.]+ s/', 'after T', $body), "\n";
}
$everything = file_get_contents("$box/bluegreen.log") . ($e ?? null)?->getMessage() . json_encode($r->status())
    . implode('', array_map('file_get_contents', glob("$box/releases/.bluegreen/{*.json,logs/*}", GLOB_BRACE)));
echo "the secret in the log, the exception, status(), state or the output logs: ", var_export(str_contains($everything, 's3cr3t'), true), "\n";
echo "hook logged: ", var_export(str_contains(file_get_contents("$box/bluegreen.log"), 'hook on_failure 1/1'), true), "\n";
putenv('SLACK_WEBHOOK_URL');
bg_stop_server($server, "$box/server.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox_path('hooks_slack');
bg_kill_pidfile("$box/server.pid");
bg_rmrf($box);
?>
--EXPECTF--
-- run by hand, as bluegreen would after a deploy
exit 0
POST /services/SECRET (application/json): {"text":":white_check_mark: `abababa` is live on port 9502 (`release-20261130T010203-abababa`), deployed in 2.9 s (was `cdcdcdc`)"}
without SLACK_WEBHOOK_URL: exit 2: slack.php: SLACK_WEBHOOK_URL is not set in the releaser's environment; nothing sent
-- as on_failure hook of a deploy whose build fails
BlueGreen\BuildException
POST /services/SECRET: {"text":":x: `SHA` failed at prepare after T; `FIRST` keeps serving\n```build step 1/1 `false` did not succeed in BOX/releases/release-%s-SHA: exit status 1; its last lines:```"}
the secret in the log, the exception, status(), state or the output logs: false
hook logged: true