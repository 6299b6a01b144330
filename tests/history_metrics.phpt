--TEST--
Deploy history and metrics: every deploy, rollback and refusal is one JSON line in .bluegreen/history.jsonl (status() shows the last few, history() and `bluegreen history` print them); metrics_file is Prometheus text, rewritten after each check and deploy, its counters surviving a new releaser
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (getenv('VALGRIND_OPTS') !== false || getenv('USE_ZEND_ALLOC') === '0') die('skip timing-bound under valgrind (health.timeout 2 s); tests/asan.sh runs it'); ?>
--CONFLICTS--
all
--FILE--
<?php
require __DIR__ . '/inc/cli.inc';
$box = bg_sandbox('history-metrics');
$pids = [];
bg_cleanup_at_exit($box, $pids);
$scene = bg_deploy_scene($box);
$pids[] = $scene['master'];
$n = fn (string $s) => bg_scene_names($scene, $s);
$prom = "$box/textfile/bluegreen.prom";
mkdir(dirname($prom));
$options = bg_deploy_options($scene, [
    'log' => "$box/bluegreen.log",
    'log_format' => 'json',
    'metrics_file' => $prom,
    'health' => ['path' => '/health', 'timeout' => 2, 'interval' => 0.05],
    'build' => [[PHP_BINARY, '-r', 'exit(is_file("BROKEN") ? 3 : 0);']],
    'drain_timeout' => 2,
]);
$r = new BlueGreen\Releaser($options);
$clean = ['BROKEN' => null];

echo "-- a rollback with nothing to roll back to, a deploy, a broken build, a rollback\n";
try { $r->rollback(); } catch (BlueGreen\Exception $e) { echo get_class($e), "\n"; }
$v2 = bg_app_commit($scene, 'v2', $clean);
$r->deploy();
$v3 = bg_app_commit($scene, 'v3', ['BROKEN' => "yes\n"]);
try { $r->deploy(); } catch (BlueGreen\Exception $e) { echo get_class($e), "\n"; }
$r->rollback();
echo "nginx answers ", $n(bg_answer($scene['listen'])), "\n";

echo "-- the JSON log names the release of every line of a deploy, and the error of a failure\n";
foreach (file("$box/bluegreen.log") as $line) {
    $j = json_decode($line, true);
    if (preg_match('/^(deploy|rollback): \S+ (live on|failed at)/', $j['message'])) {
        printf("%s %s: step %s, commit %s, release %s, port %s, error %s\n", $j['level'], strtok($j['message'], ' '), $j['step'],
            $j['commit'] === $v2 ? 'v2' : ($j['commit'] === $v3 ? 'v3' : '?'), $j['release'] === null ? 'null' : $n($j['release']),
            $j['port'] === null ? 'null' : $n((string) $j['port']), $j['error'] === null ? 'null' : 'set');
    }
}
echo "-- the file: one JSON object a line\n";
$file = "$box/releases/.bluegreen/history.jsonl";
$raw = file($file);
$sha = [$v2 => 'v2', $v3 => 'v3', bg_git(['rev-parse', 'HEAD'], $scene['root']) => 'v1'];
$name = fn (?string $c) => $c === null ? '-' : ($sha[$c] ?? '?');
foreach ($raw as $line) {
    $h = json_decode($line, true, 8, JSON_THROW_ON_ERROR);
    printf("%s %s %s %s port %s step %s trigger %s; steps %s; who %s\n", $h['action'], $h['result'], $name($h['commit']),
        $h['release'] === null ? '-' : $n($h['release']), $h['port'] === null ? '-' : $n((string) $h['port']),
        $h['step'] ?? '-', $h['trigger'], implode(',', array_column($h['steps'], 'step')),
        var_export($h['pid'] === getmypid() && $h['user'] === posix_getpwuid(posix_geteuid())['name']
            && $h['host'] === gethostname() && abs($h['at'] - time()) < 120
            && $h['time'] === gmdate('Y-m-d\TH:i:s\Z', $h['at']), true));
    if ($h['error'] !== null) {
        echo "   error: ", strtok($n($h['error']), "\n"), "\n";
    }
}
echo "one line each: ", var_export(count($raw) === substr_count(file_get_contents($file), "\n"), true), "\n";

