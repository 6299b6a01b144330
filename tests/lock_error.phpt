--TEST--
A deploy lock that cannot be opened — a read-only releases_dir, a lock file the releaser may not open, a directory in its place — is a BlueGreen\Exception naming the path and errno (not "another deploy holds the lock"), logged by tick() at error level; the CLI exits 1, not 3
--EXTENSIONS--
bluegreen
posix
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('lock-error');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$name = fn (string $s) => str_replace($box, 'BOX', $s);
// root may open anything: the releaser then runs as nobody, in a child PHP
// loading a copy of the extension and of the CLI from the sandbox.
$root = posix_getuid() === 0;
$as_other = fn (array $argv) => $root ? array_merge(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'], $argv) : $argv;
copy(bg_extension(), "$box/bluegreen.so");
copy(realpath(__DIR__ . '/../bin/bluegreen'), "$box/bluegreen");
file_put_contents("$box/api.php", '<?php
$o = json_decode($argv[1], true);
$o["log"] = function (string $level, string $message) { echo "  log: $level: $message\n"; };
$r = new BlueGreen\Releaser($o);
try {
    $r->deploy();
    echo "  deploy(): no exception\n";
} catch (Throwable $e) {
    echo "  deploy(): ", get_class($e), " (code ", $e->getCode(), "): ", $e->getMessage(), "\n";
}
$ticked = $r->tick();
echo "  tick(): ", var_export($ticked, true), "\n";');
$base = bg_min_options($box);
$case = function (string $title, string $releases) use ($box, $base, $as_other, $name) {
    echo "-- $title\n";
    $opts = ['releases_dir' => $releases] + $base;
    echo $name(bg_run($as_other([PHP_BINARY, '-d', "extension=$box/bluegreen.so", "$box/api.php", json_encode($opts)]), $box)['output']);
    bg_cli_config("$box/bluegreen.php", $opts);
    $res = bg_run($as_other([PHP_BINARY, '-d', "extension=$box/bluegreen.so", "$box/bluegreen", '--config', "$box/bluegreen.php", 'deploy']), $box);
    echo "  bluegreen deploy: exit {$res['exit']}: ", $name($res['output']);
};

mkdir("$box/ro");
if (!$root) {
    chmod("$box/ro", 0555);
}
$case('a releases_dir the releaser may not write to', "$box/ro");

mkdir("$box/closed/.bluegreen", 0777, true);
chmod("$box/closed", 0777);
chmod("$box/closed/.bluegreen", 0777);
file_put_contents("$box/closed/.bluegreen/lock", '');
chmod("$box/closed/.bluegreen/lock", $root ? 0600 : 0000);
$case('a lock file the releaser may not open (root\'s, 0600)', "$box/closed");

mkdir("$box/dir/.bluegreen/lock", 0777, true);
chmod("$box/dir", 0777);
chmod("$box/dir/.bluegreen", 0777);
$case('a directory where the lock file goes', "$box/dir");

echo "-- nothing was changed: ", var_export(scandir("$box/ro") === ['.', '..'] && is_dir("$box/dir/.bluegreen/lock")
    && filesize("$box/closed/.bluegreen/lock") === 0, true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox_path('lock-error');
@chmod("$box/ro", 0755);
@chmod("$box/closed/.bluegreen/lock", 0644);
bg_rmrf($box);
?>
--EXPECT--
-- a releases_dir the releaser may not write to
  deploy(): BlueGreen\Exception (code 13): cannot make the directory of the deploy lock BOX/ro/.bluegreen: Permission denied (errno 13)
  log: error: tick: system error: cannot make the directory of the deploy lock BOX/ro/.bluegreen: Permission denied (errno 13)
  tick(): NULL
  bluegreen deploy: exit 1: deploy failed: cannot make the directory of the deploy lock BOX/ro/.bluegreen: Permission denied (errno 13)
-- a lock file the releaser may not open (root's, 0600)
  deploy(): BlueGreen\Exception (code 13): cannot open the deploy lock BOX/closed/.bluegreen/lock: Permission denied (errno 13)
  log: error: tick: system error: cannot open the deploy lock BOX/closed/.bluegreen/lock: Permission denied (errno 13)
  tick(): NULL
  bluegreen deploy: exit 1: deploy failed: cannot open the deploy lock BOX/closed/.bluegreen/lock: Permission denied (errno 13)
-- a directory where the lock file goes
  deploy(): BlueGreen\Exception (code 21): cannot open the deploy lock BOX/dir/.bluegreen/lock: Is a directory (errno 21)
  log: error: tick: system error: cannot open the deploy lock BOX/dir/.bluegreen/lock: Is a directory (errno 21)
  tick(): NULL
  bluegreen deploy: exit 1: deploy failed: cannot open the deploy lock BOX/dir/.bluegreen/lock: Is a directory (errno 21)
-- nothing was changed: true
