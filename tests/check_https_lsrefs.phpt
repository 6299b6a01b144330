--TEST--
Releaser::check() over https:// (nginx with TLS in front of git http-backend, a throwaway CA trusted through SSL_CERT_FILE) asks for its branch alone by protocol v2's ls-refs; a certificate from another CA is refused with libgit2's error naming the remote; a v0-only server, a proxy in the environment, and an IP address host go through libgit2; credentials never shown; a server that accepts TLS and never answers ends within command_timeout
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false || getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/inc/git.inc';
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox('check-https-lsrefs');
$g = bg_git_setup($box);
// 2,000 pull request refs on the remote, packed as a server's are (written as git's packed-refs
// file: 2,000 loose refs take seconds to write on a busy disk)
$refs = [];
for ($i = 1; $i <= 2000; $i++) {
    $refs[] = "refs/pull/$i/head";
}
sort($refs, SORT_STRING);
file_put_contents("{$g['remote']}/packed-refs", "# pack-refs with: peeled fully-peeled sorted \n"
    . implode('', array_map(fn ($r) => "{$g['first']} $r\n", $refs)));
echo 'refs on the remote: ', count(explode("\n", trim(bg_git(['for-each-ref'], $g['remote'])))), "\n";

// --- a throwaway CA and its server certificate for localhost (and 127.0.0.1); another CA's for localhost
$ssl = function (array $args) use ($box) {
    $r = bg_run(array_merge(['openssl'], $args), $box, 20);
    if ($r['exit'] !== 0) {
        throw new RuntimeException('openssl ' . implode(' ', $args) . ": {$r['output']}");
    }
};
$ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
foreach (['ca', 'rogue'] as $ca) {
    $ssl(array_merge(['req', '-x509'], $ec, ['-keyout', "$box/$ca.key", '-out', "$box/$ca.crt", '-days', '2',
        '-subj', "/CN=bluegreen test $ca CA"]));
    $ssl(array_merge(['req'], $ec, ['-keyout', "$box/$ca-srv.key", '-out', "$box/$ca-srv.csr", '-subj', '/CN=localhost']));
    file_put_contents("$box/san.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    $ssl(['x509', '-req', '-in', "$box/$ca-srv.csr", '-CA', "$box/$ca.crt", '-CAkey', "$box/$ca.key", '-CAcreateserial',
        '-days', '2', '-extfile', "$box/san.cnf", '-out', "$box/$ca-srv.crt"]);
}

// --- the smart HTTP servers (v2, v0 only, asking for credentials), a silent one, and nginx with TLS in front
[$v2, $v0] = bg_free_ports();
[$auth, $silent] = bg_free_ports();
[$tls, $tls_v0] = bg_free_ports();
[$tls_rogue, $tls_auth] = bg_free_ports();
[$tls_silent] = bg_free_ports();
putenv("GIT_PROJECT_ROOT=$box");
$router = __DIR__ . '/fixtures/git_http_router.php';
$servers = [];
putenv("BG_HTTP_LOG=$box/backend.log");
$servers[$v2] = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$v2", $router], $v2, "$box/srv-$v2.pid");
putenv('BG_HTTP_V0=1');
$servers[$v0] = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$v0", $router], $v0, "$box/srv-$v0.pid");
putenv('BG_HTTP_V0');
putenv('BG_HTTP_AUTH=deploy:PqRsTuVwXyZaBc');
$servers[$auth] = bg_start_server([PHP_BINARY, '-n', '-S', "127.0.0.1:$auth", $router], $auth, "$box/srv-$auth.pid");
putenv('BG_HTTP_AUTH');
putenv('BG_HTTP_LOG');
$servers[$silent] = bg_start_server([PHP_BINARY, '-n', __DIR__ . '/fixtures/stall_server.php', (string) $silent, 'silent'],
    $silent, "$box/srv-$silent.pid");

