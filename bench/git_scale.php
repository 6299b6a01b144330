<?php
/*
 * bluegreen's git benchmark at scale: many refs and a large repository,
 * bluegreen's steps beside the git CLI's, in one run, with the ratios.
 *
 *   nice php -d extension=modules/bluegreen.so bench/git_scale.php [FILES=13000] [RUNS=10] [CACHE=/tmp/bluegreen-bench-scale]
 *
 * Rows (medians of RUNS for check, of 4 for the first prepares (each side
 * first in turn), of 5 for the warm ones, which take long on a shared machine):
 * - check() on an unchanged remote with 10, 1,000 and 20,000 refs (path
 *   remote; git://, http:// and https:// for 20,000, from a `git daemon`, a `php -S`
 *   with git http-backend, tests/fixtures/git_http_router.php, and nginx with
 *   TLS in front of it (a throwaway CA made by openssl, trusted through
 *   SSL_CERT_FILE by a PHP child that loads modules/bluegreen.so, and
 *   GIT_SSL_CAINFO by git), started here) against
 *   the seed's pair, `git fetch` + `git rev-parse origin/master` in the
 *   live checkout, and `git ls-remote R refs/heads/master`;
 * - the first prepare() (a new releases_dir: no cache yet) of the commit
 *   after root's, on a repository of FILES files, path and git:// remotes,
 *   against `git clone --no-local` / `git clone git://` + checkout;
 * - the next prepare() (warm cache) against `git clone --local` + checkout,
 *   and the same with 183 .gitattributes files in the tree (CACHE/attrN:
 *   the large repository one commit further), each side first in turn.
 *
 * BG_BENCH_ROWS=check in the environment measures the check() rows alone.
 *
 * The repositories are generated once and kept under CACHE (the large one
 * takes minutes to make); everything a run makes goes in CACHE/run and is
 * removed at the end, and the daemon it starts is stopped by its pid.
 */
if (!extension_loaded('bluegreen')) {
    fwrite(STDERR, "run with: php -d extension=modules/bluegreen.so bench/git_scale.php\n");
    exit(2);
}
// `--check-child ROOT REMOTE RELEASES RUNS HOME`: the https:// row's check(), in a PHP started with
// SSL_CERT_FILE (read as the extension starts); prints the median in seconds
if (($argv[1] ?? '') === '--check-child') {
    $GLOBALS['home'] = $argv[6];
    echo check_time($argv[2], $argv[3], $argv[4], (int) $argv[5]), "\n";
    exit(0);
}
$files = (int) ($argv[1] ?? 13000);
$runs = max(3, (int) ($argv[2] ?? 10));
$cache = rtrim($argv[3] ?? '/tmp/bluegreen-bench-scale', '/');
$box = "$cache/run";
$GLOBALS['home'] = $cache;

function run(array $argv, ?string $cwd = null): string
{
    $env = ['PATH' => getenv('PATH'), 'HOME' => $GLOBALS['home'], 'GIT_CONFIG_NOSYSTEM' => '1',
        'GIT_AUTHOR_NAME' => 'bench', 'GIT_AUTHOR_EMAIL' => 'bench@example.invalid',
        'GIT_COMMITTER_NAME' => 'bench', 'GIT_COMMITTER_EMAIL' => 'bench@example.invalid'] + ($GLOBALS['git_env'] ?? []);
    $p = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $cwd, $env);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    if (proc_close($p) !== 0) {
        throw new RuntimeException(implode(' ', $argv) . " failed: $err");
    }
    return trim($out);
}

function rmrf(string $path): void
{
    if (file_exists($path)) {
        run(['rm', '-rf', $path]);
    }
}

/** Wall seconds of one call. */
function wall(callable $fn): float
{
    $t = hrtime(true);
    $fn();
    return (hrtime(true) - $t) / 1e9;
}

