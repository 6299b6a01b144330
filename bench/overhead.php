<?php
/*
 * The pipeline's overhead (not a test): N deploys of the fixture app without
 * load, through a real nginx, in reload and in socket mode, each step's
 * median (from history(): the steps bluegreen timed) against the app's own
 * floor: the fixture app's start-to-healthy time measured directly (its
 * start command, the one bluegreen runs, launched; /health polled every millisecond until 200).
 *
 *   overhead = start + switch + drain + stop - floor
 *
 * check and prepare (git and the checkout) are shown apart and not counted:
 * they happen before the service is touched. The health gate asks for one
 * healthy answer (health.successes 1): each further one adds health.interval
 * on purpose, which is the user's choice, not overhead.
 *
 *   php -d extension=modules/bluegreen.so bench/overhead.php [deploys=10] [modes=reload,socket]
 */

declare(strict_types=1);

require __DIR__ . '/../tests/inc/socket.inc';

$deploys = (int) ($argv[1] ?? 10);
$modes = explode(',', $argv[2] ?? 'reload,socket');

function median(array $xs): float
{
    if (!$xs) {
        return 0.0;
    }
    sort($xs);
    return (float) $xs[intdiv(count($xs), 2)];
}

/** The fixture app's start-to-healthy time in ms: `php easyswoole start d`, then /health until 200. */
function app_floor(string $box, int $port, ?string $sock): float
{
    $dir = "$box/floor-$port";
    bg_app_copy($dir, ['VERSION' => "floor\n"]);
    bg_set_port($dir, $port);
    $env = $sock === null ? getenv() : ['BLUEGREEN_SOCKET' => $sock] + getenv();
    if ($sock !== null) {
        @unlink($sock);   // a stopped release's socket file: Swoole does not bind over it
    }
    $t0 = microtime(true);
    // The command bluegreen runs for the fixture (its start step's log names it).
    $child = bg_spawn([PHP_BINARY, 'easyswoole.php', 'server', 'start', '-d', '-mode=dev'], $dir, null, $env);
    $ms = -1.0;
    while (microtime(true) - $t0 < 10) {
        $r = $sock === null ? bg_http_get('127.0.0.1', $port, '/health', 1.0) : bg_unix_get($sock, '/health', 1.0);
        if (($r['status'] ?? 0) === 200) {
            $ms = (microtime(true) - $t0) * 1000;
            break;
        }
        usleep(1000);
    }
    bg_finish($child, 10);
    bg_app_run($dir, ['easyswoole', 'stop'], 10);
    bg_wait_for(fn () => $sock === null ? bg_socket_holders($port) === [] : bg_unix_holders($sock) === [], 5);
    if ($ms < 0) {
        throw new RuntimeException("the fixture app on " . ($sock ?? "port $port") . " was not healthy within 10 s");
    }
    return $ms;
}

/** N deploys in $mode: the medians of each step, from history(). */
function deploys(string $mode, int $deploys): array
{
    $box = bg_sandbox("bench-overhead-$mode");
    $socket = $mode === 'socket';
    $scene = $socket ? bg_socket_scene($box) : bg_deploy_scene($box);
    try {
        $options = $socket ? 'bg_socket_options' : 'bg_deploy_options';
        $r = new BlueGreen\Releaser($options($scene, [
            'keep_releases' => 3,
            'log' => fn () => null,
            'health' => ['path' => '/health', 'timeout' => 10, 'successes' => 1],
        ]));
        $floors = [];
        for ($i = 2; $i <= $deploys + 1; $i++) {
            bg_app_commit($scene, "v$i");
            $r->deploy();
            usleep(300000);
            // The floor on the port the next deploy starts on, now idle: the same port, the same machine state.
            $idle = $r->status()['live']['port'] === $scene['a'] ? $scene['b'] : $scene['a'];
            $floors[] = app_floor($box, $idle, $socket ? $scene['socks'][$idle] : null);
        }
        $steps = ['total' => []];
        foreach ($r->history($deploys) as $h) {
            foreach ($h['steps'] as $s) {
                $steps[$s['step']][] = $s['ms'];
            }
        }
        foreach ($r->history($deploys) as $h) {
            $steps['total'][] = array_sum(array_map(fn ($s) => in_array($s['step'], ['start', 'switch', 'drain', 'stop', 'watch'], true) ? $s['ms'] : 0,
                $h['steps']));
        }
        return ['floor' => median($floors)] + array_map('median', $steps);
    } finally {
        $socket ? bg_socket_scene_stop($scene) : bg_scene_stop($scene);
        bg_rmrf($box);
    }
}

$rows = [];
foreach ($modes as $mode) {
    $rows[$mode] = deploys($mode, $deploys);
}
printf("%d deploys per mode without load, medians in ms, nginx %s, %d CPUs (%s)\n\n", $deploys,
    trim(explode('/', shell_exec('nginx -v 2>&1') ?: '?')[1] ?? '?'), (int) shell_exec('nproc'),
    trim(preg_replace('/.*model name\s*:\s*([^\n]+).*/s', '$1', (string) @file_get_contents('/proc/cpuinfo'))));
$cols = ['prepare', 'floor', 'start', 'switch', 'drain', 'stop', 'total'];
$goal = ['reload' => 300, 'socket' => 150];
printf("| %-6s |%s %8s | %4s |\n", 'switch', implode('', array_map(fn ($c) => sprintf(' %7s |', $c), $cols)), 'overhead', 'goal');
printf("|%s|%s%s|%s|\n", str_repeat('-', 8), str_repeat(str_repeat('-', 9) . '|', count($cols)), str_repeat('-', 10), str_repeat('-', 6));
foreach ($rows as $mode => $r) {
    printf("| %-6s |%s %8.0f | %4s |\n", $mode, implode('', array_map(fn ($c) => sprintf(' %7.0f |', $r[$c] ?? 0), $cols)),
        $r['total'] - $r['floor'], ($goal[$mode] ?? '') ? "≤" . $goal[$mode] : '');
}
$other = array_diff(array_unique(array_merge(...array_map('array_keys', array_values($rows)))), $cols, ['check', 'watch']);
if ($other) {
    echo "\nother steps (not in total): ", implode(', ', $other), "\n";
}