echo "-- status() shows the last 5, history(N) the last N\n";
$st = $r->status()['history'];
echo count($st), ' ', implode(' ', array_map(fn ($h) => "{$h['action']}:{$h['result']}", $st)), "\n";
echo implode(' ', array_map(fn ($h) => "{$h['action']}:{$h['result']}", $r->history(2))), "\n";
try { $r->history(0); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }

echo "-- bluegreen history\n";
$cfg = bg_cli_config("$box/bluegreen.php", array_diff_key($options, ['log' => 1]));
$res = bg_cli(['--config', $cfg, 'rollback'], $box);
echo $res['exit'], ' ', $n($res['out']);
$res = bg_cli(['--config', $cfg, 'history', '-n', '2'], $box);
echo $res['exit'], "\n", preg_replace(['/^\S+Z/m', '/\d+(\.\d)? m?s/', '/pid \d+ \S+@\S+/'], ['TIME', 'T', 'pid P U@H'], $n($res['out']));
$res = bg_cli(['--config', $cfg, 'history', '--json', '-n=1'], $box);
$h = json_decode($res['out'], true);
echo $res['exit'], ' ', substr_count($res['out'], "\n"), " line: {$h['action']} {$h['result']} by {$h['trigger']}, pid ",
    $h['pid'] === getmypid() ? 'mine' : 'the CLI\'s', "\n";
$res = bg_cli(['--config', $cfg, 'history', '-n', 'x'], $box);
echo $res['exit'], ' ', strtok($res['err'], "\n"), "\n";

echo "-- bluegreen report --html: the page, read as HTML\n";
$res = bg_cli(['--config', $cfg, 'report', '--html', "$box/report.html"], $box);
echo $res['exit'], ' ', $n($res['out']);
$html = file_get_contents("$box/report.html");
$doc = new DOMDocument();
echo "parses: ", var_export(@$doc->loadHTML($html, LIBXML_NONET) && $doc->doctype?->name === 'html', true), "\n";
$x = new DOMXPath($doc);
$q = fn (string $path) => $x->query($path);
$text = fn (string $path) => trim($q($path)->item(0)?->textContent ?? '(none)');
$st = $r->status();
echo "live: ", $name($text('//section[@id="live"]//code[@class="commit"]')), " on port ", $n($text('//section[@id="live"]//*[@class="port"]')),
    ", ", $n($text('//section[@id="live"]//code[@class="release"]')), ", since ",
    str_contains($text('//section[@id="live"]//*[@class="since"]'), gmdate('Y-m-d H:i:s', $st['live']['since'])) ? 'its time' : '?',
    ", ", $text('//section[@id="live"]//*[@class="healthy"]'), "\n";
echo "previous: ", $name($text('//section[@id="previous"]//code[@class="commit"]')), " on port ", $n($text('//section[@id="previous"]//*[@class="port"]')), "\n";
foreach ($q('//section[@id="failed"]//tr[@class="failure"]') as $tr) {
    echo "failed: ", array_search(trim($tr->getElementsByTagName('td')->item(0)->textContent), array_map(fn ($s) => substr($s, 0, 7), array_flip($sha))) ?: '?',
        " at ", trim($x->query('td[@class="step"]', $tr)->item(0)->textContent), ": ",
        strtok($n(trim($x->query('td[@class="error"]', $tr)->item(0)->textContent)), "\n"), "\n";
}
$rows = $q('//*[local-name()="svg" and @id="timeline"]/*[local-name()="g" and @class="deploy"]');
echo "timeline: ", $rows->length, " rows, newest first: ", implode(' ', array_map(fn ($g) => $g->getAttribute('data-result'), iterator_to_array($rows))), "\n";
$per = [];
foreach ($q('//*[local-name()="rect" and starts-with(@class, "step")]') as $rect) {
    if ((int) $rect->getAttribute('data-ms') >= 20) {
        $per[] = (float) $rect->getAttribute('width') / (int) $rect->getAttribute('data-ms');
    }
}
echo "bars scaled by duration, one scale: ", var_export(count($per) > 5 && max($per) - min($per) < 0.01 * max($per), true), "\n";
echo "the failed step's bar marked: ", $q('//*[local-name()="rect" and @class="step failed"]')->item(0)?->getAttribute('data-step'), "\n";
echo "self-contained: no script ", var_export($q('//script')->length === 0 && !preg_match('/<script|javascript:|\bon[a-z]+=/i', $html), true),
    ", no external asset ", var_export(!preg_match('/(src|href)=|@import|url\(/i', $html), true), "\n";
