--TEST--
fleet on a real redis-server without persistence: a holder paused (SIGSTOP) with its slot while Redis is killed (by pid) and started again on its port: the next holder's fencing token is greater than the stale one's, and the stale holder's result, resumed, is refused; a host whose result was fenced out waits for a slot to record it over several ticks and logs that once, then records it
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/fleet.inc';
$box = bg_sandbox('fleet-redis-restart');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$fleet = bg_fleet_hosts($box, 2);
$hosts = $fleet['hosts'];
foreach ($hosts as $h) {
    $pids[] = $h['master'];
}
$store = bg_fleet_store_start('redis', $box);
$pids[] = proc_get_status($store['proc'])['pid'];
$url = $store['url'];
$watch = new BlueGreen\Releaser(bg_fleet_options($hosts[1], $url));
// A reader's connection to a killed server fails once: a failed read is no holder.
$holder = fn () => @$watch->status()['fleet']['slots'][0] ?? null;
$slow = fn (int $i, float $s, array $fleet = []) => bg_fleet_options($hosts[$i], $url, $fleet, ['health' => ['path' => '/health', 'timeout' => 20],
    'start' => ['sh', '-c', "sleep $s; exec \"\$0\" easyswoole start d", PHP_BINARY]]);
$step = fn (int $i) => json_decode((string) @file_get_contents("{$hosts[$i]['box']}/releases/.bluegreen/state.json"),
    true)['deploy']['step'] ?? null;
$log = fn (int $i) => (string) @file_get_contents("{$hosts[$i]['box']}/releaser.log");

// 1. h1 holds the slot in its start, paused; Redis (save "", no AOF) is
// killed and started again on its port: its token counter is gone.
$c1 = bg_app_commit($fleet['world'], 'restart');
$k1 = bg_fleet_spawn($slow(1, 1), $c1, 30);
$pids[] = $k1['pid'];
$held = bg_wait_for(fn () => $step(1) === 'start' && ($holder()['holder'] ?? null) === 'h1', 15);
$stale = $holder()['token'] ?? null;
posix_kill($k1['pid'], SIGSTOP);
posix_kill(proc_get_status($store['proc'])['pid'], SIGKILL);
proc_close($store['proc']);
$store = bg_fleet_store_start('redis', $box, null, $store);
$pids[] = proc_get_status($store['proc'])['pid'];
echo "h1 paused holding the slot: ", var_export($held && $stale > 0, true), "\n";
$k2 = bg_fleet_spawn(bg_fleet_options($hosts[2], $url), $c1, 30);
$pids[] = $k2['pid'];
echo "h2 after the restart: ", bg_fleet_wait($k2), ", nginx answers ", bg_fleet_version($hosts[2]), "\n";
@$watch->status();     // its connection to the killed server fails once
$ro = $watch->status()['fleet']['rollout'];
$token = $ro['hosts']['h2']['token'] ?? null;
echo "rollout (made again by h2): ", $ro['state'], ", h1 ", $ro['hosts']['h1']['state'] ?? '-', ", h2 ",
    $ro['hosts']['h2']['state'], " under a token greater than h1's: ", var_export($token > $stale, true),
    $token > $stale ? '' : " ($token, h1 $stale)", "\n";
posix_kill($k1['pid'], SIGCONT);
// Its connection to the killed server fails its first write (Redis closed
// it); the grant it holds is stale: it is refused a slot's write, and its
// result is not written.
echo "h1 resumed: ", bg_fleet_wait($k1), ", nginx answers ", bg_fleet_version($hosts[1]), ", its result not written: ",
    var_export(str_contains($log(1), 'but its result is not recorded'), true), "\n";

// 2. h1 holds the slot for the next commit in its start, paused past its
// lease (slot_ttl 1 s); h2 takes the slot and holds it (a 3.5 s start); h1,
// resumed, switches but its result is fenced out: the rollout lists it
// `switching`. Its next ticks wait for a slot to record it, logged once.
$c2 = bg_app_commit($fleet['world'], 'record');
$from = strlen($log(1));
$k1 = bg_fleet_spawn($slow(1, 1, ['slot_ttl' => 1]), $c2, 30);
$pids[] = $k1['pid'];
$held = bg_wait_for(fn () => $step(1) === 'start' && ($holder()['holder'] ?? null) === 'h1', 15);
posix_kill($k1['pid'], SIGSTOP);
$k2 = bg_fleet_spawn($slow(2, 3.5), $c2, 30);
$pids[] = $k2['pid'];
$taken = bg_wait_for(fn () => ($holder()['holder'] ?? null) === 'h2', 10);
posix_kill($k1['pid'], SIGCONT);
echo "h1 paused holding the slot: ", var_export($held, true), ", h2 took it: ", var_export($taken, true), "; h1 resumed: ",
    bg_fleet_wait($k1), ", its result refused: ", var_export(str_contains(substr($log(1), $from), 'no longer holds its slot'), true), "\n";
$from = strlen($log(1));
$r1 = new BlueGreen\Releaser(bg_fleet_options($hosts[1], $url));
for ($i = 0; $i < 8; $i++) {
    $r1->tick();
    usleep(50000);
}
$lines = substr($log(1), $from);
echo "h1 ticked 8 times while h2 held the slot (", var_export(($holder()['holder'] ?? null) === 'h2', true),
    "): 'waits for a slot to record it' logged at info ", preg_match_all('/ info: .*it waits for a slot to record it/', $lines),
    " time(s)\n";
echo "h2: ", bg_fleet_wait($k2), "\n";
$recorded = bg_wait_for(function () use ($r1, $watch) {
    $r1->tick();
    return ($watch->status()['fleet']['rollout']['hosts']['h1']['state'] ?? null) === 'done';
}, 5);
$lines = substr($log(1), $from);
echo "h1 recorded its result: ", var_export($recorded, true), ", logged once: ",
    var_export(substr_count($lines, 'its result recorded again') === 1, true), ", the wait logged once: ",
    var_export(preg_match_all('/ info: .*it waits for a slot to record it/', $lines) === 1, true), "\n";
$ro = $watch->status()['fleet']['rollout'];
echo "rollout: ", $ro['state'], ", h1 ", $ro['hosts']['h1']['state'], ", h2 ", $ro['hosts']['h2']['state'], "\n";
unset($r1, $watch);
bg_stop_server($store['proc'], $store['pidfile']);
bg_fleet_stop($box, $fleet);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/fleet.inc';
bg_fleet_clean(bg_sandbox_path('fleet-redis-restart'));
?>
--EXPECT--
h1 paused holding the slot: true
h2 after the restart: live, nginx answers restart
rollout (made again by h2): done, h1 -, h2 done under a token greater than h1's: true
h1 resumed: live, nginx answers restart, its result not written: true
h1 paused holding the slot: true, h2 took it: true; h1 resumed: live, its result refused: true
h1 ticked 8 times while h2 held the slot (true): 'waits for a slot to record it' logged at info 1 time(s)
h2: live
h1 recorded its result: true, logged once: true, the wait logged once: true
rollout: done, h1 done, h2 done
