--TEST--
nginx restarted by someone else during the switch (the reload signals a master that is gone) or between deploys: what nginx runs decides, the deploy completes, the service nginx points to is never stopped
--EXTENSIONS--
bluegreen
posix
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('switch-nginx-restarted');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$n = fn (string $s) => bg_scene_names($scene, $s);
$master = fn () => (int) @file_get_contents("{$scene['ngx']}/nginx.pid");

// Someone else restarts nginx: the master stops, a new one starts and reads
// the config as it is on disk at that moment. Run as `nginx.test` (after the
// releaser wrote the new config, before it signals the master it knew) or as
// `nginx.reload` (the reload itself restarts it: the pid changes under the
// releaser).
file_put_contents("$box/restart.php", '<?php
[, $prefix, $main, $nginx] = $argv;
$old = (int) file_get_contents("$prefix/nginx.pid");
posix_kill($old, SIGQUIT);
for ($i = 0; $i < 250 && file_exists("/proc/$old"); $i++) {
    usleep(20000);
}
exec(escapeshellarg($nginx) . " -p " . escapeshellarg("$prefix/") . " -c " . escapeshellarg($main), $out, $rc);
for ($i = 0; $i < 250 && (int) @file_get_contents("$prefix/nginx.pid") === $old; $i++) {
    usleep(20000);
}
exit($rc);
');
$restart = [PHP_BINARY, "$box/restart.php", $scene['ngx'], $scene['main'], bg_nginx_binary()];
[$log, $lines] = bg_log_recorder();
$report = function (string $label, callable $deploy) use ($scene, $n, $master, $lines, &$pids) {
    $before = $master();
    echo "== $label\n";
    try {
        $rel = $deploy();
        echo 'deploy(): ', $rel ? trim(file_get_contents("$rel->path/VERSION")) . ' on ' . $n((string) $rel->port) : 'null', "\n";
    } catch (BlueGreen\Exception $e) {
        echo get_class($e), ': ', $n(preg_replace('/pid \d+/', 'pid PID', $e->getMessage())), "\n";
    }
    $pids[] = $master();
    echo 'another nginx master: ', json_encode($master() !== $before), "\n";
    echo 'nginx answers: ', $n(bg_answer($scene['listen'])), "\n";
    foreach ($lines as $l) {
        if ($l['level'] !== 'info' && $l['level'] !== 'debug') {
            echo '  ', $l['level'], ': ', $n(preg_replace(['/pid \d+/', '/deploy: [0-9a-f]{7}/'], ['pid PID', 'deploy: SHA'],
                $l['message'])), "\n";
        }
    }
    $lines->exchangeArray([]);
};
$status = function (BlueGreen\Releaser $r) use ($scene, $n) {
    $s = $r->status();
    echo 'status(): live ', $s['live'] ? trim(file_get_contents($s['live']['path'] . '/VERSION')) . ' on '
        . $n((string) $s['live']['port']) : 'null', ', nginx.conf points to ', $n((string) $s['ports']['active']),
        ', listening ', $n(implode(',', $s['ports']['listening'])), "\n";
};

$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log,
    'nginx' => ['test' => $restart] + bg_nginx_option($scene['ngx'], $scene['main'], $scene['conf'], 'app')]));
bg_app_commit($scene, 'v2');
$report('restarted after the config was written, before the releaser signals the old master', fn () => $r->deploy());
$status($r);

$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log,
    'nginx' => ['reload' => $restart] + bg_nginx_option($scene['ngx'], $scene['main'], $scene['conf'], 'app')]));
bg_app_commit($scene, 'v3');
$report('the reload restarts nginx: the master the releaser watches exits', fn () => $r->deploy());
$status($r);

$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log]));
bg_run($restart, $box);
$pids[] = $master();
bg_app_commit($scene, 'v4');
$report('restarted between deploys: the next deploy signals the new master', fn () => $r->deploy());
$status($r);

// nginx stopped by someone during the switch, and not started again: the
// file is restored for its next start, the new service stopped, the old one
// untouched; started again, nginx serves the old release.
file_put_contents("$box/stop.php", '<?php posix_kill((int) file_get_contents($argv[1]), SIGQUIT); usleep(300000);');
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log, 'nginx' => ['reload' => [PHP_BINARY,
    "$box/stop.php", "{$scene['ngx']}/nginx.pid"]] + bg_nginx_option($scene['ngx'], $scene['main'], $scene['conf'], 'app')]));
bg_app_commit($scene, 'v5');
$report('stopped during the switch and not started again', fn () => $r->deploy());
$status($r);
$pids[] = bg_nginx_start($scene['ngx'], $scene['main']);
echo 'started again, nginx answers: ', $n(bg_answer($scene['listen'])), "\n";

$scene['master'] = $master();
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('switch-nginx-restarted');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
== restarted after the config was written, before the releaser signals the old master
deploy(): v2 on B
another nginx master: true
nginx answers: version=v2 port=B
  warning: switch: nginx was restarted during the switch (master pid PID, now pid PID), and the new master runs the new config: the switch took
status(): live v2 on B, nginx.conf points to B, listening B
== the reload restarts nginx: the master the releaser watches exits
deploy(): v3 on A
another nginx master: true
nginx answers: version=v3 port=A
  warning: switch: nginx was restarted during the switch (master pid PID, now pid PID), and the new master runs the new config: the switch took
status(): live v3 on A, nginx.conf points to A, listening A
== restarted between deploys: the next deploy signals the new master
deploy(): v4 on B
another nginx master: false
nginx answers: version=v4 port=B
status(): live v4 on B, nginx.conf points to B, listening B
== stopped during the switch and not started again
BlueGreen\NginxException: the nginx master (pid PID) exited during the reload
another nginx master: true
nginx answers: error: connect 127.0.0.1:L: Connection refused
  warning: switch: BOX/ngx/servers/upstream.conf restored byte for byte; nginx is not running (its master pid PID is gone): it reads that file when it starts
  error: deploy: SHA failed at switch: the nginx master (pid PID) exited during the reload; nginx is not running, which is not the commit's fault: tick() tries again in 30 s (attempt 1)
status(): live v4 on B, nginx.conf points to B, listening B
started again, nginx answers: version=v4 port=B
