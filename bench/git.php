<?php
/*
 * bluegreen's git benchmark: check() and prepare() against what the seed
 * recipe runs, on one repository of FILES files (default 5000) in /tmp.
 *
 *   php -d extension=modules/bluegreen.so bench/git.php [FILES] [RUNS]
 *
 * - check() on an unchanged remote vs the seed's `git fetch` followed by
 *   `git diff --stat master origin/master` in the live checkout;
 * - prepare() (no build steps) of a commit check() fetched vs a local
 *   `git clone` (objects hardlinked) plus checkout of the same commit, and
 *   what prepare() received over the wire (from its fetch log lines).
 *
 * Wall and CPU times are medians of RUNS runs (default 20 for check, a
 * quarter of that for prepare); CPU is user+system of this process and of
 * its git child (check, prepare), or of the git children (the seed's
 * commands, git clone).
 * Everything is made under /tmp/bluegreen-bench and removed at the end.
 */
if (!extension_loaded('bluegreen')) {
    fwrite(STDERR, "run with: php -d extension=modules/bluegreen.so bench/git.php\n");
    exit(2);
}
$files = (int) ($argv[1] ?? 5000);
$runs = max(3, (int) ($argv[2] ?? 20));
$box = rtrim($argv[3] ?? '/tmp', '/') . '/bluegreen-bench';

function run(array $argv, ?string $cwd = null): string
{
    $env = ['PATH' => getenv('PATH'), 'HOME' => $GLOBALS['box'], 'GIT_CONFIG_NOSYSTEM' => '1',
        'GIT_AUTHOR_NAME' => 'bench', 'GIT_AUTHOR_EMAIL' => 'bench@example.invalid',
        'GIT_COMMITTER_NAME' => 'bench', 'GIT_COMMITTER_EMAIL' => 'bench@example.invalid'];
    $p = proc_open($argv, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $cwd, $env);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    if (proc_close($p) !== 0) {
        throw new RuntimeException(implode(' ', $argv) . " failed: $err");
    }
    return trim($out);
}

function rmrf(string $path): void
{
    if (file_exists($path)) {
        run(['rm', '-rf', $path]);
    }
}

/**
 * CPU seconds used so far by this process (0), its reaped children (1), or
 * both (2): check() and prepare() run libgit2 in a forked child, reaped.
 */
function cpu(int $who): float
{
    if ($who === 2) {
        return cpu(0) + cpu(1);
    }
    $u = getrusage($who);
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
}

/** [wall, CPU] seconds of one call of $fn; CPU as cpu($who) counts it. */
function timed(int $who, callable $fn): array
{
    $c = cpu($who);
    $t = hrtime(true);
    $fn();
    return [(hrtime(true) - $t) / 1e9, cpu($who) - $c];
}

/** The median wall and the median CPU of [wall, CPU] samples. */
function medians(array $samples): array
{
    $wall = array_column($samples, 0);
    $cpu = array_column($samples, 1);
    sort($wall);
    sort($cpu);
    return [$wall[intdiv(count($wall), 2)], $cpu[intdiv(count($cpu), 2)]];
}

function ms(float $s): string
{
    return $s < 1 ? sprintf('%.2f ms', $s * 1000) : sprintf('%.2f s', $s);
}

// --- the repository: FILES files in 100 directories ---------------------------
rmrf($box);
mkdir("$box/work/src", 0755, true);
run(['git', 'init', '-q', '--bare', '-b', 'master', "$box/remote.git"]);
run(['git', 'init', '-q', '-b', 'master', "$box/work"]);
for ($i = 0; $i < $files; $i++) {
    $dir = sprintf('%s/work/src/mod%02d', $box, $i % 100);
    is_dir($dir) || mkdir($dir);
    file_put_contents("$dir/File$i.php", "<?php\n// file $i\nfunction f$i() { return " . str_repeat("$i + ", 20) . "0; }\n");
}
run(['git', 'add', '-A'], "$box/work");
run(['git', 'commit', '-q', '-m', 'first'], "$box/work");
run(['git', 'push', '-q', "$box/remote.git", 'master'], "$box/work");
mkdir("$box/releases");
run(['git', 'clone', '-q', "$box/remote.git", "$box/releases/app"]);
$size = trim(explode("\t", run(['du', '-sh', "$box/remote.git"]))[0]);

$lines = [];
$r = new BlueGreen\Releaser([
    'root' => "$box/releases/app",
    'build' => [],
    'nginx' => ['conf' => __FILE__, 'upstream' => 'bench'],  // not used by check/prepare
    'log' => function (string $level, string $message) use (&$lines) { $lines[] = $message; },
]);

