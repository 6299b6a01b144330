#!/usr/bin/env php
<?php
/*
 * Generates package.xml (PECL package format 2.0) from the files git tracks,
 * so that `pecl package` makes a tarball that builds and tests offline.
 *
 *   php tools/package-xml.php          write package.xml (commit it)
 *   php tools/package-xml.php --check  fail if the committed package.xml is out of date
 *
 * The output depends only on the repository: the files `git ls-files` lists,
 * the version in php_bluegreen.h (PHP_BLUEGREEN_VERSION), and the date
 * package.xml already gives that version (a new version is dated the day it
 * is first generated). Each tracked file is packaged with a role, or left
 * out, by the first rule below that matches it; a file no rule knows is left
 * out and named when generating, so that someone decides.
 */

const RULES = [
    // [pattern, role or null to leave out, why]: fnmatch with FNM_PATHNAME (* stays within a
    // directory), except that a pattern ending in /* covers the whole tree below it.
    ['.gitignore', null, 'the checkout\'s ignore list'],
    ['package.xml', null, 'pecl package puts it at the top of the tarball itself'],
    ['composer.json', null, 'PIE\'s manifest: PIE builds from the repository, not from this tarball'],
    ['.ci/*', null, 'CI entry point of the checkout'],
    ['bench/*', null, 'benchmarks, not a test'],
    ['tools/*', null, 'maintainer tools: arginfo and this file'],
    ['tests/*.sh', null, 'the checkout\'s test scripts (install, build, fuzz); make test runs the .phpt files'],
    ['tests/fuzz/*', null, 'fuzz targets and corpora, run by tests/fuzz.sh'],
    ['examples/demo.sh', null, 'the demo runs from a checkout (it installs and builds with tests/ scripts)'],

    ['config.m4', 'src', ''],
    ['config.w32', 'src', ''],
    ['*.c', 'src', ''],
    ['*.h', 'src', ''],
    ['*.stub.php', 'src', 'the API, from which the arginfo header is generated'],
    ['src/*/*.c', 'src', 'the core, one folder per role'],
    ['src/*/*.h', 'src', ''],

    ['bin/bluegreen', 'script', 'the operator command line'],
    ['bin/bluegreen-report.php', 'script', 'the report page, required by bin/bluegreen beside it'],

    ['README*', 'doc', ''],
    ['LICENSE*', 'doc', ''],
    ['COPYING*', 'doc', ''],
    ['examples/*', 'doc', 'how to run it: EasySwoole process, standalone, systemd, nginx'],

    ['tests/*', 'test', 'the .phpt suite with its includes and fixtures'],
];

/*
 * The license is stated only as the repository states it: a tracked license
 * file recognised below gives its name; with none, no license is granted,
 * and package.xml says so rather than naming one.
 */
const NO_LICENSE = 'No license granted: the repository has no license file';
const LICENSES = [
    // [name, uri, every one of these strings must occur in the file]
    ['PHP-3.01', 'https://www.php.net/license/3_01.txt', ['The PHP License, version 3.01']],
    ['MIT', 'https://opensource.org/licenses/MIT', ['Permission is hereby granted, free of charge']],
    ['Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0', ['Apache License', 'Version 2.0, January 2004']],
];

const SUMMARY = 'Zero-downtime blue/green releases of EasySwoole (Swoole) services behind nginx';
const DESCRIPTION = <<<'TXT'
Push to a branch; the running service notices, builds the new version beside
itself, starts it on the idle port of a pair, proves it healthy, points the
nginx upstream at it, reloads nginx, waits for in-flight requests to drain,
and stops the old one. A release that fails any step never takes traffic.
Git through libgit2, a real nginx config parser, no shell anywhere.
Needs Linux (glibc >= 2.34), libgit2 >= 1.1, libhiredis and libcurl (Debian: libgit2-dev libhiredis-dev libcurl4-openssl-dev pkg-config).
TXT;
// The lead, as the repository names its authors: every commit's author.
const LEAD = ['name' => 'Seed 23da29a1 maintainers', 'user' => 'maintainers',
    'email' => 'maintainers@users.noreply.r-seed-23da29a1.example'];
