<?php
/*
 * `php -S 127.0.0.1:PORT bench/git_http_router.php` with GIT_PROJECT_ROOT
 * set: git's smart HTTP (git http-backend, as CGI) for bench/rss.php.
 */
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$env = [
    'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
    'GIT_PROJECT_ROOT' => getenv('GIT_PROJECT_ROOT'),
    'GIT_HTTP_EXPORT_ALL' => '1',
    'REQUEST_METHOD' => $_SERVER['REQUEST_METHOD'],
    'PATH_INFO' => $path,
    'QUERY_STRING' => $_SERVER['QUERY_STRING'] ?? '',
    'CONTENT_TYPE' => $_SERVER['CONTENT_TYPE'] ?? '',
    'REMOTE_ADDR' => $_SERVER['REMOTE_ADDR'] ?? '127.0.0.1',
    'GIT_PROTOCOL' => $_SERVER['HTTP_GIT_PROTOCOL'] ?? '',
    'HTTP_CONTENT_ENCODING' => $_SERVER['HTTP_CONTENT_ENCODING'] ?? '',
];
$input = file_get_contents('php://input');
$env['CONTENT_LENGTH'] = (string) strlen($input);
$proc = proc_open(['git', 'http-backend'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
    $pipes, null, $env);
fwrite($pipes[0], $input);
fclose($pipes[0]);
$out = stream_get_contents($pipes[1]);
fclose($pipes[1]);
proc_close($proc);
$split = strpos($out, "\r\n\r\n");
$sep = 4;
if ($split === false) {
    $split = strpos($out, "\n\n");
    $sep = 2;
}
foreach (preg_split('/\r?\n/', substr($out, 0, (int) $split)) as $line) {
    if (stripos($line, 'Status:') === 0) {
        http_response_code((int) trim(substr($line, 7)));
    } elseif ($line !== '') {
        header($line);
    }
}
echo substr($out, (int) $split + $sep);
