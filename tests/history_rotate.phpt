--TEST--
Deploy history is bounded: past 1 MiB history.jsonl becomes history.jsonl.1 (replacing the older one) and a new file starts; history() reads across both; a line cut by a killed writer is skipped
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$box = bg_sandbox('history-rotate');
require __DIR__ . '/inc/git.inc';
$git = bg_git_setup($box);
$r = new BlueGreen\Releaser(bg_min_options($box, ['root' => $git['root']]));
$dir = "$box/releases/.bluegreen";
@mkdir($dir, 0755, true);
$line = fn (int $i) => json_encode(['time' => 'T', 'at' => $i, 'action' => 'deploy', 'result' => 'live', 'n' => $i,
    'pad' => str_repeat('x', 900)]) . "\n";
$old = '';
for ($i = 1; strlen($old) < 1024 * 1024 - 300; $i++) {
    $old .= $line($i);
}
file_put_contents("$dir/history.jsonl.1", "stale\n");
file_put_contents("$dir/history.jsonl", $old . '{"cut":');   // a writer killed mid-line
$before = $i - 1;

echo "-- a refused rollback appends one line: the file is past the limit, so it rotates\n";
try { $r->rollback(); } catch (BlueGreen\Exception $e) { echo get_class($e), "\n"; }
echo "history.jsonl.1 is the old file: ", var_export(file_get_contents("$dir/history.jsonl.1") === $old . '{"cut":', true), "\n";
$now = file("$dir/history.jsonl");
echo "history.jsonl: ", count($now), " line, ", json_decode($now[0], true)['result'], "\n";
$h = $r->history(3);
echo "history(3): ", implode(' ', array_map(fn ($e) => $e['n'] ?? $e['result'], $h)), " (of $before before)\n";
echo "status(): ", count($r->status()['history']), "\n";
echo "all of it: ", count($r->history(100000)) === $before + 1 ? 'yes' : 'no', "\n";

echo "-- a line cut by a killed writer: the next line starts on its own\n";
file_put_contents("$dir/history.jsonl", '{"action":"dep', FILE_APPEND);
try { $r->rollback(); } catch (BlueGreen\Exception $e) {}
echo count(file("$dir/history.jsonl")), " lines; history(2): ", implode(' ', array_column($r->history(2), 'result')), "\n";

echo "-- another deploy holds the lock: deploy() is refused (an entry), a tick's quiet no is not\n";
$lock = fopen("$dir/lock", 'c');
flock($lock, LOCK_EX);
$r = new BlueGreen\Releaser(bg_min_options($box, ['root' => $git['root'], 'log' => fn () => null]));
$before = count($r->history(100000));
try { $r->deploy(); } catch (BlueGreen\LockException $e) { echo get_class($e), "\n"; }
$r->tick();
$h = $r->history(100000);
echo count($h) - $before, " entry: {$h[count($h) - 1]['action']} {$h[count($h) - 1]['result']}, trigger {$h[count($h) - 1]['trigger']}: ",
    strtok($h[count($h) - 1]['error'], '('), "\n";
flock($lock, LOCK_UN);
fclose($lock);

echo "-- a deploy() whose check fails is history, with the remote's credentials masked\n";
$r = new BlueGreen\Releaser(bg_min_options($box, ['root' => $git['root'], 'remote' => 'http://deploy:s3cret@127.0.0.1:9/app.git',
    'command_timeout' => 5]));
try { $r->deploy(); } catch (BlueGreen\Exception $e) { echo get_class($e), "\n"; }
$h = $r->history(1)[0];
echo "{$h['action']} {$h['result']} at {$h['step']}: ", str_replace('127.0.0.1:9', 'HOST', $h['error']), "\n";
echo "the password nowhere in .bluegreen: ", var_export(!preg_grep('/s3cret/', array_map('file_get_contents', array_filter(glob("$dir/*"), 'is_file'))), true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('history-rotate'));
?>
--EXPECTF--
-- a refused rollback appends one line: the file is past the limit, so it rotates
BlueGreen\Exception
history.jsonl.1 is the old file: true
history.jsonl: 1 line, refused
history(3): %d %d refused (of %d before)
status(): 5
all of it: yes
-- a line cut by a killed writer: the next line starts on its own
3 lines; history(2): refused refused
-- another deploy holds the lock: deploy() is refused (an entry), a tick's quiet no is not
BlueGreen\LockException
1 entry: deploy refused, trigger deploy: %s
-- a deploy() whose check fails is history, with the remote's credentials masked
BlueGreen\GitException
deploy failed at check: cannot list the branches of http://deploy:***@HOST/app.git (branch master): %s
the password nowhere in .bluegreen: true
