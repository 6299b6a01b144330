<?php
/*
 * EasySwoole's dev.php (the 3.6+ template), as bluegreen needs it.
 *
 * PORT: read from BLUEGREEN_PORT, which bluegreen sets for the start command
 * (and for `stop`); the literal when started by hand (the first release).
 * So bluegreen.php sets `port_files => []`: no release's dev.php is rewritten,
 * and each stays exactly as git checked it out. (With a plain `'PORT' => 9501`
 * instead, `port_files => ['dev.php']` sets the number per release.)
 *
 * TEMP_DIR: leave it null (ROOT/Temp), so that each release has its own.
 * The pid file ({mode}.pid, pid.pid before 3.6), the bridge socket and the
 * task sockets live there: two releases sharing one TEMP_DIR would overwrite
 * each other's pid file and unlink each other's sockets while both run.
 * Never put Temp/ in bluegreen's `shared` option either.
 *
 * LISTEN_ADDRESS, SOCK_TYPE: for the socket switch (`'switch' => 'socket'` in
 * bluegreen.php) the main server listens on the unix socket bluegreen names
 * in BLUEGREEN_SOCKET; without it (the reload switch), on
 * 127.0.0.1:BLUEGREEN_PORT: one file for both. EasySwoole 3.3.0 to 3.7.1 all
 * hand MAIN_SERVER's LISTEN_ADDRESS, PORT, RUN_MODEL and SOCK_TYPE to
 * `new Swoole\Http\Server(LISTEN_ADDRESS, PORT, RUN_MODEL, SOCK_TYPE)` as
 * given (src/Core.php createServer, src/ServerManager.php
 * createSwooleServer), so these lines work unchanged in each of them; only
 * the start command differs (bluegreen picks it per release).
 */

use EasySwoole\Log\LoggerInterface;

$socket = getenv('BLUEGREEN_SOCKET') ?: null;

return [
    'SERVER_NAME' => "EasySwoole",
    'MAIN_SERVER' => [
        // The socket switch's unix socket, or 127.0.0.1 (bluegreen's `host`),
        // where nginx proxies to: not reachable from outside.
        'LISTEN_ADDRESS' => $socket ?? '127.0.0.1',
        // Ignored by Swoole for a unix socket.
        'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: 9501),
        'SERVER_TYPE' => EASYSWOOLE_WEB_SERVER,
        'SOCK_TYPE' => $socket !== null ? SWOOLE_UNIX_STREAM : SWOOLE_TCP,
        'RUN_MODEL' => SWOOLE_PROCESS,
        'SETTING' => [
            'worker_num' => 8,
            'reload_async' => true,
            // Seconds a stopping worker gets to finish its requests (after
            // bluegreen's drain_timeout, nginx sends it nothing new).
            'max_wait_time' => 3
        ],
        'TASK' => [
            'workerNum' => 4,
            'maxRunningNum' => 128,
            'timeout' => 15
        ]
    ],
    "LOG" => [
        // null: ROOT/Log, which bluegreen's `shared` links to releases_dir/shared/Log.
        'dir' => null,
        'level' => LoggerInterface::LOG_LEVEL_DEBUG,
        'handler' => null,
        'logConsole' => true,
        'displayConsole' => true,
        'ignoreCategory' => []
    ],
    // null: ROOT/Temp, one per release (see above).
    'TEMP_DIR' => null
];
