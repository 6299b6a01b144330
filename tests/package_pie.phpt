--TEST--
composer.json: a PIE package (type php-ext, php-ext section valid against PIE's documented schema, the extension name config.m4 builds); the PHP versions it, package.xml and README.md's Install name are the one compiled and tested; composer validate where composer is installed
--SKIPIF--
<?php if (!is_file(__DIR__ . '/../composer.json')) die('skip no composer.json beside tests/ (a PECL tarball)'); ?>
--FILE--
<?php
/*
 * PIE is not packaged for Debian (a phar from its releases), so the suite
 * checks composer.json against what PIE documents: docs/extension-maintainers.md
 * and resources/composer-json-php-ext-schema.json of php/pie.
 */
$root = realpath(__DIR__ . '/..');
$raw = file_get_contents("$root/composer.json");
$json = json_decode($raw, true);
$check = fn (string $what, bool $ok, $seen = null) => print("$what: " . ($ok ? 'ok' : 'FAILED ' . json_encode($seen)) . "\n");

echo "-- composer.json\n";
$check('valid JSON, an object', is_array($json) && !array_is_list($json), json_last_error_msg());
$check('type php-ext (a PHP module, not a Zend extension)', ($json['type'] ?? null) === 'php-ext', $json['type'] ?? null);
$check('name vendor/package, as Composer spells it', (bool) preg_match('{^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$}', $json['name'] ?? ''), $json['name'] ?? null);
$requires = array_keys($json['require'] ?? []);
$check('require: only php and ext-*', $requires !== [] && array_filter($requires, fn ($k) => $k !== 'php' && !str_starts_with($k, 'ext-')) === [], $requires);

echo "-- php-ext, against PIE's schema\n";
$ext = $json['php-ext'] ?? null;
$known = ['extension-name', 'priority', 'support-zts', 'support-nts', 'build-path', 'download-url-method',
    'os-families', 'os-families-exclude', 'configure-options'];
$families = ['windows', 'bsd', 'darwin', 'solaris', 'linux', 'unknown'];
$check('an object', is_array($ext) && !array_is_list($ext), $ext);
$check('only the schema\'s keys', array_diff(array_keys($ext), $known) === [], array_diff(array_keys($ext), $known));
$check('extension-name: ExtensionName\'s pattern, no ext- prefix', is_string($ext['extension-name'] ?? null)
    && preg_match('/^[A-Za-z][a-zA-Z0-9_]+$/', $ext['extension-name']) && !str_starts_with($ext['extension-name'], 'ext-'), $ext['extension-name'] ?? null);
$check('os-families: a non-empty list of known families', is_array($ext['os-families'] ?? null) && array_is_list($ext['os-families'])
    && $ext['os-families'] !== [] && array_diff($ext['os-families'], $families) === [], $ext['os-families'] ?? null);
$check('not both os-families and os-families-exclude', !(isset($ext['os-families']) && isset($ext['os-families-exclude'])));
foreach (['support-zts', 'support-nts'] as $k) {
    $check("$k: a boolean when given", !array_key_exists($k, $ext) || is_bool($ext[$k]), $ext[$k] ?? null);
}
$check('priority: an integer 10-99 when given', !isset($ext['priority']) || (is_int($ext['priority']) && $ext['priority'] >= 10 && $ext['priority'] <= 99));
$check('build-path: a string or null when given', !isset($ext['build-path']) || is_string($ext['build-path']));
$check('download-url-method: composer-default or pre-packaged-source when given', !isset($ext['download-url-method'])
    || in_array($ext['download-url-method'], ['composer-default', 'pre-packaged-source'], true));
$m4 = file_get_contents("$root/config.m4");
foreach ($ext['configure-options'] ?? [] as $i => $o) {
    $check("configure-options.$i: a name of the pattern, in config.m4", preg_match('/^[a-zA-Z0-9][a-zA-Z0-9-_]*$/', $o['name'] ?? '')
        && str_contains($m4, preg_replace('/^(with|enable|without|disable)-/', '', $o['name'])), $o);
}

echo "-- what it describes is what is built\n";
preg_match('/PHP_NEW_EXTENSION\(\[(\w+)\]/', $m4, $m);
$check('extension-name is the module config.m4 builds', ($m[1] ?? null) === $ext['extension-name'], $m[1] ?? null);
$check('and the one loaded here', extension_loaded($ext['extension-name']));
$check('Linux only, as README.md says (glibc, /proc, inotify)', $ext['os-families'] === ['linux']);
$check('NTS, the build CI compiles and tests', !PHP_ZTS && ($ext['support-nts'] ?? true) === true && ($ext['support-zts'] ?? true) === false);

echo "-- the supported PHP versions are the one compiled and tested, everywhere\n";
$php = $json['require']['php'];
preg_match('/^~(\d+)\.(\d+)\.0$/', $php, $v);
$tested = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
$check("composer.json require php $php: the running PHP's minor version", isset($v[1]) && "$v[1].$v[2]" === $tested, [$php, $tested]);
$xml = simplexml_load_file("$root/package.xml");
$range = $xml->dependencies->required->php;
$check('package.xml: the same range', (string) $range->min === "$tested.0" && (string) $range->max === "$tested.99", [(string) $range->min, (string) $range->max]);
preg_match('/^Linux with[^\n]*$/m', file_get_contents("$root/README.md"), $line);
$check('README.md\'s Install names it, and no other', isset($line[0]) && str_contains($line[0], "PHP $tested ")
    && preg_match_all('/PHP \d+\.\d+/', $line[0]) === 1, $line[0] ?? null);
$check('README.md shows pie install', str_contains(file_get_contents("$root/README.md"), "\npie install '{$json['name']}:"));

echo "-- composer validate\n";
$composer = trim((string) shell_exec('command -v composer'));
if ($composer === '') {
    echo "composer not installed: skipped\n";
} else {
    exec(escapeshellarg($composer) . ' validate --no-check-publish --no-interaction ' . escapeshellarg("$root/composer.json") . ' 2>&1', $out, $rc);
    $check('composer validate', $rc === 0, $out);
}
?>
--EXPECTF--
-- composer.json
valid JSON, an object: ok
type php-ext (a PHP module, not a Zend extension): ok
name vendor/package, as Composer spells it: ok
require: only php and ext-*: ok
-- php-ext, against PIE's schema
an object: ok
only the schema's keys: ok
extension-name: ExtensionName's pattern, no ext- prefix: ok
os-families: a non-empty list of known families: ok
not both os-families and os-families-exclude: ok
support-zts: a boolean when given: ok
support-nts: a boolean when given: ok
priority: an integer 10-99 when given: ok
build-path: a string or null when given: ok
download-url-method: composer-default or pre-packaged-source when given: ok
-- what it describes is what is built
extension-name is the module config.m4 builds: ok
and the one loaded here: ok
Linux only, as README.md says (glibc, /proc, inotify): ok
NTS, the build CI compiles and tests: ok
-- the supported PHP versions are the one compiled and tested, everywhere
composer.json require php ~8.2.0: the running PHP's minor version: ok
package.xml: the same range: ok
README.md's Install names it, and no other: ok
README.md shows pie install: ok
-- composer validate
%s
