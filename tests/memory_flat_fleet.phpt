--TEST--
Memory stays flat for a fleet member: 1,000 tick()s of a member live on the commit of a done rollout, against a real redis-server (each reading the rollout, writing its heartbeat) with metrics_file (rewritten at each check), grow RSS by less than 1 MB after a warm-up
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false || getenv('USE_ZEND_ALLOC') === '0') die('skip RSS under valgrind is valgrind\'s, and its ticks too slow');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/fleet.inc';
$box = bg_sandbox('memory-flat-fleet');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$store = bg_fleet_store_start('redis', $box);
$pids[] = (int) trim(file_get_contents($store['pidfile']));
$fleet = bg_fleet_hosts($box, 1);
$pids[] = $fleet['hosts'][1]['master'];
function rss_kb(): int
{
    preg_match('/^VmRSS:\s+(\d+) kB/m', file_get_contents('/proc/self/status'), $m);
    return (int) $m[1];
}
$prom = "$box/bluegreen.prom";
$r = new BlueGreen\Releaser(bg_fleet_options($fleet['hosts'][1], $store['url'], [], ['metrics_file' => $prom]));
bg_app_commit($fleet['world'], 'v2');
$done = bg_wait_for(function () use ($r) {
    $r->tick();
    return ($r->status()['fleet']['rollout']['state'] ?? null) === 'done';
}, 30);
echo "rollout done: ", var_export($done, true), "\n";

for ($i = 0; $i < 100; $i++) {
    $r->tick();
}
$before = rss_kb();
$beat = $r->status()['fleet']['hosts']['h1']['heartbeat'];
$written = filemtime($prom);
for ($i = 0; $i < 1000; $i++) {
    $r->tick();
}
$grown = rss_kb() - $before;
echo "1000 fleet ticks: grew < 1 MB: ", var_export($grown < 1024, true), $grown < 1024 ? '' : " ($grown KB)", "\n";
$st = $r->status();
echo "heartbeat moved: ", var_export($st['fleet']['hosts']['h1']['heartbeat'] > $beat, true),
    ", rollout: ", $st['fleet']['rollout']['state'], ", store error: ", var_export($st['fleet']['error'], true), "\n";
clearstatcache();
echo "metrics rewritten: ", var_export(filemtime($prom) >= $written && str_contains(file_get_contents($prom), 'bluegreen_'), true), "\n";
bg_fleet_stop($box, $fleet);
bg_stop_server($store['proc'], $store['pidfile']);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/fleet.inc';
bg_fleet_clean(bg_sandbox_path('memory-flat-fleet'));
?>
--EXPECT--
rollout done: true
1000 fleet ticks: grew < 1 MB: true
heartbeat moved: true, rollout: done, store error: NULL
metrics rewritten: true
