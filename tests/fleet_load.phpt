--TEST--
fleet under load: 3 hosts on 127.0.0.2-4 (each its own nginx and pair on the same ports) behind a front nginx, wrk through it the whole time, against a real redis-server, then a real etcd, in one world: a commit rolled out with parallel 1, its first slot holder killed (SIGKILL) in its start: the slot taken again once its lease ran out, the others switch, the killed host started again finishes, never two hosts switch at once (by the store's record and by each host's log timestamps); the store killed (SIGKILL) while a host switches holding the slot: no host switches while it is down, the rollout resumes once it is started again on its port (etcd on its data dir); a commit failing on the first host halts the fleet, no other host runs it, the front nginx never answers it; a host whose releaser was stopped comes back and converges to the last done commit, not the halted one; no request fails
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
// Also not under ASan (tests/asan.sh sets USE_ZEND_ALLOC=0): its lease and load timings do not
// survive the slowdown; fleet.phpt and fleet_halt_pause_watch.phpt run the same code there.
if (getenv('VALGRIND_OPTS') !== false || getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound under valgrind and ASan');
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
            } elseif (str_starts_with($l['message'], "fleet: $short done here")
                || str_starts_with($l['message'], "fleet: $short is live here, but its result is not recorded")) {
                $spans[$h['name']]['switch_end'] = $at;
            }
        }
    }
    return $spans;
}

/** What the front nginx answers to $n requests: the versions, sorted, once each. */
function front_versions(array $front, int $n = 9): string
{
    $seen = [];
    for ($i = 0; $i < $n; $i++) {
        $r = bg_http_get('127.0.0.1', $front['listen'], '/');
        $seen[preg_match('/version=(\S+)/', $r['body'] ?? '', $m) ? $m[1] : 'error'] = true;
    }
    ksort($seen);
    return implode(' ', array_keys($seen));
}

/**
 * The store killed (SIGKILL, by pid) while h1 switches holding the slot to
 * "<kind>-back", started again on its port (etcd on its data dir) once h1
 * is done and h2 has logged that it cannot take a slot: h2 switches nothing
 * while it is down and rolls out once it is back; h3's releaser is stopped
 * all along. The new store.
 */
function store_killed(string $kind, string $commit, array $fleet, array $store, string $box, Closure $opts, array &$pids): array
{
    $hosts = $fleet['hosts'];
    $r = new BlueGreen\Releaser(bg_fleet_options($hosts[1], $store['url']));
    $k = bg_fleet_spawn($opts(1, ['health' => ['path' => '/health', 'timeout' => 20],
        'start' => ['sh', '-c', 'sleep 1; exec "$0" easyswoole start d', PHP_BINARY]]), $commit);
    $pids[] = $k['pid'];
    $state = "{$hosts[1]['box']}/releases/.bluegreen/state.json";
    $held = bg_wait_for(fn () => (json_decode((string) @file_get_contents($state), true)['deploy']['step'] ?? null) === 'start'
        && ($r->status()['fleet']['slots'][0]['holder'] ?? null) === 'h1', 15);
    posix_kill(proc_get_status($store['proc'])['pid'], SIGKILL);
    proc_close($store['proc']);
    $h2 = bg_fleet_spawn($opts(2), $commit);
    $pids[] = $h2['pid'];
    echo "store killed while h1 switches holding the slot: ", var_export($held, true), "; h1: ", bg_fleet_wait($k),
        ", its nginx answers ", bg_fleet_version($hosts[1]), ", its result not recorded: ", var_export(str_contains(
        (string) @file_get_contents("{$hosts[1]['box']}/releaser.log"), 'but its result is not recorded'), true), "\n";
    // h2 builds and starts the commit, then cannot take a slot: waited for
    // by its log line, not a fixed time (its prepare and start take as long
    // as the machine makes them).
    $logged = bg_wait_for(fn () => str_contains((string) @file_get_contents("{$hosts[2]['box']}/releaser.log"),
        'is not switched to this tick, the live release keeps serving'), 15);
    echo "h2 while the store is down: its nginx answers ", bg_fleet_version($hosts[2]), ", logged: ",
        var_export($logged, true), "\n";
    $restarted = microtime(true) * 1000;
    $store = bg_fleet_store_start($kind, $box, null, $store);
    $pids[] = proc_get_status($store['proc'])['pid'];
    echo "h2 once it is back: ", bg_fleet_wait($h2), ", its nginx answers ", bg_fleet_version($hosts[2]), "\n";
    echo "h1 ticks again: ", bg_fleet_wait(bg_fleet_spawn($opts(1), $commit, 3)), "\n";
    @$r->status();     // the reader's connection to the killed server fails once
    $ro = $r->status()['fleet']['rollout'];
    ksort($ro['hosts']);
    // Redis keeps nothing across its restart: the rollout is made again
    // without h1, which adds itself back at its next tick; with etcd h1's
    // result is recorded then. Either way its switch_end is when its switch
    // ended (state.json keeps it), not when it was recorded: by its log,
    // when it found its result not recorded.
    $spans = spans_from_logs([$hosts[1], $hosts[2]], $commit);
    $end = $ro['hosts']['h1']['switch_end'] ?? 0;
    $at = $spans['h1']['switch_end'] ?? 0;
    $ok = $end > 0 && $end <= $at && $at - $end < 2000;
    echo "h1's switch_end, recorded late, is when its switch ended: ", var_export($ok, true),
        $ok ? '' : " (" . ($end - $at) . " ms after its log said so)", "; switches overlapping, by the store's record: ",
        implode(', ', bg_fleet_overlaps($ro['hosts'])) ?: 'none', "\n";
    echo "h2 took the slot only once the store was back, by its log: ",
        var_export(($spans['h2']['switch_start'] ?? 0) > $restarted, true), "\n";
    echo "rollout: ", $ro['commit'] === $commit ? "$kind-back" : $ro['commit'], " ", $ro['state'], ", hosts ",
        implode(' ', array_keys($ro['hosts'])), "; switches overlapping, by the hosts' logs: ", count($spans) === 2
        ? (implode(', ', bg_fleet_overlaps($spans)) ?: 'none') : 'spans of ' . implode(', ', array_keys($spans)) . ' only', "\n";
    return $store;
}

