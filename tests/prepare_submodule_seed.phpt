--TEST--
Releaser::prepare(): a submodule's new cache is seeded from root's checkout of it (root/.git/modules/..., hardlinked, its HEAD and tree verified): a commit root already has needs no fetch; a corrupt seed is ignored with a warning and the submodule fetched
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-submodule-seed');
$sub = fn (array $args, string $cwd) => bg_git(array_merge(['-c', 'protocol.file.allow=always', 'submodule'], $args), $cwd);
bg_git(['init', '-q', '--bare', '-b', 'master', "$box/lib.git"]);
bg_git(['clone', '-q', "$box/lib.git", "$box/lib-work"]);
bg_git(['checkout', '-q', '-b', 'master'], "$box/lib-work");
$files = [];
for ($i = 0; $i < 10; $i++) {
    $files["f$i.php"] = "<?php // lib file $i\n";
}
bg_git_commit("$box/lib-work", $files, 'lib 1');
bg_git_push("$box/lib-work");
$g = bg_git_setup($box, ['index.php' => "<?php echo 'v1';\n"]);
$sub(['add', '-q', '../lib.git', 'Lib'], $g['work']);
bg_git(['commit', '-q', '-m', 'app: Lib'], $g['work']);
bg_git_push($g['work']);
// root cloned by hand with its submodules, as on a real server: Lib's objects in root/.git/modules/Lib
bg_rmrf($g['root']);
bg_git(['-c', 'protocol.file.allow=always', 'clone', '-q', '--no-local', '--recurse-submodules', $g['remote'], $g['root']]);
bg_git(['repack', '-q', '-a', '-d'], "{$g['root']}/Lib");  // one pack, as after a gc
$rootPack = glob("{$g['root']}/.git/modules/Lib/objects/pack/*.pack")[0];
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);

$prepare = function (string $releases) use ($box, $next, &$rootPack) {
    mkdir("$box/$releases");
    [$log, $lines] = bg_log_recorder();
    $rel = (new BlueGreen\Releaser(bg_min_options($box, ['releases_dir' => "$box/$releases", 'log' => $log, 'build' => []])))->prepare($next);
    foreach ($lines as $l) {
        $m = str_replace($box, 'BOX', $l['message']);
        if (str_contains($m, 'submodule')) {
            echo '  ', $l['level'], ': ', preg_replace(['/\(\d+(\.\d+)? m?s\)/', '/ [0-9a-f]{7} /', '/\b[0-9a-f]{40}\b/'], ['(T)', ' SHA ', 'SHA'], $m), "\n";
        }
    }
    echo "  Lib/f7.php: ", trim(file_get_contents("$rel->path/Lib/f7.php")), "\n";
    echo "  Lib's cache holds root's pack, hardlinked: ", var_export(count(array_filter(
        glob("$box/$releases/.bluegreen/submodules/*/objects/pack/*.pack") ?: [], fn ($p) => fileinode($p) === fileinode($rootPack))) === 1, true), "\n";
};

echo "-- seeded: Lib's recorded commit is root's, nothing fetched\n";
$prepare('r1');

echo "-- a corrupt seed (a blob of Lib's HEAD damaged in root's pack): ignored with a warning, Lib fetched\n";
$blob = bg_git(['rev-parse', 'HEAD:f7.php'], "{$g['root']}/Lib");
foreach (explode("\n", bg_git(['verify-pack', '-v', substr($rootPack, 0, -5) . '.idx'], "{$g['root']}/Lib")) as $row) {
    $col = preg_split('/\s+/', $row);
    if ($col[0] === $blob) {
        chmod($rootPack, 0644);
        $fh = fopen($rootPack, 'r+');
        fseek($fh, (int) $col[4] + 2);
        fwrite($fh, str_repeat("\xff", (int) $col[3] - 2));
        fclose($fh);
    }
}
$prepare('r2');
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('prepare-submodule-seed'));
?>
--EXPECTF--
-- seeded: Lib's recorded commit is root's, nothing fetched
  debug: cache of submodule Lib: seeded from root's objects (1 packs, 0 loose), hardlinked; its HEAD SHA and tree verified (T)
  info: prepare: submodule Lib at SHA from BOX/lib.git, already in its cache (T)
  Lib/f7.php: <?php // lib file 7
  Lib's cache holds root's pack, hardlinked: true
-- a corrupt seed (a blob of Lib's HEAD damaged in root's pack): ignored with a warning, Lib fetched
  warning: cache of submodule Lib: root's objects not used as a seed (root's HEAD SHA or its tree does not read back: %s); the first fetch brings the whole history
  info: fetch: refs/heads/* (submodule Lib) from BOX/lib.git: received %d objects, %d bytes (T)
  info: prepare: submodule Lib at SHA from BOX/lib.git, fetched into its cache (T)
  Lib/f7.php: <?php // lib file 7
  Lib's cache holds root's pack, hardlinked: false
