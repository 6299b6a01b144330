--TEST--
fleet: 2 hosts against a real redis-server, then a real etcd — fleet.on_halt 'stay' keeps a host on the commit of a halted rollout (its result `stayed`, its state `staying` in status() and fleet status); a pause issued while a host's slot grant is on its way to the store (held back by a proxy) refuses that grant (no slot granted after the pause returns); with a canary and a watch, the canary's watch failing halts the rollout and the other host never switches, also when the canary's releaser was killed in its watch and the next one finished it
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

/**
 * The canary h1's releaser killed (SIGKILL) in its watch; the next one
 * finishes the watch, which fails (the health check answers 500 after 30
 * answers), and at its next tick records the failure: the rollout halts,
 * and h2, waiting for the canary all along, never switches.
 */
function bg_fleet_watch_killed(array $fleet, string $url, Closure $fs, array &$pids): void
{
    [$h1, $h2] = [$fleet['hosts'][1], $fleet['hosts'][2]];
    $commit = bg_app_commit($fleet['world'], 'killed-in-watch', ['HEALTHY_TIMES' => "30\n"]);
    $opts = fn (array $h) => bg_fleet_options($h, $url, ['canary' => ['hosts' => 1, 'soak' => 0.2]],
        ['watch' => ['seconds' => 4, 'access_log' => null]]);
    $before = bg_fleet_version($h2);
    $k = bg_fleet_spawn($opts($h1), $commit, 15);
    $pids[] = $k['pid'];
    $state = "{$h1['box']}/releases/.bluegreen/state.json";
    $watching = bg_wait_for(fn () => (json_decode((string) @file_get_contents($state), true)['deploy']['step'] ?? null) === 'watch', 15);
    posix_kill($k['pid'], SIGKILL);
    bg_fleet_wait($k, 5);
    $other = bg_fleet_spawn($opts($h2), $commit, 15);
    $pids[] = $other['pid'];
    echo "h1 killed in its watch: ", var_export($watching, true), "; the next releaser: ",
        bg_fleet_wait(bg_fleet_spawn($opts($h1), $commit, 10)), ", its next tick: ",
        bg_fleet_wait(bg_fleet_spawn($opts($h1), $commit, 3)), "\n";
    $ro = $fs()['rollout'];
    echo "rollout: {$ro['state']}, halted by {$ro['halted_by']}, h1 {$ro['hosts']['h1']['state']}: ",
        preg_replace('/ after .*/', '', (string) $ro['hosts']['h1']['error']), "\n";
    echo "h2: ", bg_fleet_wait($other), ", nginx answers ", bg_fleet_version($h2) === $before ? 'the same' : 'ANOTHER',
        ", switched: ", var_export((bool) ($ro['hosts']['h2']['switch_start'] ?? false), true), "\n";
}

