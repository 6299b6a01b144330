<?php
/*
 * bluegreen's demo, run by examples/demo.sh: a whole deploy story on this
 * machine, in a temporary sandbox, with real git, a real nginx and real
 * services on loopback.
 *
 *   1. a bare git remote holding a demo app (EasySwoole-shaped), its checkout
 *      live on port 9501, nginx on a loopback port in front;
 *   2. a releaser running (run(), every second) and clients sending requests
 *      through nginx the whole time, with a live count;
 *   3. v2 is pushed and goes live on 9502; a broken v3 is pushed and refused
 *      while v2 keeps serving; a rollback brings v1 back on 9501;
 *   4. a summary: deploys, requests, failed requests, time per step.
 *
 * Everything it starts it stops by pid, at the end or on Ctrl-C.
 *
 *   php -d extension=<bluegreen.so> demo.php <bluegreen.so>
 *   BLUEGREEN_DEMO_PORTS=19501,19502  another pair than 9501/9502
 *   BLUEGREEN_DEMO_SWITCH=socket      the socket switch (each port a unix socket, nginx never reloaded)
 *   BLUEGREEN_DEMO_KEEP=1             keep the sandbox for a look afterwards
 */

declare(strict_types=1);

const DEMO_APP = __DIR__ . '/../../tests/fixtures/app';
const STEPS = ['check', 'prepare', 'start', 'switch', 'drain', 'stop'];

final class Demo
{
    public string $box;
    public array $ports;
    public int $listen;
    public array $pids = [];        // what => pid, everything started
    public bool $socket;            // BLUEGREEN_DEMO_SWITCH=socket: the socket switch
    private bool $tty;

    public function __construct(public string $extension)
    {
        $this->ports = array_map('intval', explode(',', getenv('BLUEGREEN_DEMO_PORTS') ?: '9501,9502'));
        $this->socket = getenv('BLUEGREEN_DEMO_SWITCH') === 'socket';
        $this->tty = function_exists('posix_isatty') && posix_isatty(STDOUT);
    }

    public function say(string $line): void
    {
        echo ($this->tty ? "\r\033[K" : ''), $line, "\n";
    }

    /** The live line: overwritten on a terminal, printed now and then otherwise. */
    public function live(string $line): void
    {
        static $last = 0.0;
        if ($this->tty) {
            echo "\r\033[K", $line;
        } elseif (microtime(true) - $last > 2) {
            echo "  $line\n";
            $last = microtime(true);
        }
    }

    public function fail(string $why): never
    {
        throw new RuntimeException($why);
    }
}

/* --- processes --------------------------------------------------------------- */

/** Runs argv (no shell) in $cwd to completion; [exit, output]. */
function run_command(array $argv, string $cwd, float $timeout = 60): array
{
    $out = tmpfile();
    $proc = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => $out, 2 => $out], $pipes, $cwd);
    $deadline = microtime(true) + $timeout;
    while (($st = proc_get_status($proc))['running'] && microtime(true) < $deadline) {
        usleep(10000);
    }
    if ($st['running']) {
        proc_terminate($proc, SIGKILL);
    }
    proc_close($proc);
    rewind($out);
    return [$st['running'] ? -1 : $st['exitcode'], stream_get_contents($out)];
}

/** Starts argv in the background, output to $log; its pid. */
function start_process(array $argv, string $cwd, string $log): int
{
    $proc = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']],
        $pipes, $cwd);
    return proc_get_status($proc)['pid'];
}

function alive(int $pid): bool
{
    $stat = @file_get_contents("/proc/$pid/stat");
    return $stat !== false && !in_array(explode(' ', substr($stat, strrpos($stat, ')') + 2))[0], ['Z', 'X'], true);
}

/** SIGTERM, then SIGKILL after $grace seconds; waits (bounded) until it is gone. */
function stop_pid(int $pid, float $grace = 5): void
{
    if ($pid <= 0 || !alive($pid)) {
        return;
    }
    posix_kill($pid, SIGTERM);
    for ($t = 0; $t < $grace * 50 && alive($pid); $t++) {
        usleep(20000);
        pcntl_waitpid($pid, $status, WNOHANG);
    }
    if (alive($pid)) {
        posix_kill($pid, SIGKILL);
        usleep(100000);
    }
    pcntl_waitpid($pid, $status, WNOHANG);
}

