--TEST--
Releaser::start() failures: port files, a failing start command, a service that never listens, answers 500 or is too slow; a stale service on the idle port; the live port refused — nothing left running
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('start-error');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$world = bg_app_world($box, $a);
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $a);
[$log, $lines] = bg_log_recorder();
$opts = ['root' => $world['root'], 'ports' => [$a, $b], 'health' => ['path' => '/health', 'timeout' => 1.5],
    'nginx' => ['conf' => $conf, 'upstream' => 'app'], 'log' => $log];
$name = fn (string $s) => str_replace([$box, (string) $a, (string) $b, PHP_BINARY], ['BOX', 'A', 'B', 'PHP'],
    preg_replace('/release-\d{8}T\d{6}-[0-9a-f]{7}(-\d+)?/', 'RELEASE', $s));
$try = function (array $o, array $files, int $port = 0) use ($world, $opts, $name, $b, &$pids, $box) {
    $r = new BlueGreen\Releaser($o + $opts);
    $switches = ['FAIL_START' => null, 'NEVER_LISTEN' => null, 'HEALTH_STATUS' => null, 'SLOW_START' => null];
    $release = $r->prepare(bg_app_commit($world, 'v2', $files + $switches));
    $t = microtime(true);
    try {
        $r->start($release, $port ?: $b);
        echo "started: ", $name(bg_answer($b)), "\n";
        return;
    } catch (Throwable $e) {
        echo get_class($e), ': ', $name($e->getMessage()), "\n";
    }
    $daemon = bg_app_pid($release->path);
    echo '  after ', microtime(true) - $t < 8 ? 'a bounded wait' : 'TOO LONG', ': port B ',
        bg_wait_port($b, false, 1) ? 'free' : 'STILL LISTENING', ', ',
        $daemon && bg_pid_alive($daemon) ? "its daemon $daemon STILL ALIVE" : 'nothing of it running', "\n";
    $pids = array_merge($pids, bg_socket_holders($b));
};

echo "-- port files\n";
$try(['port_files' => ['missing.php']], []);
$try(['port_files' => ['dev.php', 'VERSION']], []);
echo "-- the start command fails, or cannot be found\n";
// The failing command exits within milliseconds: whether a health check ran
// before the releaser saw the exit depends on the scheduler (on a loaded
// machine the exit comes first, and there was no health check: "none").
$try([], ['FAIL_START' => "broken on purpose\n"]);
$try(['start' => ['no-such-command', 'start']], []);
echo "-- never listens, answers 500, too slow\n";
$try([], ['NEVER_LISTEN' => '']);
$try([], ['HEALTH_STATUS' => '500']);
$try([], ['SLOW_START' => '4000']);
echo "-- TCP-only health: a port that accepts is enough\n";
$try(['health' => ['path' => null, 'timeout' => 1.5]], ['HEALTH_STATUS' => '500']);
(new BlueGreen\Releaser($opts))->stop($b);

echo "-- a stale service of ours (in releases_dir) on the idle port is stopped first\n";
$pids[] = $stale = bg_app_serve("$box/releases/release-20000101T000000-5ta1e00", $b, 'stale');
$lines->exchangeArray([]);
$r = new BlueGreen\Releaser($opts);
$r->start($r->prepare(bg_app_commit($world, 'v3', ['HEALTH_STATUS' => null])), $b);
echo "stale gone: ", var_export(bg_wait_gone($stale, 2), true), ", answers: ", $name(bg_answer($b)), "\n";
foreach ($lines as $l) {
    if ($l['level'] === 'warning') {
        echo $l['level'], ': ', $name($l['message']), "\n";
    }
}
$pids = array_merge($pids, bg_socket_holders($b));

echo "-- the live port, a port outside the pair\n";
$r->stop($b);
$release = $r->prepare(bg_app_commit($world, 'v4'));
bg_expect_throw(fn () => $r->start($release, $a));
try { $r->start($release, 1); } catch (ValueError $e) { echo $name($e->getMessage()), "\n"; }

foreach ($pids as $pid) {
    bg_kill_tree($pid, $box);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('start-error');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- port files
BlueGreen\ConfigException: port file: cannot read BOX/releases/RELEASE/missing.php: No such file or directory
  after a bounded wait: port B free, nothing of it running
BlueGreen\ConfigException: port file BOX/releases/RELEASE/VERSION names neither port A nor B: the release would not listen on port B (set the `port_files` option, or read BLUEGREEN_PORT there)
  after a bounded wait: port B free, nothing of it running
-- the start command fails, or cannot be found
BlueGreen\StartException: start of RELEASE on port B failed: the start command failed; start command `PHP easyswoole.php server start -d -mode=dev`: exit status 1; last health check: %r(none|connect: Connection refused)%r; output (BOX/releases/.bluegreen/logs/RELEASE.log):
fixture: start refused: FAIL_START is present in BOX/releases/RELEASE: broken on purpose
  after a bounded wait: port B free, nothing of it running
BlueGreen\StartException: cannot run `no-such-command start`: no-such-command: command not found in PATH
  after a bounded wait: port B free, nothing of it running
-- never listens, answers 500, too slow
BlueGreen\StartException: start of RELEASE on port B failed: not healthy within 1.5 s (health.timeout); start command `PHP easyswoole.php server start -d -mode=dev`: exit status 0; last health check: connect: Connection refused; output (BOX/releases/.bluegreen/logs/RELEASE.log):
%a
  after a bounded wait: port B free, nothing of it running
BlueGreen\StartException: start of RELEASE on port B failed: not healthy within 1.5 s (health.timeout); start command `PHP easyswoole.php server start -d -mode=dev`: exit status 0; last health check: GET /health answered HTTP 500; output (BOX/releases/.bluegreen/logs/RELEASE.log):
%a
  after a bounded wait: port B free, nothing of it running
BlueGreen\StartException: start of RELEASE on port B failed: not healthy within 1.5 s (health.timeout); start command `PHP easyswoole.php server start -d -mode=dev`: exit status 0; last health check: connect: Connection refused; output (BOX/releases/.bluegreen/logs/RELEASE.log):
%a
  after a bounded wait: port B free, nothing of it running
-- TCP-only health: a port that accepts is enough
started: version=v2 port=B
-- a stale service of ours (in releases_dir) on the idle port is stopped first
stale gone: true, answers: version=v3 port=B
warning: start: something already listens on port B, which nginx does not point to (a leftover of a crashed deploy?); stopping it first
-- the live port, a port outside the pair
BlueGreen\StartException: refusing to start on port %d: nginx (%s/upstream.conf, upstream "app") points there, it is the live service's port
BlueGreen\Releaser::start(): Argument #2 ($port) must be one of the ports A and B (option "ports"), 1 given
