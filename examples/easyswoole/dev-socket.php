<?php
/*
 * EasySwoole's dev.php for bluegreen's socket switch (`'switch' => 'socket'`
 * in bluegreen.php): the main server listens on the unix socket bluegreen
 * names in BLUEGREEN_SOCKET, and on 127.0.0.1:BLUEGREEN_PORT when that is not
 * set (the reload switch), from the same file.
 *
 * EasySwoole 3.3.0 to 3.7.1 all hand MAIN_SERVER's LISTEN_ADDRESS, PORT,
 * RUN_MODEL and SOCK_TYPE to `new Swoole\Http\Server(LISTEN_ADDRESS, PORT,
 * RUN_MODEL, SOCK_TYPE)` as given (src/Core.php createServer,
 * src/ServerManager.php createSwooleServer), so these lines work unchanged in
 * each of them; only the start command differs (bluegreen picks it per
 * release). The rest is dev.php of this directory: see there.
 */

use EasySwoole\Log\LoggerInterface;

$socket = getenv('BLUEGREEN_SOCKET') ?: null;

return [
    'SERVER_NAME' => "EasySwoole",
    'MAIN_SERVER' => [
        // A unix socket's path, or nginx's loopback address.
        'LISTEN_ADDRESS' => $socket ?? '127.0.0.1',
        // Ignored by Swoole for a unix socket.
        'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: 9501),
        'SERVER_TYPE' => EASYSWOOLE_WEB_SERVER,
        'SOCK_TYPE' => $socket !== null ? SWOOLE_UNIX_STREAM : SWOOLE_TCP,
        'RUN_MODEL' => SWOOLE_PROCESS,
        'SETTING' => [
            'worker_num' => 8,
            'reload_async' => true,
            'max_wait_time' => 3
        ],
        'TASK' => [
            'workerNum' => 4,
            'maxRunningNum' => 128,
            'timeout' => 15
        ]
    ],
    "LOG" => [
        'dir' => null,
        'level' => LoggerInterface::LOG_LEVEL_DEBUG,
        'handler' => null,
        'logConsole' => true,
        'displayConsole' => true,
        'ignoreCategory' => []
    ],
    'TEMP_DIR' => null
];
