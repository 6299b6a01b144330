--TEST--
Releaser::deploy(): the TEMP_DIR check's php children run in the prepare step, before the service is touched, and each release's mode file is read once: the live release, read at its own start, is not read again at the next deploy
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false) die('skip slow under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-temp-dir-reads');
$pids = [];
bg_cleanup_at_exit($box, $pids);
// The check's php child requires bootstrap.php, as EasySwoole's CLI does
// (the fixture app's own start does not): each read leaves a line, in the
// same file as the deploy's step lines, so their order shows when it ran.
$events = "$box/events";
$scene = bg_deploy_scene($box, ['bootstrap.php' => "<?php\nfile_put_contents('$events', 'read '"
    . " . trim(file_get_contents(EASYSWOOLE_ROOT . '/VERSION')) . ' for port ' . getenv('BLUEGREEN_PORT') . \"\\n\","
    . " FILE_APPEND | LOCK_EX);\n"]);
$pids[] = $scene['master'];
$log = function (string $level, string $message) use ($events) {
    if (preg_match('/^(prepare: release .* ready|start: command|start: .* healthy|deploy: .* live)/', $message, $m)) {
        file_put_contents($events, preg_replace('/ (into|release) \S+| \(.*/', '', $m[1]) . "\n", FILE_APPEND | LOCK_EX);
    }
};
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log]));
foreach (['v2', 'v3'] as $v) {
    bg_app_commit($scene, $v);
    file_put_contents($events, '');
    $rel = $r->deploy();
    echo "-- $v live on ", bg_scene_names($scene, (string) $rel->port), ", nginx answers ",
        bg_scene_names($scene, bg_answer($scene['listen'])), "\n";
    echo bg_scene_names($scene, preg_replace('/release-\S+|[0-9a-f]{7} live/', 'NAME', file_get_contents($events)));
}
bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-temp-dir-reads');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- v2 live on B, nginx answers version=v2 port=B
prepare: ready
read v2 for port B
read v1 for port A
start: command
start: NAME healthy
deploy: NAME
-- v3 live on A, nginx answers version=v3 port=A
prepare: ready
read v3 for port A
start: command
start: NAME healthy
deploy: NAME
