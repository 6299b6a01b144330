--TEST--
fleet with Redis: 3 hosts roll out one commit one at a time (no two switches overlap, all reach it), a commit failing on one host halts the others, a member killed holding its slot frees it by its lease
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('VALGRIND_OPTS') !== false) die('skip timing-bound under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/inc/fleet.inc';
$box = bg_sandbox('fleet-redis');
$pids = [];
bg_cleanup_at_exit($box, $pids);
bg_fleet_play('redis', $box, $pids);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/fleet.inc';
bg_fleet_clean(bg_sandbox_path('fleet-redis'));
?>
--EXPECT--
h1: live, nginx answers v2
h2: live, nginx answers v2
h3: live, nginx answers v2
rollout of v2: v2 done, done 3, failed 0
switches overlapping: none; tokens distinct: true
slots after: [null]
h1: failed at start
h2: failed at fleet, nginx answers v2
h3: failed at fleet, nginx answers v2
rollout of v3: halted, halted by h1, failed 1, h1: its start error
h1 nginx answers v2
h1 holds the slot in its start: true
while h1 lives, the slot stays h1's: true
h2: live, nginx answers v4
h3: live, nginx answers v4
the next holder took the slot within the lease after the kill: true
rollout of v4: h1 switching, h2 done, h3 done; overlapping: none
