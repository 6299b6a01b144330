--TEST--
port_files => [] (dev.php reading BLUEGREEN_PORT, as examples/easyswoole does): no file of the release is rewritten, its tracked files stay as git checked them out
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('port_files_empty');
$pids = [];
bg_cleanup_at_exit($box, $pids);
[$a, $b] = bg_free_ports();
$files = bg_app_files(['VERSION' => "v1\n"]);
$files['dev.php'] = preg_replace("/'PORT' => 9501,/", "'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: $a),", $files['dev.php'], 1);
$world = bg_git_setup($box, $files);
$r = new BlueGreen\Releaser([
    'root' => $world['root'],
    'ports' => [$a, $b],
    'port_files' => [],
    'health' => ['path' => '/health', 'timeout' => 10],
    'nginx' => ['conf' => bg_write_upstream_conf("$box/nginx.conf", 'app', $a), 'upstream' => 'app'],
    'log' => "$box/bluegreen.log",
]);
ob_start();
var_dump($r);
preg_match('/\["port_files"\]=>\n\s*array\((\d+)\)/', ob_get_clean(), $m);
echo 'port_files as resolved: ', $m[1] ?? '?', " entries\n";
$rel = $r->start($r->prepare($world['first']), $b);
echo 'started on B, answers: ', str_replace((string) $b, 'B', bg_answer($b)), "\n";
$status = bg_git(['status', '--porcelain', '--untracked-files=no'], $rel->path);
echo 'tracked files as checked out: ', $status === '' ? 'yes' : $status . "\n" . bg_git(['diff'], $rel->path), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('port_files_empty');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
port_files as resolved: 0 entries
started on B, answers: version=v1 port=B
tracked files as checked out: yes
