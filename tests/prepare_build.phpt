--TEST--
Releaser::prepare() build steps: no shell, stdin /dev/null, no inherited descriptor, environment, failures with the output tail, timeout kills the group
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox('prepare-build');
$g = bg_git_setup($box, ['index.php' => "<?php\n"]);
[$log, $lines] = bg_log_recorder();
$releaser = fn (array $build, array $more = []) => new BlueGreen\Releaser(bg_min_options($box, $more + ['log' => $log, 'build' => $build]));
// Release directories, whatever their time and same-second suffix.
$norm = fn (string $s) => str_replace($box, 'BOX', preg_replace('/release-\d{8}T\d{6}-[0-9a-f]{7}(-\d+)?/', 'RELEASE', $s));
$try = function (BlueGreen\Releaser $r) use ($box, $g, $norm) {
    $before = glob("$box/releases/release-*");
    try {
        $r->prepare($g['first']);
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $norm($e->getMessage()), "\n";
    }
    echo glob("$box/releases/release-*") === $before ? "  release removed\n" : "  RELEASE LEFT\n";
};
$replace = [$box => 'BOX', substr($g['first'], 0, 7) => 'FIRST'];

echo "-- steps run in the release, in order, with the environment; no descriptor leaks in\n";
$keep = [fopen("$box/open-file", 'w'), stream_socket_server('tcp://127.0.0.1:0'), popen('cat', 'w')];
$rel = $releaser([
    ['sh', '-c', 'echo "$BLUEGREEN_COMMIT $BLUEGREEN_RELEASE $PWD" > built.txt'],
    ['ls', '/proc/self/fd'],
    ['readlink', '/proc/self/fd/0'],
    ['echo', '$HOME', '*', ';', 'no shell'],
])->prepare($g['first']);
echo $norm(str_replace($g['first'], 'SHA', file_get_contents("$rel->path/built.txt")));
$output = file_get_contents("$box/releases/.bluegreen/logs/" . basename($rel->path) . '.log');
echo $norm(preg_replace('/\d{4}-\d\d-\d\dT[\d:]+Z/', 'TIME', $output));
bg_log_print($lines, $replace);

echo "-- a failing step: BuildException with its command, status and last lines\n";
$try($releaser([
    ['true'],
    ['sh', '-c', 'for i in $(seq 1 40); do echo "line $i"; done; echo oops >&2; exit 3'],
    ['touch', 'never-run'],
]));
var_dump(glob("$box/releases/release-*/never-run"));
bg_log_print($lines, $replace);

echo "-- a command that does not exist\n";
$try($releaser([['no-such-command-bluegreen', 'x']]));

echo "-- killed by a signal\n";
$try($releaser([['sh', '-c', 'kill -9 $$']]));

echo "-- a timeout: SIGTERM ignored, so SIGKILL, to the whole process group\n";
$t = microtime(true);
$try($releaser([['sh', '-c', 'trap "" TERM; sleep 60 & echo $! > ' . "$box/grandchild.pid" . '; wait']], ['command_timeout' => 0.5]));
$pid = (int) file_get_contents("$box/grandchild.pid");
echo "grandchild gone: ", var_export(bg_wait_gone($pid, 2.0), true), "\n";
printf("took under 10 s: %s\n", var_export(microtime(true) - $t < 10, true));
$lines->exchangeArray([]);

echo "-- the default build: composer install, when composer.json exists\n";
$rel = $releaser([])->prepare($g['first']);
echo "build [] with no composer.json: ", is_dir($rel->path) ? "ok\n" : "failed\n";
bg_git_commit($g['work'], ['composer.json' => "{}\n"], 'composer');
bg_git_push($g['work']);
$withComposer = bg_git(['rev-parse', 'HEAD'], $g['work']);
$default = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log]));
putenv('PATH=/nonexistent');
bg_expect_throw(fn () => $default->prepare($withComposer));
mkdir("$box/bin");
file_put_contents("$box/bin/composer", "#!/bin/sh\necho \"fake composer \$*\" > composer-ran.txt\n");
chmod("$box/bin/composer", 0755);
putenv("PATH=$box/bin:/usr/bin:/bin");
$rel = $default->prepare($withComposer);
echo file_get_contents("$rel->path/composer-ran.txt");
$lines->exchangeArray([]);

