--TEST--
Releaser::deploy() and status(): nothing new is null; a new commit goes live on the idle port, every step logged with its duration; an explicit short sha deploys without a check
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox('deploy');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_deploy_options($scene, ['log' => $log]));
$n = fn (string $s) => bg_scene_names($scene, $s);
$show = function (string $what, ?array $rel) use ($n, $scene) {
    echo str_pad($what, 10), $rel ? $n(sprintf('%s on %s, path %s', substr($rel['commit'], 0, 7) === substr($scene['first'], 0, 7)
        ? 'v1' : 'new', $rel['port'], $rel['path'])) : 'null', "\n";
};

echo "-- before any deploy\n";
$st = $r->status();
$show('live:', $st['live']);
echo "ports: active=", $n((string) $st['ports']['active']), " idle=", $n((string) $st['ports']['idle']),
    ", deploying: ", var_export($st['deploying'], true), ", failed: ", count($st['failed']), "\n";

echo "-- nothing new\n";
var_dump($r->deploy());
echo "status after the check: last_check head is root's HEAD: ",
    var_export($r->status()['last_check']['head'] === $scene['first'], true), "\n";

echo "-- a new commit\n";
$sha = bg_app_commit($scene, 'v2');
$lines->exchangeArray([]);
$t = time();
$release = $r->deploy();
echo get_class($release), ": ", $n("commit " . ($release->commit === $sha ? 'v2' : '?') . " on port {$release->port} in {$release->path}"),
    ", createdAt now: ", var_export($release->createdAt >= $t && $release->createdAt <= time() + 1, true), "\n";
echo "nginx answers ", $n(bg_answer($scene['listen'])), "; port A ", bg_wait_port($scene['a'], false, 1) ? 'closed' : 'STILL OPEN', "\n";
echo "every step with its duration in the log context:\n";
foreach ($lines as $l) {
    if (isset($l['ctx']['step'], $l['ctx']['duration_ms']) && is_float($l['ctx']['duration_ms'])) {
        echo "  ", $l['ctx']['step'], "\n";
    }
}
[$last] = array_slice($lines->getArrayCopy(), -1);
echo $n(preg_replace('/\d+(\.\d+)? m?s/', 'T', $last['message'])), "\n";
$st = $r->status();
$show('live:', $st['live']);
$show('previous:', $st['previous']);
// "now": within the deploy, however long valgrind makes it.
echo "live since now: ", var_export($st['live']['since'] >= $t && $st['live']['since'] <= time() + 1, true), ", ports: active=", $n((string) $st['ports']['active']),
    ", deploying: ", var_export($st['deploying'], true), ", lock: ", var_export($st['lock_holder'], true), "\n";

echo "-- an explicit short sha: no check\n";
$sha3 = bg_app_commit($scene, 'v3');
$lines->exchangeArray([]);
$release = $r->deploy(substr($sha3, 0, 9));
echo $n("v3 on {$release->port}: "), var_export($release->commit === $sha3, true), ", nginx answers ", $n(bg_answer($scene['listen'])), "\n";
echo "checked: ", var_export((bool) array_filter($lines->getArrayCopy(), fn ($l) => str_starts_with($l['message'], 'check:')), true), "\n";
$show('previous:', $r->status()['previous']);

echo "-- bad arguments\n";
foreach (['master', '../x', "abc\0def"] as $bad) {
    try { $r->deploy($bad); } catch (Throwable $e) { echo get_class($e), ': ', $n($e->getMessage()), "\n"; }
}
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('deploy');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- before any deploy
live:     null
ports: active=A idle=B, deploying: NULL, failed: 0
-- nothing new
NULL
status after the check: last_check head is root's HEAD: true
-- a new commit
BlueGreen\Release: commit v2 on port B in BOX/releases/release-UTC-SHA, createdAt now: true
nginx answers version=v2 port=B; port A closed
every step with its duration in the log context:
  fetch
  check
  clone
  prepare
  start
  switch
  drain
  drain
  stop
  prune
  deploy
deploy: %s live on port B (T in all: prepare T, start T, switch T, drain T, stop T, prune T)
live:     new on B, path BOX/releases/release-UTC-SHA
previous: v1 on A, path BOX/releases/app
live since now: true, ports: active=B, deploying: NULL, lock: NULL
-- an explicit short sha: no check
v3 on A: true, nginx answers version=v3 port=A
checked: false
previous: new on B, path BOX/releases/release-UTC-SHA
-- bad arguments
ValueError: %s
ValueError: %s
ValueError: BlueGreen\Releaser::deploy(): Argument #1 ($commit) must not contain any null bytes
nginx answers version=v3 port=A
