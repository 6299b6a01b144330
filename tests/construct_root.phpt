--TEST--
Releaser::__construct(): root defaults to EASYSWOOLE_ROOT when the app defines it
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('construct-root');
mkdir("$box/rel/app", 0755, true);
bg_write_upstream_conf("$box/nginx.conf");
define('EASYSWOOLE_ROOT', "$box/rel/app/");
chdir('/');
$r = new BlueGreen\Releaser(['nginx' => ['conf' => "$box/nginx.conf", 'upstream' => 'u']]);
ob_start();
var_dump($r);
$dump = str_replace($box, 'BOX', ob_get_clean());
preg_match_all('/\["(root|releases_dir)"\]=>\n  string\(\d+\) "([^"]*)"/', $dump, $m, PREG_SET_ORDER);
foreach ($m as [, $k, $v]) {
    echo "$k: $v\n";
}
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('construct-root'));
?>
--EXPECT--
root: BOX/rel/app
releases_dir: BOX/rel
