--TEST--
watch option: off by default, [] means the documented defaults, each bad value names its key; deploy() with watch.access_log checks nginx's config first and says what is missing (no release made, nothing recorded failed)
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/watch.inc';
$box = bg_sandbox('watch-options');
$world = bg_git_setup($box);
$main = "$box/nginx.conf";
$opts = ['root' => $world['root'], 'nginx' => ['conf' => $main, 'upstream' => 'up']];
file_put_contents($main, "http {\n    upstream up {\n        server 127.0.0.1:9501;\n    }\n}\n");
chdir($box);
$dump = function (array $o) use ($box) {
    ob_start();
    var_dump(new BlueGreen\Releaser($o));
    preg_match('/\["watch"\]=>\n\s*(NULL|array\(\d+\) \{.*?\n  \})/s', ob_get_clean(), $m);
    echo str_replace($box, 'BOX', $m[1]), "\n";
};
echo "-- default, [], and given\n";
$dump($opts);
$dump($opts + ['watch' => []]);
$dump($opts + ['watch' => ['seconds' => 2.5, 'max_error_ratio' => 0, 'min_requests' => 1, 'access_log' => 'logs/x.log']]);

echo "-- bad values\n";
foreach ([['watch' => true], ['watch' => ['second' => 1]], ['watch' => ['seconds' => 0]],
    ['watch' => ['max_error_ratio' => 1.5]], ['watch' => ['max_error_ratio' => '1%']],
    ['watch' => ['min_requests' => 0]], ['watch' => ['min_requests' => 1.5]], ['watch' => ['access_log' => '']]] as $bad) {
    bg_expect_throw(fn () => new BlueGreen\Releaser($opts + $bad));
}

echo "-- canary\n";
$canary = function (array $o) use ($box) {
    ob_start();
    var_dump(new BlueGreen\Releaser($o));
    preg_match('/\["canary"\]=>\n\s*(NULL|array\(\d+\) \{.*?\n  \})/s', ob_get_clean(), $m);
    echo $m[1], "\n";
};
$canary($opts);
$canary($opts + ['canary' => []]);
$canary($opts + ['canary' => ['weight' => 25, 'seconds' => 3]]);
foreach ([['canary' => 10], ['canary' => ['weight' => 0]], ['canary' => ['weight' => 100]], ['canary' => ['weight' => 0.1]],
    ['canary' => ['seconds' => -1]], ['canary' => ['share' => 10]]] as $bad) {
    bg_expect_throw(fn () => new BlueGreen\Releaser($opts + $bad));
}

echo "-- deploy() checks nginx's config for the log it reads\n";
bg_git_commit($world['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($world['work']);
$log = "$box/logs/access.log";
$try = function (string $http) use ($opts, $main, $log, $box) {
    file_put_contents($main, "http {\n    $http\n    upstream up {\n        server 127.0.0.1:9501;\n    }\n}\n");
    try {
        (new BlueGreen\Releaser($opts + ['watch' => ['access_log' => $log]]))->deploy();
        echo "deployed\n";
    } catch (BlueGreen\Exception $e) {
        echo get_class($e), ': ', str_replace($box, 'BOX', $e->getMessage()), "\n";
    }
};
$try('access_log off;');
$try("log_format bluegreen '\$upstream_addr \$status \$request_time';");
$try("access_log $log bluegreen;");
$try("log_format bluegreen '\$remote_addr \$status';\n    access_log $log bluegreen;");
$try("log_format bluegreen '\$upstream_addr \$status \$request_time';\n    access_log $box/logs/other.log bluegreen;");
$st = (new BlueGreen\Releaser($opts))->status();
echo "releases made: ", count(glob("$box/releases/release-*")), ", failed commits: ", count($st['failed']), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('watch-options'));
?>
--EXPECTF--
-- default, [], and given
NULL
array(4) {
    ["seconds"]=>
    float(60)
    ["max_error_ratio"]=>
    float(0.01)
    ["min_requests"]=>
    int(50)
    ["access_log"]=>
    NULL
  }
array(4) {
    ["seconds"]=>
    float(2.5)
    ["max_error_ratio"]=>
    float(0)
    ["min_requests"]=>
    int(1)
    ["access_log"]=>
    string(%d) "BOX/logs/x.log"
  }
-- bad values
TypeError: Option "watch" must be of type ?array, bool given
ValueError: Unknown option "watch.second"
ValueError: Option "watch.seconds" must be a number of seconds greater than 0 and at most 86400
ValueError: Option "watch.max_error_ratio" must be a share between 0 and 1 (0.01 is 1 %)
TypeError: Option "watch.max_error_ratio" must be of type int|float (a share, 0 to 1), string given
ValueError: Option "watch.min_requests" must be between 1 and 1000000, 0 given
TypeError: Option "watch.min_requests" must be of type int, float given
ValueError: Option "watch.access_log" must not be empty
-- canary
NULL
array(2) {
    ["weight"]=>
    int(10)
    ["seconds"]=>
    float(60)
  }
array(2) {
    ["weight"]=>
    int(25)
    ["seconds"]=>
    float(3)
  }
TypeError: Option "canary" must be of type ?array, int given
ValueError: Option "canary.weight" must be a percentage between 1 and 99, 0 given
ValueError: Option "canary.weight" must be a percentage between 1 and 99, 100 given
TypeError: Option "canary.weight" must be of type int (a percentage), float given
ValueError: Option "canary.seconds" must be a number of seconds greater than 0 and at most 86400
ValueError: Unknown option "canary.share"
-- deploy() checks nginx's config for the log it reads
BlueGreen\ConfigException: watch.access_log: BOX/nginx.conf has no `log_format bluegreen '$upstream_addr $status $request_time';` and no `access_log BOX/logs/access.log bluegreen;`; add them to the http block
BlueGreen\ConfigException: watch.access_log: BOX/nginx.conf has no `access_log BOX/logs/access.log bluegreen;`; add it to the http block
BlueGreen\ConfigException: watch.access_log: BOX/nginx.conf has no `log_format bluegreen '$upstream_addr $status $request_time';`; add it to the http block
BlueGreen\ConfigException: watch.access_log: BOX/nginx.conf:2: log_format bluegreen must be exactly '$upstream_addr $status $request_time'
BlueGreen\ConfigException: watch.access_log: BOX/nginx.conf has no `access_log BOX/logs/access.log bluegreen;`; add it to the http block
releases made: 0, failed commits: 0
