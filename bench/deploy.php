<?php
/*
 * The deploy benchmark (not a test): N deploys of the fixture app under wrk
 * load through nginx, for three strategies on the same app and load:
 *
 *   bluegreen    deploy(): start on the idle port, healthy, switch, drain, stop
 *   bg socket    the same with 'switch' => 'socket': each release on a unix
 *                socket, nginx's upstream naming the live socket's symlink,
 *                the switch a rename(2); nginx never reloaded
 *   seed         the EasySwoole article's: start the new service (`start d`),
 *                str_replace the port in the nginx config, `nginx -s reload`,
 *                stop the old service at once
 *   reload only  `nginx -s reload` N times, no deploy: the floor
 *
 * each with Connection: close clients and with keep-alive clients. It prints
 * one table: requests served, non-2xx, socket errors, and the median
 * duration of each step.
 *
 *   php -d extension=modules/bluegreen.so bench/deploy.php [deploys] [seconds between deploys] [strategies]
 *
 * strategies: a comma-separated subset of "bluegreen,socket,seed,reload" (default all).
 */

declare(strict_types=1);

require __DIR__ . '/../tests/inc/socket.inc';

$deploys = (int) ($argv[1] ?? 20);
$pause = (float) ($argv[2] ?? 0.5);
$only = explode(',', $argv[3] ?? 'bluegreen,socket,seed,reload');

/** wrk through nginx: Connection: close, or keep-alive. */
function load_start(int $port, bool $keepalive): array
{
    $args = ['wrk', '-t2', '-c16', '-d600s'];
    if (!$keepalive) {
        array_push($args, '-H', 'Connection: close');
    }
    $out = tmpfile();
    $child = bg_spawn(array_merge($args, ["http://127.0.0.1:$port/"]), sys_get_temp_dir(), $out);
    usleep(500000);
    return $child;
}

function median(array $xs): float
{
    if (!$xs) {
        return 0.0;
    }
    sort($xs);
    return (float) $xs[intdiv(count($xs), 2)];
}

/** N deploys with bluegreen: step durations from the log context. */
function run_bluegreen(array $scene, int $deploys, float $pause, bool $socket = false): array
{
    $steps = [];
    $options = $socket ? 'bg_socket_options' : 'bg_deploy_options';
    $r = new BlueGreen\Releaser($options($scene, [
        'keep_releases' => 3,
        'log' => function (string $level, string $message, array $ctx) use (&$steps): void {
            if (isset($ctx['step'], $ctx['duration_ms']) && in_array($ctx['step'], ['check', 'prepare', 'start', 'switch', 'drain', 'stop'], true)) {
                $steps[$ctx['step']][] = $ctx['duration_ms'];
            }
        },
    ]));
    for ($i = 2; $i <= $deploys + 1; $i++) {
        bg_app_commit($scene, "v$i");
        $r->deploy();
        usleep((int) ($pause * 1e6));
    }
    return $steps;
}

/** N deploys with the socket switch. */
function run_bluegreen_socket(array $scene, int $deploys, float $pause): array
{
    return run_bluegreen($scene, $deploys, $pause, true);
}

/** The service on $port, stopped the seed's way: `php easyswoole stop` in its release. */
function seed_stop(string $dir): float
{
    $t = microtime(true);
    bg_app_run($dir, ['easyswoole', 'stop'], 30);
    return (microtime(true) - $t) * 1000;
}

