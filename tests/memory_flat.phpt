--TEST--
Memory stays flat: 2,000 ticks against a remote name ('origin') and 20 check+prepare of new commits grow RSS by less than 1 MB after a warm-up (libgit2 1.5.1's leaking calls are not made in this process)
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (getenv('USE_ZEND_ALLOC') === '0') die('skip RSS under valgrind is valgrind\'s');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/git.inc';
$box = bg_sandbox('memory-flat');
$g = bg_git_setup($box);
function rss_kb(): int
{
    preg_match('/^VmRSS:\s+(\d+) kB/m', file_get_contents('/proc/self/status'), $m);
    return (int) $m[1];
}
$r = new BlueGreen\Releaser(bg_min_options($box, ['remote' => 'origin', 'build' => [], 'log' => fn () => null]));

for ($i = 0; $i < 200; $i++) {
    $r->tick();
}
$before = rss_kb();
for ($i = 0; $i < 2000; $i++) {
    $r->tick();
}
$grown = rss_kb() - $before;
echo "2000 ticks: grew < 1 MB: ", var_export($grown < 1024, true), $grown < 1024 ? '' : " ($grown KB)", "\n";
echo "still answers: ", var_export($r->check(), true), "\n";

$prepare = function (int $i) use ($g, $r) {
    $sha = bg_git_commit($g['work'], ['index.php' => "<?php echo $i;\n"], "c$i");
    bg_git_push($g['work']);
    if ($r->check() !== $sha) {
        throw new RuntimeException("check() did not see $sha");
    }
    bg_rmrf($r->prepare($sha)->path);
};
for ($i = 0; $i < 3; $i++) {
    $prepare($i);
}
$before = rss_kb();
for ($i = 3; $i < 23; $i++) {
    $prepare($i);
}
$grown = rss_kb() - $before;
echo "20 check+prepare: grew < 1 MB: ", var_export($grown < 1024, true), $grown < 1024 ? '' : " ($grown KB)", "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('memory-flat'));
?>
--EXPECT--
2000 ticks: grew < 1 MB: true
still answers: NULL
20 check+prepare: grew < 1 MB: true
