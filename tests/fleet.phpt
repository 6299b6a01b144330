--TEST--
fleet: 3 hosts against a real redis-server, then a real etcd — a rollout with parallel 1 while h3 is down (no two switches overlap, by the store's record; all reach the commit), a commit failing on one host halting the others (the host already on it rolled back by fleet.on_halt, h3 back up converging to the last done commit, not the halted one), a member paused holding its slot losing it by its lease, its late result refused (fenced), then recorded at its next tick under a new slot grant (the rollout ends done); with Redis, a canary host switching alone first, and bin/bluegreen fleet pause (no host switches), resume, abort (halted by the operator, the host on it rolling back); each host's live commit, state and heartbeat in status() and fleet status; redis-server killed while a host switches holding the slot and started again: nothing fails, nothing switches while it is down, the rollout resumes (made again without the host that was switching, which adds its result back at its next tick); a failed host's long error kept with its start and its end, masked, whole in fleet status; a converging host `converging` in the halted rollout; a wait for the slot logged at info once
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
waiting for the slot logged at info: once at most
h1 joined first: true
h2: live, nginx answers redis-2
h1: failed at start
rollout: halted, halted by h1, failed 1, h1: its start error
h1's error whole: true, masked: true, in fleet status: true
h2 rolls back: live, nginx answers redis-1
h3 converges: live, nginx answers redis-1
rollout: halted, h1 failed, h2 rolled_back, h3 converging to redis-1
h1 nginx answers redis-1
h1 holds the slot after 2.6 s in its start: true
h2: live, nginx answers redis-3
h3: live, nginx answers redis-3
the next holder took the slot once h1's lease ran out: true
h1 resumed: live, nginx answers redis-3
h1 logged its slot lost: true, its result refused: true
rollout: h1 switching, h2 done, h3 done; overlapping: none
h1 ticks again: live, logged: true
rollout: done, h1 done under a newer grant than h2's and h3's: true
h1: live, nginx answers canary
h2: live, nginx answers canary
h3: live, nginx answers canary
rollout with a canary: done, canaries 1, the others switched after its soak
fleet pause: exit 0: the fleet shop is paused: no member takes a new slot
h1 paused: deadline, nginx answers the same, logged: true
h2 paused: deadline, nginx answers the same, logged: true
status paused: true
fleet resume: exit 0: the fleet shop is resumed
h2: live, nginx answers operator
fleet abort: exit 0: the fleet shop's rollout of SHA is halted by the operator
rollout: halted, halted by operator
h2 rolls back: live, nginx answers canary, its result rolled_back
fleet abort again: exit 2: bluegreen: fleet: the fleet shop's rollout of SHA is halted: only a rolling one (or in its canary) can be aborted
host h1: on canary, deploying, heartbeat within 60 s: true
host h2: on canary, rolled back, heartbeat within 60 s: true
host h3: on canary, switched, heartbeat within 60 s: true
store killed while h1 switches: true; h1: live, nginx answers storekill, its result not recorded: true
h2 while the store is down: nginx answers the same, logged: true
h3 while the store is down: nginx answers the same, logged: true
h2 once it is back: live, nginx answers storekill
h3 once it is back: live, nginx answers storekill
rollout: done, hosts h2 h3, overlapping: none
h1 ticks again: live; rollout: done, hosts h1 done h2 done h3 done
bin/bluegreen fleet status: exit 0
host        h1 on SHA, idle, heartbeat T
host        h2 on SHA, switched, heartbeat T
host        h3 on SHA, switched, heartbeat T
rollout     SHA done, parallel 1, 3 done, 0 failed
            h1: done
            h2: done, switch from T to T
            h3: done, switch from T to T
slot 0      free
== etcd
h1: live, nginx answers etcd-1
h2: live, nginx answers etcd-1
rollout: etcd-1 done, done 2, failed 0
switches overlapping: none; tokens distinct: true
slots after: [null]
waiting for the slot logged at info: once at most
h1 joined first: true
h2: live, nginx answers etcd-2
h1: failed at start
rollout: halted, halted by h1, failed 1, h1: its start error
h1's error whole: true, masked: true, in fleet status: true
h2 rolls back: live, nginx answers etcd-1
h3 converges: live, nginx answers etcd-1
rollout: halted, h1 failed, h2 rolled_back, h3 converging to etcd-1
h1 nginx answers etcd-1
h1 holds the slot after 2.6 s in its start: true
h2: live, nginx answers etcd-3
h3: live, nginx answers etcd-3
the next holder took the slot once h1's lease ran out: true
h1 resumed: live, nginx answers etcd-3
h1 logged its slot lost: true, its result refused: true
rollout: h1 switching, h2 done, h3 done; overlapping: none
h1 ticks again: live, logged: true
rollout: done, h1 done under a newer grant than h2's and h3's: true
bin/bluegreen fleet status: exit 0
host        h1 on SHA, idle, heartbeat T
host        h2 on SHA, switched, heartbeat T
host        h3 on SHA, switched, heartbeat T
rollout     SHA done, parallel 1, 3 done, 0 failed
            h1: done, switch from T to T
            h2: done, switch from T to T
            h3: done, switch from T to T
slot 0      free
