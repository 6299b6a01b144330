--TEST--
Socket switch: a releaser killed with SIGKILL at the start, right after the symlink's rename, and during the drain; the next tick() decides from where the live socket's symlink points, finishes or undoes the deploy, and nginx never stops answering
--EXTENSIONS--
bluegreen
pcntl
posix
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0' || getenv('VALGRIND_OPTS') !== false) die('skip timing-bound (kills at a stage, under load), not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
require __DIR__ . '/inc/recover.inc';
$box = bg_sandbox('socket-recover');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_socket_scene($box);
$pids[] = $scene['master'];
$opts = bg_socket_options($scene, ['health' => ['path' => '/health', 'timeout' => 10, 'interval' => 0.05],
    'drain_timeout' => 10, 'stop_timeout' => 3]);
$workers = bg_nginx_workers($scene['master']);
$loop = bg_recover_loop_start($scene, $pids);
$versions = [];

$report = function () use ($scene, $opts, $box) {
    $lines = bg_log_recorder();
    $r = new BlueGreen\Releaser(['log' => $lines[0]] + $opts);
    $r->tick();
    foreach ($lines[1] as $l) {
        if (str_starts_with($l['message'], 'recover:')) {
            echo '  ', preg_replace(['/\b[0-9a-f]{7}\b/', '/pid \d+/'], ['SHA', 'pid N'], bg_socket_names($scene, $l['message'])), "\n";
        }
    }
    $st = $r->status();
    echo 'after tick(): the live socket points to ', bg_socket_points_to($scene), ', nginx answers ',
        bg_scene_names($scene, bg_answer($scene['listen'])), ', live ', bg_scene_names($scene, (string) $st['live']['port']),
        ', deploying ', json_encode($st['deploying']), ', listening: A ', count(bg_unix_holders($scene['socks'][$scene['a']])) > 0 ? 'yes' : 'no',
        ', B ', count(bg_unix_holders($scene['socks'][$scene['b']])) > 0 ? 'yes' : 'no', "\n";
};

echo "== killed at the start of v2 (its service coming up on B's socket)\n";
$sha = bg_app_commit($scene, 'v2', ['SLOW_START' => "800\n"]);
$child = bg_recover_spawn($scene, $opts, $sha);
// Once the release's service runs (it binds 0.8 s later).
bg_recover_kill_at($scene, $child, 'start', fn () => str_contains(implode('', array_map('file_get_contents',
    glob(dirname($scene['root']) . '/.bluegreen/logs/release-*.log') ?: [])), 'fixture v2: '));
echo 'child: ', bg_recover_reap($child), "\n";
echo 'after the kill: the live socket points to ', bg_socket_points_to($scene), "\n";
$report();

echo "== killed right after the symlink's rename (v3 on A)\n";
$sha = bg_app_commit($scene, 'v3', ['SLOW_START' => null]);
$child = bg_recover_spawn($scene, $opts, $sha, 'switch: the live socket');
echo 'child: ', bg_recover_reap($child), "\n";
echo 'after the kill: the live socket points to ', bg_socket_points_to($scene), ', nginx answers ',
    bg_scene_names($scene, bg_answer($scene['listen'])), ', state step ', bg_recover_state($scene)['deploy']['step'] ?? 'none', "\n";
$report();

echo "== killed during the drain (v4 on B, a request in flight to v3 on A)\n";
$sha = bg_app_commit($scene, 'v4');
$slow = bg_http_start('127.0.0.1', $scene['listen'], '/slow?ms=2500', 10);
usleep(200000);
$child = bg_recover_spawn($scene, $opts, $sha);
bg_recover_kill_at($scene, $child, 'drain');
echo 'child: ', bg_recover_reap($child), "\n";
echo 'after the kill: the live socket points to ', bg_socket_points_to($scene), "\n";
$report();
echo 'the request in flight: ', bg_scene_names($scene, preg_replace('/ pid=\d+/', '', json_encode(array_intersect_key(
    bg_http_finish($slow, 10), ['status' => 1, 'body' => 1, 'error' => 1])))), "\n";

bg_recover_loop_stop($loop);
bg_check('nginx worker pids unchanged', bg_nginx_workers($scene['master']) === $workers);
bg_socket_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-recover');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
== killed at the start of v2 (its service coming up on B's socket)
child: killed by SIGKILL
after the kill: the live socket points to A
  recover: the deploy of SHA by pid N was interrupted at step start; reconciling
  recover: stopping 1 process(es) the interrupted deploy left running for release-UTC-SHA: php8.2 (pid N)
  recover: live is root on port A
after tick(): the live socket points to B, nginx answers version=v2 port=B, live B, deploying null, listening: A no, B yes
== killed right after the symlink's rename (v3 on A)
child: killed by SIGKILL
after the kill: the live socket points to A, nginx answers version=v3 port=A, state step switch
  recover: the deploy of SHA by pid N was interrupted at step switch; reconciling
  recover: live is SHA on port A
after tick(): the live socket points to A, nginx answers version=v3 port=A, live A, deploying null, listening: A yes, B no
== killed during the drain (v4 on B, a request in flight to v3 on A)
child: killed by SIGKILL
after the kill: the live socket points to B
  recover: the deploy of SHA by pid N was interrupted at step drain; reconciling
  recover: live is SHA on port B
after tick(): the live socket points to B, nginx answers version=v4 port=B, live B, deploying null, listening: A no, B yes
the request in flight: {"status":200,"body":"version=v3 port=A\n"}
requests through nginx all along: many, failed: 0
nginx worker pids unchanged: ok
