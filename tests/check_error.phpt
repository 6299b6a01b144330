--TEST--
Releaser::check() errors: GitException naming the remote (masked) and branch; nothing changed on disk
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('check-error');
$g = bg_git_setup($box);
[$port, $http] = bg_free_ports();
$try = function (array $opts) use ($box) {
    $before = bg_tree("$box/releases");
    [$log, $lines] = bg_log_recorder();
    try {
        (new BlueGreen\Releaser(bg_min_options($box, $opts + ['log' => $log])))->check();
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', str_replace($box, 'BOX', $e->getMessage()), "\n";
    }
    foreach ($lines as $l) {
        echo '  logged: ', str_replace($box, 'BOX', $l['message']), "\n";
    }
    echo bg_tree("$box/releases") === $before ? "  disk unchanged\n" : "  DISK CHANGED\n";
};

echo "-- a deleted branch\n";
bg_git(['checkout', '-q', '-b', 'topic'], $g['work']);
bg_git_commit($g['work'], ['t.txt' => "t\n"], 'topic');
bg_git_push($g['work'], 'topic');
bg_git_delete_branch($g['work'], 'topic');
$try(['branch' => 'topic']);

echo "-- an unreachable remote\n";
$try(['remote' => "git://127.0.0.1:$port/remote.git"]);

echo "-- not a repository\n";
mkdir("$box/empty");
$try(['remote' => "$box/empty"]);

echo "-- a remote name root does not have\n";
$try(['remote' => 'upstream']);

echo "-- root is not a checkout\n";
rename("$box/releases/app/.git", "$box/app.git");
$try([]);
rename("$box/app.git", "$box/releases/app/.git");

echo "-- a corrupt remote\n";
bg_git(['clone', '-q', '--bare', $g['remote'], "$box/corrupt.git"]);
bg_git(['update-ref', '-d', 'refs/heads/master'], "$box/corrupt.git");
file_put_contents("$box/corrupt.git/refs/heads/master", "not a sha\n");
$try(['remote' => "$box/corrupt.git"]);

echo "-- a corrupt cache (the remote has moved, so check() needs it)\n";
bg_git_commit($g['work'], ['n.txt' => "n\n"], 'next');
bg_git_push($g['work']);
mkdir("$box/releases/.bluegreen/cache.git", 0755, true);
file_put_contents("$box/releases/.bluegreen/cache.git/HEAD", "garbage\n");
$try([]);
bg_rmrf("$box/releases/.bluegreen");

echo "-- credentials never shown\n";
$try(['remote' => "https://deploy:s3cret@127.0.0.1:$port/app.git"]);
$try(['remote' => "http://ghp_t0ken@127.0.0.1:$port/app.git"]);

echo "-- an HTTP remote that refuses the credentials\n";
$server = bg_start_server([PHP_BINARY, '-n', __DIR__ . '/fixtures/http401.php', $http, "$box/auth.log"], $http, "$box/server.pid");
$try(['remote' => "http://deploy:s3cret@127.0.0.1:$http/app.git"]);
$try(['remote' => "http://127.0.0.1:$http/app.git", 'git' => ['username' => 'ops', 'password' => 'hunter2']]);
$try(['remote' => "http://127.0.0.1:$http/app.git"]);
// each once by check()'s ls-refs over HTTP (protocol v2, curl), once by libgit2's listing after it
echo "users offered: ", implode(' ', file("$box/auth.log", FILE_IGNORE_NEW_LINES)), "\n";
bg_stop_server($server, "$box/server.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_kill_pidfile(sys_get_temp_dir() . '/bluegreen-test-check-error/server.pid');
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-check-error');
?>
--EXPECTF--
-- a deleted branch
BlueGreen\GitException: branch "topic" is not on the remote BOX/remote.git
  disk unchanged
-- an unreachable remote
BlueGreen\GitException: cannot list the branches of git://127.0.0.1:%d/remote.git (branch master): failed to connect to 127.0.0.1: Connection refused
  disk unchanged
-- not a repository
BlueGreen\GitException: cannot list the branches of BOX/empty (branch master): could not find repository from 'BOX/empty'
  disk unchanged
-- a remote name root does not have
BlueGreen\GitException: remote "upstream" is not configured in BOX/releases/app (give `remote` as a URL or path instead)
  disk unchanged
-- root is not a checkout
BlueGreen\GitException: cannot read the live commit (root): cannot read the HEAD of BOX/releases/app: could not find repository from 'BOX/releases/app'
  disk unchanged
-- a corrupt remote
BlueGreen\GitException: cannot list the branches of BOX/corrupt.git (branch master): corrupted loose reference file: refs/heads/master
  disk unchanged
-- a corrupt cache (the remote has moved, so check() needs it)
BlueGreen\GitException: cannot open the cache repository BOX/releases/.bluegreen/cache.git (remove it to have it made again): path is not a repository: BOX/releases/.bluegreen/cache.git
  disk unchanged
-- credentials never shown
BlueGreen\GitException: cannot list the branches of https://deploy:***@127.0.0.1:%d/app.git (branch master): failed to connect to 127.0.0.1: Connection refused
  disk unchanged
BlueGreen\GitException: cannot list the branches of http://***@127.0.0.1:%d/app.git (branch master): failed to connect to 127.0.0.1: Connection refused
  disk unchanged
-- an HTTP remote that refuses the credentials
BlueGreen\GitException: cannot list the branches of http://deploy:***@127.0.0.1:%d/app.git (branch master): authentication failed: the remote refused the credentials offered
  disk unchanged
BlueGreen\GitException: cannot list the branches of http://127.0.0.1:%d/app.git (branch master): authentication failed: the remote refused the credentials offered
  disk unchanged
BlueGreen\GitException: cannot list the branches of http://127.0.0.1:%d/app.git (branch master): authentication required: give credentials in the URL or the `git` option (username/password for HTTPS; key, or an ssh-agent, for SSH)
  disk unchanged
users offered: deploy deploy ops ops
