--TEST--
watch: a release that turns bad after the switch (30 % of its answers 500) is rolled back by itself within the watch, the old service never stopped (same pids) and the failure in status() and the log, tick() leaves the commit alone, the access log rotated mid-watch; one whose health check fails is rolled back; no failed request but the bad release's own answers
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/watch.inc';
$box = bg_sandbox('watch-rollback');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_watch_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => preg_replace(['/\d+\.\d %/', '/over \d+ requests/', '/in \d+(\.\d+)? m?s/', '/\b[0-9a-f]{40}\b/',
    '/\b[0-9a-f]{7}\b/'], ['P %', 'over N requests', 'in T', 'SHA40', 'SHA'], bg_scene_names($scene, $s));
[$record, $lines] = bg_log_recorder();
$rotated = false;
$watches = 0;
// In v2's watch the log is rotated as logrotate does: renamed, and nginx told to reopen it (USR1).
$log = function (string $level, string $message, array $ctx) use ($record, $scene, &$rotated, &$watches) {
    $record($level, $message, $ctx);
    if (!str_contains($message, 'takes the traffic')) {
        return;
    }
    if (++$watches === 1) {
        rename($scene['log'], "{$scene['log']}.1");
        posix_kill($scene['master'], SIGUSR1);
        $rotated = true;
    }
};
$r = new BlueGreen\Releaser(bg_watch_options($scene, [], ['log' => $log]));
$old = bg_socket_holders($scene['a']);
$load = bg_load_start($scene['listen'], 4);

echo "-- v2 turns bad 0.3 s after its start: 30 % of its answers are 500, its health check stays 200\n";
$v2 = bg_app_commit($scene, 'v2', ['BAD_AFTER' => "300 30\n"]);
$t0 = microtime(true);
try {
    $r->deploy();
    echo "deployed: WRONG\n";
} catch (BlueGreen\StartException $e) {
    echo get_class($e), ': ', $n($e->getMessage()), "\n";
}
$took = microtime(true) - $t0;
preg_match('/^(\d+\.\d) % 5xx over (\d+) requests/', $e->getMessage(), $m);
bg_check('judged on a share near 30 % over at least watch.min_requests (20)', $m && $m[1] >= 10 && $m[1] <= 60
    && $m[2] >= 20, $e->getMessage());
bg_check('rolled back within the watch (2 s) and the start', $took < 4.5, $took);
bg_check('the log was rotated mid-watch', $rotated && is_file("{$scene['log']}.1") && is_file($scene['log']));
echo "nginx answers ", $n(bg_answer($scene['listen'])), ", port B ", bg_wait_port($scene['b'], false, 3) ? 'free' : 'LISTENING', "\n";
bg_check('the old service was never stopped (the same pids, alive)',
    $old && bg_socket_holders($scene['a']) === $old && array_filter($old, 'bg_pid_alive') === $old);
foreach ($lines as $l) {
    if (str_starts_with($l['message'], 'watch') || $l['level'] === 'error') {
        echo "log: {$l['level']}: ", $n($l['message']), "\n";
    }
}
$st = $r->status();
echo "status: last_error ", $st['last_error']['step'], ': ', $n($st['last_error']['error']), "\n";
echo "status: failed ", count($st['failed']), ', ', $st['failed'][0]['commit'] === $v2 ? 'v2' : '?', ' at ', $st['failed'][0]['step'], "\n";
echo "status: live ", var_export($st['live'], true), ", deploying ", var_export($st['deploying'], true), "\n";

echo "-- tick() leaves v2 alone\n";
$lines->exchangeArray([]);
var_dump($r->tick());
foreach ($lines as $l) {
    echo "log: {$l['level']}: ", $n($l['message']), "\n";
}

echo "-- v2h passes the health gate (3 answers), then its health check answers 500: rolled back\n";
bg_app_commit($scene, 'v2h', ['BAD_AFTER' => null, 'HEALTHY_TIMES' => "3\n"]);
try {
    $r->deploy();
    echo "deployed: WRONG\n";
} catch (BlueGreen\StartException $e) {
    echo get_class($e), ': ', $n(preg_replace('/after \d+(\.\d+)? m?s/', 'after T', $e->getMessage())), "\n";
}
echo "nginx answers ", $n(bg_answer($scene['listen'])), ", the old service ",
    array_filter($old, 'bg_pid_alive') === $old ? 'alive' : 'GONE', "\n";

$result = bg_load_stop($load);
$counts = bg_watch_log_counts($scene, ["{$scene['log']}.1", $scene['log']]);
echo "-- under load: ", $result['requests'] > 300 ? 'many requests' : $result['raw'], ", socket errors: {$result['errors']}\n";
// wrk's non-2xx answers are the log's 5xx lines, all of them from port B while v2 was there.
bg_check("every non-2xx answer is one of v2's own 500s",
    $result['non2xx'] > 0 && $result['non2xx'] === ($counts['B'][1] ?? 0) && ($counts['A'][1] ?? 0) === 0
    && ($counts['-'][0] ?? 0) === 0, [$result['non2xx'], $counts]);
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('watch-rollback');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- v2 turns bad 0.3 s after its start: 30 % of its answers are 500, its health check stays 200
BlueGreen\StartException: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
judged on a share near 30 % over at least watch.min_requests (20): ok
rolled back within the watch (2 s) and the start: ok
the log was rotated mid-watch: ok
nginx answers version=v1 port=A, port B free
the old service was never stopped (the same pids, alive): ok
log: info: watch: release-UTC-SHA on port B takes the traffic for 2 s; the old release keeps running on port A
log: error: watch: release-UTC-SHA on port B failed its watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); switching back to port A, which still runs
log: error: deploy: SHA failed at watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
status: last_error watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
status: failed 1, v2 at watch
status: live NULL, deploying NULL
-- tick() leaves v2 alone
NULL
log: info: check: master moved SHA..SHA: 2 files changed, 2 insertions(+), 1 deletion(-) (T)
log: info: tick: SHA failed at watch before; it is not deployed again until the branch moves (deploy('SHA40') forces it)
-- v2h passes the health gate (3 answers), then its health check answers 500: rolled back
BlueGreen\StartException: health check failed 3 times in a row after T (GET /health answered HTTP 500); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
nginx answers version=v1 port=A, the old service alive
-- under load: many requests, socket errors: 0
every non-2xx answer is one of v2's own 500s: ok