/** Socket switch: the unix socket bluegreen gives the service of $port, and the symlink nginx names. */
function sock(Demo $d, int $port): string
{
    return "$d->box/releases/.bluegreen/run/$port.sock";
}

function live_sock(Demo $d): string
{
    return "$d->box/releases/.bluegreen/live.sock";
}

/** The inodes of the unix sockets listening on $path (from /proc/net/unix). */
function unix_listen_inodes(string $path): array
{
    $inodes = [];
    foreach (@file('/proc/net/unix') ?: [] as $line) {
        $f = preg_split('/\s+/', trim($line));
        if (($f[7] ?? '') === $path && $f[3] === '00010000') {
            $inodes["socket:[$f[6]]"] = true;
        }
    }
    return $inodes;
}

/** Whether a service serves $port (its unix socket in socket mode). */
function slot_free(Demo $d, int $port): bool
{
    return $d->socket ? unix_listen_inodes(sock($d, $port)) === [] : port_free($port);
}

/** The processes holding a listening socket on 127.0.0.1:$port, or on the unix socket $sock (from /proc). */
function port_owners(int $port, ?string $sock = null): array
{
    $inodes = $sock === null ? [] : unix_listen_inodes($sock);
    foreach ($sock === null ? ['/proc/net/tcp', '/proc/net/tcp6'] : [] as $table) {
        foreach (@file($table) ?: [] as $line) {
            $f = preg_split('/\s+/', trim($line));
            if (($f[3] ?? '') === '0A' && hexdec(substr($f[1], strrpos($f[1], ':') + 1)) === $port) {
                $inodes["socket:[$f[9]]"] = true;
            }
        }
    }
    $owners = [];
    foreach ($inodes ? glob('/proc/[0-9]*', GLOB_ONLYDIR) : [] as $dir) {
        foreach (@scandir("$dir/fd") ?: [] as $fd) {
            if (isset($inodes[@readlink("$dir/fd/$fd")])) {
                $owners[] = (int) basename($dir);
                break;
            }
        }
    }
    return $owners;
}

function port_free(int $port): bool
{
    $s = @stream_socket_server("tcp://127.0.0.1:$port");
    if ($s) {
        fclose($s);
    }
    return $s !== false;
}

function wait_until(callable $cond, float $timeout, ?callable $tick = null): bool
{
    $deadline = microtime(true) + $timeout;
    while (!$cond()) {
        if (microtime(true) > $deadline) {
            return false;
        }
        $tick && $tick();
        usleep(100000);
    }
    return true;
}

/* --- the sandbox --------------------------------------------------------------- */

function git(array $args, string $cwd): string
{
    [$exit, $out] = run_command(array_merge(['git', '-c', 'user.name=Demo', '-c', 'user.email=demo@example.invalid'], $args), $cwd);
    if ($exit !== 0) {
        throw new RuntimeException('git ' . implode(' ', $args) . ": $out");
    }
    return trim($out);
}

function copy_tree(string $from, string $to): void
{
    @mkdir($to, 0755, true);
    foreach (scandir($from) as $e) {
        if ($e === '.' || $e === '..' || $e === 'Temp' || $e === 'Log') {
            continue;
        }
        is_dir("$from/$e") ? copy_tree("$from/$e", "$to/$e") : copy("$from/$e", "$to/$e");
    }
}

/** Commits $files (null deletes) in the work clone and pushes; the sha. */
function push(Demo $d, string $message, array $files): string
{
    foreach ($files as $name => $content) {
        $content === null ? @unlink("$d->box/work/$name") : file_put_contents("$d->box/work/$name", $content);
    }
    git(['add', '-A'], "$d->box/work");
    git(['commit', '-q', '-m', $message], "$d->box/work");
    git(['push', '-q', 'origin', 'HEAD:refs/heads/master'], "$d->box/work");
    return git(['rev-parse', '--short', 'HEAD'], "$d->box/work");
}

