--TEST--
examples/demo.sh's story (examples/demo/demo.php) runs to the end: v2 goes live, a broken v3 is refused, the rollback brings v1 back, no request fails, nothing is left running
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound load test, not under valgrind'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
[$a, $b] = bg_free_ports();
$ext = bg_extension();
// demo.sh itself only installs and builds, which tests/run.sh has done.
$res = bg_run([PHP_BINARY, '-d', "extension=$ext", __DIR__ . '/../examples/demo/demo.php', $ext], __DIR__ . '/..', 120,
    ['BLUEGREEN_DEMO_PORTS' => "$a,$b", 'PATH' => getenv('PATH')]);
$out = str_replace([(string) $a, (string) $b], ['A', 'B'], $res['output']);
echo "exit: ", var_export($res['exit'], true), "\n";
foreach (explode("\n", $out) as $line) {
    if (preg_match('/^(== (v2 live|v3 refused|v1 live again|nothing left)|  (failed requests|connection errors|releases gone live))/', $line)) {
        echo preg_replace(['/after [\d.]+ s/', '/release-\S+/', '/\([0-9a-f]{7}\)/'], ['after T s', 'RELEASE', '(SHA)'], $line), "\n";
    }
}
if ($res['exit'] !== 0) {
    echo $res['output'];
}
echo "ports free: ", var_export(bg_wait_port($a, false, 1) && bg_wait_port($b, false, 1), true), "\n";
?>
--EXPECTF--
exit: 0
== v2 live on port B after T s; v1 drained and stopped
== v3 refused: deploy: %s failed at start: start of RELEASE on port A failed: not healthy within 5 s (health.timeout); v2 kept serving
== v1 live again on port A
  releases gone live           2 (v2, and the rollback to v1; the broken v3 refused)
  failed requests (non-2xx)    0
  connection errors            0
== nothing left running or listening
ports free: true