$res = bg_cli(['--config', $cfg, 'report'], $box);
echo $res['exit'], ' ', strtok($res['err'], "\n"), "\n";

echo "-- metrics\n";
/* A strict reader of the text format: HELP and TYPE once per family, before
 * its samples, which are contiguous; names, labels and values well formed;
 * counters end in _total; histogram buckets cumulative up to +Inf = _count. */
function parse_prom(string $text): array
{
    $types = [];
    $samples = [];
    $current = null;
    $seen = [];
    assert(str_ends_with($text, "\n"));
    foreach (explode("\n", rtrim($text, "\n")) as $i => $line) {
        $at = "line " . ($i + 1) . ": $line";
        if (preg_match('/^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/', $line, $m)) {
            if ($m[1] === 'TYPE') {
                isset($types[$m[2]]) and throw new Exception("TYPE twice: $at");
                in_array($m[3], ['counter', 'gauge', 'histogram', 'summary', 'untyped'], true) or throw new Exception("type: $at");
                $types[$m[2]] = $m[3];
                in_array($m[2], $seen, true) and throw new Exception("family not contiguous: $at");
                $seen[] = $current = $m[2];
            }
            continue;
        }
        preg_match('/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\n]|\\\\["\\\\n])*",?)*)\})? ([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))$/',
            $line, $m) or throw new Exception("malformed: $at");
        $family = preg_replace('/_(bucket|sum|count)$/', '', $m[1]);
        $family = isset($types[$family]) ? $family : $m[1];
        $family === $current or throw new Exception("sample outside its family: $at");
        $types[$family] !== 'counter' || str_ends_with($m[1], '_total') or throw new Exception("counter name: $at");
        preg_match_all('/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\]|\\\\.)*)"/', $m[3] ?? '', $l, PREG_SET_ORDER);
        $labels = array_column($l, 2, 1);
        ksort($labels);
        $key = $m[1] . json_encode($labels);
        isset($samples[$key]) and throw new Exception("sample twice: $at");
        $samples[$key] = ['name' => $m[1], 'labels' => $labels, 'value' => (float) $m[4]];
    }
    foreach ($samples as $s) {
        if (str_ends_with($s['name'], '_count') && ($types[substr($s['name'], 0, -6)] ?? '') === 'histogram') {
            $step = $s['labels'];
            $buckets = array_filter($samples, fn ($b) => $b['name'] === substr($s['name'], 0, -6) . '_bucket'
                && array_diff_key($b['labels'], ['le' => 1]) == $step);
            $last = -1;
            foreach ($buckets as $b) {
                $b['value'] >= $last or throw new Exception('buckets not cumulative: ' . json_encode($b));
                $last = $b['value'];
            }
            end($buckets)['labels']['le'] === '+Inf' && $last == $s['value'] or throw new Exception('+Inf != _count');
        }
    }
    return [$types, $samples];
}
$show = function (array $samples, string $prefix) use ($n, $name) {
    foreach ($samples as $s) {
        if (str_starts_with($s['name'], $prefix)) {
            $labels = $s['labels'];
            if (isset($labels['commit'])) {
                $labels['commit'] = $name($labels['commit']);
            }
            echo "   ", $s['name'], ' ', $n(json_encode((object) $labels, JSON_UNESCAPED_SLASHES)), ' ', $s['value'], "\n";
        }
    }
};
[$types, $samples] = parse_prom(file_get_contents($prom));
echo json_encode($types), "\n";
$show($samples, 'bluegreen_checks');
$show($samples, 'bluegreen_deploys');
$show($samples, 'bluegreen_rollbacks');
$show($samples, 'bluegreen_live');
$steps = array_filter($samples, fn ($s) => $s['name'] === 'bluegreen_step_duration_seconds_count');
echo "   step counts: ", implode(' ', array_map(fn ($s) => $s['labels']['step'] . '=' . $s['value'], $steps)), "\n";
$last = array_filter($samples, fn ($s) => $s['name'] === 'bluegreen_last_deploy_timestamp_seconds');
echo "   last deploy timestamps: ", implode(' ', array_map(fn ($s) => $s['labels']['result'] . (abs($s['value'] - time()) < 120 ? '=now' : '=?'), $last)), "\n";
echo "no temporary file left: ", var_export(glob(dirname($prom) . '/*') === [$prom], true), "\n";

