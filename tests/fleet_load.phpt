--TEST--
fleet under load: 3 hosts on 127.0.0.2-4 (each its own nginx and pair on the same ports) behind a front nginx, wrk through it the whole time; a commit rolled out with parallel 1 against a real redis-server, then a real etcd, its first slot holder killed (SIGKILL) in its start: the slot taken again once its lease ran out, the others switch, the killed host started again finishes; every host reaches the commit, no request fails, and never two hosts switch at once (by the store's record and by each host's log timestamps)
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
$box = bg_sandbox('fleet-load');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$fleet = bg_fleet_hosts_on_addresses($box, 3);
$front = bg_fleet_front($box, $fleet['hosts']);
$pids[] = $front['master'];
foreach ($fleet['hosts'] as $h) {
    $pids[] = $h['master'];
}

/** Each host's slot-holding span for $commit from its JSON log: [name => [held, done]] in epoch ms. */
function spans_from_logs(array $hosts, string $commit): array
{
    $short = substr($commit, 0, 7);
    $spans = [];
    foreach ($hosts as $h) {
        foreach (@file("{$h['box']}/releaser.log") ?: [] as $line) {
            $l = json_decode($line, true);
            $at = (int) round(strtotime(substr($l['time'], 0, 19) . 'Z') * 1000 + (int) substr($l['time'], 20, 3));
            if (str_contains($l['message'], " holds slot ") && str_ends_with($l['message'], "for $short")) {
                $spans[$h['name']]['switch_start'] = $at;
            } elseif (str_starts_with($l['message'], "fleet: $short done here")) {
                $spans[$h['name']]['switch_end'] = $at;
            }
        }
    }
    return $spans;
}

foreach (['redis', 'etcd'] as $kind) {
    $store = bg_fleet_store_start($kind, $box);
    $pids[] = proc_get_status($store['proc'])['pid'];
    echo "== $kind\n";
    $load = bg_load_start($front['listen'], 8, 60);
    $pids[] = $load['pid'];
    $commit = bg_app_commit($fleet['world'], "$kind-load");
    $t = microtime(true);
    $opts = fn (int $i, array $extra = []) => bg_fleet_options($fleet['hosts'][$i], $store['url'], [],
        $extra + ['log_format' => 'json', 'drain_timeout' => 5]);
    foreach ($fleet['hosts'] as $h) {
        @unlink("{$h['box']}/releaser.log");
    }
    $r = new BlueGreen\Releaser(bg_fleet_options($fleet['hosts'][1], $store['url']));
    // h1 first, alone: it takes the slot, and is killed (SIGKILL, its
    // children with it, as a host dies) in its start.
    $k = bg_fleet_spawn($opts(1, ['start' => ['sh', '-c', 'sleep 1; exec "$0" easyswoole start d', PHP_BINARY]]), $commit);
    $pids[] = $k['pid'];
    $state = "{$fleet['hosts'][1]['box']}/releases/.bluegreen/state.json";
    $held = bg_wait_for(fn () => (json_decode((string) @file_get_contents($state), true)['deploy']['step'] ?? null) === 'start'
        && ($r->status()['fleet']['slots'][0]['holder'] ?? null) === 'h1', 15);
    bg_kill_tree($k['pid']);
    $killed = microtime(true) * 1000;
    proc_close($k['proc']);
    echo "h1 killed holding the slot, in its start: ", var_export($held, true), "\n";
    $children = [];
    foreach ([2, 3] as $i) {
        $children[$i] = bg_fleet_spawn($opts($i), $commit);
        $pids[] = $children[$i]['pid'];
    }
    foreach ($children as $i => $c) {
        echo "h$i: ", bg_fleet_wait($c), ", its nginx on {$fleet['hosts'][$i]['addr']} answers ",
            bg_fleet_version($fleet['hosts'][$i]), "\n";
    }
    $ro = $r->status()['fleet']['rollout'];
    $after = (min($ro['hosts']['h2']['switch_start'], $ro['hosts']['h3']['switch_start']) - $killed) / 1000;
    echo "the slot taken again once h1's lease ran out, within slot_ttl (2 s) + 1 s of the kill: ",
        var_export($after > 0.5 && $after < 3, true), $after > 0.5 && $after < 3 ? '' : " ($after s)", "\n";
    echo "h1 started again: ", bg_fleet_wait(bg_fleet_spawn($opts(1), $commit)), ", its nginx on 127.0.0.2 answers ",
        bg_fleet_version($fleet['hosts'][1]), "\n";
    $took = microtime(true) - $t;
    usleep(300000);
    $res = bg_load_stop($load);
    $ro = $r->status()['fleet']['rollout'];
    unset($r);
    echo "rollout: ", $ro['state'], ", done ", $ro['done'], ", failed ", $ro['failed'], "\n";
    echo "switches overlapping, by the store's record: ", implode(', ', bg_fleet_overlaps($ro['hosts'])) ?: 'none', "\n";
    $spans = spans_from_logs($fleet['hosts'], $commit);
    echo "switches overlapping, by the hosts' logs: ", count($spans) === 3 ? (implode(', ', bg_fleet_overlaps($spans))
        ?: 'none') : 'spans of ' . implode(', ', array_keys($spans)) . ' only', "\n";
    echo "requests through the front nginx: ", $res['requests'] > 100 ? 'many' : $res['requests'] . "\n" . $res['raw'],
        ", non-2xx ", $res['non2xx'], ", socket errors ", $res['errors'], "\n";
    echo "within 20 s: ", var_export($took < 20, true), "\n";
    bg_stop_server($store['proc'], $store['pidfile']);
}
bg_nginx_stop($front['master']);
bg_fleet_stop($box, $fleet);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/fleet.inc';
$box = bg_sandbox_path('fleet-load');
bg_nginx_stop((int) @file_get_contents("$box/front/nginx.pid"));
bg_fleet_clean($box);
?>
--EXPECT--
== redis
h1 killed holding the slot, in its start: true
h2: live, its nginx on 127.0.0.3 answers redis-load
h3: live, its nginx on 127.0.0.4 answers redis-load
the slot taken again once h1's lease ran out, within slot_ttl (2 s) + 1 s of the kill: true
h1 started again: live, its nginx on 127.0.0.2 answers redis-load
rollout: done, done 3, failed 0
switches overlapping, by the store's record: none
switches overlapping, by the hosts' logs: none
requests through the front nginx: many, non-2xx 0, socket errors 0
within 20 s: true
== etcd
h1 killed holding the slot, in its start: true
h2: live, its nginx on 127.0.0.3 answers etcd-load
h3: live, its nginx on 127.0.0.4 answers etcd-load
the slot taken again once h1's lease ran out, within slot_ttl (2 s) + 1 s of the kill: true
h1 started again: live, its nginx on 127.0.0.2 answers etcd-load
rollout: done, done 3, failed 0
switches overlapping, by the store's record: none
switches overlapping, by the hosts' logs: none
requests through the front nginx: many, non-2xx 0, socket errors 0
within 20 s: true