$box = bg_sandbox('fleet-hpw');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$fleet = bg_fleet_hosts($box, 2);
foreach ($fleet['hosts'] as $h) {
    $pids[] = $h['master'];
}
foreach (['redis', 'etcd'] as $kind) {
    $store = bg_fleet_store_start($kind, $box);
    $pids[] = proc_get_status($store['proc'])['pid'];
    [$h1, $h2] = [$fleet['hosts'][1], $fleet['hosts'][2]];
    $url = $store['url'];
    $ctl = new BlueGreen\Releaser(bg_fleet_options($h1, $url));
    $fs = fn () => $ctl->status()['fleet'];
    // What h2 logged in this store's scenes (its log file is the same for both).
    $from = (int) @filesize("{$h2['box']}/releaser.log");
    $logged = fn (string $what) => str_contains(substr((string) @file_get_contents("{$h2['box']}/releaser.log"), $from), $what);
    echo "== $kind\n";

    // 1. on_halt 'stay': h2 is on the commit when h1 fails on it.
    $c1 = bg_app_commit($fleet['world'], "$kind-stay", ['HEALTHY_TIMES' => null]);
    $stay = bg_fleet_options($h2, $url, ['on_halt' => 'stay']);
    echo "h2: ", bg_fleet_wait(bg_fleet_spawn($stay, $c1)), ", nginx answers ", bg_fleet_version($h2), "\n";
    $bad = bg_fleet_options($h1, $url, [], ['start' => [PHP_BINARY, '-r', 'exit(3);']]);
    echo "h1: ", bg_fleet_wait(bg_fleet_spawn($bad, $c1)), "\n";
    echo "h2 ticks: ", bg_fleet_wait(bg_fleet_spawn($stay, $c1, 3)), ", nginx answers ", bg_fleet_version($h2), "\n";
    $f = $fs();
    echo "rollout: {$f['rollout']['state']}, halted by {$f['rollout']['halted_by']}, h1 {$f['rollout']['hosts']['h1']['state']}, ",
        "h2 {$f['rollout']['hosts']['h2']['state']}; host h2: {$f['hosts']['h2']['state']}, on it: ",
        var_export($f['hosts']['h2']['commit'] === $c1, true), "\n";
    echo "h2 logged: ", var_export($logged("fleet.on_halt 'stay': this member stays on it"), true), "\n";
    $conf = bg_cli_config("{$h2['box']}/bluegreen.php", ['log' => "{$h2['box']}/cli.log"] + $stay);
    $res = bg_cli(['--config', $conf, 'fleet', 'status'], $box);
    foreach (explode("\n", $res['out']) as $line) {
        if (str_contains($line, 'h2')) {
            echo preg_replace(['/\b[0-9a-f]{7}\b/', '/\d\d:\d\d:\d\d/'], ['SHA', 'T'], $line), "\n";
        }
    }

    // 2. A pause while h2's slot grant is on its way: a proxy in front of
    // the store holds the grant's request back until the pause returned.
    [$port] = bg_free_ports();
    $dir = "$box/proxy-$kind";
    mkdir($dir);
    $proxy = bg_start_server([PHP_BINARY, __DIR__ . '/fixtures/hold_proxy.php', (string) $port, (string) $store['port'],
        $kind === 'redis' ? 'INCR' : '/v3/lease/grant', $dir], $port, "$dir/pid");
    $pids[] = proc_get_status($proxy)['pid'];
    $c2 = bg_app_commit($fleet['world'], "$kind-pause");
    $proxied = bg_fleet_options($h2, preg_replace('/:\d+/', ":$port", $url, 1));
    $k = bg_fleet_spawn($proxied, $c2, 4);
    $pids[] = $k['pid'];
    $held = bg_wait_for(fn () => is_file("$dir/held"), 15);
    $ctl->fleetControl('pause');
    touch("$dir/go");
    echo "grant held back: ", var_export($held, true), "; h2: ", bg_fleet_wait($k), ", nginx answers ",
        bg_fleet_version($h2), ", logged paused: ", var_export($logged('the fleet is paused'), true), ", slots: ", json_encode($fs()['slots']), "\n";
    bg_stop_server($proxy, "$dir/pid");
    $ctl->fleetControl('resume');

    // 3. A canary whose watch fails (its health check answers 500 after
    // the first answer): the rollout halts, the other host never switches.
    $c3 = bg_app_commit($fleet['world'], "$kind-watch", ['HEALTHY_TIMES' => "1\n"]);
    $children = [];
    foreach ([1 => $h1, 2 => $h2] as $i => $h) {
        $children[$i] = bg_fleet_spawn(bg_fleet_options($h, $url, ['canary' => ['hosts' => 1, 'soak' => 0.2]],
            ['watch' => ['seconds' => 1.5, 'access_log' => null]]), $c3, 10);
        $pids[] = $children[$i]['pid'];
    }
    $before = [1 => bg_fleet_version($h1), 2 => bg_fleet_version($h2)];
    $ends = array_map(fn ($c) => bg_fleet_wait($c), $children);
    $ro = $fs()['rollout'];
    $canary = array_keys(array_filter($ro['hosts'], fn ($h) => $h['canary']));
    $other = $canary === ['h1'] ? 2 : 1;
    $c = 3 - $other;
    echo "one canary: ", var_export(count($canary) === 1, true), "; the canary: {$ends[$c]}, the other: {$ends[$other]}, ",
        "nginx answers ", bg_fleet_version($fleet['hosts'][$other]) === $before[$other] ? 'the same' : 'ANOTHER',
        "; rollout: {$ro['state']}, halted by the canary: ", var_export($ro['halted_by'] === "h$c", true),
        ", the other's result: {$ro['hosts']["h$other"]['state']}, switched: ",
        var_export((bool) $ro['hosts']["h$other"]['switch_start'], true), "\n";
    if ($kind === 'redis') {
        bg_fleet_watch_killed($fleet, $url, $fs, $pids);
    }
    unset($ctl);
    bg_stop_server($store['proc'], $store['pidfile']);
}
bg_fleet_stop($box, $fleet);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/fleet.inc';
foreach (glob(bg_sandbox_path('fleet-hpw') . '/proxy-*/pid') ?: [] as $pidfile) {
    bg_kill_pidfile($pidfile);
}
bg_fleet_clean(bg_sandbox_path('fleet-hpw'));
?>
--EXPECT--
== redis
h2: live, nginx answers redis-stay
h1: failed at start
h2 ticks: live, nginx answers redis-stay
rollout: halted, halted by h1, h1 failed, h2 stayed; host h2: staying, on it: true
h2 logged: true
host        h2 on SHA, staying, heartbeat T
            h2: stayed, switch from T to T
grant held back: true; h2: deadline, nginx answers redis-stay, logged paused: true, slots: [null]
one canary: true; the canary: failed at watch, the other: failed at fleet, nginx answers the same; rollout: halted, halted by the canary: true, the other's result: waiting, switched: false
h1 killed in its watch: true; the next releaser: failed at watch, its next tick: failed at watch
rollout: halted, halted by h1, h1 failed: failed at watch: health check failed 1 times in a row
h2: failed at fleet, nginx answers the same, switched: false
== etcd
h2: live, nginx answers etcd-stay
h1: failed at start
h2 ticks: live, nginx answers etcd-stay
rollout: halted, halted by h1, h1 failed, h2 stayed; host h2: staying, on it: true
h2 logged: true
host        h2 on SHA, staying, heartbeat T
            h2: stayed, switch from T to T
grant held back: true; h2: deadline, nginx answers etcd-stay, logged paused: true, slots: [null]
one canary: true; the canary: failed at watch, the other: failed at fleet, nginx answers the same; rollout: halted, halted by the canary: true, the other's result: waiting, switched: false
