<?php
/*
 * The report page: what is live on which port since when, the previous
 * release, the failed commits with their step and error, and the recent
 * history as a timeline where each deploy's steps are bars scaled by their
 * duration. One self-contained HTML document: inline CSS and SVG, no
 * external asset, no JavaScript (a hover shows each bar's <title>).
 *
 * Used by `bluegreen report --html FILE` and by the example EasySwoole
 * controller (examples/easyswoole/App/HttpController/Report.php), from a
 * Releaser's status() and history():
 *
 *   require 'bluegreen-report.php';
 *   $html = \BlueGreen\Report\html($releaser->status(), $releaser->history(50));
 */

declare(strict_types=1);

namespace BlueGreen\Report;

/** Each step's colour, in the order a deploy runs them. */
const STEP_COLOURS = [
    'check' => '#8da0cb', 'prepare' => '#66c2a5', 'start' => '#fc8d62', 'switch' => '#e78ac3',
    'drain' => '#a6d854', 'stop' => '#e5c494', 'prune' => '#b3b3b3',
];
const RESULT_COLOURS = [
    'live' => '#1a9850', 'failed' => '#d73027', 'retry' => '#f46d43', 'stopped' => '#878787', 'refused' => '#762a83',
];

/** The timeline's geometry, in SVG user units (px). */
const ROW_H = 26;
const LABEL_W = 360;
const BARS_W = 560;
const TOP = 30;