/**
 * "<kind>-bad" fails on h1, the first to take it (its start exits): the
 * rollout halts; h2, ticking after, marks it failed at step "fleet" (so
 * that no tick tries it again) without switching to it, and the front
 * nginx never answers it.
 */
function bad_commit_halts(string $kind, array $fleet, array $store, array $front, Closure $opts): void
{
    $hosts = $fleet['hosts'];
    $bad = bg_app_commit($fleet['world'], "$kind-bad");
    echo "h1 on $kind-bad: ", bg_fleet_wait(bg_fleet_spawn($opts(1, ['start' => [PHP_BINARY, '-r', 'exit(3);']]), $bad)),
        ", its nginx answers ", bg_fleet_version($hosts[1]), "\n";
    echo "h2 ticks: ", bg_fleet_wait(bg_fleet_spawn($opts(2), $bad, 10)), ", its nginx answers ",
        bg_fleet_version($hosts[2]), "\n";
    $r = new BlueGreen\Releaser(bg_fleet_options($hosts[1], $store['url']));
    $ro = $r->status()['fleet']['rollout'];
    echo "rollout: ", $ro['commit'] === $bad ? "$kind-bad" : $ro['commit'], " ", $ro['state'], ", halted by ",
        $ro['halted_by'], ", h2 switched: ", var_export((bool) ($ro['hosts']['h2']['switch_start'] ?? false), true), "\n";
    echo "the front nginx answers: ", front_versions($front), "\n";
}

/**
 * h3, whose releaser was stopped since the first rollout, comes back while
 * the last rollout is halted: it converges to the last done commit
 * ("<kind>-back"), not to the halted one.
 */
