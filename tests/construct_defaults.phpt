--TEST--
Releaser::__construct(): every option's default, as var_dump() shows it
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('construct-defaults');
mkdir("$box/releases/app", 0755, true);
bg_write_upstream_conf("$box/nginx.conf");
chdir("$box/releases/app");

// root defaults to the current directory, releases_dir to its parent;
// relative paths are made absolute once, here.
$r = new BlueGreen\Releaser(['nginx' => ['conf' => '../../nginx.conf', 'upstream' => 'up']]);
ob_start();
var_dump($r);
echo str_replace([$box, PHP_BINARY], ['BOX', 'PHP_BINARY'], ob_get_clean());

// The mode names the default port file.
$r = new BlueGreen\Releaser(['mode' => 'produce', 'nginx' => ['conf' => '../../nginx.conf', 'upstream' => 'up']]);
ob_start();
var_dump($r);
preg_match('/\["mode"\]=>\n\s*(.*)\n\s*\["port_files"\]=>\n\s*array\(1\) \{\n\s*\[0\]=>\n\s*(.*)\n/', ob_get_clean(), $m);
echo "mode: $m[1], port_files: [$m[2]]\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('construct-defaults'));
?>
--EXPECTF--
object(BlueGreen\Releaser)#%d (31) {
  ["root"]=>
  string(%d) "BOX/releases/app"
  ["remote"]=>
  string(6) "origin"
  ["branch"]=>
  string(6) "master"
  ["git"]=>
  array(7) {
    ["username"]=>
    NULL
    ["password"]=>
    NULL
    ["key"]=>
    NULL
    ["pubkey"]=>
    NULL
    ["passphrase"]=>
    NULL
    ["known_hosts"]=>
    NULL
    ["check_host"]=>
    bool(true)
  }
  ["releases_dir"]=>
  string(%d) "BOX/releases"
  ["ports"]=>
  array(2) {
    [0]=>
    int(9501)
    [1]=>
    int(9502)
  }
  ["host"]=>
  string(9) "127.0.0.1"
  ["mode"]=>
  string(3) "dev"
  ["port_files"]=>
  array(1) {
    [0]=>
    string(7) "dev.php"
  }
  ["shared"]=>
  array(0) {
  }
  ["build"]=>
  NULL
  ["hooks"]=>
  array(0) {
  }
  ["start"]=>
  NULL
  ["stop"]=>
  NULL
  ["allow_shared_temp_dir"]=>
  bool(false)
  ["health"]=>
  array(4) {
    ["path"]=>
    string(1) "/"
    ["timeout"]=>
    float(30)
    ["successes"]=>
    int(3)
    ["interval"]=>
    float(0.2)
  }
  ["nginx"]=>
  array(8) {
    ["conf"]=>
    string(%d) "BOX/nginx.conf"
    ["upstream"]=>
    string(2) "up"
    ["binary"]=>
    string(5) "nginx"
    ["prefix"]=>
    NULL
    ["main_conf"]=>
    string(%d) "BOX/nginx.conf"
    ["pid"]=>
    NULL
    ["reload"]=>
    NULL
    ["test"]=>
    NULL
  }
  ["watch"]=>
  NULL
  ["canary"]=>
  NULL
  ["switch"]=>
  string(6) "reload"
  ["live_socket"]=>
  NULL
  ["drain_timeout"]=>
  float(30)
  ["stop_timeout"]=>
  float(30)
  ["command_timeout"]=>
  float(600)
  ["retry_backoff"]=>
  float(30)
  ["keep_releases"]=>
  int(5)
  ["log"]=>
  NULL
  ["log_format"]=>
  string(4) "text"
  ["metrics_file"]=>
  NULL
  ["trigger"]=>
  NULL
  ["fleet"]=>
  NULL
}
mode: string(7) "produce", port_files: [string(11) "produce.php"]
