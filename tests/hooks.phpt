--TEST--
hooks: argv commands before/after each step, after a deploy and a rollback, on failure, with BLUEGREEN_* variables; a failing before_switch fails the deploy (the live release keeps answering through nginx), a failing after_deploy is logged only; bad hooks are refused naming the key
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('hooks');
$pids = [];
bg_cleanup_at_exit($box, $pids);

echo "-- refused at construction\n";
$min = bg_min_options("$box/min");
foreach ([
    'a name that is no hook' => ['before_deploy' => [['true']]],
    'a string, not argv arrays' => ['after_deploy' => 'curl -d x https://hooks.example'],
    'an argv, not a list of them' => ['after_deploy' => ['curl', '-d', 'x']],
    'a list key' => [[['true']]],
    'an empty argv' => ['on_failure' => [[]]],
    'not an array' => 'true',
] as $what => $hooks) {
    echo "$what: ";
    bg_expect_throw(fn () => new BlueGreen\Releaser($min + ['hooks' => $hooks]));
}
ob_start();
var_dump(new BlueGreen\Releaser($min + ['hooks' => ['after_deploy' => [['true', 'x']]]]));
$shown = str_contains(ob_get_clean(), '["after_deploy"]=>');
echo "var_dump shows them: ", var_export($shown, true), "\n";

// A hook that appends what it was told to a file, and exits with $argv[2].
file_put_contents("$box/hook.php", <<<'PHP'
<?php
$v = fn ($k) => getenv("BLUEGREEN_$k");
file_put_contents($argv[1], sprintf("%s step=%s commit=%s previous=%s port=%s socket=%s release=%s duration=%s cwd=%s stdin=%s error=%s\n",
    $v('EVENT'), $v('STEP'), substr($v('COMMIT'), 0, 7), substr($v('PREVIOUS_COMMIT'), 0, 7), $v('PORT'),
    var_export($v('SOCKET'), true),
    basename($v('RELEASE')), is_numeric($v('DURATION_MS')) ? 'ms' : 'NONE', basename(getcwd()),
    var_export(stream_get_contents(STDIN), true), strtok($v('ERROR'), "\n")), FILE_APPEND);
echo "hook {$v('EVENT')} was here\n";
exit((int) ($argv[2] ?? 0));
PHP);
$events = "$box/events.log";
$hook = fn (int $exit = 0) => [[PHP_BINARY, "$box/hook.php", $events, (string) $exit]];
$all = [];
foreach (['before_prepare', 'after_prepare', 'before_start', 'after_start', 'before_switch', 'after_switch',
    'before_drain', 'after_drain', 'before_stop', 'after_stop', 'after_deploy', 'after_rollback', 'on_failure'] as $h) {
    $all[$h] = $hook();
}
// after_deploy's second command fails: logged only, the deploy stands.
$all['after_deploy'] = array_merge($hook(), $hook(1));

$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$shas = [];
$n = function (string $s) use ($scene, &$shas) {
    $s = bg_scene_names($scene, $s);
    foreach ($shas as $v => $sha) {
        $s = str_replace(substr($sha, 0, 7), $v, $s);
    }
    return $s;
};
$shas['v1'] = $scene['first'];
$show = function () use ($events, $n) {
    foreach (file($events) ?: [] as $l) {
        echo "  ", $n($l);
    }
    @unlink($events);
};
[$log, $lines] = bg_log_recorder();
$opts = bg_deploy_options($scene, ['log' => $log, 'command_timeout' => 20]);

$lines->exchangeArray([]);
echo "-- a deploy runs every hook in order, in the new release, stdin empty; a failing after_deploy is logged only\n";
$shas['v2'] = bg_app_commit($scene, 'v2');
$r = new BlueGreen\Releaser($opts + ['hooks' => $all]);
$r->deploy();
$show();
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";
$log_file = glob("$scene[box]/releases/.bluegreen/logs/release-*.log")[0];
echo "the hooks' output is in the release's log: ", var_export(str_contains(file_get_contents($log_file), 'hook after_deploy was here'), true), "\n";
foreach ($lines as $l) {
    if (str_starts_with($l['message'], 'hook after_deploy')) {
        echo "[{$l['level']}] ", $n(strtok($l['message'], "\n")), "\n";
    }
}
echo "the last: ... ", $n(substr($l['message'], strrpos($l['message'], '('))), "\n";