/**
 * Sample $i of a pair: bluegreen's side and git's, each first in turn
 * (ext4 without a journal skips the inodes freed in the last minutes, by
 * anyone, a cost that fades as a run goes on): appends their wall times.
 */
function pair_sample(int $i, callable $bg, callable $cli, array &$b, array &$c): void
{
    if ($i % 2) {
        $c[] = wall($cli);
        $b[] = wall($bg);
    } else {
        $b[] = wall($bg);
        $c[] = wall($cli);
    }
}

function median(array $s): float
{
    sort($s);
    return $s[intdiv(count($s), 2)];
}

function ms(float $s): string
{
    return $s < 1 ? sprintf('%.2f ms', $s * 1000) : sprintf('%.1f s', $s);
}

/**
 * CACHE/refsN: remote.git with N branches (packed, as a server's are),
 * root cloned from it (root's origin: the path).
 */
function refs_repo(string $cache, int $n): string
{
    $d = "$cache/refs$n";
    if (is_dir("$d/root")) {
        return $d;
    }
    rmrf($d);
    run(['git', 'init', '-q', '-b', 'master', "$d/work"]);
    for ($i = 1; $i <= 3; $i++) {
        file_put_contents("$d/work/f$i", "$i\n");
        run(['git', 'add', "f$i"], "$d/work");
        run(['git', 'commit', '-q', '-m', "c$i"], "$d/work");
    }
    run(['git', 'init', '-q', '--bare', '-b', 'master', "$d/remote.git"]);
    run(['git', 'push', '-q', "$d/remote.git", 'master'], "$d/work");
    $sha = run(['git', 'rev-parse', 'HEAD'], "$d/work");
    $in = '';
    for ($i = 1; $i < $n; $i++) {
        $in .= sprintf("create refs/heads/feature/b%05d %s\n", $i, $sha);
    }
    $p = proc_open(['git', 'update-ref', '--stdin'], [0 => ['pipe', 'r']], $pipes, "$d/remote.git");
    fwrite($pipes[0], $in);
    fclose($pipes[0]);
    proc_close($p);
    run(['git', 'pack-refs', '--all'], "$d/remote.git");
    run(['git', 'clone', '-q', "$d/remote.git", "$d/root"]);
    return $d;
}

/**
 * CACHE/bigN: remote.git of N files (about 4 KB each, little compressible)
 * in 130 directories with 20 commits, root cloned from it by transport
 * (one pack, as on a server) at the 19th, the remote one commit ahead.
 */
function big_repo(string $cache, int $files): string
{
    $d = "$cache/big$files";
    if (is_dir("$d/root")) {
        return $d;
    }
    rmrf($d);
    run(['git', 'init', '-q', '-b', 'master', "$d/work"]);
    run(['git', 'init', '-q', '--bare', '-b', 'master', "$d/remote.git"]);
    mt_srand(14);
    for ($c = 0; $c < 20; $c++) {
        // the first commit writes every file, each later one about 200
        $which = $c === 0 ? range(0, $files - 1) : array_map(fn () => mt_rand(0, $files - 1), range(1, 200));
        foreach ($which as $i) {
            $dir = sprintf('%s/work/src/mod%03d', $d, $i % 130);
            is_dir($dir) || mkdir($dir, 0755, true);
            file_put_contents("$dir/File$i.php", "<?php\n// file $i, commit $c\n" . chunk_split(base64_encode(random_bytes(3000)), 76));
        }
        run(['git', 'add', '-A'], "$d/work");
        run(['git', 'commit', '-q', '-m', "commit $c"], "$d/work");
        if ($c === 18) {
            run(['git', 'push', '-q', "$d/remote.git", 'master'], "$d/work");
            run(['git', 'clone', '-q', '--no-local', "$d/remote.git", "$d/root"]);
        }
    }
    run(['git', 'push', '-q', "$d/remote.git", 'master'], "$d/work");
    run(['git', 'gc', '-q'], "$d/remote.git");
    return $d;
}

