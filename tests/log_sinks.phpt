--TEST--
Releaser log option: a file path or a callable; strings are always paths
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('log-sinks');

// A log file whose directory does not exist is a ConfigException.
bg_expect_throw(fn () => new BlueGreen\Releaser(bg_min_options($box, ['log' => "$box/no/dir/x.log"])));

// Closures, first-class callables and invokable objects are accepted.
foreach ([fn ($l, $m, $c) => null, strlen(...), new class { function __invoke() {} }] as $cb) {
    $r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $cb]));
    echo get_class($r), "\n";
}
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => "$box/deploy.log"]));
echo "file accepted\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('log-sinks'));
?>
--EXPECTF--
BlueGreen\ConfigException: Option "log": directory %s/no/dir: No such file or directory
BlueGreen\Releaser
BlueGreen\Releaser
BlueGreen\Releaser
file accepted