/** N deploys the seed's way (no health check, no drain). */
function run_seed(array $scene, int $deploys, float $pause): array
{
    $steps = [];
    $live = $scene['root'];
    $port = $scene['a'];
    for ($i = 2; $i <= $deploys + 1; $i++) {
        $next = $port === $scene['a'] ? $scene['b'] : $scene['a'];
        $dir = "{$scene['box']}/seed-v$i";
        $t = microtime(true);
        bg_app_copy($dir, ['VERSION' => "v$i\n"]);
        bg_set_port($dir, $next);
        $steps['prepare'][] = (microtime(true) - $t) * 1000;
        $t = microtime(true);
        bg_app_run($dir, ['easyswoole', 'start', 'd']);
        $steps['start'][] = (microtime(true) - $t) * 1000;
        $t = microtime(true);
        file_put_contents($scene['conf'], str_replace((string) $port, (string) $next, file_get_contents($scene['conf'])));
        posix_kill($scene['master'], SIGHUP);
        $steps['switch'][] = (microtime(true) - $t) * 1000;
        $steps['stop'][] = seed_stop($live);
        [$live, $port] = [$dir, $next];
        usleep((int) ($pause * 1e6));
    }
    return $steps;
}

/** N reloads of an unchanged config: what a reload alone costs. */
function run_reload_only(array $scene, int $deploys, float $pause): array
{
    $steps = [];
    for ($i = 0; $i < $deploys; $i++) {
        $t = microtime(true);
        posix_kill($scene['master'], SIGHUP);
        $steps['switch'][] = (microtime(true) - $t) * 1000;
        usleep((int) (($pause + 0.5) * 1e6));
    }
    return $steps;
}

function measure(string $name, callable $strategy, bool $keepalive, int $deploys, float $pause): array
{
    $box = bg_sandbox('bench-' . preg_replace('/\W+/', '-', $name) . ($keepalive ? '-ka' : '-close'));
    $socket = $strategy === 'run_bluegreen_socket';
    $scene = $socket ? bg_socket_scene($box) : bg_deploy_scene($box);
    try {
        $load = load_start($scene['listen'], $keepalive);
        $steps = $strategy($scene, $deploys, $pause);
        usleep(500000);
        $result = bg_load_stop($load);
    } finally {
        $socket ? bg_socket_scene_stop($scene) : bg_scene_stop($scene);
        bg_rmrf($box);
    }
    return ['name' => $name, 'clients' => $keepalive ? 'keep-alive' : 'close'] + $result
        + ['steps' => array_map('median', $steps)];
}

$rows = [];
$strategies = ['bluegreen' => ['bluegreen', 'run_bluegreen'], 'socket' => ['bg socket', 'run_bluegreen_socket'],
    'seed' => ['seed', 'run_seed'], 'reload' => ['reload only', 'run_reload_only']];
foreach ([false, true] as $keepalive) {
    foreach (array_intersect_key($strategies, array_flip($only)) as [$name, $fn]) {
        $rows[] = measure($name, $fn, $keepalive, $deploys, $pause);
    }
}

printf("%d deploys per row, wrk -t2 -c16 through nginx %s, %d CPUs (%s)\n\n", $deploys,
    trim(explode('/', shell_exec('nginx -v 2>&1') ?: '?')[1] ?? '?'), (int) shell_exec('nproc'),
    trim(preg_replace('/.*model name\s*:\s*([^\n]+).*/s', '$1', (string) @file_get_contents('/proc/cpuinfo'))));
$steps = ['check', 'prepare', 'start', 'switch', 'drain', 'stop'];
printf("| %-11s | %-10s | %9s | %7s | %13s |%s\n", 'strategy', 'clients', 'requests', 'non-2xx', 'socket errors',
    implode('', array_map(fn ($s) => sprintf(' %7s |', $s), $steps)));
printf("|%s|%s|%s|%s|%s|%s\n", str_repeat('-', 13), str_repeat('-', 12), str_repeat('-', 11), str_repeat('-', 9),
    str_repeat('-', 15), str_repeat(str_repeat('-', 9) . '|', count($steps)));
foreach ($rows as $r) {
    printf("| %-11s | %-10s | %9d | %7d | %13d |%s\n", $r['name'], $r['clients'], $r['requests'], $r['non2xx'],
        $r['errors'], implode('', array_map(fn ($s) => isset($r['steps'][$s])
            ? sprintf(' %5.0fms |', $r['steps'][$s]) : '       - |', $steps)));
}