echo "-- a new releaser counts on (a tick that finds v3 again, failed before)\n";
$r2 = new BlueGreen\Releaser($options);
$r2->tick();
[, $samples] = parse_prom(file_get_contents($prom));
$show($samples, 'bluegreen_checks');
$show($samples, 'bluegreen_rollbacks');

bg_scene_stop($scene);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/deploy.inc';
$box = bg_sandbox_path('history-metrics');
bg_nginx_stop((int) @file_get_contents("$box/ngx/nginx.pid"));
bg_kill_dir($box);
bg_rmrf($box);
?>
--EXPECTF--
-- a rollback with nothing to roll back to, a deploy, a broken build, a rollback
BlueGreen\Exception
BlueGreen\BuildException
nginx answers version=v1 port=A
-- the JSON log names the release of every line of a deploy, and the error of a failure
info deploy:: step deploy, commit v2, release release-UTC-SHA, port B, error null
error deploy:: step prepare, commit v3, release null, port null, error set
info rollback:: step rollback, commit ?, release app, port A, error null
-- the file: one JSON object a line
rollback refused - - port B step - trigger rollback; steps ; who true
   error: nothing to roll back to: no previous release is recorded (BOX/releases/.bluegreen/state.json)
deploy live v2 release-UTC-SHA port B step - trigger deploy; steps check,prepare,start,switch,drain,stop,prune; who true
deploy failed v3 - port A step prepare trigger deploy; steps check,prepare; who true
   error: %s
rollback live v1 app port A step - trigger rollback; steps start,switch,drain,stop,prune; who true
one line each: true
-- status() shows the last 5, history(N) the last N
4 rollback:refused deploy:live deploy:failed rollback:live
deploy:failed rollback:live
BlueGreen\Releaser::history(): Argument #1 ($limit) must be between 1 and 100000
-- bluegreen history
0 %s live on port B (release-UTC-SHA)
0
TIME  rollback live    %s port A  app (T)  by rollback, pid P U@H
    steps: start T, switch T, drain T, stop T, prune T
TIME  rollback live    %s port B  release-UTC-SHA (T)  by cli, pid P U@H
    steps: start T, switch T, drain T, stop T, prune T
0 1 line: rollback live by cli, pid the CLI's
2 bluegreen: -n must be a whole number from 1 to 100000, 'x' given
-- bluegreen report --html: the page, read as HTML
0 report written to BOX/report.html
parses: true
live: v2 on port B, release-UTC-SHA, since its time, healthy
previous: v1 on port A
failed: v3 at prepare: %s
timeline: 5 rows, newest first: live live failed live refused
bars scaled by duration, one scale: true
the failed step's bar marked: prepare
self-contained: no script true, no external asset true
2 bluegreen: report needs --html FILE
-- metrics
{"bluegreen_checks_total":"counter","bluegreen_deploys_total":"counter","bluegreen_rollbacks_total":"counter","bluegreen_step_duration_seconds":"histogram","bluegreen_last_deploy_timestamp_seconds":"gauge","bluegreen_live_info":"gauge"}
   bluegreen_checks_total {"result":"changed"} 2
   bluegreen_deploys_total {"action":"rollback","result":"refused","step":""} 1
   bluegreen_deploys_total {"action":"deploy","result":"live","step":""} 1
   bluegreen_deploys_total {"action":"deploy","result":"failed","step":"prepare"} 1
   bluegreen_deploys_total {"action":"rollback","result":"live","step":""} 2
   bluegreen_rollbacks_total {} 2
   bluegreen_live_info {"commit":"v2","port":"B","release":"release-UTC-SHA"} 1
   step counts: check=2 prepare=2 start=3 switch=3 drain=3 stop=3 prune=3
   last deploy timestamps: refused=now live=now failed=now
no temporary file left: true
-- a new releaser counts on (a tick that finds v3 again, failed before)
   bluegreen_checks_total {"result":"changed"} 3
   bluegreen_rollbacks_total {} 2
