--TEST--
Releaser::__construct(): each bad option throws TypeError, ValueError or ConfigException naming the key
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('construct-error');
$ok = bg_min_options($box);
$try = function (array $override, array $unset = []) use ($ok) {
    $opts = $override + $ok;
    foreach ($unset as $k) {
        unset($opts[$k]);
    }
    bg_expect_throw(fn () => new BlueGreen\Releaser($opts));
};

echo "-- keys\n";
$try(['portz' => [1, 2]]);
$try([0 => 'x']);
$try([], ['nginx']);
$try(['nginx' => ['upstream' => 'u']]);
$try(['nginx' => ['conf' => $ok['nginx']['conf']]]);
$try(['nginx' => $ok['nginx'] + ['relaod' => ['x']]]);
$try(['health' => ['timeout' => 3, 'pth' => '/']]);

echo "-- types\n";
$try(['root' => 1]);
$try(['remote' => []]);
$try(['ports' => '9501,9502']);
$try(['ports' => [9501, '9502']]);
$try(['host' => null]);
$try(['port_files' => 'dev.php']);
$try(['shared' => [1]]);
$try(['build' => 'composer install']);
$try(['build' => [['composer', 1]]]);
$try(['start' => 'php easyswoole start d']);
$try(['stop' => [['php']]]);
$try(['health' => 30]);
$try(['health' => ['timeout' => '30']]);
$try(['health' => ['successes' => 2.5]]);
$try(['health' => ['interval' => '1s']]);
$try(['nginx' => 'nginx.conf']);
$try(['nginx' => $ok['nginx'] + ['reload' => 'nginx -s reload']]);
$try(['drain_timeout' => '30']);
$try(['keep_releases' => 5.5]);
$try(['log' => 42]);
$try(['log' => ['no', 'callable']]);
$try(['mode' => ['produce']]);
$try(['allow_shared_temp_dir' => 'yes']);

echo "-- values\n";
$try(['remote' => '']);
$try(['branch' => 'bad..name']);
$try(['branch' => "nul\0byte"]);
$try(['ports' => [9501, 9501]]);
$try(['ports' => [0, 9502]]);
$try(['ports' => [9501, 70000]]);
$try(['ports' => [9501, 9502, 9503]]);
$try(['host' => 'example.com']);
$try(['port_files' => ['../dev.php']]);
$try(['port_files' => ['/etc/passwd']]);
$try(['shared' => ['Log/../../x']]);
$try(['shared' => ['']]);
$try(['build' => [[]]]);
$try(['build' => [['a' => 'composer']]]);
$try(['start' => []]);
$try(['start' => ['', 'x']]);
$try(['health' => ['path' => 'health']]);
$try(['health' => ['timeout' => 0]]);
$try(['health' => ['successes' => 0]]);
$try(['health' => ['interval' => 0]]);
$try(['drain_timeout' => -1]);
$try(['stop_timeout' => 0]);
$try(['command_timeout' => 1e9]);
$try(['keep_releases' => 0]);
$try(['retry_backoff' => -1]);
$try(['nginx' => ['conf' => '', 'upstream' => 'u']]);
$try(['nginx' => $ok['nginx'] + ['test' => []]]);
$try(['mode' => '']);
$try(['mode' => '../produce']);
$try(['mode' => 'produce.php']);

echo "-- paths\n";
$try(['root' => "$box/nope"]);
$try(['root' => $ok['nginx']['conf']]);
$try(['releases_dir' => "$box/nope"]);
$try(['nginx' => ['conf' => "$box/missing.conf", 'upstream' => 'u']]);
$try(['nginx' => $ok['nginx'] + ['main_conf' => "$box/missing-main.conf"]]);
$try(['nginx' => $ok['nginx'] + ['prefix' => "$box/no-prefix"]]);