// --- check() on an unchanged remote vs the seed's pair -------------------------
$samples = [];
for ($i = 0; $i < $runs; $i++) {
    $samples[] = timed(2, function () use ($r) {
        if ($r->check() !== null) {
            throw new RuntimeException('the remote was expected unchanged');
        }
    });
}
[$checkWall, $checkCpu] = medians($samples);
$samples = [];
for ($i = 0; $i < $runs; $i++) {
    $samples[] = timed(1, function () use ($box) {
        run(['git', 'fetch'], "$box/releases/app");
        run(['git', 'diff', '--stat', 'master', 'origin/master'], "$box/releases/app");
    });
}
[$seedWall, $seedCpu] = medians($samples);

// --- prepare() of a commit check() fetched vs git clone + checkout ------------
run(['git', 'rm', '-q', 'src/mod00/File0.php'], "$box/work");
file_put_contents("$box/work/src/mod01/File1.php", "<?php // changed\n");
run(['git', 'commit', '-q', '-am', 'second'], "$box/work");
run(['git', 'push', '-q', "$box/remote.git", 'master'], "$box/work");
$sha = $r->check();
$lines = [];
$prepRuns = max(3, intdiv($runs, 4));
// Interleaved, and nothing removed until the end: on a disk mounted with
// `discard`, creating files right after removing thousands is much slower,
// which would favour whichever side ran second.
$made = $prep = $clone = [];
for ($i = 0; $i < $prepRuns; $i++) {
    $prep[] = timed(2, function () use ($r, $sha, &$made) {
        $made[] = $r->prepare($sha)->path;
    });
    $clone[] = timed(1, function () use ($box, $sha, $i) {
        run(['git', 'clone', '-q', '--no-checkout', "$box/remote.git", "$box/clone-$i"]);
        run(['git', 'checkout', '-q', $sha], "$box/clone-$i");
    });
}
[$prepWall, $prepCpu] = medians($prep);
[$cloneWall, $cloneCpu] = medians($clone);
$received = array_values(array_filter($lines, fn ($l) => str_starts_with($l, 'fetch:')));
$linked = fileinode(glob("$made[0]/.git/objects/pack/*.pack")[0]) === fileinode(glob("$box/releases/.bluegreen/cache.git/objects/pack/*.pack")[0]);

// --- the table -------------------------------------------------------------------
preg_match('/^model name\s*:\s*(.+)$/m', (string) @file_get_contents('/proc/cpuinfo'), $m);
printf("bluegreen git benchmark: %d files (%s packed), medians of %d (check) and %d (prepare) runs\n",
    $files, $size, $runs, $prepRuns);
ob_start();
(new ReflectionExtension('bluegreen'))->info();
preg_match('/libgit2 version => (\S+)/', ob_get_clean(), $lg2);
printf("machine: %d CPUs, %s; libgit2 %s; %s\n\n", (int) trim(run(['nproc'])), $m[1] ?? 'unknown CPU',
    $lg2[1] ?? '?', run(['git', '--version']));
$row = fn ($a, $b, $c, $d) => printf("| %-55s | %10s | %10s | %-14s |\n", $a, $b, $c, $d);
$row('operation', 'wall', 'CPU', 'target');
echo "|", str_repeat("-", 57), "|", str_repeat('-', 11), ":|", str_repeat('-', 11), ":|", str_repeat('-', 16), "|\n";
$row('check(), remote unchanged', ms($checkWall), ms($checkCpu), '');
$row('seed: `git fetch; git diff --stat master origin/master`', ms($seedWall), ms($seedCpu), '');
$row('seed / check()', sprintf('%.0fx', $seedWall / $checkWall), sprintf('%.0fx', $seedCpu / max($checkCpu, 1e-6)), '>= 10x');
$row('prepare() of the commit check() fetched, no build', ms($prepWall), ms($prepCpu), '');
$row('`git clone` (local: hardlinks) + checkout of it', ms($cloneWall), ms($cloneCpu), '');
$row('prepare() / git clone', sprintf('%.2fx', $prepWall / $cloneWall), sprintf('%.2fx', $prepCpu / max($cloneCpu, 1e-6)), '<= 1.2x');
printf("\nprepare() received over the wire: %s\n", $received ? implode('; ', $received) : '0 objects, 0 bytes (it did not fetch)');
printf("release objects hardlinked to the cache's: %s\n", $linked ? 'yes (same inode)' : 'NO');

rmrf($box);
