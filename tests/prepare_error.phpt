--TEST--
Releaser::prepare() errors: ValueError for anything but a sha, GitException for a commit not on the branch; nothing left behind
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-error');
// 600 blobs: some two of them share their first 4 hex digits.
$files = [];
for ($i = 0; $i < 600; $i++) {
    $files["f/$i.txt"] = "$i\n";
}
$g = bg_git_setup($box, $files);
[$log] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_min_options($box, ['build' => [], 'log' => $log]));
$try = function (string $commit, ?BlueGreen\Releaser $releaser = null) use ($box, $r) {
    $before = bg_tree("$box/releases");
    try {
        echo str_replace($box, 'BOX', ($releaser ?? $r)->prepare($commit)->path), "\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', str_replace($box, 'BOX', $e->getMessage()), "\n";
    }
    echo bg_tree("$box/releases") === $before ? "  nothing left behind\n" : "  LEFT SOMETHING\n";
};

echo "-- not a sha\n";
$try('master');
$try('HEAD~1');
$try('../../etc');
$try('abc');
$try('');
$try(str_repeat('a', 41));
$try('abcdefg/');
$try(substr($g['first'], 0, 7) . 'xyz');
bg_expect_throw(fn () => $r->prepare(substr($g['first'], 0, 7) . "\0/../x"));

echo "-- an ambiguous prefix\n";
$prefixes = [];
foreach (explode("\n", bg_git(['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], $g['remote'])) as $oid) {
    $prefixes[substr($oid, 0, 4)][] = $oid;
}
$ambiguous = array_key_first(array_filter($prefixes, fn ($l) => count($l) > 1));
$r->check();
$ambiguous === null ? print("no collision\n") : $try($ambiguous);

echo "-- a commit not on the branch, even after a fetch\n";
$unpushed = bg_git_commit($g['work'], ['x.txt' => "x\n"], 'never pushed');
$try($unpushed);
$try('0000000');

echo "-- a blob's sha is not a commit\n";
$try(bg_git(['rev-parse', 'HEAD:f/1.txt'], $g['work']));

echo "-- the remote is gone and the cache lacks the commit: the new cache is removed again\n";
mkdir("$box/other");
$third = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v3';\n"], 'third');  // root lacks it: no seed has it
bg_git_push($g['work']);
rename($g['remote'], "$box/gone.git");
$r2 = new BlueGreen\Releaser(bg_min_options($box, ['releases_dir' => "$box/other", 'log' => $log]));
$before = bg_tree("$box/other");
bg_expect_throw(fn () => $r2->prepare($third));
echo bg_tree("$box/other") === $before ? "  nothing left behind\n" : "  LEFT SOMETHING\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-prepare-error');
?>
--EXPECTF--
-- not a sha
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "master" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "HEAD~1" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "../../etc" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "abc" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "abcdefg/" given
  nothing left behind
ValueError: commit must be a full or abbreviated sha (4 to 40 hex digits), "%sxyz" given
  nothing left behind
ValueError: BlueGreen\Releaser::prepare(): Argument #1 ($commit) must not contain any null bytes
-- an ambiguous prefix
ValueError: commit "%s" is ambiguous in the history of BOX/remote.git: give more digits
  nothing left behind
-- a commit not on the branch, even after a fetch
BlueGreen\GitException: commit %s is not in branch master of BOX/remote.git, even after a fetch
  nothing left behind
BlueGreen\GitException: commit 0000000 is not in branch master of BOX/remote.git, even after a fetch
  nothing left behind
-- a blob's sha is not a commit
BlueGreen\GitException: commit %s is not in branch master of BOX/remote.git, even after a fetch
  nothing left behind
-- the remote is gone and the cache lacks the commit: the new cache is removed again
BlueGreen\GitException: cannot fetch branch master from %s/remote.git: %s
  nothing left behind