/**
 * CACHE/attrN: bigN's remote one commit further, with 183 .gitattributes
 * files (a composer project's vendor/ has about as many: text=auto, eol=lf,
 * diff drivers, export-ignore), the commit the warm prepare() checks out.
 */
function attr_repo(string $cache, string $big): string
{
    $d = $cache . '/attr' . substr(basename($big), 3);
    if (is_dir("$d/work")) {
        return $d;
    }
    rmrf($d);
    run(['git', 'clone', '-q', '--bare', '--local', "$big/remote.git", "$d/remote.git"]);
    run(['git', 'clone', '-q', '--local', "$d/remote.git", "$d/work"]);
    $paths = [];
    foreach (array_merge(['.', 'src'], glob("$d/work/src/mod*", GLOB_ONLYDIR), array_map(fn ($i) => sprintf('src/extra/d%02d', $i), range(1, 51))) as $dir) {
        $dir = str_starts_with($dir, "$d/work/") ? substr($dir, strlen("$d/work/")) : $dir;
        is_dir("$d/work/$dir") || mkdir("$d/work/$dir", 0755, true);
        file_put_contents("$d/work/$dir/.gitattributes", "*.php text eol=lf diff=php\n*.png binary\n/tests export-ignore\n");
        $paths[] = "$dir/.gitattributes";
        if (str_starts_with($dir, 'src/extra/')) {
            file_put_contents("$d/work/$dir/E.php", "<?php\n// $dir\n");
            $paths[] = "$dir/E.php";
        }
    }
    file_put_contents("$d/work/.gitattributes", "* text=auto\n*.php text eol=lf diff=php\n/tests export-ignore\n");
    run(array_merge(['git', 'add', '--'], $paths), "$d/work");
    run(['git', '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'attributes'], "$d/work");
    run(['git', 'push', '-q', "$d/remote.git", 'master'], "$d/work");
    return $d;
}

function free_port(): int
{
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr(stream_socket_get_name($s, false), ':'), 1);
    fclose($s);
    return $port;
}

function releaser(string $root, string $remote, string $releases): BlueGreen\Releaser
{
    is_dir($releases) || mkdir($releases, 0755, true);
    return new BlueGreen\Releaser(['root' => $root, 'remote' => $remote, 'releases_dir' => $releases,
        'build' => [], 'nginx' => ['conf' => __FILE__, 'upstream' => 'bench'], 'log' => function () {}]);
}

/** Median wall of check() on an unchanged remote. */
function check_time(string $root, string $remote, string $releases, int $runs): float
{
    $r = releaser($root, $remote, $releases);
    $s = [];
    for ($i = 0; $i < $runs; $i++) {
        $s[] = wall(function () use ($r) {
            if ($r->check() !== null) {
                throw new RuntimeException('the remote was expected unchanged');
            }
        });
    }
    return median($s);
}

function cli_time(array $argv, string $cwd, int $runs): float
{
    $s = [];
    for ($i = 0; $i < $runs; $i++) {
        $s[] = wall(fn () => run($argv, $cwd));
    }
    return median($s);
}

/** The seed's pair in root, whose origin is set to $url for it. */
function seed_time(string $root, string $url, int $runs): float
{
    run(['git', 'remote', 'set-url', 'origin', $url], $root);
    run(['git', 'fetch', '-q'], $root);  // warm: the remote-tracking refs exist
    $s = [];
    for ($i = 0; $i < $runs; $i++) {
        $s[] = wall(function () use ($root) {
            run(['git', 'fetch', '-q'], $root);
            run(['git', 'rev-parse', 'origin/master'], $root);
        });
    }
    return median($s);
}

@mkdir($cache, 0755, true);
rmrf($box);
mkdir($box, 0755, true);
fwrite(STDERR, "generating (cached in $cache) ...\n");
$repos = [];
foreach ([10, 1000, 20000] as $n) {
    $repos[$n] = refs_repo($cache, $n);
}
$big = big_repo($cache, $files);
$port = free_port();
$daemon = proc_open(['git', 'daemon', '--reuseaddr', '--export-all', "--base-path=$cache", '--listen=127.0.0.1',
    "--port=$port", $cache], [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
for ($i = 0; $i < 100 && !@fsockopen('127.0.0.1', $port, $e, $es, 0.1); $i++) {
    usleep(50000);
}
$git = fn (string $rel) => "git://127.0.0.1:$port/$rel";
// smart HTTP: git http-backend behind `php -S` (the suite's router), for CACHE's repositories
$httpPort = free_port();
putenv("GIT_PROJECT_ROOT=$cache");
$httpd = proc_open([PHP_BINARY, '-n', '-S', "127.0.0.1:$httpPort", __DIR__ . '/../tests/fixtures/git_http_router.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
for ($i = 0; $i < 100 && !@fsockopen('127.0.0.1', $httpPort, $e, $es, 0.1); $i++) {
    usleep(50000);
}
$http = fn (string $rel) => "http://127.0.0.1:$httpPort/$rel";
// https: nginx with TLS in front of it, its certificate for localhost from a throwaway CA
$tlsDir = "$box/tls";
mkdir("$tlsDir/tmp", 0755, true);
$ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
run(array_merge(['openssl', 'req', '-x509'], $ec, ['-keyout', "$tlsDir/ca.key", '-out', "$tlsDir/ca.crt", '-subj', '/CN=bench CA']));
run(array_merge(['openssl', 'req'], array_slice($ec, 0, 5), ['-keyout', "$tlsDir/srv.key", '-out', "$tlsDir/srv.csr", '-subj', '/CN=localhost']));
file_put_contents("$tlsDir/san.cnf", "subjectAltName=DNS:localhost\n");
run(['openssl', 'x509', '-req', '-in', "$tlsDir/srv.csr", '-CA', "$tlsDir/ca.crt", '-CAkey', "$tlsDir/ca.key", '-CAcreateserial',
    '-days', '2', '-extfile', "$tlsDir/san.cnf", '-out', "$tlsDir/srv.crt"]);
$GLOBALS['git_env'] = ['GIT_SSL_CAINFO' => "$tlsDir/ca.crt"];
$httpsPort = free_port();
$temps = '';
foreach (['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as $t) {
    $temps .= "{$t}_temp_path $tlsDir/tmp/$t; ";
}
file_put_contents("$tlsDir/nginx.conf", "worker_processes 1; pid $tlsDir/nginx.pid; error_log $tlsDir/error.log;\n"
    . "events { worker_connections 64; }\nhttp { access_log off; $temps\n"
    . "  server { listen 127.0.0.1:$httpsPort ssl; ssl_certificate $tlsDir/srv.crt; ssl_certificate_key $tlsDir/srv.key;\n"
    . "    location / { proxy_pass http://127.0.0.1:$httpPort; } } }\n");
run(['nginx', '-p', "$tlsDir/", '-c', "$tlsDir/nginx.conf"]);   // it daemonizes; stopped by its pid file's pid
for ($i = 0; $i < 100 && !@fsockopen('127.0.0.1', $httpsPort, $e, $es, 0.1); $i++) {
    usleep(50000);
}
$https = fn (string $rel) => "https://localhost:$httpsPort/$rel";
/** check_time() of an https:// remote in a PHP child that trusts the CA. */
$httpsCheckTime = function (string $root, string $remote, string $releases, int $runs) use ($tlsDir, $cache): float {
    $p = proc_open([PHP_BINARY, '-d', 'extension=' . realpath(__DIR__ . '/../modules/bluegreen.so'), __FILE__, '--check-child',
        $root, $remote, $releases, (string) $runs, $cache], [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
        $pipes, null, ['PATH' => getenv('PATH'), 'HOME' => $cache, 'SSL_CERT_FILE' => "$tlsDir/ca.crt"]);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    if (proc_close($p) !== 0 || !is_numeric(trim($out))) {
        throw new RuntimeException("the https:// check child failed: $out$err");
    }
    return (float) trim($out);
};

$rows = [];
$row = function (string $what, float $bg, float $cli, string $cliWhat, string $goal, bool $fold) use (&$rows) {
    // fold: goal on cli/bg (>= 10x faster); else on bg/cli (<= x)
    $ratio = $fold ? $cli / $bg : $bg / $cli;
    $rows[] = [$what, ms($bg), "$cliWhat " . ms($cli), sprintf($fold ? '%.0fx' : '%.2fx', $ratio), $goal];
};

try {
    fwrite(STDERR, "check() ...\n");
    foreach ([10, 1000, 20000] as $n) {
        $d = $repos[$n];
        $bg = check_time("$d/root", "$d/remote.git", "$box/rel-refs$n", $runs);
        $seed = seed_time("$d/root", "$d/remote.git", max(3, intdiv($runs, 2)));
        $ls = cli_time(['git', 'ls-remote', "$d/remote.git", 'refs/heads/master'], "$d/root", max(3, intdiv($runs, 2)));
        $row(sprintf('check(), unchanged, %s refs, path remote', number_format($n)), $bg, $seed, 'seed pair', '>= 10x seed', true);
        $rows[] = ['', '', '`ls-remote R refs/heads/master` ' . ms($ls), sprintf('%.0fx', $ls / $bg), ''];
    }
    $d = $repos[20000];
    $bg = check_time("$d/root", $git('refs20000/remote.git'), "$box/rel-refs-git", $runs);
    $seed = seed_time("$d/root", $git('refs20000/remote.git'), max(3, intdiv($runs, 2)));
    $row('check(), unchanged, 20,000 refs, git:// remote', $bg, $seed, 'seed pair', '>= 10x seed', true);
    $bg = check_time("$d/root", $http('refs20000/remote.git'), "$box/rel-refs-http", $runs);
    $seed = seed_time("$d/root", $http('refs20000/remote.git'), max(3, intdiv($runs, 2)));
    $ls = cli_time(['git', 'ls-remote', $http('refs20000/remote.git'), 'refs/heads/master'], "$d/root", max(3, intdiv($runs, 2)));
    run(['git', 'remote', 'set-url', 'origin', "$d/remote.git"], "$d/root");
    $row('check(), unchanged, 20,000 refs, http:// remote', $bg, $seed, 'seed pair', '>= 10x seed', true);
    $rows[] = ['', '', '`ls-remote R refs/heads/master` ' . ms($ls), sprintf('%.0fx', $ls / $bg), ''];
    $bg = $httpsCheckTime("$d/root", $https('refs20000/remote.git'), "$box/rel-refs-https", $runs);
    $seed = seed_time("$d/root", $https('refs20000/remote.git'), max(3, intdiv($runs, 2)));
    $ls = cli_time(['git', 'ls-remote', $https('refs20000/remote.git'), 'refs/heads/master'], "$d/root", max(3, intdiv($runs, 2)));
    run(['git', 'remote', 'set-url', 'origin', "$d/remote.git"], "$d/root");
    $row('check(), unchanged, 20,000 refs, https:// remote', $bg, $seed, 'seed pair', '>= 10x seed', true);
    $rows[] = ['', '', '`ls-remote R refs/heads/master` ' . ms($ls), sprintf('%.0fx', $ls / $bg), ''];

    if (getenv('BG_BENCH_ROWS') !== 'check') {
        fwrite(STDERR, "first prepare() on $files files ...\n");
        $next = run(['git', 'rev-parse', 'HEAD'], "$big/work");
        foreach (['path' => ["$big/remote.git", '`clone --no-local` + checkout', ['--no-local', "$big/remote.git"]],
                  'git' => [$git("big$files/remote.git"), '`clone git://` + checkout', [$git("big$files/remote.git")]]] as $kind => [$url, $cliWhat, $src]) {
            $b = $c = [];
            for ($i = 0; $i < 4; $i++) {
                $bg = fn () => releaser("$big/root", $url, "$box/first-$kind-$i")->prepare($next);
                $cli = function () use ($src, $box, $kind, $i, $next) {
                    run(array_merge(['git', 'clone', '-q', '--no-checkout'], $src, ["$box/clone-$kind-$i"]));
                    run(['git', 'checkout', '-q', $next], "$box/clone-$kind-$i");
                };
                pair_sample($i, $bg, $cli, $b, $c);
            }
            fwrite(STDERR, sprintf("  first prepare(), %s: bluegreen %s, git %s\n", $kind,
                implode(' ', array_map('ms', $b)), implode(' ', array_map('ms', $c))));
            $row(sprintf('first prepare(), %s files, %s remote (cache seeded from root)', number_format($files), $kind === 'git' ? 'git://' : $kind), median($b), median($c), $cliWhat, '<= 1x git', false);
        }

        fwrite(STDERR, "warm prepare() ...\n");
        $attr = attr_repo($cache, $big);
        $withAttrs = run(['git', 'rev-parse', 'HEAD'], "$attr/work");
        $cases = ['' => [releaser("$big/root", "$big/remote.git", "$box/first-path-0"), "$big/remote.git", $next],
                  ', 183 .gitattributes' => [releaser("$big/root", "$attr/remote.git", "$box/attr"), "$attr/remote.git", $withAttrs]];
        $cases[', 183 .gitattributes'][0]->prepare($withAttrs);  // the cache made and seeded: warm from here
        foreach ($cases as $what => [$r, $src, $commit]) {
            $b = $c = [];
            for ($i = 0; $i < 5; $i++) {
                $bg = fn () => $r->prepare($commit);
                $cli = function () use ($src, $box, $i, $commit) {
                    run(['git', 'clone', '-q', '--local', '--no-checkout', $src, "$box/local$i-" . md5($src)]);
                    run(['git', 'checkout', '-q', $commit], "$box/local$i-" . md5($src));
                };
                // nothing removed until the end, for the same reason as pair_sample()'s turns
                pair_sample($i, $bg, $cli, $b, $c);
            }
            $row(sprintf('next prepare() (warm cache), %s files%s', number_format($files), $what), median($b), median($c), '`clone --local` + checkout', '<= 1.2x', false);
        }
    }
} finally {
    proc_terminate($daemon);  // git daemon itself (argv, no shell): its pid
    proc_close($daemon);
    proc_terminate($httpd);   // php -S itself, likewise
    proc_close($httpd);
    if (($pid = (int) @file_get_contents("$tlsDir/nginx.pid")) > 0) {
        posix_kill($pid, SIGTERM);   // nginx's master, by the pid it wrote
    }
}

preg_match('/^model name\s*:\s*(.+)$/m', (string) @file_get_contents('/proc/cpuinfo'), $m);
$size = trim(explode("\t", run(['du', '-sh', "$big/remote.git"]))[0]);
printf("bluegreen git at scale: %d files (%s of packs), medians of %d (check), 4 (first prepare, in turn first), 5 (warm prepare, in turn first)\n",
    $files, $size, $runs);
printf("machine: %d CPUs, %s; %s\n\n", (int) run(['nproc']), $m[1] ?? 'unknown CPU', run(['git', '--version']));
$fmt = "| %-62s | %9s | %-44s | %7s | %-11s |\n";
printf($fmt, 'measure', 'bluegreen', 'git CLI', 'ratio', 'goal');
printf("|%s|%s:|%s|%s:|%s|\n", str_repeat('-', 64), str_repeat('-', 10), str_repeat('-', 46), str_repeat('-', 8), str_repeat('-', 13));
foreach ($rows as $r) {
    printf($fmt, ...$r);
}
rmrf($box);
