--TEST--
Releaser::prepare(): nothing a build step starts outlives it: a background child, one that left the process group with setsid, and a double-forked daemon are stopped when the step exits, each named in a warning
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-build-leftover');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$g = bg_git_setup($box, ['index.php' => "<?php\n"]);
[$log, $lines] = bg_log_recorder();
/* The processes running `sleep <seconds>`: each step sleeps its own length. */
$sleepers = function (array $seconds): array {
    $found = [];
    foreach (glob('/proc/[0-9]*') as $dir) {
        $argv = explode("\0", rtrim((string) @file_get_contents("$dir/cmdline"), "\0"));
        if (($argv[0] ?? '') === 'sleep' && in_array($argv[1] ?? '', $seconds, true)) {
            $found[] = (int) basename($dir);
        }
    }
    return $found;
};
$steps = [
    ['sh', '-c', 'sleep 311 & exit 0'],                 // a background child, in the step's group
    ['sh', '-c', 'setsid sleep 312 & exit 0'],          // left the group: its own session
    ['sh', '-c', '(setsid sh -c "sleep 313 &" &) ; exit 0'],  // double fork and setsid
];
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'build' => $steps]));
$t = microtime(true);
$release = $r->prepare($g['first']);
echo "prepared in a moment: ", var_export(microtime(true) - $t < 10, true), "\n";
$left = $sleepers(['311', '312', '313']);
$pids = array_merge($pids, $left);
echo "sleepers left running: ", count($left), "\n";
foreach ($lines as $l) {
    if ($l['level'] === 'warning') {
        echo $l['level'], ': ', preg_replace('/pid \d+/', 'pid N', $l['message']), "\n";
    }
}
foreach ($left as $pid) {
    posix_kill($pid, SIGKILL);
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('prepare-build-leftover');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
prepared in a moment: true
sleepers left running: 0
warning: prepare: build step 1/3 `sh -c sleep 311 & exit 0` left %d process(es) running after it exited; nothing a command starts may outlive it, so they were stopped (SIGTERM, then SIGKILL): pid N `%s
warning: prepare: build step 2/3 `sh -c setsid sleep 312 & exit 0` left %d process(es) running after it exited; nothing a command starts may outlive it, so they were stopped (SIGTERM, then SIGKILL): pid N `%s
warning: prepare: build step 3/3 `sh -c (setsid sh -c "sleep 313 &" &) ; exit 0` left %d process(es) running after it exited; nothing a command starts may outlive it, so they were stopped (SIGTERM, then SIGKILL): pid N `%s
