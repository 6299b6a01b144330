--TEST--
Releaser::deploy() of an app whose releases share one TEMP_DIR (one pid file): refused by default, deployed with allow_shared_temp_dir, and the new version is left serving because the old one is stopped by its socket's owner, not by its pid file
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy-shared-temp');
$pids = [];
bg_cleanup_at_exit($box, $pids);
@mkdir("$box/temp", 0755, true);
$dev = str_replace("'TEMP_DIR' => null", "'TEMP_DIR' => '$box/temp'", file_get_contents(BG_APP_SRC . '/dev.php'));
$scene = bg_deploy_scene($box, ['dev.php' => $dev]);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, $s);
$root_master = (int) file_get_contents("$box/temp/pid.pid");

echo "-- by default the trap is refused\n";
bg_app_commit($scene, 'v2');
try {
    (new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => fn () => null])))->deploy();
} catch (BlueGreen\ConfigException $e) {
    echo get_class($e), ": ", str_contains($e->getMessage(), "$box/temp") ? 'names the shared TEMP_DIR' : $n($e->getMessage()), "\n";
}
echo "v1 still answers: ", $n(bg_answer($scene['listen'])), ", its pid file untouched: ",
    var_export((int) file_get_contents("$box/temp/pid.pid") === $root_master, true), "\n";

echo "-- allowed: it deploys, with a warning\n";
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['allow_shared_temp_dir' => true, 'log' => $log]));
$release = $r->deploy();
echo "deployed on ", $n((string) $release->port), "; nginx answers ", $n(bg_answer($scene['listen'])), "\n";
echo "warned: ", var_export((bool) array_filter($lines->getArrayCopy(), fn ($l) => $l['level'] === 'warning' && str_contains($l['message'], 'TEMP_DIR')), true), "\n";
echo "the old master gone: ", var_export(bg_wait_gone($root_master, 5), true), "; the new one serves: ",
    $n(bg_answer($scene['b'])), "\n";
echo "-- and the next deploy too\n";
bg_app_commit($scene, 'v3');
$r->deploy();
echo "nginx answers ", $n(bg_answer($scene['listen'])), "; one port listening: ",
    count(array_filter([$scene['a'], $scene['b']], fn ($p) => !bg_wait_port($p, false, 0.3))), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy-shared-temp');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
-- by default the trap is refused
BlueGreen\ConfigException: names the shared TEMP_DIR
v1 still answers: version=v1 port=A, its pid file untouched: true
-- allowed: it deploys, with a warning
deployed on B; nginx answers version=v2 port=B
warned: true
the old master gone: true; the new one serves: version=v2 port=B
-- and the next deploy too
nginx answers version=v3 port=A; one port listening: 1
