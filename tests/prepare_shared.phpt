--TEST--
Releaser::prepare(): every shared path linked into the release, created on first use, replacing the checkout's
--EXTENSIONS--
bluegreen
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-shared');
$g = bg_git_setup($box, [
    'index.php' => "<?php\n",
    '.env' => "FROM_REPO=1\n",            // replaced by the shared file
    'Log/.gitkeep' => '',                  // replaced by the shared directory
    'Config/local/settings.php' => "repo\n",
]);
[$log, $lines] = bg_log_recorder();
$shared = ['.env', 'Log/', 'Temp/cache/', 'Config/local/settings.php', 'storage/secret.key'];
$r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'build' => [], 'shared' => $shared]));
$show = function (string $release) use ($box, $shared) {
    foreach ($shared as $p) {
        $link = "$release/" . rtrim($p, '/');
        $target = is_link($link) ? readlink($link) : null;
        printf("%-28s %s -> %s (%s)\n", $p, is_link($link) ? 'link' : 'NOT A LINK',
            str_replace($box, 'BOX', (string) $target), is_dir($link) ? 'dir' : (is_file($link) ? 'file' : 'missing'));
    }
};

echo "-- first use: the shared targets are created, empty\n";
$one = $r->prepare($g['first']);
$show($one->path);
var_dump(file_get_contents("$one->path/.env"), scandir("$box/releases/shared/Log"));
echo "checkout untouched elsewhere: ", file_get_contents("$one->path/index.php");
bg_log_print($lines, [$box => 'BOX', substr($g['first'], 0, 7) => 'FIRST']);

echo "-- what one release writes, the next one sees\n";
file_put_contents("$one->path/.env", "APP_KEY=kept\n");
file_put_contents("$one->path/Log/app.log", "line\n");
$two = $r->prepare($g['first']);
echo file_get_contents("$two->path/.env"), file_get_contents("$two->path/Log/app.log");

echo "-- errors: BuildException, and no release left behind\n";
$try = function (array $shared) use ($box, $g, $log) {
    $sha = bg_git(['rev-parse', 'HEAD'], $g['work']);
    $r = new BlueGreen\Releaser(bg_min_options($box, ['log' => $log, 'build' => [], 'shared' => $shared]));
    $before = glob("$box/releases/release-*");
    try {
        $r->prepare($sha);
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', str_replace($box, 'BOX', $e->getMessage()), "\n";
    }
    echo glob("$box/releases/release-*") === $before ? "  nothing left behind\n" : "  LEFT A RELEASE\n";
};
$try(['.env/']);       // the shared .env is a file
$try(['Log']);         // the shared Log is a directory
symlink('/tmp', "$g[work]/evil");    // a symlink committed to the repository
bg_git_commit($g['work'], [], 'evil link');
bg_git_push($g['work']);
$try(['evil/x']);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(sys_get_temp_dir() . '/bluegreen-test-prepare-shared');
?>
--EXPECTF--
-- first use: the shared targets are created, empty
.env                         link -> BOX/releases/shared/.env (file)
Log/                         link -> BOX/releases/shared/Log (dir)
Temp/cache/                  link -> BOX/releases/shared/Temp/cache (dir)
Config/local/settings.php    link -> BOX/releases/shared/Config/local/settings.php (file)
storage/secret.key           link -> BOX/releases/shared/storage/secret.key (file)
string(0) ""
array(2) {
  [0]=>
  string(1) "."
  [1]=>
  string(2) ".."
}
checkout untouched elsewhere: <?php
debug: cache: seeded from root's objects (0 packs, 9 loose), hardlinked; its HEAD FIRST and tree verified (DURATION)
info: prepare: cloned FIRST into BOX/releases/release-UTC-FIRST, objects hardlinked from the cache (DURATION)
info: prepare: linked 5 shared paths from BOX/releases/shared: .env Log/ Temp/cache/ Config/local/settings.php storage/secret.key (DURATION)
info: prepare: release BOX/releases/release-UTC-FIRST ready (DURATION)
-- what one release writes, the next one sees
APP_KEY=kept
line
-- errors: BuildException, and no release left behind
BlueGreen\BuildException: shared ".env/": BOX/releases/shared/.env is a file, but the option names a directory (a trailing '/' means a directory)
  nothing left behind
BlueGreen\BuildException: shared "Log": BOX/releases/shared/Log is a directory, but the option names a file (a trailing '/' means a directory)
  nothing left behind
BlueGreen\BuildException: shared "evil/x": a directory above BOX/releases/release-%s/evil/x in the release is a symlink
  nothing left behind
