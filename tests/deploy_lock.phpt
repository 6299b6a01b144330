--TEST--
Releaser: one deploy at a time per releases_dir — a second deploy() gets LockException naming the holder's pid, tick() a quiet null, status() shows the deploy under way
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-lock');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, $s);
// The deploy in a child process holds the lock through a slow build step.
$opts = bg_deploy_options($scene, ['build' => [['sleep', '3']], 'log' => "$box/child.log"]);
bg_app_commit($scene, 'v2');
file_put_contents("$box/child.php", '<?php
$r = new BlueGreen\Releaser(json_decode($argv[1], true));
echo $r->deploy()->port, "\n";');
$child = bg_spawn(bg_php(["$box/child.php", json_encode($opts)]), $box);
$pids[] = $child['pid'];
bg_wait_for(fn () => str_contains((string) @file_get_contents("$box/releases/.bluegreen/state.json"), '"prepare"'), 10);

[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log]));
try {
    $r->deploy();
} catch (BlueGreen\LockException $e) {
    echo get_class($e), ': ', str_replace((string) $child['pid'], 'CHILD', $n($e->getMessage())), "\n";
}
var_dump($r->tick());
echo "tick said, quietly: ", implode(' | ', array_map(fn ($l) => $l['level'] . ' ' . str_replace((string) $child['pid'], 'CHILD', $n($l['message'])), $lines->getArrayCopy())), "\n";
$st = $r->status();
echo "status: lock held by the child: ", var_export($st['lock_holder'] === $child['pid'], true),
    ", deploying step ", $st['deploying']['step'], ", by the child: ", var_export($st['deploying']['pid'] === $child['pid'], true),
    ", running: ", var_export($st['deploying']['running'], true), "\n";

echo "the child's deploy: exit ", bg_wait_exit($child, 30), ", port ", $n(trim(bg_output($child))), "\n";
$st = $r->status();
echo "after it: lock ", var_export($st['lock_holder'], true), ", deploying ", var_export($st['deploying'], true),
    ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
bg_app_commit($scene, 'v3');
echo "the next deploy: ", $n(bg_answer($r->deploy()->port)), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-lock');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
BlueGreen\LockException: another deploy is running: BOX/releases/.bluegreen/lock is held by pid CHILD
NULL
tick said, quietly: debug tick: another deploy is running: BOX/releases/.bluegreen/lock is held by pid CHILD
status: lock held by the child: true, deploying step prepare, by the child: true, running: true
the child's deploy: exit 0, port B
after it: lock NULL, deploying NULL, nginx answers version=v2 port=B
the next deploy: version=v3 port=A
