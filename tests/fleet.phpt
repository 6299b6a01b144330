--TEST--
fleet: 3 hosts against a real redis-server, then a real etcd — a rollout with parallel 1 while h3 is down (no two switches overlap, by the store's record; all reach the commit), a commit failing on one host halting the others (the host already on it rolled back by fleet.on_halt, h3 back up converging to the last done commit, not the halted one), a member paused holding its slot losing it by its lease, its late result refused (fenced); with Redis, a canary host switching alone first
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/inc/fleet.inc';
$box = bg_sandbox('fleet');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$fleet = bg_fleet_hosts($box, 3);
foreach ($fleet['hosts'] as $h) {
    $pids[] = $h['master'];
}
bg_fleet_play('redis', $fleet, $box, $pids, true);
bg_fleet_play('etcd', $fleet, $box, $pids);
bg_fleet_stop($box, $fleet);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/fleet.inc';
bg_fleet_clean(bg_sandbox_path('fleet'));
?>
--EXPECT--
== redis
h1: live, nginx answers redis-1
h2: live, nginx answers redis-1
rollout: redis-1 done, done 2, failed 0
switches overlapping: none; tokens distinct: true
slots after: [null]
h1 joined first: true
h2: live, nginx answers redis-2
h1: failed at start
rollout: halted, halted by h1, failed 1, h1: its start error
h2 rolls back: live, nginx answers redis-1
h3 converges: live, nginx answers redis-1
rollout: halted, h1 failed, h2 rolled_back, h3 waiting
h1 nginx answers redis-1
h1 holds the slot after 2.6 s in its start: true
h2: live, nginx answers redis-3
h3: live, nginx answers redis-3
the next holder took the slot once h1's lease ran out: true
h1 resumed: live, nginx answers redis-3
h1 logged its slot lost: true, its result refused: true
rollout: h1 switching, h2 done, h3 done; overlapping: none
h1: live, nginx answers canary
h2: live, nginx answers canary
h3: live, nginx answers canary
rollout with a canary: done, canaries 1, the others switched after its soak
bin/bluegreen fleet status: exit 0
rollout     SHA done, parallel 1, 3 done, 0 failed, canary 1
            h1: done, switch from T to T
            h2: done, switch from T to T
            h3: done, switch from T to T
slot 0      free
== etcd
h1: live, nginx answers etcd-1
h2: live, nginx answers etcd-1
rollout: etcd-1 done, done 2, failed 0
switches overlapping: none; tokens distinct: true
slots after: [null]
h1 joined first: true
h2: live, nginx answers etcd-2
h1: failed at start
rollout: halted, halted by h1, failed 1, h1: its start error
h2 rolls back: live, nginx answers etcd-1
h3 converges: live, nginx answers etcd-1
rollout: halted, h1 failed, h2 rolled_back, h3 waiting
h1 nginx answers etcd-1
h1 holds the slot after 2.6 s in its start: true
h2: live, nginx answers etcd-3
h3: live, nginx answers etcd-3
the next holder took the slot once h1's lease ran out: true
h1 resumed: live, nginx answers etcd-3
h1 logged its slot lost: true, its result refused: true
rollout: h1 switching, h2 done, h3 done; overlapping: none
bin/bluegreen fleet status: exit 0
rollout     SHA rolling, parallel 1, 2 done, 0 failed
            h1: switching, switch from T
            h2: done, switch from T to T
            h3: done, switch from T to T
slot 0      free
