--TEST--
watch: a good release is watched for watch.seconds, the old one kept running meanwhile, then promoted (drained and stopped as without a watch); the access log truncated mid-watch (logrotate's copytruncate) is read on from its start
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/watch.inc';
$box = bg_sandbox('watch-promote');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_watch_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => preg_replace(['/\d+\.\d %/', '/over \d+ requests/', '/in \d+(\.\d+)? m?s/', '/\b[0-9a-f]{7}\b/'],
    ['P %', 'over N requests', 'in T', 'SHA'], bg_scene_names($scene, $s));
[$record, $lines] = bg_log_recorder();
$old = bg_socket_holders($scene['a']);
$during = null;
// Mid-watch: the old service still runs, and the log is copied, then cut to 0 bytes.
$log = function (string $level, string $message, array $ctx) use ($record, $scene, $old, &$during) {
    $record($level, $message, $ctx);
    if (str_contains($message, 'takes the traffic')) {
        usleep(300000);
        $during = array_filter($old, 'bg_pid_alive') === $old;
        copy($scene['log'], "{$scene['log']}.1");
        $h = fopen($scene['log'], 'r+');
        ftruncate($h, 0);
        fclose($h);
    }
};
$r = new BlueGreen\Releaser(bg_watch_options($scene, ['seconds' => 1], ['log' => $log]));
$load = bg_load_start($scene['listen'], 4);

echo "-- v2, good, is watched and promoted\n";
bg_app_commit($scene, 'v2');
$t0 = microtime(true);
$rel = $r->deploy();
$took = microtime(true) - $t0;
echo "deployed on ", $n((string) $rel->port), "\n";
bg_check('the watch lasted its 1 s', $took >= 1.0, $took);
$passed = array_values(array_filter((array) $lines, fn ($l) => str_contains($l['message'], 'passed')));
bg_check('the log truncated mid-watch was read on: more than watch.min_requests counted',
    $passed && preg_match('/over (\d+) requests/', $passed[0]['message'], $m) && $m[1] >= 20
    && !str_contains($passed[0]['message'], 'fewer'), $passed);
foreach ($lines as $l) {
    if (str_starts_with($l['message'], 'watch') || str_starts_with($l['message'], 'deploy:')) {
        echo "log: {$l['level']}: ", $n(preg_replace('/\(.* in all: .*\)/', '(TIMINGS)', $l['message'])), "\n";
    }
}
echo "nginx answers ", $n(bg_answer($scene['listen'])), ", the old service ",
    array_filter($old, 'bg_pid_alive') ? 'ALIVE' : 'gone', "\n";

bg_check('the old service ran during the watch', $during === true);
$result = bg_load_stop($load);
echo "-- under load: ", $result['requests'] > 300 ? 'many requests' : $result['raw'], ", non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('watch-promote');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- v2, good, is watched and promoted
deployed on B
the watch lasted its 1 s: ok
the log truncated mid-watch was read on: more than watch.min_requests counted: ok
log: info: watch: release-UTC-SHA on port B takes the traffic for 1 s; the old release keeps running on port A
log: info: watch: release-UTC-SHA on port B passed: its health check held, P % 5xx over N requests in T
log: info: deploy: SHA live on port B (TIMINGS)
nginx answers version=v2 port=B, the old service gone
the old service ran during the watch: ok
-- under load: many requests, non-2xx: 0, socket errors: 0