echo "-- still usable after a failure\n";
var_dump(new BlueGreen\Releaser($ok) instanceof BlueGreen\Releaser);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('construct-error'));
?>
--EXPECTF--
-- keys
ValueError: Unknown option "portz"
ValueError: Unknown option 0: options are a string-keyed array
ValueError: Option "nginx" is required: ['conf' => file holding the upstream, 'upstream' => its name]
ValueError: Option "nginx.conf" is required: the nginx config file holding the upstream
ValueError: Option "nginx.upstream" is required: the name of the upstream block to switch
ValueError: Unknown option "nginx.relaod"
ValueError: Unknown option "health.pth"
-- types
TypeError: Option "root" must be of type string, int given
TypeError: Option "remote" must be of type string, array given
TypeError: Option "ports" must be of type array, string given
TypeError: Option "ports" must be a list of two int, string given
TypeError: Option "host" must be of type string, null given
TypeError: Option "port_files" must be a list of relative paths, string given
TypeError: Option "shared" must be a list of relative paths, int given
TypeError: Option "build" must be a list of argv arrays, string given
TypeError: Option "build.0" must be a list of strings, int given
TypeError: Option "start" must be an argv array (a list of strings), string given
TypeError: Option "stop" must be a list of strings, array given
TypeError: Option "health" must be of type array, int given
TypeError: Option "health.timeout" must be of type int|float (seconds), string given
TypeError: Option "health.successes" must be of type int, float given
TypeError: Option "health.interval" must be of type int|float (seconds), string given
TypeError: Option "nginx" must be of type array, string given
TypeError: Option "nginx.reload" must be an argv array (a list of strings), string given
TypeError: Option "drain_timeout" must be of type int|float (seconds), string given
TypeError: Option "keep_releases" must be of type int, float given
TypeError: Option "log" must be a file path or a callable, int given
TypeError: Option "log" must be a file path or a callable, array given
TypeError: Option "mode" must be of type string, array given
TypeError: Option "allow_shared_temp_dir" must be of type bool, string given
-- values
ValueError: Option "remote" must not be empty
ValueError: Option "branch" must be a valid branch name, "bad..name" given
ValueError: Option "branch" must not contain any null bytes
ValueError: Option "ports" must hold two different ports between 1 and 65535
ValueError: Option "ports" must hold two different ports between 1 and 65535
ValueError: Option "ports" must hold two different ports between 1 and 65535
ValueError: Option "ports" must hold two different ports between 1 and 65535
ValueError: Option "host" must be an IP address or "localhost", "example.com" given
ValueError: Option "port_files" must hold paths relative to the release, without "..", "../dev.php" given
ValueError: Option "port_files" must hold paths relative to the release, without "..", "/etc/passwd" given
ValueError: Option "shared" must hold paths relative to the release, without "..", "Log/../../x" given
ValueError: Option "shared" must hold paths relative to the release, without "..", "" given
ValueError: Option "build.0" must be a non-empty list of strings (an argv array, run without a shell)
ValueError: Option "build.0" must be a non-empty list of strings (an argv array, run without a shell)
ValueError: Option "start" must be a non-empty list of strings (an argv array, run without a shell)
ValueError: Option "start" must hold a non-empty command name and no null bytes
ValueError: Option "health.path" must be an absolute URL path such as "/health", "health" given
ValueError: Option "health.timeout" must be a number of seconds greater than 0 and at most 86400
ValueError: Option "health.successes" must be between 1 and 1000, 0 given
ValueError: Option "health.interval" must be a number of seconds greater than 0 and at most 86400
ValueError: Option "drain_timeout" must be a number of seconds at least 0 and at most 86400
ValueError: Option "stop_timeout" must be a number of seconds greater than 0 and at most 86400
ValueError: Option "command_timeout" must be a number of seconds greater than 0 and at most 86400
ValueError: Option "keep_releases" must be between 1 and 1000, 0 given
ValueError: Option "retry_backoff" must be a number of seconds at least 0 and at most 86400
ValueError: Option "nginx.conf" must not be empty
ValueError: Option "nginx.test" must be a non-empty list of strings (an argv array, run without a shell)
ValueError: Option "mode" must not be empty
ValueError: Option "mode" must be a mode name such as "dev" or "produce" (letters, digits, '_' and '-'), "../produce" given
ValueError: Option "mode" must be a mode name such as "dev" or "produce" (letters, digits, '_' and '-'), "produce.php" given
-- paths
BlueGreen\ConfigException: Option "root": directory %s/nope: No such file or directory
BlueGreen\ConfigException: Option "root": %s/nginx.conf is not a directory
BlueGreen\ConfigException: Option "releases_dir": directory %s/nope: No such file or directory
BlueGreen\ConfigException: Option "nginx.conf": file %s/missing.conf: No such file or directory
BlueGreen\ConfigException: Option "nginx.main_conf": file %s/missing-main.conf: No such file or directory
BlueGreen\ConfigException: Option "nginx.prefix": directory %s/no-prefix: No such file or directory
-- still usable after a failure
bool(true)
