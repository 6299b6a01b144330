--TEST--
Releaser::rollback() and pruning: the previous release goes live again through start, switch, drain and stop; keep_releases release directories are kept, never the live or previous one
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('rollback');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log, 'keep_releases' => 2]));
$n = fn (string $s) => bg_scene_names($scene, $s);
$names = function () use ($box, $scene) {
    $kept = array_map(fn ($p) => substr(basename($p), -7), glob("$box/releases/release-*"));
    sort($kept);
    return $kept;
};

echo "-- nothing to roll back to\n";
bg_expect_throw(fn () => $n($r->rollback()));

echo "-- deploys v2 to v5 with keep_releases 2\n";
$sha = [];
for ($v = 2; $v <= 5; $v++) {
    $sha[$v] = bg_app_commit($scene, "v$v");
    $r->deploy();
}
$short = array_map(fn ($s) => substr($s, 0, 7), $sha);
$kept = array_map(fn ($s) => 'v' . array_search($s, $short), $names());
sort($kept);
echo "releases kept: ", implode(' ', $kept), "\n";
echo "their logs: ", count(glob("$box/releases/.bluegreen/logs/release-*.log")), "\n";
foreach ($lines as $l) {
    if (($l['ctx']['step'] ?? '') === 'prune') {
        echo $n($l['message']), "\n";
    }
}

echo "-- rollback: v4 again\n";
$lines->exchangeArray([]);
$release = $r->rollback();
echo "Release ", $release->commit === $sha[4] ? 'v4' : '?', ' on ', $n((string) $release->port), ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
$st = $r->status();
echo "live ", $st['live']['commit'] === $sha[4] ? 'v4' : '?', ", previous ", $st['previous']['commit'] === $sha[5] ? 'v5' : '?', "\n";
echo $n(preg_replace('/\d+(\.\d+)? m?s/', 'T', $lines[count($lines) - 1]['message'])), "\n";
echo "-- and back\n";
$r->rollback();
echo "nginx answers ", $n(bg_answer($scene['listen'])), "; one port listening: ",
    count(array_filter([$scene['a'], $scene['b']], fn ($p) => !bg_wait_port($p, false, 0.2))), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('rollback');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- nothing to roll back to
BlueGreen\Exception: nothing to roll back to: no previous release is recorded (%s/releases/.bluegreen/state.json)
-- deploys v2 to v5 with keep_releases 2
releases kept: v4 v5
their logs: 2
prune: 1 release(s) kept, 0 removed (T)
prune: 2 release(s) kept, 0 removed (T)
prune: 2 release(s) kept, 1 removed (T)
prune: 2 release(s) kept, 1 removed (T)
-- rollback: v4 again
Release v4 on B, nginx answers version=v4 port=B
live v4, previous v5
rollback: %s live on port B (T in all: start T, switch T, drain T, stop T, prune T)
-- and back
nginx answers version=v5 port=A; one port listening: 1
