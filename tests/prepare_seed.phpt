--TEST--
The cache is seeded from root's objects (hardlinked, root's HEAD and tree verified, beside the checkout when prepare() makes the cache): the first fetch brings only what root lacks; a corrupt seed is ignored with a warning and the remote gives everything
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-seed');
$files = [];
for ($i = 0; $i < 30; $i++) {
    $files["src/f$i.php"] = "<?php // file $i\n";
}
$g = bg_git_setup($box, $files + ['index.php' => "<?php echo 'v1';\n"]);
// root cloned by hand over a transport, as on a real server: one pack
bg_rmrf($g['root']);
bg_git(['clone', '-q', '--no-local', $g['remote'], $g['root']]);
$rootPack = glob("{$g['root']}/.git/objects/pack/*.pack")[0];
$next = bg_git_commit($g['work'], ['index.php' => "<?php echo 'v2';\n"], 'v2');
bg_git_push($g['work']);

$received = function (ArrayObject $lines): string {
    foreach ($lines as $l) {
        if (preg_match('/received (\d+) objects/', $l['message'], $m)) {
            return $m[1];
        }
    }
    return 'nothing fetched';
};
$allReceived = function (ArrayObject $lines): string {
    $n = [];
    foreach ($lines as $l) {
        if (preg_match('/received (\d+) objects/', $l['message'], $m)) {
            $n[] = $m[1];
        }
    }
    return $n ? implode(', then ', $n) : 'nothing fetched';
};
$show = function (ArrayObject $lines) use ($box, $g, $next) {
    foreach ($lines as $l) {
        if ($l['level'] === 'warning' || str_starts_with($l['message'], 'cache:')) {
            echo "  $l[level]: ", preg_replace('/\(\d+(\.\d+)? m?s\)/', '(DURATION)',
                strtr($l['message'], [$box => 'BOX', substr($g['first'], 0, 7) => 'FIRST'])), "\n";
        }
    }
};

echo "-- seeded: the check's fetch brings the new commit's objects only\n";
[$log, $lines] = bg_log_recorder();
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log]));
var_dump($r->check() === $next);
$show($lines);
echo "  objects received: ", $received($lines), " (the remote has ", count(explode("\n", bg_git(['rev-list', '--objects', '--all'], $g['remote']))), ")\n";
$cache = "$box/releases/.bluegreen/cache.git";
echo "  root's pack hardlinked into the cache: ", var_export(fileinode("$cache/objects/pack/" . basename($rootPack)) === fileinode($rootPack), true), "\n";
$lines->exchangeArray([]);
$rel = $r->prepare($next);
echo "  prepare: ", trim(file_get_contents("$rel->path/index.php")), ", fetched: ", $received($lines), "\n";
echo "  release's pack is root's, hardlinked: ", var_export(fileinode("$rel->path/.git/objects/pack/" . basename($rootPack)) === fileinode($rootPack), true), "\n";

echo "-- prepare() first makes the cache: the seed verified beside the fetch and the checkout\n";
mkdir("$box/pfirst");
[$log, $lines] = bg_log_recorder();
$rel = (new BlueGreen\Releaser(bg_min_options($box, ['releases_dir' => "$box/pfirst", 'log' => $log])))->prepare($next);
$show($lines);
echo "  prepare: ", trim(file_get_contents("$rel->path/index.php")), ", fetched: ", $allReceived($lines), "\n";
echo "  release's pack is root's, hardlinked: ", var_export(fileinode("$rel->path/.git/objects/pack/" . basename($rootPack)) === fileinode($rootPack), true), "\n";

echo "-- a corrupt seed (a blob of root's HEAD damaged in its pack): ignored with a warning, not trusted\n";
// the blob's bytes after its header, overwritten in place
$blob = bg_git(['rev-parse', "{$g['first']}:src/f7.php"], $g['root']);
foreach (explode("\n", bg_git(['verify-pack', '-v', substr($rootPack, 0, -5) . '.idx'], $g['root'])) as $row) {
    $col = preg_split('/\s+/', $row);
    if ($col[0] === $blob) {
        chmod($rootPack, 0644);
        $fh = fopen($rootPack, 'r+');
        fseek($fh, (int) $col[4] + 2);
        fwrite($fh, str_repeat("\xff", (int) $col[3] - 2));
        fclose($fh);
    }
}
mkdir("$box/other");
[$log, $lines] = bg_log_recorder();
$r2 = new BlueGreen\Releaser(bg_min_options($box, ['releases_dir' => "$box/other", 'log' => $log]));
var_dump($r2->check() === $next);
$show($lines);
echo "  objects received: ", $received($lines), "\n";
echo "  cache objects linked to root's: ", count(array_filter(glob("$box/other/.bluegreen/cache.git/objects/pack/*.pack"),
    fn ($p) => fileinode($p) === fileinode($rootPack))), "\n";
$rel = $r2->prepare($next);
echo "  prepare: ", trim(file_get_contents("$rel->path/index.php")), ", src/f7.php: ", trim(file_get_contents("$rel->path/src/f7.php")), "\n";

echo "-- the same corrupt seed found by prepare() while it checks out: the release and the cache made again from a real fetch\n";
mkdir("$box/pcorrupt");
[$log, $lines] = bg_log_recorder();
$rel = (new BlueGreen\Releaser(bg_min_options($box, ['releases_dir' => "$box/pcorrupt", 'log' => $log])))->prepare($next);
$show($lines);
echo "  fetched: ", $allReceived($lines), "\n";
echo "  prepare: ", trim(file_get_contents("$rel->path/index.php")), ", src/f7.php: ", trim(file_get_contents("$rel->path/src/f7.php")), "\n";
echo "  cache objects linked to root's: ", count(array_filter(glob("$box/pcorrupt/.bluegreen/cache.git/objects/pack/*.pack"),
    fn ($p) => fileinode($p) === fileinode($rootPack))), "\n";
echo "  releases left: ", count(glob("$box/pcorrupt/release-*")), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-prepare-seed');
?>
--EXPECTF--
-- seeded: the check's fetch brings the new commit's objects only
bool(true)
  debug: cache: seeded from root's objects (1 packs, 0 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
  objects received: 3 (the remote has 37)
  root's pack hardlinked into the cache: true
  prepare: <?php echo 'v2';, fetched: nothing fetched
  release's pack is root's, hardlinked: true
-- prepare() first makes the cache: the seed verified beside the fetch and the checkout
  debug: cache: seeded from root's objects (1 packs, 0 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
  prepare: <?php echo 'v2';, fetched: 3
  release's pack is root's, hardlinked: true
-- a corrupt seed (a blob of root's HEAD damaged in its pack): ignored with a warning, not trusted
bool(true)
  warning: cache: root's objects not used as a seed (root's HEAD %s or its tree does not read back: %s); the first fetch brings the whole history
  objects received: 37
  cache objects linked to root's: 0
  prepare: <?php echo 'v2';, src/f7.php: <?php // file 7
-- the same corrupt seed found by prepare() while it checks out: the release and the cache made again from a real fetch
  warning: cache: root's objects not used as a seed (root's HEAD %s or its tree does not read back: %s); the first fetch brings the whole history
  fetched: 3, then 37
  prepare: <?php echo 'v2';, src/f7.php: <?php // file 7
  cache objects linked to root's: 0
  releases left: 1
