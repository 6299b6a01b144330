--TEST--
Releaser::prepare(): a port file, a directory on its way or a shared path's parent committed as a symlink that leads outside the release is refused, naming it; the outside file is untouched and no release is left
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('prepare-outside');
[$a, $b] = bg_free_ports();
$g = bg_git_setup($box, ['README' => "app\n"]);
$conf = bg_write_upstream_conf("$box/upstream.conf", 'app', $a);
$outside = "$box/releases/outside.php";          // beside the releases, in no release
@mkdir("$box/releases/outside-dir");
$original = "<?php return ['PORT' => $a];\n";
file_put_contents($outside, $original);
file_put_contents("$box/releases/outside-dir/dev.php", $original);
[$log] = bg_log_recorder();
$opts = bg_min_options($box, ['build' => [], 'ports' => [$a, $b], 'log' => $log,
    'nginx' => ['conf' => $conf, 'upstream' => 'app']]);
$name = fn (string $s) => str_replace([$box, (string) $a, (string) $b], ['BOX', 'A', 'B'],
    preg_replace('/release-\d{8}T\d{6}-[0-9a-f]{7}(-\d+)?/', 'RELEASE', $s));

$try = function (array $o, callable $commit) use ($g, $opts, $box, $b, $name, $outside, $original) {
    $commit($g['work']);
    bg_git(['add', '-A'], $g['work']);
    bg_git(['commit', '-q', '-m', 'symlink'], $g['work']);
    bg_git_push($g['work']);
    $sha = bg_git(['rev-parse', 'HEAD'], $g['work']);
    $before = glob("$box/releases/release-*");
    $r = new BlueGreen\Releaser($o + $opts);
    try {
        $release = $r->prepare($sha);
        echo "prepared: NOT REFUSED\n";
        try {
            $r->start($release, $b);
        } catch (Throwable $e) {
            echo "  start: ", get_class($e), "\n";
        }
        echo str_contains(file_get_contents("{$release->path}/dev.php"), "$b") ? "  its port file names B\n" : "  PORT FILE NOT SET\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $name($e->getMessage()), "\n";
        echo glob("$box/releases/release-*") === $before ? "  no release left\n" : "  A RELEASE WAS LEFT\n";
    }
    $same = file_get_contents($outside) === $original
        && file_get_contents("$box/releases/outside-dir/dev.php") === $original;
    echo $same ? "  the outside files are byte for byte unchanged\n" : "  AN OUTSIDE FILE WAS REWRITTEN\n";
};

echo "-- the port file is a symlink to ../outside.php\n";
$try([], fn ($w) => symlink('../outside.php', "$w/dev.php"));
echo "-- a directory on the port file's way is a symlink that leads outside\n";
$try(['port_files' => ['config/dev.php']], function ($w) {
    unlink("$w/dev.php");
    symlink('../outside-dir', "$w/config");
});
echo "-- a shared path's parent in the release is a symlink to outside\n";
$try(['port_files' => [], 'shared' => ['logs/app.log']], fn ($w) => symlink('../outside-dir', "$w/logs"));
echo "-- a symlink that stays inside the release is fine\n";
$try(['port_files' => ['dev.php']], function ($w) use ($a) {
    unlink("$w/config");
    unlink("$w/logs");
    @mkdir("$w/conf");
    file_put_contents("$w/conf/dev.php", "<?php return ['PORT' => $a];\n");
    symlink('conf/dev.php', "$w/dev.php");
});
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('prepare-outside'));
?>
--EXPECT--
-- the port file is a symlink to ../outside.php
BlueGreen\BuildException: port file "dev.php" of BOX/releases/RELEASE resolves to BOX/releases/outside.php, outside the release: refusing it (a symlink in the commit?)
  no release left
  the outside files are byte for byte unchanged
-- a directory on the port file's way is a symlink that leads outside
BlueGreen\BuildException: port file "config/dev.php" of BOX/releases/RELEASE resolves to BOX/releases/outside-dir/dev.php, outside the release: refusing it (a symlink in the commit?)
  no release left
  the outside files are byte for byte unchanged
-- a shared path's parent in the release is a symlink to outside
BlueGreen\BuildException: shared "logs/app.log": a directory above BOX/releases/RELEASE/logs/app.log in the release is a symlink
  no release left
  the outside files are byte for byte unchanged
-- a symlink that stays inside the release is fine
prepared: NOT REFUSED
  start: BlueGreen\ConfigException
  its port file names B
  the outside files are byte for byte unchanged
