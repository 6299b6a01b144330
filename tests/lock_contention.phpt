--TEST--
The deploy lock under contention: six processes call deploy() at once, 150 times each; every LockException names a live contender as the holder, never "pid 0", and status() names only contenders too
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox('lock-contention');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$opts = bg_min_options($box, ['log' => "$box/releaser.log"]);
// Each contender takes the lock, fails fast after it (root is no git
// checkout), and lets it go: the lock changes hands all the time.
file_put_contents("$box/contender.php", '<?php
$r = new BlueGreen\Releaser(json_decode($argv[1], true));
$seen = ["lock" => [], "other" => 0, "holders" => []];
while (!file_exists($argv[2])) {
    usleep(1000);
}
for ($i = 0; $i < (int) $argv[3]; $i++) {
    try {
        $r->deploy();
    } catch (BlueGreen\LockException $e) {
        $seen["lock"][] = $e->getMessage();
    } catch (Throwable $e) {
        $seen["other"]++;
    }
    if ($i % 10 === 0) {
        $seen["holders"][] = $r->status()["lock_holder"];
    }
}
echo json_encode($seen);');
$children = [];
for ($i = 0; $i < 6; $i++) {
    $children[] = $child = bg_spawn(bg_php(["$box/contender.php", json_encode($opts),
        "$box/go", '150']), $box);
    $pids[] = $child['pid'];
}
touch("$box/go");
$contenders = array_column($children, 'pid');
$messages = [];
$holders = [];
foreach ($children as $child) {
    $exit = bg_wait_exit($child, 60);
    $seen = json_decode(bg_output($child), true);
    if ($exit !== 0 || $seen === null) {
        echo "contender {$child['pid']}: exit ", var_export($exit, true), ': ', bg_output($child), "\n";
        continue;
    }
    proc_close($child['proc']);
    $messages = array_merge($messages, $seen['lock']);
    $holders = array_merge($holders, array_filter($seen['holders']));
}
bg_check('the contenders met the lock held (LockExceptions)', count($messages) >= 20, count($messages));
$zero = preg_grep('/\bpid 0\b/', $messages);
bg_check('no message says "pid 0"', $zero === [], array_slice($zero, 0, 3));
$named = [];
$unread = 0;
foreach ($messages as $m) {
    if (preg_match('/is held by pid (\d+)$/', $m, $g)) {
        $named[] = (int) $g[1];
    } elseif (str_contains($m, 'is held, but its holder could not be read')) {
        $unread++;
    } else {
        echo "unexpected: $m\n";
    }
}
$strangers = array_diff($named, $contenders);
bg_check('each pid named is one of the contenders', $strangers === [], array_slice($strangers, 0, 3));
bg_check('a holder is named in almost every message', $unread * 50 <= count($messages), "$unread of " . count($messages));
$strangers = array_diff($holders, $contenders);
bg_check("status()'s lock_holder, when set, is a contender", $strangers === [], array_slice($strangers, 0, 3));
echo "after: lock_holder ", var_export((new BlueGreen\Releaser($opts))->status()['lock_holder'], true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox_path('lock-contention');
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECT--
the contenders met the lock held (LockExceptions): ok
no message says "pid 0": ok
each pid named is one of the contenders: ok
a holder is named in almost every message: ok
status()'s lock_holder, when set, is a contender: ok
after: lock_holder NULL
