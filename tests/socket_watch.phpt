--TEST--
Socket switch with the watch: nginx logs the live socket's symlink as $upstream_addr (unix:<live_socket>); a release that turns bad after the switch (30 % of its answers 500) is rolled back by itself, the old release never stopped (same listener pids) and answering again through nginx, nginx never reloaded (same worker pids), the failure in status() at step watch; a canary with the socket switch is refused at construction
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
require __DIR__ . '/inc/watch.inc';
$box = bg_sandbox('socket-watch');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_socket_scene($box);
$pids[] = $scene['master'];
// nginx's access log in the bluegreen format, as the README says (one reload, before any deploy).
$log = "{$scene['ngx']}/access.log";
file_put_contents($scene['main'], str_replace('access_log off;', bg_watch_log_lines($log), file_get_contents($scene['main'])));
$before = bg_nginx_workers($scene['master']);
posix_kill($scene['master'], SIGHUP);
bg_wait_for(fn () => is_file($log) && !array_intersect($before, bg_nginx_workers($scene['master'])), 5);
$scene['log'] = $log;
$n = fn (string $s) => preg_replace(['/\d+\.\d %/', '/over \d+ requests/', '/in \d+(\.\d+)? m?s/', '/\b[0-9a-f]{40}\b/',
    '/\b[0-9a-f]{7}\b/'], ['P %', 'over N requests', 'in T', 'SHA40', 'SHA'], bg_socket_names($scene, $s));

echo "-- nginx logs the upstream as configured: the live socket's symlink\n";
bg_answer($scene['listen']);
bg_wait_for(fn () => trim((string) @file_get_contents($log)) !== '', 2);
$first = explode(' ', trim((string) file_get_contents($log)))[0];
echo bg_socket_names($scene, $first), "\n";

[$record, $lines] = bg_log_recorder();
$opts = bg_socket_options($scene, ['log' => $record,
    'health' => ['path' => '/health', 'timeout' => 5, 'successes' => 3, 'interval' => 0.05],
    'watch' => ['seconds' => 2, 'max_error_ratio' => 0.05, 'min_requests' => 20, 'access_log' => $log]]);
$r = new BlueGreen\Releaser($opts);
$workers = bg_nginx_workers($scene['master']);
$old = bg_unix_holders($scene['socks'][$scene['a']]);
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
$result = bg_load_stop($load);
preg_match('/^(\d+\.\d) % 5xx over (\d+) requests/', $e->getMessage(), $m);
// v2 is good for its first 0.3 s, so the share it is judged on is diluted by its good answers: above
// watch.max_error_ratio (5 %), at most the bad 30 % and some noise.
bg_check('judged on a share over watch.max_error_ratio (5 %) over at least watch.min_requests (20)', $m && $m[1] > 5
    && $m[1] <= 60 && $m[2] >= 20, $e->getMessage());
bg_check('rolled back within the watch (2 s) and the start', $took < 4.5, $took);
echo "nginx answers ", bg_scene_names($scene, bg_answer($scene['listen'])), ", the live socket points to ",
    bg_socket_points_to($scene), ", the new socket has ", count(bg_unix_holders($scene['socks'][$scene['b']])), " listener(s)\n";
bg_check('the old release was never stopped (the same listener pids, alive)',
    $old && bg_unix_holders($scene['socks'][$scene['a']]) === $old && array_filter($old, 'bg_pid_alive') === $old, $old);
bg_check('nginx never reloaded (the same worker pids)', bg_nginx_workers($scene['master']) === $workers,
    [$workers, bg_nginx_workers($scene['master'])]);
bg_check('under load: requests, no socket error', $result['requests'] > 50 && $result['errors'] === 0, $result['raw']);
foreach ($lines as $l) {
    if (str_starts_with($l['message'], 'watch') || $l['level'] === 'error') {
        echo "log: {$l['level']}: ", $n($l['message']), "\n";
    }
}
$st = $r->status();
echo "status: last_error ", $st['last_error']['step'], ': ', $n($st['last_error']['error']), "\n";
echo "status: failed ", count($st['failed']), ', ', $st['failed'][0]['commit'] === $v2 ? 'v2' : '?', ' at ', $st['failed'][0]['step'], "\n";

echo "-- canary with the socket switch\n";
try {
    new BlueGreen\Releaser($opts + ['canary' => ['weight' => 10, 'seconds' => 2]]);
    echo "constructed: WRONG\n";
} catch (BlueGreen\ConfigException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
bg_socket_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-watch');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- nginx logs the upstream as configured: the live socket's symlink
unix:LIVE
-- v2 turns bad 0.3 s after its start: 30 % of its answers are 500, its health check stays 200
BlueGreen\StartException: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
judged on a share over watch.max_error_ratio (5 %) over at least watch.min_requests (20): ok
rolled back within the watch (2 s) and the start: ok
nginx answers version=v1 port=A, the live socket points to A, the new socket has 0 listener(s)
the old release was never stopped (the same listener pids, alive): ok
nginx never reloaded (the same worker pids): ok
under load: requests, no socket error: ok
log: info: watch: release-UTC-SHA on port B takes the traffic for 2 s; the old release keeps running on port A
log: error: watch: release-UTC-SHA on port B failed its watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); switching back to port A, which still runs
log: error: deploy: SHA failed at watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
status: last_error watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port A, which kept serving, and release-UTC-SHA on port B was stopped
status: failed 1, v2 at watch
-- canary with the socket switch
BlueGreen\ConfigException: Option "canary" needs "switch" => "reload": with the socket switch nginx's upstream names one socket, the live release's