echo "-- a failing before_switch fails the deploy at switch; v2 keeps answering\n";
$shas['v3'] = bg_app_commit($scene, 'v3');
$r = new BlueGreen\Releaser($opts + ['hooks' => ['before_switch' => $hook(3), 'on_failure' => $hook()]]);
try {
    $r->deploy();
    echo "no exception\n";
} catch (BlueGreen\Exception $e) {
    echo get_class($e), ': ', $n($e->getMessage()), "\n";
}
$show();
echo "nginx answers ", $n(bg_answer($scene['listen'])), "; port A ", bg_wait_port($scene['a'], false, 5) ? 'closed' : 'STILL OPEN', "\n";
$st = $r->status();
echo "last_error at ", $st['last_error']['step'], ", v3 among the failed: ", var_export(in_array($shas['v3'], array_column($st['failed'], 'commit'), true), true), "\n";

echo "-- after_rollback\n";
$r = new BlueGreen\Releaser($opts + ['hooks' => ['after_rollback' => $hook(), 'after_deploy' => $hook()]]);
$r->rollback();
$show();
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('hooks');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- refused at construction
a name that is no hook: ValueError: Unknown option "hooks.before_deploy"
a string, not argv arrays: TypeError: Option "hooks.after_deploy" must be a list of argv arrays, string given
an argv, not a list of them: TypeError: Option "hooks.after_deploy.0" must be an argv array (a list of strings), string given
a list key: ValueError: Unknown option "hooks.0"
an empty argv: ValueError: Option "hooks.on_failure.0" must be a non-empty list of strings (an argv array, run without a shell)
not an array: TypeError: Option "hooks" must be an array of hook name => list of argv arrays, string given
var_dump shows them: true
-- a deploy runs every hook in order, in the new release, stdin empty; a failing after_deploy is logged only
  before_prepare step=prepare commit=v2 previous=v1 port=B socket='' release= duration=ms cwd=app stdin='' error=
  after_prepare step=prepare commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  before_start step=start commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  after_start step=start commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  before_switch step=switch commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  after_switch step=switch commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  before_drain step=drain commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  after_drain step=drain commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  before_stop step=stop commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  after_stop step=stop commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  after_deploy step=deploy commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  after_deploy step=deploy commit=v2 previous=v1 port=B socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
nginx answers version=v2 port=B
the hooks' output is in the release's log: true
[info] hook after_deploy 1/2 `%s BOX/hook.php BOX/events.log 0` ok (T)
[warning] hook after_deploy 2/2 `%s BOX/hook.php BOX/events.log 1` did not succeed: exit status 1; its last lines:
the last: ... (logged only: the deploy stands)
-- a failing before_switch fails the deploy at switch; v2 keeps answering
BlueGreen\NginxException: hook before_switch 1/1 `%s BOX/hook.php BOX/events.log 3` did not succeed: exit status 3; its last lines:
hook before_switch was here
(all its output: BOX/releases/.bluegreen/logs/release-UTC-SHA.log)
  before_switch step=switch commit=v3 previous=v2 port=A socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=
  on_failure step=switch commit=v3 previous=v2 port=A socket='' release=release-UTC-SHA duration=ms cwd=release-UTC-SHA stdin='' error=hook before_switch 1/1 `%s BOX/hook.php BOX/events.log 3` did not succeed: exit status 3; its last lines:
nginx answers version=v2 port=B; port A closed
last_error at switch, v3 among the failed: true
-- after_rollback
  after_rollback step=rollback commit=v1 previous=v2 port=A socket='' release=app duration=ms cwd=app stdin='' error=
nginx answers version=v1 port=A