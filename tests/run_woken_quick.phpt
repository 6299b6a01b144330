--TEST--
Releaser::woken() after a quick tick (another deploy holds the lock, so the tick is over in a moment): a wake() right after it is never missed (500 times; 20 under valgrind, where no tick is quick); and a wake() just before a tick is not taken for one after it (woken() compares what wake() wrote, not the file's time)
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('run_woken_quick');
bg_git_setup($box);
$opts = bg_min_options($box, ['remote' => 'origin', 'build' => [], 'log' => fn () => null]);
$q = new BlueGreen\Releaser($opts);
$w = new BlueGreen\Releaser($opts);
$q->tick();
echo "after a tick: ", var_export($q->woken(), true), "\n";

// Another deploy at work: each tick says a quiet no at the lock, in a few ms.
$lock = fopen("$box/releases/.bluegreen/lock", 'c');
flock($lock, LOCK_EX);
// (When woken() compared the file's mtime with the tick's start on
// CLOCK_REALTIME: 1 to 54 of 100 missed; the kernel stamps files with a
// coarse clock, up to a jiffy behind.)
$rounds = getenv('VALGRIND_OPTS') !== false ? 20 : 500;
$missed = $stale = 0;
for ($i = 0; $i < $rounds; $i++) {
    $q->tick();
    $stale += $q->woken() ? 1 : 0;     // the wake() just before this tick
    $w->wake();
    $missed += $q->woken() ? 0 : 1;
}
flock($lock, LOCK_UN);
fclose($lock);
echo "wake() right after a quick tick, missed by woken(): $missed\n";
echo "wake() just before a quick tick, taken by woken() for one after it: $stale\n";
$q->tick();
echo "after a tick that takes the lock: ", var_export($q->woken(), true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('run_woken_quick'));
?>
--EXPECT--
after a tick: false
wake() right after a quick tick, missed by woken(): 0
wake() just before a quick tick, taken by woken() for one after it: 0
after a tick that takes the lock: false
