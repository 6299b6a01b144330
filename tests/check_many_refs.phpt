--TEST--
Releaser::check() with many refs on the remote looks at its branch only (path, file://, git:// with protocol v2 ls-refs)
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('check-many-refs');
$g = bg_git_setup($box);
// 300 other branches, and one broken one that nobody reads but a full listing
$updates = '';
for ($i = 0; $i < 300; $i++) {
    $updates .= sprintf("create refs/heads/feature/b%03d %s\n", $i, $g['first']);
}
$p = proc_open(['git', 'update-ref', '--stdin'], [0 => ['pipe', 'r']], $pipes, $g['remote'], bg_git_env($box));
fwrite($pipes[0], $updates);
fclose($pipes[0]);
proc_close($p);
file_put_contents("{$g['remote']}/refs/heads/zz-broken", "not a sha\n");
symlink($g['remote'], "$box/my remote.git");

[$port] = bg_free_ports();
putenv("GIT_TRACE_PACKET=$box/packets.log");
$daemon = bg_start_server(['git', 'daemon', '--reuseaddr', '--export-all', "--base-path=$box",
    '--listen=127.0.0.1', "--port=$port", $box], $port, "$box/daemon.pid");
putenv('GIT_TRACE_PACKET');

$remotes = [
    'path' => $g['remote'],
    'file://' => 'file://' . str_replace(' ', '%20', "$box/my remote.git"),
    'git://' => "git://127.0.0.1:$port/remote.git",
];
$quiet = function (string $level, string $message) {};
$show = fn ($s) => str_replace([$box, (string) $port], ['BOX', 'PORT'], $s);
foreach ($remotes as $kind => $url) {
    $r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => $url, 'log' => $quiet]));
    @unlink("$box/packets.log");
    try {
        echo "$kind unchanged: ", var_export($r->check(), true), "\n";
    } catch (BlueGreen\GitException $e) {
        echo "$kind: ", $show($e->getMessage()), "\n";
    }
    if ($kind === 'git://') {
        // the refs upload-pack sent for that one check()
        preg_match_all('/upload-pack> [0-9a-f]{40} refs\//', (string) @file_get_contents("$box/packets.log"), $m);
        echo "git:// refs sent by the server: ", count($m[0]), "\n";
    }
    $gone = new BlueGreen\Releaser(bg_min_options($box, ['remote' => $url, 'branch' => 'feature/b1', 'log' => $quiet]));
    try {
        $gone->check();
    } catch (BlueGreen\GitException $e) {
        echo "$kind: ", $show($e->getMessage()), "\n";
    }
}
unlink("{$g['remote']}/refs/heads/zz-broken");  // git push refuses it
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);
foreach ($remotes as $kind => $url) {
    $r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => $url, 'log' => $quiet]));
    echo "$kind moved: ", var_export($r->check() === $next, true), "\n";
}
bg_stop_server($daemon, "$box/daemon.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_kill_pidfile(sys_get_temp_dir() . '/bluegreen-test-check-many-refs/daemon.pid');
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-check-many-refs');
?>
--EXPECT--
path unchanged: NULL
path: branch "feature/b1" is not on the remote BOX/remote.git
file:// unchanged: NULL
file://: branch "feature/b1" is not on the remote file://BOX/my%20remote.git
git:// unchanged: NULL
git:// refs sent by the server: 1
git://: branch "feature/b1" is not on the remote git://127.0.0.1:PORT/remote.git
path moved: true
file:// moved: true
git:// moved: true
