--TEST--
Releaser::deploy(): the TEMP_DIR check reads the mode file with the start command's PHP and -d options, knows Swoole's constants without Swoole (SWOOLE_TCP, SWOOLE_PROCESS), and a mode file it still cannot read is a warning, never a refused deploy
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-temp-dir-php');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
// What `-d extension=swoole.so` gives the service (Swoole is not installed
// here): its constants, from a prepended file (which `php -r` would not
// run); and an include_path of the app's own.
$prepend = "$box/swoole.php";
file_put_contents($prepend, "<?php\nforeach (['SWOOLE_TCP' => 1, 'SWOOLE_PROCESS' => 2, 'EASYSWOOLE_WEB_SERVER' => 2]"
    . " as \$k => \$v) { defined(\$k) || define(\$k, \$v); }\n");
mkdir("$box/inc");
file_put_contents("$box/inc/fixture_temp.php", "<?php\ndefined('FIXTURE_TEMP_DIR') || define('FIXTURE_TEMP_DIR', null);\n");
$php = [PHP_BINARY, '-d', "auto_prepend_file=$prepend", '-d', "include_path=.:$box/inc"];
$cmd = ['easyswoole.php', 'server', 'start', '-d', '-mode=dev'];
$dev = file_get_contents("$scene[work]/dev.php");
$mode_file = fn (string $before, string $server = '', string $temp = 'null') => ['dev.php' => str_replace(
    ["return [", "'SETTING' => [", "'TEMP_DIR' => null"],
    ["$before\nreturn [", "$server'SETTING' => [", "'TEMP_DIR' => $temp"], $dev)];
$swoole = "'SERVER_TYPE' => EASYSWOOLE_WEB_SERVER, 'SOCK_TYPE' => SWOOLE_TCP, 'RUN_MODEL' => SWOOLE_PROCESS,\n        ";
[$log, $lines] = bg_log_recorder();
$n = fn (string $s) => bg_scene_names($scene, $s);
$deploy = function (string $what, array $start, array $files) use ($scene, $log, $lines, $n) {
    echo "-- $what\n";
    $what = strtok($what, ':');
    $lines->exchangeArray([]);
    $r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log, 'start' => $start]));
    bg_app_commit($scene, $what, $files);
    try {
        $rel = $r->deploy();
        echo "deployed on ", $n((string) $rel->port), ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $n($e->getMessage()), "\n";
    }
    foreach ($lines as $l) {
        if ($l['level'] !== 'info' && $l['level'] !== 'debug') {
            echo '  ', $l['level'], ': ', implode("\n", array_slice(explode("\n", $n($l['message'])), 0, 2)), "\n";
        }
    }
};

$deploy('v2: SWOOLE_TCP and SWOOLE_PROCESS, with a start through env (plain php reads the mode file)',
    array_merge(['env'], $php, $cmd), $mode_file('', $swoole));
$deploy('v3: a mode file that throws unless loaded by the service',
    array_merge(['env'], $php, $cmd),
    $mode_file("if (!stream_resolve_include_path('fixture_temp.php')) { throw new RuntimeException('only the service loads this'); }", $swoole));
$deploy('v4: TEMP_DIR from a file found on the include_path the start command\'s -d options set (the live v3 is read with them too)',
    array_merge($php, $cmd), $mode_file("require_once 'fixture_temp.php';", $swoole, 'FIXTURE_TEMP_DIR'));
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-temp-dir-php');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- v2: SWOOLE_TCP and SWOOLE_PROCESS, with a start through env (plain php reads the mode file)
deployed on B, nginx answers version=v2 port=B
-- v3: a mode file that throws unless loaded by the service
deployed on A, nginx answers version=v3 port=A
  warning: start: TEMP_DIR not checked: cannot read TEMP_DIR from BOX/releases/release-UTC-SHA/dev.php: php requiring it, as EasySwoole does, ended with exit status 255; output:
%sUncaught RuntimeException: only the service loads this in BOX/releases/release-UTC-SHA/dev.php:%d
-- v4: TEMP_DIR from a file found on the include_path the start command's -d options set (the live v3 is read with them too)
deployed on B, nginx answers version=v4 port=B