// The PHP versions the extension is compiled and tested on (CI: Debian 12's
// 8.2); README.md's Install and composer.json's `require` say the same
// (tests/package_pie.phpt checks).
const PHP_MIN = '8.2.0';
const PHP_MAX = '8.2.99';
const PEAR_MIN = '1.10.0';
const STABILITY = 'alpha';

function fail(string $msg, int $code = 1): never
{
    fwrite(STDERR, "package-xml: $msg\n");
    exit($code);
}

/** Runs git with argv in the repository; its output, or failure. */
function git(array $args): string
{
    $proc = proc_open(array_merge(['git'], $args), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    if (proc_close($proc) !== 0) {
        fail('git ' . implode(' ', $args) . ' failed: ' . trim($err));
    }
    return $out;
}

/** [role or null, why] for one tracked path. */
function classify(string $path): array
{
    foreach (RULES as [$pattern, $role, $why]) {
        // A pattern ending in /* covers the whole tree below it.
        $tree = str_ends_with($pattern, '/*') && str_starts_with($path, substr($pattern, 0, -1));
        if ($tree || fnmatch($pattern, $path, FNM_PATHNAME | FNM_PERIOD)) {
            return [$role, $why];
        }
    }
    return [null, 'unclassified'];
}

function version(): string
{
    $h = @file_get_contents('php_bluegreen.h');
    if ($h === false || !preg_match('/^#define PHP_BLUEGREEN_VERSION "(\d+\.\d+\.\d+(?:[a-zA-Z][a-zA-Z0-9]*)?)"/m', $h, $m)) {
        fail('no #define PHP_BLUEGREEN_VERSION "x.y.z" in php_bluegreen.h');
    }
    return $m[1];
}

/**
 * The release date: the one package.xml already has for this version (the
 * day the version was first packaged), else today (UTC). It stays put while
 * the version does, so regenerating never changes it, also in a shallow clone.
 */
function release_date(string $version): string
{
    $old = @file_get_contents('package.xml');
    if ($old !== false
        && preg_match('#<date>(\d{4}-\d{2}-\d{2})</date>#', $old, $d)
        && preg_match('#<version>\s*<release>([^<]*)</release>#', $old, $v)
        && $v[1] === $version) {
        return $d[1];
    }
    return gmdate('Y-m-d');
}

/** [name, uri or null] from the tracked license files. */
function license(array $files): array
{
    $found = array_values(array_filter($files, fn ($f) => preg_match('/^(LICEN[SC]E|COPYING)(\.\w+)?$/i', $f)));
    if (!$found) {
        return [NO_LICENSE, null];
    }
    $text = file_get_contents($found[0]);
    foreach (LICENSES as [$name, $uri, $needles]) {
        if (count(array_filter($needles, fn ($n) => str_contains($text, $n))) === count($needles)) {
            return [$name, $uri];
        }
    }
    fail("$found[0]: a license this tool does not recognise; add it to LICENSES in tools/package-xml.php");
}

function x(string $s): string
{
    return htmlspecialchars($s, ENT_XML1 | ENT_QUOTES, 'UTF-8');
}

/** package.xml for the tracked files; $left gets the paths left out, with why. */
function generate(array &$left): string
{
    $tracked = array_filter(explode("\0", git(['ls-files', '-z'])), 'strlen');
    sort($tracked, SORT_STRING);
    $files = [];
    foreach ($tracked as $path) {
        if (!file_exists($path)) {
            continue; // deleted in the work tree, not yet in the index
        }
        [$role, $why] = classify($path);
        if ($role === null) {
            $left[$path] = $why;
        } else {
            $files[$path] = $role;
        }
    }
    foreach (['config.m4', 'php_bluegreen.h', 'bluegreen_arginfo.h'] as $needed) {
        if (!isset($files[$needed])) {
            fail("$needed is not tracked, or no rule packages it");
        }
    }

    $version = version();
    $lead = LEAD;
    [$license, $uri] = license(array_keys($files));
    $contents = '';
    foreach ($files as $path => $role) {
        $contents .= '   <file name="' . x($path) . '" role="' . $role . '"/>' . "\n";
    }
    $v = [
        'summary' => x(SUMMARY),
        'description' => x(DESCRIPTION),
        'lead_name' => x($lead['name']),
        'lead_user' => x($lead['user']),
        'lead_email' => x($lead['email']),
        'date' => release_date($version),
        'version' => $version,
        'stability' => STABILITY,
        'license' => ($uri === null ? '<license>' : '<license uri="' . x($uri) . '">') . x($license) . '</license>',
        'notes' => x("Version $version (" . STABILITY . "): see the git log for what changed."),
        'php_min' => PHP_MIN,
        'php_max' => PHP_MAX,
        'pear_min' => PEAR_MIN,
    ];

    return <<<XML
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Generated by tools/package-xml.php from `git ls-files`: do not edit, regenerate. -->
        <package version="2.0" xmlns="http://pear.php.net/dtd/package-2.0" xmlns:tasks="http://pear.php.net/dtd/tasks-1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://pear.php.net/dtd/tasks-1.0 http://pear.php.net/dtd/tasks-1.0.xsd http://pear.php.net/dtd/package-2.0 http://pear.php.net/dtd/package-2.0.xsd">
         <name>bluegreen</name>
         <channel>pecl.php.net</channel>
         <summary>{$v['summary']}</summary>
         <description>{$v['description']}</description>
         <lead>
          <name>{$v['lead_name']}</name>
          <user>{$v['lead_user']}</user>
          <email>{$v['lead_email']}</email>
          <active>yes</active>
         </lead>
         <date>{$v['date']}</date>
         <version>
          <release>{$v['version']}</release>
          <api>{$v['version']}</api>
         </version>
         <stability>
          <release>{$v['stability']}</release>
          <api>{$v['stability']}</api>
         </stability>
         {$v['license']}
         <notes>{$v['notes']}</notes>
         <contents>
          <dir name="/">
        {$contents}  </dir>
         </contents>
         <dependencies>
          <required>
           <php>
            <min>{$v['php_min']}</min>
            <max>{$v['php_max']}</max>
           </php>
           <pearinstaller>
            <min>{$v['pear_min']}</min>
           </pearinstaller>
           <os>
            <name>linux</name>
           </os>
          </required>
         </dependencies>
         <providesextension>bluegreen</providesextension>
         <extsrcrelease/>
        </package>

        XML;
}

chdir(dirname(__DIR__));
$check = ($argv[1] ?? '') === '--check';
if ($argc > 2 || ($argc === 2 && !$check)) {
    fail('usage: php tools/package-xml.php [--check]', 2);
}
$left = [];
$xml = generate($left);
if ($check) {
    $committed = @file_get_contents('package.xml');
    if ($committed !== $xml) {
        $tmp = tempnam(sys_get_temp_dir(), 'package-xml');
        file_put_contents($tmp, $xml);
        fwrite(STDERR, "package-xml: package.xml is out of date; run php tools/package-xml.php and commit it\n");
        if ($committed !== false) {
            $diff = [];
            exec('diff -u package.xml ' . escapeshellarg($tmp) . ' | head -n 40', $diff);
            fwrite(STDERR, implode("\n", $diff) . "\n");
        }
        unlink($tmp);
        exit(1);
    }
    exit(0);
}
file_put_contents('package.xml', $xml);
foreach ($left as $path => $why) {
    if ($why === 'unclassified') {
        fwrite(STDERR, "package-xml: left out, no rule for it: $path (add a rule to tools/package-xml.php)\n");
    }
}
echo 'package.xml: bluegreen ', version(), ', ', substr_count($xml, '<file '), " files\n";
