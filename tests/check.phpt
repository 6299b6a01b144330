--TEST--
Releaser::check(): null while the remote is unchanged (nothing fetched), else the new head; force-pushes followed
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('check');
$g = bg_git_setup($box, ['index.php' => "<?php echo 'v1';\n", 'old.txt' => "a\nb\nc\n"]);
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log]));
$cache = "$box/releases/.bluegreen/cache.git";
$short = fn (string $sha) => substr($sha, 0, 7);

echo "-- unchanged: null, and not a byte fetched or written\n";
$before = bg_tree("$box/releases");
var_dump($r->check());
var_dump(bg_tree("$box/releases") === $before);
bg_log_print($lines, [$short($g['first']) => 'FIRST']);

echo "-- a new commit: its full sha, fetched into the cache with its diff stat\n";
$second = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n", 'new.txt' => "1\n2\n", 'old.txt' => null], 'second');
bg_git_push($g['work']);
var_dump($r->check() === $second);
var_dump(bg_git(['rev-parse', 'refs/heads/master'], $cache) === $second);
$ctx = $lines[count($lines) - 1]['ctx'];  // the check line, after the cache's seed and the fetch
echo "ctx: step=$ctx[step] commit=", $ctx['commit'] === $second ? 'SECOND' : $ctx['commit'], ' duration_ms=', gettype($ctx['duration_ms']), "\n";
bg_log_print($lines, [$short($g['first']) => 'FIRST', $short($second) => 'SECOND', $box => 'BOX']);

echo "-- asked again before a deploy: the same answer, nothing fetched again\n";
$objects = bg_git_object_files($cache);
var_dump($r->check() === $second);
var_dump(bg_git_object_files($cache) === $objects);
bg_log_print($lines, [$short($g['first']) => 'FIRST', $short($second) => 'SECOND']);

echo "-- once root is at the head: null again\n";
bg_git(['pull', '-q', '--ff-only'], $g['root']);
var_dump($r->check());
bg_log_print($lines, [$short($second) => 'SECOND']);

echo "-- a force-pushed branch (second rewritten): followed\n";
bg_git(['reset', '-q', '--hard', $g['first']], $g['work']);
$rewritten = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2 again';\n"], 'rewritten');
bg_git_push($g['work'], 'master', true);
var_dump($r->check() === $rewritten);
bg_log_print($lines, [$short($second) => 'SECOND', $short($rewritten) => 'REWRITTEN', $box => 'BOX']);

echo "-- another branch, named by URL\n";
bg_git(['checkout', '-q', '-b', 'feature/x'], $g['work']);
$feature = bg_git_commit($g['work'], ['f.txt' => "f\n"], 'feature');
bg_git_push($g['work'], 'feature/x');
$r2 = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'remote' => "file://{$g['remote']}", 'branch' => 'feature/x']));
var_dump($r2->check() === $feature);
bg_log_print($lines, [$short($second) => 'SECOND', $short($feature) => 'FEATURE', $box => 'BOX']);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-check');
?>
--EXPECT--
-- unchanged: null, and not a byte fetched or written
NULL
bool(true)
debug: check: master at FIRST, nothing new (DURATION)
-- a new commit: its full sha, fetched into the cache with its diff stat
bool(true)
bool(true)
ctx: step=check commit=SECOND duration_ms=double
debug: cache: seeded from root's objects (0 packs, 4 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
info: fetch: master from BOX/remote.git: received N objects, B bytes (DURATION)
info: check: master moved FIRST..SECOND: 3 files changed, 3 insertions(+), 4 deletions(-) (DURATION)
-- asked again before a deploy: the same answer, nothing fetched again
bool(true)
bool(true)
info: check: master moved FIRST..SECOND: 3 files changed, 3 insertions(+), 4 deletions(-) (DURATION)
-- once root is at the head: null again
NULL
debug: check: master at SECOND, nothing new (DURATION)
-- a force-pushed branch (second rewritten): followed
bool(true)
info: fetch: master from BOX/remote.git: received N objects, B bytes (DURATION)
info: check: master moved SECOND..REWRITTEN: 3 files changed, 4 insertions(+), 3 deletions(-) (DURATION)
-- another branch, named by URL
bool(true)
info: fetch: feature/x from file://BOX/remote.git: received N objects, B bytes (DURATION)
info: check: feature/x moved SECOND..FEATURE: 4 files changed, 5 insertions(+), 3 deletions(-) (DURATION)
