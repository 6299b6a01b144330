--TEST--
package.xml: `pecl package` makes a tarball that `pecl install --offline` builds into a staging root, and the extension built there loads
--SKIPIF--
<?php
if (!is_file(__DIR__ . '/../package.xml')) die('skip needs a checkout (package.xml beside tests/)');
if (getenv('USE_ZEND_ALLOC') === '0') die('skip not under valgrind: it builds the extension, nothing to trace (not timing-bound)');
foreach (['pecl', 'pear', 'phpize', 'php-config', 'make'] as $tool) {
    if (trim((string) shell_exec('command -v ' . $tool)) === '') die("skip $tool not installed (apt-get install php-pear php-dev)");
}
?>
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
$box = bg_sandbox('package-pecl');
$top = realpath(__DIR__ . '/..');
preg_match('/^#define PHP_BLUEGREEN_VERSION "([^"]+)"/m', file_get_contents("$top/php_bluegreen.h"), $m);
$version = $m[1];

// What `extension=bluegreen.so` finds: php-config's extension dir, as pecl's
// build installs to it. Staged under $box/root, never in the system's.
$ext_dir = trim(shell_exec('php-config --extension-dir'));
$system_so = "$ext_dir/bluegreen.so";
$before = @stat($system_so);

// A PEAR configuration of its own: registry, temp, download and doc dirs in
// the sandbox; with --packagingroot every file pecl installs lands under
// $box/root. PEAR unpacks the tarball into root + temp_dir but builds in
// temp_dir itself: the symlink joins the two.
$conf = "$box/pear.conf";
$res = bg_run(['pear', 'config-create', "$box/pear", $conf], $box);
echo "config-create: exit {$res['exit']}\n";
$temp = trim(shell_exec('pear -c ' . escapeshellarg($conf) . ' config-get temp_dir'));
@mkdir("$box/root$temp", 0755, true);
@mkdir(dirname($temp), 0755, true);
symlink("$box/root$temp", $temp);
// The build only has to prove the tarball builds and loads: -O0 compiles in a
// quarter of -O2's CPU time (pecl's configure takes CFLAGS from the environment).
$env = ['MAKE' => 'make -j' . max(1, (int) trim((string) shell_exec('nproc'))), 'CFLAGS' => '-O0 -g0'] + getenv();

$t0 = microtime(true);
$res = bg_run(['pecl', '-c', $conf, 'package', "$top/package.xml"], $box, 30, $env);
$tgz = "$box/bluegreen-$version.tgz";
echo "pecl package: exit {$res['exit']}, ", basename($tgz), ' ', is_file($tgz) ? 'made' : "missing:\n{$res['output']}", "\n";

// The tarball holds exactly package.xml's files, under bluegreen-<version>/.
$listed = [];
foreach (simplexml_load_file("$top/package.xml")->contents->dir->file as $f) {
    $listed[] = "bluegreen-$version/" . $f['name'];
}
$in_tgz = array_filter(explode("\n", shell_exec('tar -tzf ' . escapeshellarg($tgz))), fn ($p) => $p !== '' && $p !== 'package.xml');
sort($listed);
sort($in_tgz);
echo 'tarball holds package.xml and exactly the files it lists: ', var_export($listed === array_values($in_tgz), true), "\n";

$res = bg_run(['pecl', '-c', $conf, 'install', '--offline', '--nodeps', "--packagingroot=$box/root", $tgz], $box, 120, $env);
$so = "$box/root$ext_dir/bluegreen.so";
echo "pecl install: exit {$res['exit']}, ", str_contains($res['output'], "install ok: channel://pecl.php.net/bluegreen-$version") ? 'install ok' : "failed:\n" . implode("\n", array_slice(explode("\n", $res['output']), -25)), "\n";
echo 'built and staged at ROOT/<extension dir>/bluegreen.so: ', var_export(is_file($so), true), "\n";
echo 'registered in the staged registry: ', var_export(glob("$box/root$box/pear/*/php/.registry/.channel.pecl.php.net/bluegreen.reg") !== [], true), "\n";
$after = @stat($system_so);
echo 'system extension dir untouched: ', var_export($before === $after, true), "\n";

// Loads with extension=bluegreen.so from that dir, in a PHP without any ini.
$res = bg_run([PHP_BINARY, '-n', '-d', "extension_dir=$box/root$ext_dir", '-d', 'extension=bluegreen.so', '-r',
    'var_dump(class_exists("BlueGreen\\\\Releaser"), phpversion("bluegreen"), (new ReflectionExtension("bluegreen"))->getName());
     echo realpath(ini_get("extension_dir")), "\n";'], $box);
echo str_replace([$box, $version], ['BOX', 'VERSION'], $res['output']);
$seconds = microtime(true) - $t0;
echo 'package, install and load within 180 s: ', var_export($seconds < 180, true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('package-pecl'));
?>
--EXPECTF--
config-create: exit 0
pecl package: exit 0, bluegreen-%s.tgz made
tarball holds package.xml and exactly the files it lists: true
pecl install: exit 0, install ok
built and staged at ROOT/<extension dir>/bluegreen.so: true
registered in the staged registry: true
system extension dir untouched: true
bool(true)
string(%d) "VERSION"
string(9) "bluegreen"
BOX/root/%s
package, install and load within 180 s: true
