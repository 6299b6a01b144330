--TEST--
watch: a releaser killed (SIGKILL) during the watch is followed by one that finishes the watch from state.json (the switch's time and the log's offset): a good release is promoted, a bad one (30 % 500 after the switch) switched back to the old release, which was never stopped, and recorded failed at step watch; one killed during a canary is undone (the old release alone) and the commit deployed again
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/watch.inc';
require __DIR__ . '/inc/recover.inc';
$box = bg_sandbox('watch-recover');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_watch_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => preg_replace(['/\d+\.\d %/', '/over \d+ requests/', '/in \d+(\.\d+)? m?s/', '/after \d+(\.\d+)? m?s/',
    '/\b[0-9a-f]{7}\b/', '/pid \d+/'], ['P %', 'over N requests', 'in T', 'after T', 'SHA', 'pid N'], bg_scene_names($scene, $s));
$opts = bg_watch_options($scene, ['seconds' => 1.5]);
$load = bg_load_start($scene['listen'], 4);

function bg_options_other(array $scene, int $port): int
{
    return $port === $scene['a'] ? $scene['b'] : $scene['a'];
}

$round = function (string $title, string $version, array $files) use ($scene, $opts, $n, &$pids) {
    echo "-- $title\n";
    $sha = bg_app_commit($scene, $version, $files);
    $live = bg_recover_conf_port($scene);
    $old = bg_socket_holders($live);
    $child = bg_recover_spawn($scene, $opts, $sha, 'takes the traffic');
    $pids[] = $child['pid'];
    echo "child: ", bg_recover_reap($child), "\n";
    $st = bg_recover_state($scene);
    echo "state.json: step ", $st['deploy']['step'] ?? '-', ", watch since and log offset recorded: ",
        isset($st['deploy']['watch']['since_ms'], $st['deploy']['watch']['log_offset']) ? 'yes' : 'NO', "\n";
    echo "both running: ", bg_recover_listens($scene['a']) && bg_recover_listens($scene['b']) ? 'yes' : 'NO', "\n";
    [$log, $lines] = bg_log_recorder();
    $t0 = microtime(true);
    $rel = (new BlueGreen\Releaser(['log' => $log] + $opts))->tick();
    $took = microtime(true) - $t0;
    foreach ($lines as $l) {
        if (preg_match('/^(recover|watch)/', $l['message'])) {
            echo "log: {$l['level']}: ", $n($l['message']), "\n";
        }
    }
    bg_check('the next releaser finished the watch within what was left of it', $took < 5, $took);
    $new = bg_options_other($scene, $live);
    bg_wait_for(fn () => !bg_recover_listens($live) || !bg_recover_listens($new), 3);
    echo "nginx answers ", $n(bg_answer($scene['listen'])), "; the old port ", $n((string) $live),
        bg_recover_listens($live) ? ' listening' : ' free', ", the new port ", $n((string) $new),
        bg_recover_listens($new) ? ' listening' : ' free', "\n";
    echo "the old service: ", array_filter($old, 'bg_pid_alive') === $old && bg_socket_holders($live) === $old
        ? 'the same pids, alive' : 'gone', "\n";
    return $sha;
};

$v2 = $round('v2, good: killed during its watch, promoted by the next releaser', 'v2', []);
$v3 = $round('v3, bad 0.3 s after its start: killed during its watch, rolled back by the next releaser', 'v3',
    ['BAD_AFTER' => "300 30\n"]);
echo "-- v4: killed during its canary (10 %), undone by the next releaser, which deploys it again\n";
$copts = $opts + ['canary' => ['weight' => 10, 'seconds' => 0.5]];
$copts['watch']['seconds'] = 0.5;
$conf = file_get_contents($scene['conf']);
$old = bg_socket_holders($scene['b']);
$v4 = bg_app_commit($scene, 'v4', ['BAD_AFTER' => null]);
$child = bg_recover_spawn($scene, $copts, $v4, 'takes 10 %');
$pids[] = $child['pid'];
echo "child: ", bg_recover_reap($child), "\n";
echo "state.json: step ", bg_recover_state($scene)['deploy']['step'] ?? '-', "; the upstream holds both: ",
    substr_count(file_get_contents($scene['conf']), 'weight=') === 2 ? 'yes' : 'NO', "\n";