function e(mixed $s): string
{
    return htmlspecialchars((string) $s, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

function short(?string $sha): string
{
    return $sha === null ? '-' : substr($sha, 0, 7);
}

function ms(int|float $ms): string
{
    return $ms < 1000 ? sprintf('%d ms', $ms) : sprintf('%.1f s', $ms / 1000);
}

/** "2026-11-30 02:10:04 UTC (3 min ago)" */
function when(?int $t, int $now): string
{
    if ($t === null) {
        return 'never';
    }
    $ago = max(0, $now - $t);
    $ago = match (true) {
        $ago < 60 => "$ago s",
        $ago < 3600 => intdiv($ago, 60) . ' min',
        $ago < 86400 => intdiv($ago, 3600) . ' h',
        default => intdiv($ago, 86400) . ' d',
    };
    return gmdate('Y-m-d H:i:s', $t) . " UTC ($ago ago)";
}

/** A release (status()'s live or previous) as a definition list. */
function release(string $id, string $title, ?array $rel, string $since, int $now, ?string $health = null): string
{
    if ($rel === null) {
        return "<section id=\"$id\"><h2>$title</h2><p class=\"none\">none recorded</p></section>\n";
    }
    $rows = [
        'commit' => '<code class="commit">' . e($rel['commit']) . '</code>',
        'port' => '<span class="port">' . e($rel['port'] ?? 'none') . '</span>',
        $since => '<span class="since">' . e(when($rel['since'] ?? null, $now)) . '</span>',
        'release' => '<code class="release">' . e($rel['path'] === null ? '-' : basename($rel['path'])) . '</code>',
    ];
    if ($health !== null) {
        $rows['health'] = $health;
    }
    $dl = '';
    foreach ($rows as $k => $v) {
        $dl .= "<dt>$k</dt><dd>$v</dd>";
    }
    return "<section id=\"$id\"><h2>$title</h2><dl>$dl</dl></section>\n";
}

function health(array $live, int $now): string
{
    if (($live['healthy'] ?? null) === null) {
        return '<span class="unknown">unknown</span>';
    }
    if ($live['healthy']) {
        return '<span class="healthy">healthy</span>';
    }
    return '<span class="unhealthy">FAILING' . (($live['health_error'] ?? null) === null ? '' : ': ' . e($live['health_error']))
        . (($live['unhealthy_since'] ?? null) === null ? '' : ', since ' . e(when($live['unhealthy_since'], $now))) . '</span>';
}

function failed(array $failed, int $now): string
{
    if ($failed === []) {
        return "<section id=\"failed\"><h2>Failed commits</h2><p class=\"none\">none</p></section>\n";
    }
    $rows = '';
    foreach ($failed as $f) {
        $rows .= '<tr class="failure"><td><code class="commit">' . e(short($f['commit'])) . '</code></td><td class="step">'
            . e($f['step']) . '</td><td>' . e(when($f['at'], $now)) . '</td><td class="error"><pre>' . e($f['error']) . "</pre></td></tr>\n";
    }
    return "<section id=\"failed\"><h2>Failed commits</h2>\n<table><thead><tr><th>commit</th><th>step</th><th>when</th>"
        . "<th>error</th></tr></thead><tbody>\n$rows</tbody></table></section>\n";
}

/** The timeline: newest first, one row per entry, its steps as bars on one scale. */
function timeline(array $history): string
{
    $entries = array_reverse($history);
    $total = fn (array $h) => array_sum(array_column($h['steps'] ?? [], 'ms'));
    $max = max(1, ...array_map($total, $entries ?: [[]]));
    $scale = BARS_W / $max;                       // px per ms, the same for every row
    $height = TOP + ROW_H * max(1, count($entries)) + 40;
    $width = LABEL_W + BARS_W + 20;
    $svg = sprintf('<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
        . 'role="img" aria-label="recent deploys, each step a bar scaled by its duration" data-ms-per-px="%s">' . "\n",
        $width, $height, $width, $height, round(1 / $scale, 6));
    $svg .= sprintf('<text x="%d" y="16" class="axis">0</text><text x="%d" y="16" class="axis" text-anchor="end">%s</text>'
        . '<line x1="%d" y1="22" x2="%d" y2="22" class="axis-line"/>' . "\n",
        LABEL_W, LABEL_W + BARS_W, e(ms($max)), LABEL_W, LABEL_W + BARS_W);
    if ($entries === []) {
        $svg .= sprintf('<text x="10" y="%d">no deploy recorded yet</text>', TOP + 16);
    }
    foreach ($entries as $i => $h) {
        $y = TOP + $i * ROW_H;
        $result = (string) ($h['result'] ?? '?');
        $label = sprintf('%s %s %s %s', substr((string) ($h['time'] ?? ''), 0, 16), $h['action'] ?? '?', short($h['commit'] ?? null), $result);
        $why = ($h['error'] ?? null) === null ? '' : ' at ' . ($h['step'] ?? '?') . ': ' . strtok((string) $h['error'], "\n");
        $svg .= sprintf('<g class="deploy" data-result="%s" data-commit="%s" data-duration-ms="%d">', e($result),
            e($h['commit'] ?? ''), $h['duration_ms'] ?? 0);
        $svg .= sprintf('<title>%s%s, by %s (%s)</title>', e($label), e($why), e($h['trigger'] ?? '?'), e(ms($h['duration_ms'] ?? 0)));
        $svg .= sprintf('<circle cx="8" cy="%d" r="5" fill="%s"/>', $y + 9, RESULT_COLOURS[$result] ?? '#000');
        $svg .= sprintf('<text x="18" y="%d" class="label">%s</text>', $y + 13, e($label));
        $x = (float) LABEL_W;
        foreach ($h['steps'] ?? [] as $s) {
            $w = $s['ms'] * $scale;
            $failed = ($h['step'] ?? null) === $s['step'] && $result !== 'live';
            $svg .= sprintf('<rect class="step%s" data-step="%s" data-ms="%d" x="%.2f" y="%d" width="%.3f" height="%d" fill="%s">'
                . '<title>%s %s</title></rect>', $failed ? ' failed' : '', e($s['step']), $s['ms'], $x, $y + 2,
                $w, ROW_H - 8, STEP_COLOURS[$s['step']] ?? '#666', e($s['step']), e(ms($s['ms'])));
            $x += $w;
        }
        $svg .= "</g>\n";
    }
    $lx = LABEL_W;
    $ly = TOP + ROW_H * max(1, count($entries)) + 18;
    foreach (STEP_COLOURS as $step => $colour) {
        $svg .= sprintf('<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" class="legend">%s</text>',
            $lx, $ly - 9, $colour, $lx + 13, $ly, e($step));
        $lx += 78;
    }
    return "<section id=\"history\"><h2>Recent history</h2>\n$svg\n</svg></section>\n";
}

/** The whole page. */
function html(array $status, array $history, ?int $now = null, string $title = 'bluegreen'): string
{
    $now ??= time();
    $live = $status['live'] ?? null;
    $body = release('live', 'Live', $live, 'since', $now, $live === null ? null : health($live, $now))
        . release('previous', 'Previous release', $status['previous'] ?? null, 'live from', $now)
        . failed($status['failed'] ?? [], $now)
        . timeline($history);
    $css = <<<CSS
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}
        h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #ddd}
        dl{display:grid;grid-template-columns:8em auto;gap:.2em 1em}dt{color:#666}dd{margin:0}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.3em;text-align:left;vertical-align:top}
        pre{margin:0;white-space:pre-wrap;font-size:12px}.healthy{color:#1a9850}.unhealthy{color:#d73027;font-weight:bold}
        .none{color:#888}svg text{font:11px monospace}svg .axis-line{stroke:#999}svg rect.failed{stroke:#d73027;stroke-width:2}
        CSS;
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" . e($title) . " report</title>\n"
        . "<style>\n$css\n</style>\n</head>\n<body>\n<h1>" . e($title) . " report</h1>\n<p class=\"generated\">generated "
        . e(gmdate('Y-m-d H:i:s', $now)) . " UTC</p>\n$body</body>\n</html>\n";
}
