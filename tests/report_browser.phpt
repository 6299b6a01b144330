--TEST--
The report page in a real browser: headless chromium loads it with no network and no JavaScript, its DOM keeps the sections and the timeline's SVG bars, and it renders to a screenshot (skips without chromium)
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php
if (!is_executable('/usr/bin/chromium')) die('skip chromium is not installed (apt-get install chromium)');
if (getenv('VALGRIND_OPTS') !== false || getenv('USE_ZEND_ALLOC') === '0') die('skip a browser under valgrind');
?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/app.inc';
require __DIR__ . '/../bin/bluegreen-report.php';
$box = bg_sandbox('report-browser');
$now = 1796004604;
$sha = fn (string $c) => str_repeat($c, 40);
$step = fn (array $ms) => array_map(fn ($k, $v) => ['step' => $k, 'ms' => $v], array_keys($ms), $ms);
$history = [
    ['time' => '2026-11-30T01:00:00Z', 'action' => 'deploy', 'trigger' => 'tick', 'result' => 'live', 'commit' => $sha('a'),
        'duration_ms' => 900, 'steps' => $step(['check' => 5, 'prepare' => 200, 'start' => 500, 'switch' => 150, 'drain' => 20, 'stop' => 20, 'prune' => 5]),
        'step' => null, 'error' => null],
    ['time' => '2026-11-30T01:10:00Z', 'action' => 'deploy', 'trigger' => 'cli', 'result' => 'failed', 'commit' => $sha('b'),
        'duration_ms' => 5300, 'steps' => $step(['check' => 5, 'prepare' => 100, 'start' => 5200]),
        'step' => 'start', 'error' => "not healthy within 5 s <script>alert(1)</script>"],
    ['time' => '2026-11-30T01:20:00Z', 'action' => 'rollback', 'trigger' => 'rollback', 'result' => 'refused', 'commit' => null,
        'duration_ms' => 1, 'steps' => [], 'step' => null, 'error' => 'nothing to roll back to'],
];
$status = [
    'live' => ['commit' => $sha('a'), 'path' => '/srv/app/releases/release-20261130T010000-aaaaaaa', 'port' => 9502,
        'since' => $now - 3600, 'healthy' => true, 'unhealthy_since' => null, 'health_error' => null],
    'previous' => ['commit' => $sha('c'), 'path' => '/srv/app/releases/first', 'port' => 9501, 'since' => $now - 86400],
    'failed' => [['commit' => $sha('b'), 'step' => 'start', 'error' => 'not healthy within 5 s <script>alert(1)</script>', 'at' => $now - 3000]],
];
file_put_contents("$box/report.html", BlueGreen\Report\html($status, $history, $now));

$chromium = ['/usr/bin/chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--user-data-dir=' . "$box/profile", '--disable-javascript', '--no-first-run',
    '--proxy-server=127.0.0.1:9', '--window-size=1000,700'];
$env = ['HOME' => $box, 'PATH' => getenv('PATH')];

echo "-- --dump-dom: the DOM as the browser built it\n";
$res = bg_run(array_merge($chromium, ['--dump-dom', "file://$box/report.html"]), $box, 60, $env);
echo "exit ", $res['exit'], "\n";
$dom = new DOMDocument();
@$dom->loadHTML(substr($res['output'], (int) strpos($res['output'], '<html')), LIBXML_NONET);
$x = new DOMXPath($dom);
foreach (['live', 'previous', 'failed', 'history'] as $id) {
    echo "section $id: ", $x->query("//section[@id='$id']")->length, "\n";
}
echo "timeline rows: ", $x->query('//*[local-name()="g" and @class="deploy"]')->length,
    ", bars: ", $x->query('//*[local-name()="rect" and @data-step]')->length, "\n";
echo "no script element (the error's <script> stays text): ", $x->query('//script')->length, "\n";
echo "the error as text: ", trim($x->query('//section[@id="failed"]//pre')->item(0)->textContent), "\n";

echo "-- --screenshot\n";
$res = bg_run(array_merge($chromium, ['--screenshot=' . "$box/report.png", "file://$box/report.html"]), $box, 60, $env);
$png = @file_get_contents("$box/report.png");
echo "exit ", $res['exit'], ", a PNG: ", var_export(is_string($png) && str_starts_with($png, "\x89PNG\r\n\x1a\n"), true);
$size = unpack('Nwidth/Nheight', substr((string) $png, 16, 8));
echo ", {$size['width']}x{$size['height']}, not blank: ", var_export(strlen((string) $png) > 20000, true), "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
if (!getenv("BG_KEEP")) bg_rmrf(bg_sandbox_path("report-browser"));
?>
--EXPECT--
-- --dump-dom: the DOM as the browser built it
exit 0
section live: 1
section previous: 1
section failed: 1
section history: 1
timeline rows: 3, bars: 10
no script element (the error's <script> stays text): 0
the error as text: not healthy within 5 s <script>alert(1)</script>
-- --screenshot
exit 0, a PNG: true, 1000x700, not blank: true
