<?php
/*
 * A plain Swoole HTTP service ready for both of bluegreen's switches: on the
 * unix socket bluegreen names in BLUEGREEN_SOCKET (option `switch =>
 * 'socket'`), else on 127.0.0.1 and the port in BLUEGREEN_PORT (the reload
 * switch). GET /health answers 200 `ok`, the route bluegreen's health check
 * asks for. Start it as bluegreen's `start` command:
 *
 *     'start' => [PHP_BINARY, 'server.php'],
 *
 * It daemonizes (the start command returns once the server is up) and
 * writes its pid file beside itself, so that each release has its own.
 */

$socket = getenv('BLUEGREEN_SOCKET');
$server = $socket
    // The port is ignored for a unix socket: 0.
    ? new Swoole\Http\Server($socket, 0, SWOOLE_PROCESS, SWOOLE_SOCK_UNIX_STREAM)
    : new Swoole\Http\Server('127.0.0.1', (int) (getenv('BLUEGREEN_PORT') ?: 9501), SWOOLE_PROCESS, SWOOLE_SOCK_TCP);

$server->set([
    'daemonize' => true,
    'pid_file' => __DIR__ . '/server.pid',
    'log_file' => __DIR__ . '/server.log',
    'worker_num' => 4,
    // Seconds a stopping worker gets to finish its requests (after
    // bluegreen's drain, nginx sends the old socket nothing new).
    'max_wait_time' => 3,
]);

$server->on('request', function (Swoole\Http\Request $request, Swoole\Http\Response $response) {
    if ($request->server['request_uri'] === '/health') {
        $response->end('ok');
        return;
    }
    $response->end('hello from ' . (getenv('BLUEGREEN_COMMIT') ?: 'the first release') . "\n");
});

$server->start();