[$log, $lines] = bg_log_recorder();
$rel = (new BlueGreen\Releaser(['log' => $log] + $copts))->tick();
foreach ($lines as $l) {
    if (preg_match('/^(recover: the canary|recover: live|canary: .*(takes|passed)|deploy: .* live)/', $l['message'])) {
        echo "log: {$l['level']}: ", $n(preg_replace('/\(.* in all: .*\)/', '(TIMINGS)', $l['message'])), "\n";
    }
}
echo "tick() deployed v4 again: ", $rel && $rel->commit === $v4 ? 'yes' : 'NO', "; nginx answers ", $n(bg_answer($scene['listen'])), "\n";
bg_check('the config is the one a plain switch makes',
    file_get_contents($scene['conf']) === str_replace("127.0.0.1:{$scene['b']};", "127.0.0.1:{$scene['a']};", $conf));

$st = (new BlueGreen\Releaser($opts))->status();
$failed = array_values(array_filter($st['failed'], fn ($f) => $f['commit'] === $v3));
echo "status: v3 failed at ", $failed[0]['step'] ?? '-', ': ', $n($failed[0]['error'] ?? '-'), "\n";
echo "status: live is v4: ", ($st['live']['commit'] ?? '') === $v4 ? 'yes' : 'NO', ", deploying: ", var_export($st['deploying'], true), "\n";
$result = bg_load_stop($load);
echo "-- under load: ", $result['requests'] > 300 ? 'many requests' : $result['raw'], ", socket errors: {$result['errors']}\n";
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('watch-recover');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- v2, good: killed during its watch, promoted by the next releaser
child: killed by SIGKILL
state.json: step watch, watch since and log offset recorded: yes
both running: yes
log: warning: recover: the deploy of SHA by pid N was interrupted at step watch; reconciling
log: warning: recover: the watch of release-UTC-SHA on port B was interrupted after T; it is finished from the state file (log lines since the switch count)
log: info: watch: release-UTC-SHA on port B passed: its health check held, P % 5xx over N requests in T
log: info: recover: live is SHA on port B
the next releaser finished the watch within what was left of it: ok
nginx answers version=v2 port=B; the old port A free, the new port B listening
the old service: gone
-- v3, bad 0.3 s after its start: killed during its watch, rolled back by the next releaser
child: killed by SIGKILL
state.json: step watch, watch since and log offset recorded: yes
both running: yes
log: warning: recover: the deploy of SHA by pid N was interrupted at step watch; reconciling
log: warning: recover: the watch of release-UTC-SHA on port A was interrupted after T; it is finished from the state file (log lines since the switch count)
log: error: recover: release-UTC-SHA on port A failed its watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05); switching back to port B
log: info: recover: live is SHA on port B
the next releaser finished the watch within what was left of it: ok
nginx answers version=v2 port=B; the old port B listening, the new port A free
the old service: the same pids, alive
-- v4: killed during its canary (10 %), undone by the next releaser, which deploys it again
child: killed by SIGKILL
state.json: step canary; the upstream holds both: yes
log: warning: recover: the canary of release-UTC-SHA on port A was interrupted: nginx goes back to port B alone
log: info: recover: live is SHA on port B
log: info: canary: release-UTC-SHA on port A takes 10 % of the traffic for 0.5 s; the old release on port B the rest
log: info: canary: release-UTC-SHA on port A passed: its health check held, P % 5xx over N requests in T
log: info: deploy: SHA live on port A (TIMINGS)
tick() deployed v4 again: yes; nginx answers version=v4 port=A
the config is the one a plain switch makes: ok
status: v3 failed at watch: P % 5xx over N requests in T (watch.max_error_ratio 0.05)
status: live is v4: yes, deploying: NULL
-- under load: many requests, socket errors: 0
