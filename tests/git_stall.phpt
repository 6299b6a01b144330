--TEST--
A remote that accepts and never answers (git://, http://, ssh://), or stalls mid-pack: check(), prepare() and deploy() end within command_timeout with a GitException naming the remote (masked), the phase and the timeout; the lock is free, the cache usable, no release dir left
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound: not under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('git-stall');
$g = bg_git_setup($box);
[$daemon_port, $silent_port] = bg_free_ports();
[$http_port, $proxy_port] = bg_free_ports();
[$backend_port, $http_proxy_port] = bg_free_ports();
$daemon = bg_start_server(['git', 'daemon', '--reuseaddr', '--export-all', "--base-path=$box",
    '--listen=127.0.0.1', "--port=$daemon_port", $box], $daemon_port, "$box/daemon.pid");
$stall = fn (int $port, array $args) => bg_start_server(array_merge([PHP_BINARY, '-n', __DIR__ . '/fixtures/stall_server.php', (string) $port], $args),
    $port, "$box/stall-$port.pid");
$silent = $stall($silent_port, ['silent']);
$http = $stall($http_port, ['http']);
$proxy = $stall($proxy_port, ['proxy', (string) $daemon_port]);
putenv("GIT_PROJECT_ROOT=$box");
$backend = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$backend_port", __DIR__ . '/fixtures/git_http_router.php'],
    $backend_port, "$box/backend.pid");
$http_proxy = $stall($http_proxy_port, ['proxy', (string) $backend_port]);
$names = [$box => 'BOX', (string) $silent_port => 'SILENT', (string) $http_port => 'HTTP', (string) $proxy_port => 'PROXY',
    (string) $daemon_port => 'DAEMON', (string) $http_proxy_port => 'HTTP_PROXY'];

$releaser = fn (string $remote) => new BlueGreen\Releaser(bg_min_options($box, ['remote' => $remote, 'command_timeout' => 1,
    'build' => [], 'log' => fn () => null]));
$try = function (string $label, callable $fn) use (&$names) {
    $t = microtime(true);
    try {
        $fn();
        echo "$label: no exception\n";
    } catch (Throwable $e) {
        $took = microtime(true) - $t;
        echo "$label: ", get_class($e), ': ', strtr($e->getMessage(), $names), "\n";
        echo "  within command_timeout + 1 s: ", var_export($took >= 0.9 && $took < 2, true),
            str_contains($e->getMessage(), 'secret') ? ' (PASSWORD SHOWN)' : '', "\n";
    }
};
$releases = fn () => array_values(array_filter(scandir("$box/releases"), fn ($d) => str_starts_with($d, 'release-')));

echo "-- accepts, never answers\n";
$try('git:// check', fn () => $releaser("git://127.0.0.1:$silent_port/remote.git")->check());
$try('http:// check', fn () => $releaser("http://deploy:secret@127.0.0.1:$silent_port/remote.git")->check());
$try('ssh:// check', fn () => $releaser("ssh://git@127.0.0.1:$silent_port/remote.git")->check());
echo "-- answers the first line of the ref advertisement, then nothing\n";
$try('http:// check', fn () => $releaser("http://127.0.0.1:$http_port/remote.git")->check());

echo "-- stalls in the pack (a proxy in front of git daemon, or of git http-backend, stops after 20 bytes of it)\n";
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);
$names[$next] = 'NEXT';
$r = $releaser("git://127.0.0.1:$proxy_port/remote.git");
$try('git:// check of a moved branch', fn () => $r->check());
$try('git:// deploy', fn () => $r->deploy());
$try('git:// prepare', fn () => $r->prepare($next));
$try('http:// check of a moved branch', fn () => $releaser("http://127.0.0.1:$http_proxy_port/remote.git")->check());
echo "no release dir left: ", var_export($releases() === [], true), "\n";
echo "no lock file left in the cache: ", var_export(glob("$box/releases/.bluegreen/cache.git/{,refs/heads/}*.lock", GLOB_BRACE) === [], true), "\n";
$e = null;
try {
    $r->rollback();
} catch (Throwable $e) {
}
echo "rollback() not refused by the lock: ", var_export(!$e instanceof BlueGreen\LockException, true), "\n";

echo "-- the same releases_dir through the daemon itself\n";
$ok = $releaser("git://127.0.0.1:$daemon_port/remote.git");
var_dump($ok->check() === $next);
$rel = $ok->prepare($next);
var_dump(bg_git(['rev-parse', 'HEAD'], $rel->path) === $next);

foreach ([[$silent, $silent_port], [$http, $http_port], [$proxy, $proxy_port], [$http_proxy, $http_proxy_port]] as [$proc, $port]) {
    bg_stop_server($proc, "$box/stall-$port.pid");
}
bg_stop_server($backend, "$box/backend.pid");
bg_stop_server($daemon, "$box/daemon.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox_path('git-stall');
foreach (glob("$box/*.pid") ?: [] as $pidfile) {
    bg_kill_pidfile($pidfile);
}
bg_rmrf($box);
?>
--EXPECT--
-- accepts, never answers
git:// check: BlueGreen\GitException: check of branch master on git://127.0.0.1:SILENT/remote.git: timed out after 1 s (command_timeout) during connect and ref advertisement; stopped
  within command_timeout + 1 s: true
http:// check: BlueGreen\GitException: check of branch master on http://deploy:***@127.0.0.1:SILENT/remote.git: timed out after 1 s (command_timeout) during connect and ref advertisement; stopped
  within command_timeout + 1 s: true
ssh:// check: BlueGreen\GitException: check of branch master on ssh://git@127.0.0.1:SILENT/remote.git: timed out after 1 s (command_timeout) during connect and ref advertisement; stopped
  within command_timeout + 1 s: true
-- answers the first line of the ref advertisement, then nothing
http:// check: BlueGreen\GitException: check of branch master on http://127.0.0.1:HTTP/remote.git: timed out after 1 s (command_timeout) during connect and ref advertisement; stopped
  within command_timeout + 1 s: true
-- stalls in the pack (a proxy in front of git daemon, or of git http-backend, stops after 20 bytes of it)
git:// check of a moved branch: BlueGreen\GitException: check of branch master on git://127.0.0.1:PROXY/remote.git: timed out after 1 s (command_timeout) during negotiation and pack transfer; stopped
  within command_timeout + 1 s: true
git:// deploy: BlueGreen\GitException: check of branch master on git://127.0.0.1:PROXY/remote.git: timed out after 1 s (command_timeout) during negotiation and pack transfer; stopped
  within command_timeout + 1 s: true
git:// prepare: BlueGreen\GitException: prepare of NEXT from git://127.0.0.1:PROXY/remote.git: timed out after 1 s (command_timeout) during negotiation and pack transfer; stopped
  within command_timeout + 1 s: true
http:// check of a moved branch: BlueGreen\GitException: check of branch master on http://127.0.0.1:HTTP_PROXY/remote.git: timed out after 1 s (command_timeout) during negotiation and pack transfer; stopped
  within command_timeout + 1 s: true
no release dir left: true
no lock file left in the cache: true
rollback() not refused by the lock: true
-- the same releases_dir through the daemon itself
bool(true)
bool(true)