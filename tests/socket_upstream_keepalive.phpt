--TEST--
Socket switch with nginx's upstream `keepalive` (its connections to the live socket cached, the app keeping HTTP/1.1 connections open as Swoole does): five deploys under keep-alive load, zero failed requests, nginx never reloaded; the cached connections keep reaching the old release after the switch, so the drain lasts drain_timeout and says so, and once the old release is stopped only the new one answers
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0' || getenv('VALGRIND_OPTS') !== false) die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox('socket-upstream-keepalive');
$pids = [];
bg_cleanup_at_exit($box, $pids);
// Eight workers: the fixture serves one connection per worker at a time, and
// nginx keeps up to eight open to it (Swoole's workers multiplex them).
$dev = str_replace("'worker_num' => 2", "'worker_num' => 8", bg_app_files()['dev.php']);
$scene = bg_socket_scene($box, ['KEEP_ALIVE' => "1\n", 'dev.php' => $dev]);
$pids[] = $scene['master'];
// The upstream as the README shows it, plus keepalive: HTTP/1.1 to the
// upstream and no "Connection: close" from nginx, or nothing is cached.
bg_nginx_stop($scene['master']);
file_put_contents($scene['conf'], "upstream app {\n    server unix:{$scene['live']};\n    keepalive 8;\n}\n");
file_put_contents($scene['main'], str_replace("proxy_pass http://app;\n",
    "proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection \"\";\n",
    file_get_contents($scene['main']), $replaced));
$scene['master'] = bg_nginx_start($scene['ngx'], $scene['main']);
$pids[] = $scene['master'];
echo "nginx config with keepalive: ", var_export($replaced === 1, true), "\n";

$lines = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_socket_options($scene, ['log' => $lines[0], 'drain_timeout' => 1,
    'health' => ['path' => '/health', 'timeout' => 10, 'interval' => 0.05]]));
$workers = bg_nginx_workers($scene['master']);

/** Whether nginx holds a connection to the socket at $sock: the release's end of it, established. */
function cached_to(string $sock): bool
{
    foreach (@file('/proc/net/unix') ?: [] as $line) {
        $f = preg_split('/\s+/', trim($line));
        if (($f[7] ?? '') === $sock && ($f[5] ?? '') === '03') {
            return true;
        }
    }
    return false;
}

// Under load: nginx reuses its cached connections to the old release after
// the switch (the path is the same) until it closes them, after
// keepalive_requests (1000) each; the old release's stop closes the rest.
$load = bg_load_start($scene['listen'], 4, 120, false);
$seen = [];
for ($v = 2; $v <= 6; $v++) {
    bg_app_commit($scene, "v$v", ['KEEP_ALIVE' => "1\n"]);
    $release = $r->deploy();
    $answers = [];
    for ($i = 0; $i < 20; $i++) {
        $answers[bg_answer($scene['listen'])] = true;
    }
    $seen[] = array_keys($answers) === ["version=v$v port={$release->port}"]
        ? 'ok' : "v$v: nginx answered " . implode(', ', array_keys($answers));
    usleep(200000);     // load on the new release before the next deploy
}
$result = bg_load_stop($load);
echo "under load: 5 deploys, after each only the new release answers through nginx: ", implode(', ', array_unique($seen)), "\n";
echo "  requests: ", $result['requests'] > 500 ? 'many' : $result['raw'], "\n";
echo "  non-2xx: {$result['non2xx']}, socket errors: {$result['errors']}\n";

// Idle: nginx keeps its connection to the live release open between requests;
// after the switch that connection is the old release's, still open at
// drain_timeout, and closed by its stop: the next request, on a new
// connection, reaches the new release.
$lines[1]->exchangeArray([]);
$live = $scene['socks'][$release->port];
bg_answer($scene['listen']);
echo "idle: nginx holds a connection to the live release between requests: ", var_export(cached_to($live), true), "\n";
bg_app_commit($scene, 'v7', ['KEEP_ALIVE' => "1\n"]);
$t = microtime(true);
$release = $r->deploy();
$took = microtime(true) - $t;
$drain = array_values(array_filter($lines[1]->getArrayCopy(), fn ($l) => str_starts_with($l['message'], 'drain: ')));
echo "  ", bg_socket_names($scene, preg_replace(['/after [\d.]+ m?s/', '/^drain: \d+ /'], ['after T', 'drain: N '], $drain[0]['message'] ?? 'no drain line')), "\n";
echo "  the connection to the old release closed: ", var_export(!cached_to($live), true), ", nginx answers ",
    bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
bg_check('nginx worker pids unchanged', bg_nginx_workers($scene['master']) === $workers,
    [$workers, bg_nginx_workers($scene['master'])]);

bg_socket_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/socket.inc';
$box = bg_sandbox_path('socket-upstream-keepalive');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
nginx config with keepalive: true
under load: 5 deploys, after each only the new release answers through nginx: ok
  requests: many
  non-2xx: 0, socket errors: 0
idle: nginx holds a connection to the live release between requests: true
  drain: N connection(s) still open on port B after T (drain_timeout); stopping anyway
  the connection to the old release closed: true, nginx answers version=v7 port=A
nginx worker pids unchanged: ok
