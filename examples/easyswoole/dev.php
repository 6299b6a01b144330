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
 */

use EasySwoole\Log\LoggerInterface;

return [
    'SERVER_NAME' => "EasySwoole",
    'MAIN_SERVER' => [
        // nginx proxies to 127.0.0.1 (bluegreen's `host`): not reachable from outside.
        'LISTEN_ADDRESS' => '127.0.0.1',
        'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: 9501),
        'SERVER_TYPE' => EASYSWOOLE_WEB_SERVER,
        'SOCK_TYPE' => SWOOLE_TCP,
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
