--TEST--
The git child's result survives its being reaped by someone else (SIGCHLD ignored, as Swoole's waitpid(-1) would): check() and prepare() over git:// still answer
--EXTENSIONS--
bluegreen
pcntl
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('git-child-reaped');
$g = bg_git_setup($box);
[$port] = bg_free_ports();
$daemon = bg_start_server(['git', 'daemon', '--reuseaddr', '--export-all', "--base-path=$box",
    '--listen=127.0.0.1', "--port=$port", $box], $port, "$box/daemon.pid");
$r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => "git://127.0.0.1:$port/remote.git", 'build' => [],
    'log' => fn () => null]));
// SIGCHLD ignored: the kernel reaps every child at once, and waitpid()
// finds none (ECHILD). The git CLI of the test runs outside that.
$reaped = function (callable $fn) {
    pcntl_signal(SIGCHLD, SIG_IGN);
    try {
        return $fn();
    } finally {
        pcntl_signal(SIGCHLD, SIG_DFL);
    }
};
var_dump($reaped(fn () => $r->check()));
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);
var_dump($reaped(fn () => $r->check()) === $next);
$rel = $reaped(fn () => $r->prepare($next));
var_dump(bg_git(['rev-parse', 'HEAD'], $rel->path) === $next);

bg_stop_server($daemon, "$box/daemon.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox_path('git-child-reaped');
bg_kill_pidfile("$box/daemon.pid");
bg_rmrf($box);
?>
--EXPECT--
NULL
bool(true)
bool(true)