function make_remote(Demo $d): void
{
    git(['init', '-q', '--bare', '-b', 'master', "$d->box/remote.git"], $d->box);
    git(['clone', '-q', "$d->box/remote.git", "$d->box/work"], $d->box);
    git(['checkout', '-q', '-b', 'master'], "$d->box/work");
    copy_tree(DEMO_APP, "$d->box/work");
    $dev = file_get_contents("$d->box/work/dev.php");
    file_put_contents("$d->box/work/dev.php", str_replace("'PORT' => 9501", "'PORT' => {$d->ports[0]}", $dev));
    push($d, 'v1', ['VERSION' => "v1\n"]);
}

function start_root(Demo $d): void
{
    $root = "$d->box/releases/app";
    git(['clone', '-q', "$d->box/remote.git", $root], $d->box);
    if ($d->socket) {
        // By hand, once, as the README's socket switch says: v1 on the first port's socket, the symlink to it.
        @mkdir(dirname(sock($d, $d->ports[0])), 0755, true);
        putenv('BLUEGREEN_SOCKET=' . sock($d, $d->ports[0]));
    }
    [$exit, $out] = run_command([PHP_BINARY, 'easyswoole', 'start', 'd'], $root);
    putenv('BLUEGREEN_SOCKET');
    if ($exit !== 0 || !wait_until(fn () => !slot_free($d, $d->ports[0]), 10)) {
        $d->fail("the demo app did not start on {$d->ports[0]}: $out");
    }
    if ($d->socket) {
        chmod(sock($d, $d->ports[0]), 0666);     // nginx's workers connect to it
        symlink(sock($d, $d->ports[0]), live_sock($d));
    }
    $d->pids['v1 service'] = (int) @file_get_contents("$root/Temp/pid.pid");
}

function nginx_binary(): string
{
    foreach (array_merge(explode(':', getenv('PATH') ?: ''), ['/usr/sbin']) as $dir) {
        if ($dir !== '' && is_executable("$dir/nginx")) {
            return "$dir/nginx";
        }
    }
    throw new RuntimeException('nginx not found (apt-get install nginx-light)');
}

