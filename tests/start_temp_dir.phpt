--TEST--
Releaser::start(): a release whose mode file gives it the live release's TEMP_DIR is refused (or, with allow_shared_temp_dir, started with a warning, and then takes over the live one's pid file); relative, per-release and unreadable TEMP_DIRs
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('start-temp-dir');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$world = bg_app_world($box, $a);
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $a);
[$log, $lines] = bg_log_recorder();
$opts = ['root' => $world['root'], 'ports' => [$a, $b], 'health' => ['path' => '/health', 'timeout' => 10],
    'stop_timeout' => 5, 'drain_timeout' => 0, 'nginx' => ['conf' => $conf, 'upstream' => 'app'], 'log' => $log];
$name = fn (string $s) => str_replace([$box, (string) $a, (string) $b], ['BOX', 'A', 'B'],
    preg_replace(['/release-\d{8}T\d{6}-[0-9a-f]{7}(-\d+)?/', '/line \d+/'], ['RELEASE', 'line N'], $s));
$dev = file_get_contents("$world[work]/dev.php");
// dev.php with 'TEMP_DIR' => $expr (PHP code)
$temp_dir = fn (string $expr) => ['dev.php' => str_replace("'TEMP_DIR' => null", "'TEMP_DIR' => $expr", $dev)];
$n = 0;
// prepare() a commit of $files and start() it on $port: what it threw, or
// "started", and the warnings logged. The release, or null.
$start = function (array $files, int $port, array $o = []) use ($world, $opts, $name, $lines, &$n, &$pids) {
    $r = new BlueGreen\Releaser($o + $opts);
    $release = $r->prepare(bg_app_commit($world, 'v' . ++$n, $files));
    $lines->exchangeArray([]);
    try {
        $r->start($release, $port);
        echo "started v$n on ", $name((string) $port), "\n";
        $pids = array_merge($pids, bg_socket_holders($port));
    } catch (Throwable $e) {
        echo get_class($e), ': ', $name($e->getMessage()), "\n";
    }
    foreach ($lines as $l) {
        if ($l['level'] !== 'info') {
            echo '  ', $l['level'], ': ', $name($l['message']), "\n";
        }
    }
    return $release;
};
$point = fn (int $port) => bg_write_upstream_conf($conf, 'app', $port);
$r = new BlueGreen\Releaser($opts);

echo "-- one absolute TEMP_DIR in both releases\n";
$shared = $temp_dir("'$box/temp'");
$first = $start($shared, $b);
$point($b);
$pid_file = "$box/temp/pid.pid";
$master = (int) file_get_contents($pid_file);
$before = [file_get_contents($pid_file), fileinode($pid_file), filemtime($pid_file)];
$start($shared, $a);
echo "live still serving: ", $name(bg_answer($b)), "; its pid file untouched: ",
    var_export([file_get_contents($pid_file), fileinode($pid_file), filemtime($pid_file)] === $before
        && bg_pid_alive($master), true), "; nothing on A: ", var_export(bg_listen_inodes($a) === [], true), "\n";

echo "-- the same with allow_shared_temp_dir => true: started, and the trap shows\n";
$start($shared, $a, ['allow_shared_temp_dir' => true]);
echo "the pid file now names another master: ",
    var_export(bg_wait_for(fn () => (int) @file_get_contents($pid_file) !== $master, 5), true), "\n";
$r->stop($a);
echo "once that one is stopped, the live one's pid file is gone: ",
    var_export(bg_wait_for(fn () => !file_exists($pid_file), 5), true), "; live still serving: ", $name(bg_answer($b)), "\n";

echo "-- a relative TEMP_DIR: Swoole's daemon takes it from /\n";
$live = $start($temp_dir("'Temp2'"), $a);
$point($a);
$r->stop($b);
$start($temp_dir("'Temp2'"), $b);

echo "-- per release, from EASYSWOOLE_ROOT (defined as the release while its mode file is read)\n";
$start($temp_dir("EASYSWOOLE_ROOT . '/Temp2'"), $b);
$r->stop($b);

echo "-- mode files that cannot be read: a warning, and the start goes on (EasySwoole says what is wrong)\n";
$start(['dev.php' => str_replace("'TEMP_DIR' => null,", "'TEMP_DIR' => null +,", $dev)], $b);
$start($temp_dir("['Temp']"), $b);
$r->stop($b);

echo "-- the live release's mode file cannot be read: a warning\n";
// Still naming port A, which is how the live release is found.
file_put_contents("$live->path/dev.php", "<?php return ['MAIN_SERVER' => ['PORT' => $a]] +;\n");
$start(['dev.php' => $dev], $b);

echo "-- a `shared` Temp/ link that leads to the live release's TEMP_DIR\n";
$r->stop($b);
$start($temp_dir("'$box/releases/shared/Temp'"), $b);
$point($b);
$r->stop($a);
$start(['dev.php' => $dev], $a, ['shared' => ['Temp/']]);

foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('start-temp-dir');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- one absolute TEMP_DIR in both releases
started v1 on B
BlueGreen\ConfigException: BOX/releases/RELEASE/dev.php sets TEMP_DIR to BOX/temp, the same directory as the live release BOX/releases/RELEASE (port B). Started, the new master would overwrite and then delete the live one's pid file and re-bind its unix sockets. Give each release its own TEMP_DIR (EasySwoole's default, ROOT/Temp), or set allow_shared_temp_dir => true to accept the risk
live still serving: version=v1 port=B; its pid file untouched: true; nothing on A: true
-- the same with allow_shared_temp_dir => true: started, and the trap shows
started v3 on A
  warning: start: BOX/releases/RELEASE/dev.php sets TEMP_DIR to BOX/temp, the same directory as the live release BOX/releases/RELEASE (port B). Started, the new master would overwrite and then delete the live one's pid file and re-bind its unix sockets. Give each release its own TEMP_DIR (EasySwoole's default, ROOT/Temp), or set allow_shared_temp_dir => true to accept the risk; allow_shared_temp_dir is set: starting anyway
the pid file now names another master: true
once that one is stopped, the live one's pid file is gone: true; live still serving: version=v1 port=B
-- a relative TEMP_DIR: Swoole's daemon takes it from /
started v4 on A
  warning: start: BOX/releases/RELEASE/dev.php sets TEMP_DIR to the relative path 'Temp2': Swoole's daemon changes to / before it writes the pid file and binds the unix sockets, so they go to /Temp2, not into the release; write EASYSWOOLE_ROOT . '/Temp2'
BlueGreen\ConfigException: BOX/releases/RELEASE/dev.php sets TEMP_DIR to the relative path 'Temp2', which Swoole's daemon takes from / (/Temp2), the same directory as the live release BOX/releases/RELEASE (port A). Started, the new master would overwrite and then delete the live one's pid file and re-bind its unix sockets. Give each release its own TEMP_DIR (EasySwoole's default, ROOT/Temp), or set allow_shared_temp_dir => true to accept the risk
  warning: start: BOX/releases/RELEASE/dev.php sets TEMP_DIR to the relative path 'Temp2': Swoole's daemon changes to / before it writes the pid file and binds the unix sockets, so they go to /Temp2, not into the release; write EASYSWOOLE_ROOT . '/Temp2'
-- per release, from EASYSWOOLE_ROOT (defined as the release while its mode file is read)
started v6 on B
-- mode files that cannot be read: a warning, and the start goes on (EasySwoole says what is wrong)
BlueGreen\StartException: start of RELEASE on port B failed: the start command failed; start command `%s easyswoole.php server start -d -mode=dev`: exit status 255; last health check: connect: Connection refused; output (BOX/releases/.bluegreen/logs/RELEASE.log):
PHP Parse error:  %s in BOX/releases/RELEASE/dev.php on line N
  warning: start: TEMP_DIR not checked: cannot read TEMP_DIR from BOX/releases/RELEASE/dev.php: php requiring it, as EasySwoole does, ended with exit status 255; output:
Parse error: %s in BOX/releases/RELEASE/dev.php on line N
started v8 on B
  warning: start: TEMP_DIR not checked: cannot read TEMP_DIR from BOX/releases/RELEASE/dev.php: php requiring it, as EasySwoole does, ended with exit status 1; output:
TEMP_DIR in BOX/releases/RELEASE/dev.php is not a string
-- the live release's mode file cannot be read: a warning
started v9 on B
  warning: start: cannot compare TEMP_DIR with the live release BOX/releases/RELEASE: cannot read TEMP_DIR from BOX/releases/RELEASE/dev.php: php requiring it, as EasySwoole does, ended with exit status 255; output:
Parse error: %s in BOX/releases/RELEASE/dev.php on line N
-- a `shared` Temp/ link that leads to the live release's TEMP_DIR
started v10 on B
  warning: start: cannot compare TEMP_DIR with the live release BOX/releases/RELEASE: cannot read TEMP_DIR from BOX/releases/RELEASE/dev.php: php requiring it, as EasySwoole does, ended with exit status 255; output:
Parse error: %s in BOX/releases/RELEASE/dev.php on line N
BlueGreen\ConfigException: BOX/releases/RELEASE/dev.php leaves TEMP_DIR to EasySwoole's default, ROOT/Temp (BOX/releases/shared/Temp), the same directory as the live release BOX/releases/RELEASE (port B), whose dev.php sets TEMP_DIR to BOX/releases/shared/Temp. Started, the new master would overwrite and then delete the live one's pid file and re-bind its unix sockets. Give each release its own TEMP_DIR (EasySwoole's default, ROOT/Temp), or set allow_shared_temp_dir => true to accept the risk