$prefix = "$box/nginx";
@mkdir("$prefix/tmp", 0755, true);
$temp = '';
foreach (['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as $t) {
    $temp .= "    {$t}_temp_path $prefix/tmp/$t;\n";
}
$block = fn (int $port, string $ca, int $to) => <<<CONF
        server {
            listen 127.0.0.1:$port ssl;
            ssl_certificate $box/$ca-srv.crt;
            ssl_certificate_key $box/$ca-srv.key;
            location / {
                proxy_pass http://127.0.0.1:$to;
            }
        }

    CONF;
file_put_contents("$prefix/nginx.conf", "worker_processes 1;\npid $prefix/nginx.pid;\nerror_log $prefix/error.log;\n"
    . "events {\n    worker_connections 64;\n}\nhttp {\n$temp"
    . "    log_format git '\$server_port \$request_method \$uri [\$http_git_protocol] \$status \$bytes_sent';\n"
    . "    access_log $prefix/access.log git;\n"
    . $block($tls, 'ca', $v2) . $block($tls_v0, 'ca', $v0) . $block($tls_rogue, 'rogue', $v2)
    . $block($tls_auth, 'ca', $auth) . $block($tls_silent, 'ca', $silent) . "}\n");
$nginx = bg_nginx_start($prefix, "$prefix/nginx.conf");
$names = [$tls => 'TLS', $tls_v0 => 'TLS_V0', $tls_rogue => 'TLS_ROGUE', $tls_auth => 'TLS_AUTH', $tls_silent => 'TLS_SILENT'];

// The access log since the last call: one line a request, its size in bytes told as small (a few
// hundred: one ref) or large (an advertisement of every ref).
$requests = function () use ($prefix, $names) {
    static $seen = 0;
    $log = (string) @file_get_contents("$prefix/access.log");
    foreach (explode("\n", trim(substr($log, $seen))) as $line) {
        if ($line === '') {
            continue;
        }
        [$port, $method, $uri, $proto, $status, $bytes] = explode(' ', $line);
        printf("  %s %s %s %s %s %s\n", $names[(int) $port], $method, $uri, $proto, $status,
            (int) $bytes < 4096 ? 'small' : ((int) $bytes > 50000 ? 'large (every ref)' : $bytes));
    }
    $seen = strlen($log);
};
$backend = function () use ($box) {
    foreach (file("$box/backend.log", FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        if (str_starts_with($line, 'POST')) {
            echo '  backend: ', $line, "\n";
        }
    }
    @unlink("$box/backend.log");
};

// --- the releaser runs in a PHP child: SSL_CERT_FILE is read as the extension starts
$pw = 'PqRsTuVwXyZaBc';
file_put_contents("$box/child.php", '<?php
require ' . var_export(__DIR__ . '/inc/git.inc', true) . ';
[, $box, $url, $more] = $argv;
[$log, $lines] = bg_log_recorder();
$t = microtime(true);
$r = new BlueGreen\Releaser(bg_min_options($box, ["remote" => $url, "command_timeout" => 2, "log" => $log] + json_decode($more, true)));
try {
    $got = $r->check();
    echo "check(): ", $got === null ? "null (unchanged)" : "moved", "\n";
} catch (BlueGreen\GitException $e) {
    echo "GitException: ", $e->getMessage(), "\n";
}
printf("seconds: %.2f\n", microtime(true) - $t);
echo "said: ", json_encode([(string) ($e ?? ""), $r->status(), iterator_to_array($lines)]), "\n";
');
$check = function (string $url, array $env, array $more = []) use ($box, &$names, $pw) {
    // this process's environment (under tests/asan.sh: its LD_PRELOAD), without what a case sets
    $env += ['HOME' => $box] + array_diff_key(getenv(), array_flip(['HOME', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
        'https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY']));
    $r = bg_run(bg_php(["$box/child.php", $box, $url, json_encode((object) $more)]), $box, 20, $env);
    $out = preg_replace('/^said: .*$\n?/m', '', $r['output']);
    preg_match('/seconds: ([\d.]+)/', $out, $m);
    $out = trim(preg_replace('/seconds: .*\n?/', '', $out));
    echo '  ', strtr(preg_replace(['/0x\w+ - /', '/\n(?!  )/'], ['', "\n  "], $out), $names), "\n";
    if (str_contains($r['output'], substr($pw, 3, 6))) {
        echo "  PASSWORD SHOWN (exception, status() or log)\n";
    }
    return (float) ($m[1] ?? 99);
};
$trusted = ['SSL_CERT_FILE' => "$box/ca.crt"];

echo "-- unchanged, 2,001 refs: one v2 ls-refs for refs/heads/master over TLS\n";
$check("https://localhost:$tls/remote.git", $trusted);
$requests();
$backend();
echo "-- a certificate from another CA: refused, libgit2's error naming the remote\n";
$check("https://localhost:$tls_rogue/remote.git", $trusted);
$requests();
echo "-- the same certificate without SSL_CERT_FILE: refused too (the system's CAs only)\n";
$check("https://localhost:$tls/remote.git", []);
$requests();
echo "-- SSL_CERT_FILE that cannot be loaded: libgit2's built-in bundle stays, for both: refused\n";
$check("https://localhost:$tls/remote.git", ['SSL_CERT_FILE' => "$box/no-such-ca.crt"]);
$requests();
echo "-- SSL_CERT_DIR alone, the CA in it unhashed: libcurl (OpenSSL) finds it by hash only and refuses,\n"
    . "   libgit2 (mbedTLS reads every file) accepts: its verdict stands\n";
@mkdir("$box/cadir", 0755);
copy("$box/ca.crt", "$box/cadir/test-ca.pem");
$check("https://localhost:$tls/remote.git", ['SSL_CERT_DIR' => "$box/cadir"]);
$requests();
echo "-- a server that speaks v0 only: libgit2's listing, the same answer\n";
$check("https://localhost:$tls_v0/remote.git", $trusted);
$requests();
echo "-- https_proxy set (localhost in no_proxy): libgit2 decides the way, and goes direct\n";
$check("https://localhost:$tls/remote.git", $trusted + ['https_proxy' => 'http://127.0.0.1:9', 'no_proxy' => 'localhost']);
$requests();
echo "-- git's http.proxy set (nothing listens there): libgit2 goes through it, and says it could not\n";
@mkdir("$box/proxied", 0755);
file_put_contents("$box/proxied/.gitconfig", "[http]\n\tproxy = http://127.0.0.1:9\n");
$check("https://localhost:$tls/remote.git", $trusted + ['HOME' => "$box/proxied"]);
$requests();
echo "-- an IP address host: libgit2 (its TLS matches DNS names only)\n";
$check("https://127.0.0.1:$tls/remote.git", $trusted);
$requests();
echo "-- a server that asks for credentials: the URL's, then the `git` option's, offered once asked\n";
$check("https://deploy:$pw@localhost:$tls_auth/remote.git", $trusted);
$requests();
$check("https://localhost:$tls_auth/remote.git", $trusted, ['git' => ['username' => 'deploy', 'password' => $pw]]);
$requests();
echo "-- wrong credentials: libgit2's listing says so (no password shown)\n";
$check("https://deploy:{$pw}x@localhost:$tls_auth/remote.git", $trusted);
$requests();
echo "-- accepts TLS, never answers: within command_timeout (2 s) + 1 s\n";
$took = $check("https://deploy:$pw@localhost:$tls_silent/remote.git", $trusted);
echo '  bounded: ', var_export($took >= 1.9 && $took < 3.5, true), $took >= 1.9 && $took < 3.5 ? '' : " ($took s)", "\n";
$requests();
echo "-- accepts TCP, never starts TLS: the same bound\n";
$names[$silent] = 'SILENT';
$took = $check("https://localhost:$silent/remote.git", $trusted);
echo '  bounded: ', var_export($took >= 1.9 && $took < 3.5, true), $took >= 1.9 && $took < 3.5 ? '' : " ($took s)", "\n";
echo "-- moved: told by ls-refs, fetched by libgit2 over the same TLS (it trusts SSL_CERT_FILE too)\n";
bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);
$check("https://localhost:$tls/remote.git", $trusted);
$requests();

bg_nginx_stop($nginx);
foreach ($servers as $port => $proc) {
    bg_stop_server($proc, "$box/srv-$port.pid");
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/nginx.inc';
$box = bg_sandbox_path('check-https-lsrefs');
bg_nginx_stop((int) @file_get_contents("$box/nginx/nginx.pid"));
foreach (glob("$box/srv-*.pid") ?: [] as $pidfile) {
    bg_kill_pidfile($pidfile);
}
bg_rmrf($box);
?>
--EXPECT--
refs on the remote: 2001
-- unchanged, 2,001 refs: one v2 ls-refs for refs/heads/master over TLS
  check(): null (unchanged)
  TLS GET /remote.git/info/refs [version=2] 200 small
  TLS POST /remote.git/git-upload-pack [version=2] 200 small
  backend: POST /remote.git/git-upload-pack [version=2] command=ls-refs ref-prefix refs/heads/master auth:none
-- a certificate from another CA: refused, libgit2's error naming the remote
  GitException: cannot list the branches of https://localhost:TLS_ROGUE/remote.git (branch master): the SSL certificate is invalid: The certificate is not correctly signed by the trusted CA
-- the same certificate without SSL_CERT_FILE: refused too (the system's CAs only)
  GitException: cannot list the branches of https://localhost:TLS/remote.git (branch master): the SSL certificate is invalid: The certificate is not correctly signed by the trusted CA
-- SSL_CERT_FILE that cannot be loaded: libgit2's built-in bundle stays, for both: refused
  GitException: cannot list the branches of https://localhost:TLS/remote.git (branch master): the SSL certificate is invalid: The certificate is not correctly signed by the trusted CA
-- SSL_CERT_DIR alone, the CA in it unhashed: libcurl (OpenSSL) finds it by hash only and refuses,
   libgit2 (mbedTLS reads every file) accepts: its verdict stands
  check(): null (unchanged)
  TLS GET /remote.git/info/refs [-] 200 large (every ref)
-- a server that speaks v0 only: libgit2's listing, the same answer
  check(): null (unchanged)
  TLS_V0 GET /remote.git/info/refs [version=2] 200 large (every ref)
  TLS_V0 GET /remote.git/info/refs [-] 200 large (every ref)
-- https_proxy set (localhost in no_proxy): libgit2 decides the way, and goes direct
  check(): null (unchanged)
  TLS GET /remote.git/info/refs [-] 200 large (every ref)
-- git's http.proxy set (nothing listens there): libgit2 goes through it, and says it could not
  GitException: cannot list the branches of https://localhost:TLS/remote.git (branch master): failed to connect to 127.0.0.1: Connection refused
-- an IP address host: libgit2 (its TLS matches DNS names only)
  GitException: cannot list the branches of https://127.0.0.1:TLS/remote.git (branch master): the SSL certificate is invalid: The certificate Common Name (CN) does not match with the expected CN
-- a server that asks for credentials: the URL's, then the `git` option's, offered once asked
  check(): null (unchanged)
  TLS_AUTH GET /remote.git/info/refs [version=2] 401 small
  TLS_AUTH GET /remote.git/info/refs [version=2] 200 small
  TLS_AUTH POST /remote.git/git-upload-pack [version=2] 200 small
  check(): null (unchanged)
  TLS_AUTH GET /remote.git/info/refs [version=2] 401 small
  TLS_AUTH GET /remote.git/info/refs [version=2] 200 small
  TLS_AUTH POST /remote.git/git-upload-pack [version=2] 200 small
-- wrong credentials: libgit2's listing says so (no password shown)
  GitException: cannot list the branches of https://deploy:***@localhost:TLS_AUTH/remote.git (branch master): authentication failed: the remote refused the credentials offered
  TLS_AUTH GET /remote.git/info/refs [version=2] 401 small
  TLS_AUTH GET /remote.git/info/refs [version=2] 401 small
  TLS_AUTH GET /remote.git/info/refs [-] 401 small
  TLS_AUTH GET /remote.git/info/refs [-] 401 small
-- accepts TLS, never answers: within command_timeout (2 s) + 1 s
  GitException: check of branch master on https://deploy:***@localhost:TLS_SILENT/remote.git: timed out after 2 s (command_timeout) during connect and ref advertisement; stopped
  bounded: true
  TLS_SILENT GET /remote.git/info/refs [version=2] 499 small
  TLS_SILENT GET /remote.git/info/refs [-] 499 small
-- accepts TCP, never starts TLS: the same bound
  GitException: check of branch master on https://localhost:SILENT/remote.git: timed out after 2 s (command_timeout) during connect and ref advertisement; stopped
  bounded: true
-- moved: told by ls-refs, fetched by libgit2 over the same TLS (it trusts SSL_CERT_FILE too)
  check(): moved
  TLS GET /remote.git/info/refs [version=2] 200 small
  TLS POST /remote.git/git-upload-pack [version=2] 200 small
  TLS GET /remote.git/info/refs [-] 200 large (every ref)
  TLS POST /remote.git/git-upload-pack [-] 200 small