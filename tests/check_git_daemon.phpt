--TEST--
Releaser::check() and prepare() over git:// from a git daemon on a loopback port
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('check-git-daemon');
$g = bg_git_setup($box);
[$port] = bg_free_ports();
$daemon = bg_start_server(['git', 'daemon', '--reuseaddr', '--export-all', "--base-path=$box",
    '--listen=127.0.0.1', "--port=$port", $box], $port, "$box/daemon.pid");

[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'remote' => "git://127.0.0.1:$port/remote.git"]));
var_dump($r->check());
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);
var_dump($r->check() === $next);
var_dump(bg_git(['rev-parse', 'refs/heads/master'], "$box/releases/.bluegreen/cache.git") === $next);
bg_log_print($lines, [substr($g['first'], 0, 7) => 'FIRST', substr($next, 0, 7) => 'NEXT', (string) $port => 'PORT']);

$rel = $r->prepare($next);
var_dump(bg_git(['rev-parse', 'HEAD'], $rel->path) === $next);
echo str_replace((string) $port, 'PORT', bg_git(['remote', 'get-url', 'origin'], $rel->path)), "\n";
echo "fetched again: ", count($lines) > 2 ? 'yes' : 'no', "\n";

bg_stop_server($daemon, "$box/daemon.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_kill_pidfile(sys_get_temp_dir() . '/bluegreen-test-check-git-daemon/daemon.pid');
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-check-git-daemon');
?>
--EXPECT--
NULL
bool(true)
bool(true)
debug: check: master at FIRST, nothing new (DURATION)
debug: cache: seeded from root's objects (0 packs, 3 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
info: fetch: master from git://127.0.0.1:PORT/remote.git: received N objects, B bytes (DURATION)
info: check: master moved FIRST..NEXT: 1 file changed, 1 insertion(+), 1 deletion(-) (DURATION)
bool(true)
git://127.0.0.1:PORT/remote.git
fetched again: no
