--TEST--
Releaser::prepare(): git submodules (relative URLs, nested one level) checked out at the recorded commits through a cache per URL, a bump fetching only the new objects; a submodule that cannot be had fails prepare naming its path and masked URL, leaving no release directory
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-submodule');
// A bare repository with a work clone that pushes to it, on $branch.
$repo = function (string $name, array $files, string $branch) use ($box): string {
    bg_git(['init', '-q', '--bare', '-b', $branch, "$box/$name.git"]);
    bg_git(['clone', '-q', "$box/$name.git", "$box/$name-work"]);
    bg_git(['checkout', '-q', '-b', $branch], "$box/$name-work");
    bg_git_commit("$box/$name-work", $files, "$name 1");
    bg_git(['push', '-q', 'origin', "HEAD:refs/heads/$branch"], "$box/$name-work");
    return "$box/$name-work";
};
$sub = fn (array $args, string $cwd) => bg_git(array_merge(['-c', 'protocol.file.allow=always', 'submodule'], $args), $cwd);
$push = function (string $work, string $msg, string $branch = 'master'): string {
    bg_git(['commit', '-q', '-am', $msg], $work);
    bg_git(['push', '-q', 'origin', "HEAD:refs/heads/$branch"], $work);
    return bg_git(['rev-parse', 'HEAD'], $work);
};
$inner = $repo('inner', ['inner.php' => "<?php // inner 1\n"], 'main');
$lib = $repo('lib', ['lib.php' => "<?php // lib 1\n"], 'master');
// lib holds inner at vendor/inner, by a URL relative to lib's own
$sub(['add', '-q', '../inner.git', 'vendor/inner'], $lib);
$lib1 = $push($lib, 'lib: inner');
$g = bg_git_setup($box, ['index.php' => "<?php echo 'v1';\n"]);
$sub(['add', '-q', '../lib.git', 'Lib'], $g['work']);
$sub(['update', '-q', '--init', '--recursive'], $g['work']);
$v1 = $push($g['work'], 'app: Lib');

[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'build' => []]));
$show = function () use ($lines, $box) {
    foreach ($lines as $l) {
        $m = str_replace($box, 'BOX', $l['message']);
        $m = preg_replace(['/\(\d+(\.\d+)? m?s\)/', '/release-\d{8}T\d{6}-[0-9a-f]{7}/', '/ at [0-9a-f]{7} /', '/, \d+ bytes/'],
            ['(T)', 'release-UTC-SHA', ' at SHA ', ', B bytes'], $m);
        if (!str_starts_with($m, 'fetch: master from')) {
            echo '  ', $l['level'], ': ', $m, "\n";
        }
    }
    $lines->exchangeArray([]);
};
$releases = fn () => count(glob("$box/releases/release-*"));

echo "-- v1: Lib and, inside it, vendor/inner\n";
$rel = $r->prepare($v1);
$show();
echo file_get_contents("$rel->path/Lib/lib.php"), file_get_contents("$rel->path/Lib/vendor/inner/inner.php");
echo "Lib at the recorded commit: ", var_export(bg_git(['rev-parse', 'HEAD'], "$rel->path/Lib") === $lib1, true), "\n";
echo "superproject status: [", bg_git(['status', '--porcelain'], $rel->path), "]\n";
echo "Lib's origin: ", str_replace($box, 'BOX', bg_git(['remote', 'get-url', 'origin'], "$rel->path/Lib")), "\n";
echo "caches: ", implode(' ', array_map(fn ($p) => preg_replace('/-[0-9a-f]{16}\.git$/', '-HASH.git', basename($p)),
    glob("$box/releases/.bluegreen/submodules/*"))), "\n";

echo "-- v2: Lib bumped: only its new objects are fetched, inner is already cached\n";
file_put_contents("$lib/lib.php", "<?php // lib 2\n");
$lib2 = $push($lib, 'lib 2');
$sub(['update', '-q', '--remote', 'Lib'], $g['work']);
$v2 = $push($g['work'], 'app: Lib 2');
$rel2 = $r->prepare($v2);
$show();
echo file_get_contents("$rel2->path/Lib/lib.php"), file_get_contents("$rel2->path/Lib/vendor/inner/inner.php");

echo "-- v3: Lib's URL names a repository that does not exist\n";
$n = $releases();
bg_git(['config', '-f', '.gitmodules', 'submodule.Lib.url', '../missing.git'], $g['work']);
$v3 = $push($g['work'], 'app: Lib moved');
try {
    $r->prepare($v3);
} catch (BlueGreen\GitException $e) {
    echo get_class($e), ': ', str_replace($box, 'BOX', $e->getMessage()), "\n";
}
echo "release directories: ", $releases() - $n, " more; caches: ", count(glob("$box/releases/.bluegreen/submodules/*")), "\n";
$show();

echo "-- v4: a URL with a credential: masked\n";
bg_git(['config', '-f', '.gitmodules', 'submodule.Lib.url', 'http://deploy:s3cret@127.0.0.1:1/lib.git'], $g['work']);
$v4 = $push($g['work'], 'app: Lib over http');
try {
    $r->prepare($v4);
} catch (BlueGreen\GitException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
    echo "secret shown: ", var_export(str_contains($e->getMessage(), 's3cret'), true), "\n";
}
echo "release directories: ", $releases() - $n, " more\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('prepare-submodule'));
?>
--EXPECTF--
-- v1: Lib and, inside it, vendor/inner
  info: fetch: refs/heads/* (submodule Lib) from BOX/lib.git: received 7 objects, B bytes (T)
  info: fetch: refs/heads/* (submodule Lib/vendor/inner) from BOX/inner.git: received 3 objects, B bytes (T)
  info: prepare: submodule Lib/vendor/inner at SHA from BOX/inner.git, fetched into its cache (T)
  info: prepare: submodule Lib at SHA from BOX/lib.git, fetched into its cache (T)
  debug: cache: seeded from root's objects (0 packs, 3 loose), hardlinked; its HEAD %s and tree verified (T)
  info: prepare: cloned %s into BOX/releases/release-UTC-SHA, objects hardlinked from the cache (T)
  info: prepare: release BOX/releases/release-UTC-SHA ready (T)
<?php // lib 1
<?php // inner 1
Lib at the recorded commit: true
superproject status: []
Lib's origin: BOX/lib.git
caches: inner-HASH.git lib-HASH.git
-- v2: Lib bumped: only its new objects are fetched, inner is already cached
  info: fetch: refs/heads/* (submodule Lib) from BOX/lib.git: received 3 objects, B bytes (T)
  info: prepare: submodule Lib/vendor/inner at SHA from BOX/inner.git, already in its cache (T)
  info: prepare: submodule Lib at SHA from BOX/lib.git, fetched into its cache (T)
  info: prepare: cloned %s into BOX/releases/release-UTC-SHA, objects hardlinked from the cache (T)
  info: prepare: release BOX/releases/release-UTC-SHA ready (T)
<?php // lib 2
<?php // inner 1
-- v3: Lib's URL names a repository that does not exist
BlueGreen\GitException: submodule Lib (url BOX/missing.git) cannot be had: no repository at BOX/missing.git
release directories: 0 more; caches: 2
-- v4: a URL with a credential: masked
BlueGreen\GitException: submodule Lib (url http://deploy:***@127.0.0.1:1/lib.git) cannot be had: cannot fetch branch refs/heads/* (submodule Lib) from http://deploy:***@127.0.0.1:1/lib.git: failed to connect to 127.0.0.1: Connection refused
secret shown: false
release directories: 0 more
