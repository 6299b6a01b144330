--TEST--
log_format 'json': one JSON object a line in the log file (time, level, message, step, duration_ms, commit, release, port, error), and the same fields as the log callable's context; 'text' stays as it was
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('log-json');
$git = bg_git_setup($box);
$sha = bg_git_commit($git['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($git['work']);
$keys = ['time', 'level', 'message', 'step', 'duration_ms', 'commit', 'release', 'port', 'error'];
$base = bg_min_options($box, ['root' => $git['root'], 'build' => [[PHP_BINARY, '-r', 'fwrite(STDERR, "no composer\n"); exit(3);']]]);

echo "-- bad values\n";
bg_expect_throw(fn () => new BlueGreen\Releaser(['log_format' => 'xml'] + $base));
bg_expect_throw(fn () => new BlueGreen\Releaser(['log_format' => 1] + $base));

echo "-- the callable's context\n";
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(['log' => $log, 'log_format' => 'json'] + $base);
try { $r->deploy($sha); } catch (BlueGreen\BuildException $e) { echo get_class($e), "\n"; }
$all_keys = true;
foreach ($lines as $l) {
    $all_keys = $all_keys && array_keys($l['ctx']) === $keys && $l['ctx']['message'] === $l['message']
        && $l['ctx']['level'] === $l['level'] && preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/', $l['ctx']['time']);
}
echo count($lines) > 1 ? 'lines' : 'no lines', ", every context has the nine keys in order: ", var_export($all_keys, true), "\n";
$fail = array_values(array_filter((array) $lines, fn ($l) => $l['level'] === 'error'))[0]['ctx'];
$show = function (array $c) use ($sha, $box) {
    printf("%s step %s, commit %s, release %s, port %s, duration_ms %s\n   message: %s\n   error: %s\n", $c['level'], $c['step'],
        $c['commit'] === $sha ? 'v2' : var_export($c['commit'], true), var_export($c['release'], true),
        var_export($c['port'], true), is_int($c['duration_ms']) ? 'int' : gettype($c['duration_ms']),
        str_replace($box, 'BOX', strtok($c['message'], "\n")), str_replace($box, 'BOX', strtok($c['error'], "\n")));
};
$show($fail);

echo "-- the file: the same fields, one line each\n";
$file = "$box/bluegreen.log";
$r = new BlueGreen\Releaser(['log' => $file, 'log_format' => 'json'] + $base);
try { $r->deploy($sha); } catch (BlueGreen\BuildException $e) { echo get_class($e), "\n"; }
$ok = true;
$err = null;
foreach (file($file) as $line) {
    $j = json_decode($line, true, 4, JSON_THROW_ON_ERROR);
    $ok = $ok && array_keys($j) === $keys && str_ends_with($line, "}\n");
    if ($j['level'] === 'error') {
        $err = $j;
    }
}
echo "every line a JSON object with the nine keys: ", var_export($ok, true), "\n";
$show($err);
// The release directory named in the messages has the second it was made in.
$same = fn (array $j) => preg_replace('/release-\d{8}T\d{6}/', 'release-UTC', array_diff_key($j, ['time' => 1, 'duration_ms' => 1]));
echo "same as the callable's but the time: ", var_export($same($err) == $same($fail), true), "\n";

echo "-- 'text' (the default) as before\n";
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(['log' => $log, 'log_format' => 'text'] + $base);
try { $r->deploy($sha); } catch (BlueGreen\BuildException $e) {}
echo implode(',', array_keys(array_values(array_filter((array) $lines, fn ($l) => $l['level'] === 'error'))[0]['ctx'])), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('log-json'));
?>
--EXPECTF--
-- bad values
ValueError: Option "log_format" must be 'text' or 'json', "xml" given
TypeError: Option "log_format" must be of type string, int given
-- the callable's context
BlueGreen\BuildException
lines, every context has the nine keys in order: true
error step prepare, commit v2, release NULL, port NULL, duration_ms int
   message: deploy: %s failed at prepare: %s
   error: %s
-- the file: the same fields, one line each
BlueGreen\BuildException
every line a JSON object with the nine keys: true
error step prepare, commit v2, release NULL, port NULL, duration_ms int
   message: deploy: %s failed at prepare: %s
   error: %s
same as the callable's but the time: true
-- 'text' (the default) as before
step,duration_ms,commit
