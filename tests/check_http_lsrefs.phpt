--TEST--
Releaser::check() over http:// asks for its branch alone by protocol v2's ls-refs with a ref prefix (GET info/refs, then POST git-upload-pack, both with Git-Protocol: version=2), credentials offered only when the server asks; a v0-only server gets today's listing
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('check-http-lsrefs');
$g = bg_git_setup($box);
// 500 more branches on the remote, packed as a server's are
$in = '';
for ($i = 1; $i <= 500; $i++) {
    $in .= sprintf("create refs/heads/feature/b%03d %s\n", $i, $g['first']);
}
$p = proc_open(['git', 'update-ref', '--stdin'], [0 => ['pipe', 'r']], $pipes, $g['remote']);
fwrite($pipes[0], $in);
fclose($pipes[0]);
proc_close($p);
bg_git(['pack-refs', '--all'], $g['remote']);

[$port, $v0port] = bg_free_ports();
putenv("GIT_PROJECT_ROOT=$box");
putenv("BG_HTTP_LOG=$box/http.log");
$server = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$port", __DIR__ . '/fixtures/git_http_router.php'], $port, "$box/http.pid");
putenv('BG_HTTP_V0=1');
putenv("BG_HTTP_LOG=$box/http-v0.log");
$v0 = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$v0port", __DIR__ . '/fixtures/git_http_router.php'], $v0port, "$box/http-v0.pid");
putenv('BG_HTTP_V0');
[$authport] = bg_free_ports();
putenv('BG_HTTP_AUTH=deploy:secret');
putenv("BG_HTTP_LOG=$box/http-auth.log");
$authd = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$authport", __DIR__ . '/fixtures/git_http_router.php'], $authport, "$box/http-auth.pid");
putenv('BG_HTTP_AUTH');
putenv('BG_HTTP_LOG');

$requests = function (string $file) use ($box) {
    foreach (file($file, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        echo '  ', $line, "\n";
    }
    @unlink($file);
};
$check = function (string $url, array $more = []) use ($box) {
    [$log, $lines] = bg_log_recorder();
    $r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => $url, 'command_timeout' => 5, 'log' => $log] + $more));
    try {
        $got = $r->check();
        echo '  check(): ', $got === null ? 'null (unchanged)' : 'moved', "\n";
    } catch (BlueGreen\GitException $e) {
        echo '  GitException: ', strtr($e->getMessage(), [(string) $GLOBALS['port'] => 'PORT', (string) $GLOBALS['authport'] => 'AUTHPORT']), "\n";
    }
    foreach ($lines as $l) {
        if (str_contains($l['message'], 'secret')) {
            echo "  PASSWORD IN THE LOG\n";
        }
    }
};

echo "-- unchanged, 501 branches: one ls-refs for refs/heads/master\n";
$check("http://127.0.0.1:$port/remote.git");
$requests("$box/http.log");
echo "-- credentials in the URL and the `git` option: not offered to a server that does not ask\n";
$check("http://deploy:secret@127.0.0.1:$port/remote.git");
$check("http://127.0.0.1:$port/remote.git", ['git' => ['username' => 'deploy', 'password' => 'secret']]);
$requests("$box/http.log");
echo "-- a server that asks for credentials: offered once asked, ls-refs then authenticated\n";
$check("http://deploy:secret@127.0.0.1:$authport/remote.git");
$requests("$box/http-auth.log");
$check("http://127.0.0.1:$authport/remote.git", ['git' => ['username' => 'deploy', 'password' => 'secret']]);
$requests("$box/http-auth.log");
echo "-- wrong credentials: libgit2's listing says so, as before (no password shown)\n";
$check("http://deploy:wrong-secret@127.0.0.1:$authport/remote.git");
echo "-- a branch the remote lacks\n";
$check("http://127.0.0.1:$port/remote.git", ['branch' => 'nope']);
$requests("$box/http.log");
echo "-- a server that speaks v0 only: libgit2's listing, the same answer\n";
$check("http://127.0.0.1:$v0port/remote.git");
$requests("$box/http-v0.log");
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);
echo "-- moved: told by ls-refs, then fetched by libgit2 (v0)\n";
$check("http://127.0.0.1:$port/remote.git");
$requests("$box/http.log");
echo "-- moved, the v0-only server\n";
$check("http://127.0.0.1:$v0port/remote.git");
$requests("$box/http-v0.log");

bg_stop_server($server, "$box/http.pid");
bg_stop_server($v0, "$box/http-v0.pid");
bg_stop_server($authd, "$box/http-auth.pid");
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('check-http-lsrefs'));
?>
--EXPECT--
-- unchanged, 501 branches: one ls-refs for refs/heads/master
  check(): null (unchanged)
  GET /remote.git/info/refs [version=2] auth:none
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:none
-- credentials in the URL and the `git` option: not offered to a server that does not ask
  check(): null (unchanged)
  check(): null (unchanged)
  GET /remote.git/info/refs [version=2] auth:none
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:none
  GET /remote.git/info/refs [version=2] auth:none
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:none
-- a server that asks for credentials: offered once asked, ls-refs then authenticated
  check(): null (unchanged)
  GET /remote.git/info/refs [version=2] auth:none
  GET /remote.git/info/refs [version=2] auth:sent
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:sent
  check(): null (unchanged)
  GET /remote.git/info/refs [version=2] auth:none
  GET /remote.git/info/refs [version=2] auth:sent
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:sent
-- wrong credentials: libgit2's listing says so, as before (no password shown)
  GitException: cannot list the branches of http://deploy:***@127.0.0.1:AUTHPORT/remote.git (branch master): unexpected EOF
-- a branch the remote lacks
  GitException: branch "nope" is not on the remote http://127.0.0.1:PORT/remote.git
  GET /remote.git/info/refs [version=2] auth:none
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/nope auth:none
-- a server that speaks v0 only: libgit2's listing, the same answer
  check(): null (unchanged)
  GET /remote.git/info/refs [version=2] auth:none
  GET /remote.git/info/refs [] auth:none
-- moved: told by ls-refs, then fetched by libgit2 (v0)
  check(): moved
  GET /remote.git/info/refs [version=2] auth:none
  POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:none
  GET /remote.git/info/refs [] auth:none
  POST /remote.git/git-upload-pack [] auth:none
-- moved, the v0-only server
  check(): moved
  GET /remote.git/info/refs [version=2] auth:none
  GET /remote.git/info/refs [] auth:none