function host_converges(string $back, array $fleet, array $front, Closure $opts): void
{
    $hosts = $fleet['hosts'];
    echo "h3 comes back: ", bg_fleet_wait(bg_fleet_spawn($opts(3), $back)), ", its nginx answers ",
        bg_fleet_version($hosts[3]), "\n";
    echo "the front nginx answers: ", front_versions($front), "\n";
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
    echo "the slot taken again once h1's lease ran out, within slot_ttl (2 s) + 2 s of the kill: ",
        var_export($after > 0.5 && $after < 4, true), $after > 0.5 && $after < 4 ? '' : " ($after s)", "\n";
    echo "h1 started again: ", bg_fleet_wait(bg_fleet_spawn($opts(1), $commit)), ", its nginx on 127.0.0.2 answers ",
        bg_fleet_version($fleet['hosts'][1]), "\n";
    $took = microtime(true) - $t;
    $ro = $r->status()['fleet']['rollout'];
    echo "rollout: ", $ro['state'], ", done ", $ro['done'], ", failed ", $ro['failed'], "\n";
    echo "switches overlapping, by the store's record: ", implode(', ', bg_fleet_overlaps($ro['hosts'])) ?: 'none', "\n";
    $spans = spans_from_logs($fleet['hosts'], $commit);
    echo "switches overlapping, by the hosts' logs: ", count($spans) === 3 ? (implode(', ', bg_fleet_overlaps($spans))
        ?: 'none') : 'spans of ' . implode(', ', array_keys($spans)) . ' only', "\n";
    echo "within 20 s: ", var_export($took < 20, true), $took < 20 ? '' : sprintf(" (%.1f s)", $took), "\n";
    unset($r);
    $back = bg_app_commit($fleet['world'], "$kind-back");
    $store = store_killed($kind, $back, $fleet, $store, $box, $opts, $pids);
    bad_commit_halts($kind, $fleet, $store, $front, $opts);
    host_converges($back, $fleet, $front, $opts);
    usleep(300000);
    $res = bg_load_stop($load);
    echo "requests through the front nginx: ", $res['requests'] > 100 ? 'many' : $res['requests'] . "\n" . $res['raw'],
        ", non-2xx ", $res['non2xx'], ", socket errors ", $res['errors'], "\n";
    $took = microtime(true) - $t;
    echo "all of it within 35 s: ", var_export($took < 35, true), $took < 35 ? '' : sprintf(" (%.1f s)", $took), "\n";
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
the slot taken again once h1's lease ran out, within slot_ttl (2 s) + 2 s of the kill: true
h1 started again: live, its nginx on 127.0.0.2 answers redis-load
rollout: done, done 3, failed 0
switches overlapping, by the store's record: none
switches overlapping, by the hosts' logs: none
within 20 s: true
store killed while h1 switches holding the slot: true; h1: live, its nginx answers redis-back, its result not recorded: true
h2 while the store is down: its nginx answers redis-load, logged: true
h2 once it is back: live, its nginx answers redis-back
h1 ticks again: live
h1's switch_end, recorded late, is when its switch ended: true; switches overlapping, by the store's record: none
h2 took the slot only once the store was back, by its log: true
rollout: redis-back done, hosts h1 h2; switches overlapping, by the hosts' logs: none
h1 on redis-bad: failed at start, its nginx answers redis-back
h2 ticks: failed at fleet, its nginx answers redis-back
rollout: redis-bad halted, halted by h1, h2 switched: false
the front nginx answers: redis-back redis-load
h3 comes back: live, its nginx answers redis-back
the front nginx answers: redis-back
requests through the front nginx: many, non-2xx 0, socket errors 0
all of it within 35 s: true
== etcd
h1 killed holding the slot, in its start: true
h2: live, its nginx on 127.0.0.3 answers etcd-load
h3: live, its nginx on 127.0.0.4 answers etcd-load
the slot taken again once h1's lease ran out, within slot_ttl (2 s) + 2 s of the kill: true
h1 started again: live, its nginx on 127.0.0.2 answers etcd-load
rollout: done, done 3, failed 0
switches overlapping, by the store's record: none
switches overlapping, by the hosts' logs: none
within 20 s: true
store killed while h1 switches holding the slot: true; h1: live, its nginx answers etcd-back, its result not recorded: true
h2 while the store is down: its nginx answers etcd-load, logged: true
h2 once it is back: live, its nginx answers etcd-back
h1 ticks again: live
h1's switch_end, recorded late, is when its switch ended: true; switches overlapping, by the store's record: none
h2 took the slot only once the store was back, by its log: true
rollout: etcd-back done, hosts h1 h2; switches overlapping, by the hosts' logs: none
h1 on etcd-bad: failed at start, its nginx answers etcd-back
h2 ticks: failed at fleet, its nginx answers etcd-back
rollout: etcd-bad halted, halted by h1, h2 switched: false
the front nginx answers: etcd-back etcd-load
h3 comes back: live, its nginx answers etcd-back
the front nginx answers: etcd-back
requests through the front nginx: many, non-2xx 0, socket errors 0
all of it within 35 s: true
