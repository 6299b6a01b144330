--TEST--
tick() and failures of the environment: a deploy whose switch fails because nginx is down is not marked failed but retried after a backoff (1 s, then 2 s: retry_backoff doubling), recorded in status() and the CLI's status; once nginx is back, a tick after the backoff deploys the same commit and it answers through nginx
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
// Under valgrind (tests/run.sh -m, which sets VALGRIND_OPTS) every step is ten times slower:
// its backoffs are 1 and 2 s, shorter than a deploy under valgrind. ASan (tests/asan.sh) still runs it.
if (getenv('VALGRIND_OPTS') !== false) die('skip not under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('tick-retry-environment');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$opts = bg_deploy_options($scene, ['build' => [], 'retry_backoff' => 1]);
bg_cli_config("$box/bluegreen.php", $opts);
$r = new BlueGreen\Releaser(['log' => $log] + $opts);
$v2 = bg_app_commit($scene, 'v2');
$n = fn (string $s) => bg_cli_names($scene, $s, ['v2' => $v2]);
$show = function () use ($lines, $n) {
    foreach ($lines as $l) {
        if ($l['level'] !== 'info') {
            echo "  {$l['level']}: ", $n(preg_replace('/release-\d{8}T\d{6}-\w+/', 'RELEASE', $l['message'])), "\n";
        }
    }
    $lines->exchangeArray([]);
};
$status = function () use ($r, $n) {
    $st = $r->status();
    $retry = $st['retry'];
    echo "  status: failed ", json_encode(array_column($st['failed'], 'commit')), ", last_error at ",
        $st['last_error']['step'] ?? 'none', ", retry ", $retry === null ? 'null' : $n(sprintf('%s at %s, attempt %d, in %d s: %s',
        $retry['commit'], $retry['step'], $retry['attempts'], $retry['retry_after'] - time(), strtok($retry['reason'], ':'))), "\n";
    return $retry;
};
// Waits (bounded) until the retry's time has come.
$wait_until = function (?array $retry) {
    $deadline = microtime(true) + 10;
    while ($retry !== null && time() < $retry['retry_after'] && microtime(true) < $deadline) {
        usleep(50000);
    }
};

echo "-- nginx stopped: the tick fails at the switch, the commit is not marked failed\n";
bg_nginx_stop($scene['master']);
var_dump($r->tick());
$show();
$retry = $status();
echo "  the live release still answers on A: ", $n(bg_answer($scene['a'])), "\n";

echo "-- a tick at once: the backoff runs\n";
var_dump($r->tick());
$show();
$res = bg_cli(['status'], $box);
echo "  bluegreen status: ", $n(implode("\n", preg_grep('/^retry/', explode("\n", $res['out'])))), "\n";

echo "-- after it, nginx still down: the second failure doubles the wait\n";
$wait_until($retry);
var_dump($r->tick());
$show();
$retry = $status();

echo "-- nginx started again: the tick after the backoff deploys the same commit\n";
$pids[] = $master = bg_nginx_start($scene['ngx'], $scene['main']);
$wait_until($retry);
$rel = $r->tick();
echo "  tick(): ", $rel ? $n("$rel->commit on port $rel->port") : 'null', "\n";
$show();
$status();
echo "  nginx answers ", $n(bg_answer($scene['listen'])), "\n";

bg_nginx_stop($master);
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('tick-retry-environment');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- nginx stopped: the tick fails at the switch, the commit is not marked failed
NULL
  debug: cache: seeded from root's objects (0 packs, 13 loose), hardlinked; its HEAD %s and tree verified (T)
  error: deploy: v2 failed at switch: nginx is not running, or option "nginx.pid" is wrong: pid file: cannot read BOX/ngx/nginx.pid: No such file or directory; nginx is not running, which is not the commit's fault: tick() tries again in 1 s (attempt 1)
  status: failed [], last_error at switch, retry v2 at switch, attempt 1, in %r[01]%r s: nginx is not running
  the live release still answers on A: version=v1 port=A
-- a tick at once: the backoff runs
NULL
  debug: tick: the deploy of v2 waits 1 s more before it is tried again (nginx is not running: nginx is not running, or option "nginx.pid" is wrong: pid file: cannot read BOX/ngx/nginx.pid: No such file or directory)
  bluegreen status: retry       v2 at switch, attempt 1 failed: nginx is not running: nginx is not running, or option "nginx.pid" is wrong: pid file: cannot read BOX/ngx/nginx.pid: No such file or directory; next try from %s
-- after it, nginx still down: the second failure doubles the wait
NULL
  error: deploy: v2 failed at switch: nginx is not running, or option "nginx.pid" is wrong: pid file: cannot read BOX/ngx/nginx.pid: No such file or directory; nginx is not running, which is not the commit's fault: tick() tries again in 2 s (attempt 2)
  status: failed [], last_error at switch, retry v2 at switch, attempt 2, in %r[12]%r s: nginx is not running
-- nginx started again: the tick after the backoff deploys the same commit
  tick(): v2 on port B
  status: failed [], last_error at switch, retry null
  nginx answers version=v2 port=B
