<?php
/*
 * The demo's releaser: the standalone job, run() every second until SIGTERM.
 * Every log line goes to argv[2] as JSON (level, message, context), which the
 * demo reads for its live view and its summary of step durations.
 *
 *   php -d extension=bluegreen.so releaser.php <options.json> <log.jsonl>
 */

declare(strict_types=1);

$options = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
$log = fopen($argv[2], 'a');
$options['log'] = function (string $level, string $message, array $context) use ($log): void {
    fwrite($log, json_encode(['at' => microtime(true), 'level' => $level, 'message' => $message,
        'context' => $context]) . "\n");
};
(new BlueGreen\Releaser($options))->run(1);
