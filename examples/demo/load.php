<?php
/*
 * The demo's traffic: N concurrent clients sending GET / through nginx, one
 * request per connection (Connection: close), counting what comes back. It
 * writes its counts as JSON to argv[2] five times a second, and stops on
 * SIGTERM.
 *
 *   php load.php <port> <stats file> [connections]
 */

declare(strict_types=1);

[$self, $port, $statsFile] = $argv + [null, null, null];
$connections = (int) ($argv[3] ?? 4);
$stats = ['ok' => 0, 'failed' => 0, 'errors' => 0, 'answer' => '', 'versions' => []];
$stop = false;
pcntl_async_signals(true);
pcntl_signal(SIGTERM, function () use (&$stop) { $stop = true; });
pcntl_signal(SIGINT, function () use (&$stop) { $stop = true; });

/** A new request in flight: ['sock', 'buf', 'since']. */
function open_request(int $port): ?array
{
    $sock = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 2,
        STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT);
    if ($sock === false) {
        return null;
    }
    stream_set_blocking($sock, false);
    return ['sock' => $sock, 'buf' => '', 'sent' => false, 'since' => microtime(true)];
}

/** Counts a finished response. */
function record(array &$stats, string $response): void
{
    if (!preg_match('#^HTTP/1\.[01] (\d{3})#', $response, $m)) {
        $stats['errors']++;
        return;
    }
    if ($m[1][0] !== '2') {
        $stats['failed']++;
        return;
    }
    $stats['ok']++;
    if (preg_match('/version=(\S+) port=(\d+)/', $response, $v)) {
        $stats['answer'] = "$v[1] on port $v[2]";
        $stats['versions'][$v[1]] = ($stats['versions'][$v[1]] ?? 0) + 1;
    }
}

$inflight = [];
$written = 0.0;
while (!$stop) {
    while (count($inflight) < $connections) {
        $req = open_request((int) $port);
        if ($req === null) {
            $stats['errors']++;
            usleep(10000);
            break;
        }
        $inflight[] = $req;
    }
    $read = $write = [];
    foreach ($inflight as $r) {
        $r['sent'] ? $read[] = $r['sock'] : $write[] = $r['sock'];
    }
    $except = null;
    if (@stream_select($read, $write, $except, 0, 100000) === false) {
        continue;
    }
    foreach ($inflight as $i => &$r) {
        if (!$r['sent'] && in_array($r['sock'], $write, true)) {
            $r['sent'] = @fwrite($r['sock'], "GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n") > 0;
            if (!$r['sent']) {
                $stats['errors']++;
                fclose($r['sock']);
                unset($inflight[$i]);
            }
        } elseif ($r['sent'] && in_array($r['sock'], $read, true)) {
            $chunk = fread($r['sock'], 8192);
            if ($chunk === '' || $chunk === false) {
                record($stats, $r['buf']);
                fclose($r['sock']);
                unset($inflight[$i]);
            } else {
                $r['buf'] .= $chunk;
            }
        } elseif (microtime(true) - $r['since'] > 10) {
            $stats['errors']++;
            fclose($r['sock']);
            unset($inflight[$i]);
        }
    }
    unset($r);
    if (microtime(true) - $written > 0.2) {
        file_put_contents("$statsFile.tmp", json_encode($stats));
        rename("$statsFile.tmp", $statsFile);
        $written = microtime(true);
    }
}
file_put_contents("$statsFile.tmp", json_encode($stats));
rename("$statsFile.tmp", $statsFile);