function start_nginx(Demo $d): void
{
    $p = "$d->box/nginx";
    @mkdir("$p/tmp", 0755, true);
    for ($d->listen = 18080; !port_free($d->listen); $d->listen++);
    $temp = implode("\n", array_map(fn ($t) => "    {$t}_temp_path $p/tmp/$t;", ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']));
    file_put_contents("$p/nginx.conf", "worker_processes 1;\npid $p/nginx.pid;\nerror_log $p/error.log;\n"
        . "events { worker_connections 1024; }\nhttp {\n    access_log off;\n$temp\n"
        . "    upstream demo {\n        server " . ($d->socket ? 'unix:' . live_sock($d) : "127.0.0.1:{$d->ports[0]}")
        . ";\n    }\n"
        . "    server {\n        listen 127.0.0.1:$d->listen;\n        location / { proxy_pass http://demo; }\n    }\n}\n");
    [$exit, $out] = run_command([nginx_binary(), '-p', "$p/", '-c', "$p/nginx.conf"], $p);
    if ($exit !== 0 || !wait_until(fn () => (int) @file_get_contents("$p/nginx.pid") > 0, 5)) {
        $d->fail("nginx did not start: $out" . @file_get_contents("$p/error.log"));
    }
    $d->pids['nginx'] = (int) file_get_contents("$p/nginx.pid");
}

function options(Demo $d): array
{
    return [
        'root' => "$d->box/releases/app",
        'ports' => $d->ports,
        'health' => ['path' => '/health', 'timeout' => 5],
        'drain_timeout' => 10,
        'nginx' => ['conf' => "$d->box/nginx/nginx.conf", 'upstream' => 'demo', 'binary' => nginx_binary(),
                    'prefix' => "$d->box/nginx", 'pid' => "$d->box/nginx/nginx.pid"],
    ] + ($d->socket ? ['switch' => 'socket'] : []);
}

/* --- watching ------------------------------------------------------------------ */

function stats(Demo $d): array
{
    return json_decode((string) @file_get_contents("$d->box/load.json"), true)
        ?: ['ok' => 0, 'failed' => 0, 'errors' => 0, 'answer' => '', 'versions' => []];
}

/** The releaser's log lines (JSON), optionally only those containing $needle. */
function log_lines(Demo $d, string $needle = ''): array
{
    $lines = [];
    foreach (@file("$d->box/releaser.jsonl") ?: [] as $raw) {
        $l = json_decode($raw, true);
        if ($l && ($needle === '' || str_contains($l['message'], $needle))) {
            $lines[] = $l;
        }
    }
    return $lines;
}

function show_live(Demo $d): void
{
    $s = stats($d);
    $d->live(sprintf('requests: %d ok, %d failed, %d errors | nginx answers %s', $s['ok'], $s['failed'], $s['errors'],
        $s['answer'] ?: '...'));
}

function answers(Demo $d, string $version, int $port): bool
{
    return stats($d)['answer'] === "$version on port $port";
}

/* --- the story ------------------------------------------------------------------- */

function story(Demo $d): void
{
    $t0 = microtime(true);
    $d->say("== v1 is live on port {$d->ports[0]}; nginx listens on 127.0.0.1:$d->listen");
    if ($d->socket) {
        $d->say('== socket switch: each port is a unix socket, nginx\'s upstream names ' . live_sock($d)
            . ', and nginx is never reloaded');
    }
    if (!wait_until(fn () => answers($d, 'v1', $d->ports[0]), 10, fn () => show_live($d))) {
        $d->fail('nginx does not answer with v1');
    }
    wait_until(fn () => false, 1.5, fn () => show_live($d));

    $sha = push($d, 'v2', ['VERSION' => "v2\n"]);
    $d->say("== pushed v2 ($sha): the releaser notices it, builds it beside v1, starts it on {$d->ports[1]}, switches nginx");
    if (!wait_until(fn () => answers($d, 'v2', $d->ports[1]), 60, fn () => show_live($d))) {
        $d->fail('v2 did not go live; see ' . "$d->box/releaser.jsonl");
    }
    $d->say(sprintf('== v2 live on port %d after %.1f s; v1 drained and stopped', $d->ports[1], microtime(true) - $t0));
    wait_until(fn () => false, 1.5, fn () => show_live($d));

    $sha = push($d, 'v3 (broken: its health check answers 500)', ['VERSION' => "v3\n", 'HEALTH_STATUS' => "500\n"]);
    $d->say("== pushed a broken v3 ($sha): its health check answers 500");
    if (!wait_until(fn () => log_lines($d, 'failed at start') !== [], 60, fn () => show_live($d))) {
        $d->fail('the broken v3 was not refused');
    }
    $d->say('== v3 refused: ' . strtok(log_lines($d, 'failed at start')[0]['message'], ';') . '; v2 kept serving');
    if (!answers($d, 'v2', $d->ports[1])) {
        $d->fail('v2 stopped answering');
    }
    wait_until(fn () => false, 1.5, fn () => show_live($d));

    $d->say('== rollback: the previous release, v1, goes live again');
    rollback($d);
    if (!wait_until(fn () => answers($d, 'v1', $d->ports[0]), 10, fn () => show_live($d))) {
        $d->fail('the rollback did not bring v1 back');
    }
    $d->say("== v1 live again on port {$d->ports[0]}");
    wait_until(fn () => false, 1.5, fn () => show_live($d));
}

/** rollback() while the releaser's run() loop goes on: it waits for the lock. */
function rollback(Demo $d): void
{
    $options = options($d) + ['log' => function (string $level, string $message, array $context) use ($d): void {
        file_put_contents("$d->box/releaser.jsonl", json_encode(['at' => microtime(true), 'level' => $level,
            'message' => $message, 'context' => $context]) . "\n", FILE_APPEND);
    }];
    $releaser = new BlueGreen\Releaser($options);
    for ($try = 0; ; $try++) {
        try {
            $releaser->rollback();
            return;
        } catch (BlueGreen\LockException $e) {
            if ($try > 100) {
                throw $e;
            }
            usleep(100000);
        }
    }
}

function summary(Demo $d): bool
{
    $s = stats($d);
    $durations = array_fill_keys(STEPS, []);
    $deploys = 0;
    foreach (log_lines($d) as $l) {
        $step = $l['context']['step'] ?? '';
        if (isset($durations[$step], $l['context']['duration_ms'])) {
            $durations[$step][] = $l['context']['duration_ms'];
        }
        $deploys += in_array($step, ['deploy', 'rollback'], true) ? 1 : 0;
    }
    $d->say('');
    $d->say('== summary');
    $d->say(sprintf('  %-28s %d (v2, and the rollback to v1; the broken v3 refused)', 'releases gone live', $deploys));
    $d->say(sprintf('  %-28s %d', 'requests answered', $s['ok']));
    $d->say(sprintf('  %-28s %d', 'failed requests (non-2xx)', $s['failed']));
    $d->say(sprintf('  %-28s %d', 'connection errors', $s['errors']));
    $d->say(sprintf('  %-28s %s', 'versions seen', implode(', ', array_map(fn ($v, $n) => "$v: $n",
        array_keys($s['versions']), $s['versions']))));
    $d->say('  time per step (median, max):');
    foreach ($durations as $step => $ms) {
        if ($ms) {
            sort($ms);
            $d->say(sprintf('    %-10s %8.0f ms %8.0f ms   (%d times)', $step, $ms[intdiv(count($ms), 2)], end($ms), count($ms)));
        }
    }
    return $s['failed'] === 0 && $s['errors'] === 0;
}

/* --- setup and teardown ---------------------------------------------------------- */

function setup(Demo $d): void
{
    foreach ($d->ports as $port) {
        if (!port_free($port)) {
            $d->fail("port $port is in use: stop what listens there, or set BLUEGREEN_DEMO_PORTS=19501,19502");
        }
    }
    $d->box = rtrim(run_command(['mktemp', '-d', sys_get_temp_dir() . '/bluegreen-demo.XXXXXX'], '/')[1]);
    if ($d->socket) {
        chmod($d->box, 0755);   // mktemp's 0700: nginx's workers must reach the sockets below it
    }
    $d->say("== sandbox $d->box");
    make_remote($d);
    start_root($d);
    start_nginx($d);
    file_put_contents("$d->box/options.json", json_encode(options($d)));
    $d->pids['releaser'] = start_process([PHP_BINARY, '-d', "extension=$d->extension", __DIR__ . '/releaser.php',
        "$d->box/options.json", "$d->box/releaser.jsonl"], $d->box, "$d->box/releaser.out");
    $d->pids['load'] = start_process([PHP_BINARY, __DIR__ . '/load.php', (string) $d->listen, "$d->box/load.json", '4'],
        $d->box, "$d->box/load.out");
}

/** Stops everything, by pid; true when nothing is left listening. */
function teardown(Demo $d): bool
{
    foreach (['load', 'releaser'] as $what) {
        stop_pid($d->pids[$what] ?? 0);
    }
    foreach ($d->ports as $port) {
        foreach (port_owners($port, $d->socket && isset($d->box) ? sock($d, $port) : null) as $pid) {
            stop_pid($pid, 3);
        }
    }
    stop_pid($d->pids['v1 service'] ?? 0, 3);
    stop_pid($d->pids['nginx'] ?? 0);
    $clean = true;
    foreach (array_merge($d->ports, [$d->listen ?? 0]) as $port) {
        if ($port && (!port_free($port) || ($d->socket && isset($d->box) && !slot_free($d, $port)))) {
            $d->say("!! port $port is still in use");
            $clean = false;
        }
    }
    if (isset($d->box) && getenv('BLUEGREEN_DEMO_KEEP') !== '1') {
        run_command(['rm', '-rf', $d->box], '/');
    } elseif (isset($d->box)) {
        $d->say("== kept $d->box");
    }
    return $clean;
}

$demo = new Demo($argv[1] ?? '');
pcntl_async_signals(true);
$interrupted = false;
foreach ([SIGINT, SIGTERM] as $sig) {
    pcntl_signal($sig, function () use (&$interrupted) {
        $interrupted = true;
        throw new RuntimeException('interrupted');
    });
}
$ok = false;
try {
    setup($demo);
    story($demo);
    $demo->say('== stopping the load');
    stop_pid($demo->pids['load']);
    unset($demo->pids['load']);
    $ok = summary($demo);
} catch (Throwable $e) {
    $demo->say('!! ' . $e->getMessage());
}
$demo->say('== stopping everything the demo started');
$clean = teardown($demo);
$demo->say($clean ? '== nothing left running or listening' : '!! something was left running');
exit($interrupted ? 130 : ($ok && $clean ? 0 : 1));
