--TEST--
canary: after the new release is healthy, nginx's upstream holds both (new 10 %, old 90 %) while the watch judges the new one: about 10 % of requests reach it (from the access log), then it is promoted (the config as a plain switch leaves it); a bad one is aborted (nginx back to the old release alone, the config byte for byte as before, the old service never stopped)
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/watch.inc';
$box = bg_sandbox('watch-canary');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_watch_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => preg_replace(['/\d+\.\d %/', '/over \d+ requests/', '/in \d+(\.\d+)? m?s/', '/\b[0-9a-f]{7}\b/',
    '/\(\d+(\.\d+)? m?s\)/'], ['P %', 'over N requests', 'in T', 'SHA', '(T)'], bg_scene_names($scene, $s));
[$record, $lines] = bg_log_recorder();
$marks = [];
// When the canary begins and ends: the config then, and the access log's size.
$log = function (string $level, string $message, array $ctx) use ($record, $scene, &$marks) {
    $record($level, $message, $ctx);
    if (preg_match('/^canary: .* (takes \d+ %|passed)/', $message, $m)) {
        clearstatcache();
        $marks[str_starts_with($m[1], 'takes') ? 'begin' : 'end'] = [filesize($scene['log']), file_get_contents($scene['conf'])];
    }
};
$r = new BlueGreen\Releaser(bg_watch_options($scene, ['seconds' => 0.5], ['log' => $log, 'canary' => ['weight' => 10, 'seconds' => 1.2]]));
$load = bg_load_start($scene['listen'], 4);
$print_log = function () use ($lines, $n) {
    foreach ($lines as $l) {
        if (preg_match('/^(canary|watch|switch|deploy):/', $l['message'])) {
            echo "log: {$l['level']}: ", $n(preg_replace('/\(.* in all: .*\)/', '(TIMINGS)', $l['message'])), "\n";
        }
    }
    $lines->exchangeArray([]);
};

echo "-- v2, good: 10 % first, then all\n";
$before = file_get_contents($scene['conf']);
bg_app_commit($scene, 'v2');
$rel = $r->deploy();
echo "deployed on ", $n((string) $rel->port), "\n";
$print_log();
echo "the upstream during the canary:\n", $n($marks['begin'][1]);
$h = fopen($scene['log'], 'r');
fseek($h, $marks['begin'][0]);
$during = stream_get_contents($h, $marks['end'][0] - $marks['begin'][0]);
fclose($h);
file_put_contents("$box/during.log", $during);
$c = bg_watch_log_counts($scene, ["$box/during.log"]);
$share = ($c['B'][0] ?? 0) / max(1, ($c['A'][0] ?? 0) + ($c['B'][0] ?? 0));
bg_check(sprintf('about 10 %% of the requests during the canary went to the new release (5 to 15 %%)'), $share >= 0.05 && $share <= 0.15, $c);
bg_check('the config after it is the one a plain switch makes', file_get_contents($scene['conf'])
    === str_replace("127.0.0.1:{$scene['a']};", "127.0.0.1:{$scene['b']};", $before), file_get_contents($scene['conf']));
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";

echo "-- v3: half its answers are 500: the canary is aborted\n";
$before = file_get_contents($scene['conf']);
$old = bg_socket_holders($scene['b']);
$v3 = bg_app_commit($scene, 'v3', ['BAD_AFTER' => "0 50\n"]);
$t0 = microtime(true);
try {
    $r->deploy();
    echo "deployed: WRONG\n";
} catch (BlueGreen\StartException $e) {
    echo get_class($e), ': ', $n($e->getMessage()), "\n";
}
bg_check('aborted within the canary (1.2 s) and the start', microtime(true) - $t0 < 3.5, microtime(true) - $t0);
$print_log();
bg_check('the config is byte for byte as before the canary', file_get_contents($scene['conf']) === $before,
    file_get_contents($scene['conf']));
echo "nginx answers ", $n(bg_answer($scene['listen'])), ", port A ", bg_wait_port($scene['a'], false, 3) ? 'free' : 'LISTENING', "\n";
bg_check('the old service was never stopped (the same pids, alive)',
    $old && bg_socket_holders($scene['b']) === $old && array_filter($old, 'bg_pid_alive') === $old);
$st = $r->status();
echo "status: last_error at ", $st['last_error']['step'], ", v3 failed: ", ($st['failed'][0]['commit'] ?? '') === $v3 ? 'yes' : 'NO', "\n";

$result = bg_load_stop($load);
$counts = bg_watch_log_counts($scene, [$scene['log']]);
echo "-- under load: ", $result['requests'] > 300 ? 'many requests' : $result['raw'], ", socket errors: {$result['errors']}\n";
bg_check("every non-2xx answer is one of v3's own 500s (on port A after v1 left it)",
    $result['non2xx'] > 0 && $result['non2xx'] === ($counts['A'][1] ?? 0) && ($counts['B'][1] ?? 0) === 0,
    [$result['non2xx'], $counts]);
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('watch-canary');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- v2, good: 10 % first, then all
deployed on B
log: info: canary: nginx upstream "app" holds port B (weight 10) beside port A (weight 90); reloaded (T)
log: info: canary: release-UTC-SHA on port B takes 10 % of the traffic for 1.2 s; the old release on port A the rest
log: info: canary: release-UTC-SHA on port B passed: its health check held, P % 5xx over N requests in T
log: info: switch: nginx upstream "app" now points to port B instead of A; reloaded, 1 old worker(s) finishing their requests (T)
log: info: watch: release-UTC-SHA on port B takes the traffic for 0.5 s; the old release keeps running on port A
log: info: watch: release-UTC-SHA on port B passed: its health check held, P % 5xx over N requests in T
log: info: deploy: SHA live on port B (TIMINGS)
the upstream during the canary:
upstream app {
    server 127.0.0.1:A weight=90;
    server 127.0.0.1:B weight=10;
}
about 10 % of the requests during the canary went to the new release (5 to 15 %): ok
the config after it is the one a plain switch makes: ok
nginx answers version=v2 port=B
-- v3: half its answers are 500: the canary is aborted
BlueGreen\StartException: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port B, which kept serving, and release-UTC-SHA on port A was stopped
aborted within the canary (1.2 s) and the start: ok
log: info: canary: nginx upstream "app" holds port A (weight 10) beside port B (weight 90); reloaded (T)
log: info: canary: release-UTC-SHA on port A takes 10 % of the traffic for 1.2 s; the old release on port B the rest
log: error: canary: release-UTC-SHA on port A failed its canary: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx back to port B alone, which still runs
log: info: switch: nginx upstream "app" now points to port B instead of A; reloaded, 1 old worker(s) finishing their requests (T)
log: error: deploy: SHA failed at canary: P % 5xx over N requests in T (watch.max_error_ratio 0.05); nginx was switched back to port B, which kept serving, and release-UTC-SHA on port A was stopped
the config is byte for byte as before the canary: ok
nginx answers version=v2 port=B, port A free
the old service was never stopped (the same pids, alive): ok
status: last_error at canary, v3 failed: yes
-- under load: many requests, socket errors: 0
every non-2xx answer is one of v3's own 500s (on port A after v1 left it): ok
