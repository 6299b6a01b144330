--TEST--
Releaser::prepare(): a working tree at exactly the commit, objects hardlinked from the cache, origin the real remote
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare');
$g = bg_git_setup($box, ['index.php' => "<?php echo 'v1';\n", 'App/HttpController/Index.php' => "<?php // v1\n"]);
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'build' => []]));
$cache = "$box/releases/.bluegreen/cache.git";
$second = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n", 'new.txt' => "new\n"], 'second');
bg_git_push($g['work']);
$replace = [$box => 'BOX', substr($g['first'], 0, 7) => 'FIRST', substr($second, 0, 7) => 'SECOND'];

echo "-- the commit check() found: nothing received again\n";
var_dump($r->check() === $second);
$lines->exchangeArray([]);
$t = time();
$rel = $r->prepare($second);
var_dump($rel instanceof BlueGreen\Release, $rel->commit === $second, $rel->port);
var_dump(abs($rel->createdAt - $t) <= 2);
echo strtr(preg_replace('/\d{8}T\d{6}/', 'UTC', $rel->path), $replace), "\n";
var_dump(basename($rel->path) === 'release-' . gmdate('Ymd\THis', $rel->createdAt) . '-' . substr($second, 0, 7));
bg_log_print($lines, $replace);

echo "-- the working tree\n";
echo bg_git(['rev-parse', 'HEAD'], $rel->path) === $second ? "HEAD is the commit\n" : "HEAD is wrong\n";
echo file_get_contents("$rel->path/index.php"), file_get_contents("$rel->path/new.txt");
echo file_get_contents("$rel->path/App/HttpController/Index.php");
echo "status: [", bg_git(['status', '--porcelain'], $rel->path), "]\n";
echo "branch: ", bg_git(['rev-parse', '--abbrev-ref', 'HEAD'], $rel->path), "\n";
echo "origin: ", str_replace($box, 'BOX', bg_git(['remote', 'get-url', 'origin'], $rel->path)), "\n";
echo "upstream: ", bg_git(['rev-parse', '--abbrev-ref', '@{upstream}'], $rel->path), "\n";

echo "-- objects are hardlinks of the cache's\n";
$objects = bg_git_object_files("$rel->path/.git");
var_dump(count($objects) > 0 && $objects === bg_git_object_files($cache));
$same = true;
foreach ($objects as $o) {
    $same = $same && fileinode("$rel->path/.git/$o") === fileinode("$cache/$o");
}
var_dump($same);

echo "-- an older commit by its short sha: fetched nothing, the tree is at it\n";
$old = $r->prepare(substr($g['first'], 0, 7));
var_dump($old->commit === $g['first']);
echo bg_git(['rev-parse', 'HEAD'], $old->path) === $g['first'] ? "HEAD is the commit\n" : "HEAD is wrong\n";
echo file_get_contents("$old->path/index.php");
var_dump(file_exists("$old->path/new.txt"));
bg_log_print($lines, $replace);

echo "-- the same commit twice in one second: -2\n";
$a = $r->prepare($second);
$b = $r->prepare(strtoupper($second));
var_dump($a->path !== $b->path, $b->commit === $second);
var_dump(in_array(substr(basename($b->path), -2), ['-2', '-3']) || $a->createdAt !== $b->createdAt);
$lines->exchangeArray([]);

echo "-- a release can be root: check() from it sees nothing new\n";
$r2 = new BlueGreen\Releaser(bg_min_options($box, ['root' => $rel->path, 'log' => $log]));
var_dump($r2->check());
bg_log_print($lines, $replace);

echo "-- a commit the cache lacks is fetched first (a new releases_dir)\n";
mkdir("$box/other");
$r3 = new BlueGreen\Releaser(bg_min_options($box, ['releases_dir' => "$box/other", 'log' => $log]));
$rel3 = $r3->prepare($second);
echo bg_git(['rev-parse', 'HEAD'], $rel3->path) === $second ? "HEAD is the commit\n" : "HEAD is wrong\n";
bg_log_print($lines, $replace);

echo "-- a .gitattributes in the tree: its filters apply (ident expands \$Id\$)\n";
$attrs = bg_git_commit($g['work'], ['.gitattributes' => "*.txt ident\n", 'id.txt' => "\$Id\$\n"], 'attributes');
bg_git_push($g['work']);
$rel4 = $r->prepare($attrs);
echo preg_replace('/[0-9a-f]{40}/', 'BLOB', file_get_contents("$rel4->path/id.txt"));
echo "status: [", bg_git(['status', '--porcelain'], $rel4->path), "]\n";
$lines->exchangeArray([]);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-prepare');
?>
--EXPECT--
-- the commit check() found: nothing received again
bool(true)
bool(true)
bool(true)
NULL
bool(true)
BOX/releases/release-UTC-SECOND
bool(true)
info: prepare: cloned SECOND into BOX/releases/release-UTC-SECOND, objects hardlinked from the cache (DURATION)
info: prepare: release BOX/releases/release-UTC-SECOND ready (DURATION)
-- the working tree
HEAD is the commit
<?php echo 'v2';
new
<?php // v1
status: []
branch: master
origin: BOX/remote.git
upstream: origin/master
-- objects are hardlinks of the cache's
bool(true)
bool(true)
-- an older commit by its short sha: fetched nothing, the tree is at it
bool(true)
HEAD is the commit
<?php echo 'v1';
bool(false)
info: prepare: cloned FIRST into BOX/releases/release-UTC-FIRST, objects hardlinked from the cache (DURATION)
info: prepare: release BOX/releases/release-UTC-FIRST ready (DURATION)
-- the same commit twice in one second: -2
bool(true)
bool(true)
bool(true)
-- a release can be root: check() from it sees nothing new
NULL
debug: check: master at SECOND, nothing new (DURATION)
-- a commit the cache lacks is fetched first (a new releases_dir)
HEAD is the commit
info: fetch: master from BOX/remote.git: received N objects, B bytes (DURATION)
debug: cache: seeded from root's objects (0 packs, 6 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
info: prepare: cloned SECOND into BOX/other/release-UTC-SECOND, objects hardlinked from the cache (DURATION)
info: prepare: release BOX/other/release-UTC-SECOND ready (DURATION)
-- a .gitattributes in the tree: its filters apply (ident expands $Id$)
$Id: BLOB $
status: []