echo "-- inside a process whose SIGCHLD is ignored (children reaped by the kernel): exit status unknown, no hang\n";
pcntl_signal(SIGCHLD, SIG_IGN);
$try($releaser([['true']]));
pcntl_signal(SIGCHLD, SIG_DFL);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-prepare-build');
?>
--EXPECTF--
-- steps run in the release, in order, with the environment; no descriptor leaks in
SHA BOX/releases/RELEASE BOX/releases/RELEASE
==> TIME $ sh -c echo "$BLUEGREEN_COMMIT $BLUEGREEN_RELEASE $PWD" > built.txt   (in BOX/releases/RELEASE)
==> TIME $ ls /proc/self/fd   (in BOX/releases/RELEASE)
0
1
2
3
==> TIME $ readlink /proc/self/fd/0   (in BOX/releases/RELEASE)
/dev/null
==> TIME $ echo $HOME * ; no shell   (in BOX/releases/RELEASE)
$HOME * ; no shell
debug: cache: seeded from root's objects (0 packs, 3 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
info: prepare: cloned FIRST into BOX/releases/release-UTC-FIRST%S, objects hardlinked from the cache (DURATION)
info: prepare: build step 1/4 `sh -c echo "$BLUEGREEN_COMMIT $BLUEGREEN_RELEASE $PWD" > built.txt` ok (DURATION)
info: prepare: build step 2/4 `ls /proc/self/fd` ok (DURATION)
info: prepare: build step 3/4 `readlink /proc/self/fd/0` ok (DURATION)
info: prepare: build step 4/4 `echo $HOME * ; no shell` ok (DURATION)
info: prepare: release BOX/releases/release-UTC-FIRST%S ready (DURATION)
-- a failing step: BuildException with its command, status and last lines
BlueGreen\BuildException: build step 2/3 `sh -c for i in $(seq 1 40); do echo "line $i"; done; echo oops >&2; exit 3` did not succeed in BOX/releases/RELEASE: exit status 3; its last lines:
line 27
line 28
line 29
line 30
line 31
line 32
line 33
line 34
line 35
line 36
line 37
line 38
line 39
line 40
oops
(all its output: BOX/releases/.bluegreen/logs/RELEASE.log)
  release removed
array(0) {
}
info: prepare: cloned FIRST into BOX/releases/release-UTC-FIRST%S, objects hardlinked from the cache (DURATION)
info: prepare: build step 1/3 `true` ok (DURATION)
-- a command that does not exist
BlueGreen\BuildException: cannot run `no-such-command-bluegreen x`: no-such-command-bluegreen: command not found in PATH
  release removed
-- killed by a signal
BlueGreen\BuildException: build step 1/1 `sh -c kill -9 $$` did not succeed in BOX/releases/RELEASE: killed by signal 9 (Killed); its last lines:
(none)
(all its output: BOX/releases/.bluegreen/logs/RELEASE.log)
  release removed
-- a timeout: SIGTERM ignored, so SIGKILL, to the whole process group
BlueGreen\BuildException: build step 1/1 `sh -c trap "" TERM; sleep 60 & echo $! > BOX/grandchild.pid; wait` did not succeed in BOX/releases/RELEASE: timed out after 0.5 s (command_timeout); its process group was killed; its last lines:
(none)
(all its output: BOX/releases/.bluegreen/logs/RELEASE.log)
  release removed
grandchild gone: true
took under 10 s: true
-- the default build: composer install, when composer.json exists
build [] with no composer.json: ok
BlueGreen\BuildException: build: the release has a composer.json but `composer` is not in PATH: install Composer, or set the `build` option (a list of argv arrays, such as [['php', '/path/to/composer.phar', 'install', '--no-dev']], or [] to build nothing)
fake composer install --no-interaction --no-dev --optimize-autoloader
-- inside a process whose SIGCHLD is ignored (children reaped by the kernel): exit status unknown, no hang
BlueGreen\BuildException: build step 1/1 `true` did not succeed in BOX/releases/RELEASE: exit status unknown: the child was reaped by another part of this process (SIGCHLD ignored, or a handler such as Swoole's waitpid(-1)); its last lines:
(none)
(all its output: BOX/releases/.bluegreen/logs/RELEASE.log)
  release removed
