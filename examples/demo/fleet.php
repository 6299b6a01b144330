<?php
/*
 * bluegreen's fleet demo, run by examples/fleet-demo.sh: three hosts rolling
 * commits out together, on this machine, in a temporary sandbox. The world
 * (hosts on 127.0.0.2-4, the front nginx, the store) is built by the same
 * helpers as the suite's fleet tests (tests/inc/fleet.inc); each host's
 * releaser is examples/demo/releaser.php (run(), every second) and the
 * traffic examples/demo/load.php, as in examples/demo.sh.
 *
 *   1. v2 is pushed: one canary host switches alone, the others wait its
 *      2 s soak, then switch one at a time (parallel 1);
 *   2. h3's releaser is stopped (the host is down); v3 rolls out to h1 and h2;
 *   3. a broken v4 (its health check answers 500) fails on its canary: the
 *      rollout is halted and no other host runs it;
 *   4. h3's releaser is started again: it converges to v3, the last done
 *      commit, not to the halted v4;
 *   5. the request counts through the front nginx: none may fail.
 *
 * Everything it starts it stops by pid, at the end or on Ctrl-C.
 *
 *   php -d extension=<bluegreen.so> fleet.php <bluegreen.so> <redis|etcd>
 *   BLUEGREEN_DEMO_KEEP=1   keep the sandbox for a look afterwards
 */

declare(strict_types=1);

require __DIR__ . '/../../tests/inc/fleet.inc';

const SOAK = 2;             // the canary's soak, seconds
const STEP_TIMEOUT = 60;    // every step must happen within this

final class Fleet
{
    public string $box;
    public array $world;
    public array $hosts;
    public array $front;
    public array $store;
    public array $releasers = [];   // host index => bg_spawn() child
    public ?array $load = null;
    public BlueGreen\Releaser $watch;
    public string $conf;            // bin/bluegreen's config (h1's options)
    public array $versions = [];    // sha => v2...
    public float $t0;
    public array $seen = [];        // what say_changes() printed last

    public function __construct(public string $kind)
    {
        $this->t0 = microtime(true);
    }
}

function say(string $line): void
{
    echo $line, "\n";
}

function fail(string $why): never
{
    throw new RuntimeException($why);
}

/* --- the world ---------------------------------------------------------------- */

/** Host $h's releaser options: a fleet member with a canary of one host. */
function member_options(Fleet $f, array $h): array
{
    return bg_fleet_options($h, $f->store['url'], ['canary' => ['hosts' => 1, 'soak' => SOAK], 'slot_ttl' => 3],
        ['drain_timeout' => 5, 'retry_backoff' => 0,
         'health' => ['path' => '/health', 'timeout' => 3, 'successes' => 1, 'interval' => 0.05]]);
}

function start_releaser(Fleet $f, int $i): void
{
    $h = $f->hosts[$i];
    file_put_contents("{$h['box']}/options.json", json_encode(member_options($f, $h)));
    $f->releasers[$i] = bg_spawn(bg_php([__DIR__ . '/releaser.php', "{$h['box']}/options.json",
        "{$h['box']}/releaser.jsonl"]), $h['box'], fopen("{$h['box']}/releaser.out", 'a'), bg_fleet_env($h['addr']));
}

function stop_releaser(Fleet $f, int $i): void
{
    if (isset($f->releasers[$i])) {
        bg_finish($f->releasers[$i], 5, SIGTERM);     // run() ends within a second of SIGTERM
        unset($f->releasers[$i]);
    }
}

function setup(Fleet $f): void
{
    $f->box = trim(bg_run(['mktemp', '-d', sys_get_temp_dir() . '/bluegreen-fleet-demo.XXXXXX'], '/')['output']);
    say("== sandbox $f->box");
    $fleet = bg_fleet_hosts_on_addresses($f->box, 3);
    [$f->world, $f->hosts] = [$fleet['world'], $fleet['hosts']];
    $f->versions[bg_git(['rev-parse', 'HEAD'], $f->world['work'])] = 'v1';
    $f->front = bg_fleet_front($f->box, $f->hosts);
    $f->store = bg_fleet_store_start($f->kind, $f->box);
    $f->watch = new BlueGreen\Releaser(member_options($f, $f->hosts[1]));
    $f->conf = bg_cli_config("$f->box/bluegreen.php", member_options($f, $f->hosts[1]));
    foreach ($f->hosts as $i => $h) {
        start_releaser($f, $i);
        say("== h$i: {$h['addr']}, nginx on :{$h['listen']}, v1 live on :{$h['a']} (pair {$h['a']}/{$h['b']}), "
            . "its releaser pid {$f->releasers[$i]['pid']}");
    }
    say("== front nginx on 127.0.0.1:{$f->front['listen']} over the three; the fleet's store: {$f->kind} at "
        . preg_replace('#^\w+://#', '', $f->store['url']) . ' (pid ' . proc_get_status($f->store['proc'])['pid'] . ')');
    $f->load = bg_spawn([PHP_BINARY, __DIR__ . '/load.php', (string) $f->front['listen'], "$f->box/load.json", '4'],
        $f->box, fopen("$f->box/load.out", 'a'));
    if (!bg_wait_for(fn () => stats($f)['ok'] > 0, 10)) {
        fail('no request answered through the front nginx');
    }
}

/** Stops everything, by pid; true when nothing is left running. */
function teardown(Fleet $f): bool
{
    if ($f->load) {
        bg_finish($f->load, 5, SIGTERM);
    }
    foreach (array_keys($f->releasers) as $i) {
        stop_releaser($f, $i);
    }
    if (!isset($f->box)) {
        return true;
    }
    foreach ([$f->front['master'] ?? 0, ...array_column($f->hosts ?? [], 'master')] as $pid) {
        bg_nginx_stop((int) $pid);
    }
    if (isset($f->store)) {
        bg_stop_server($f->store['proc'], $f->store['pidfile']);
    }
    // The services the releasers started: every one runs in a release under the sandbox.
    foreach (bg_procs_in($f->box) as $pid) {
        posix_kill($pid, SIGTERM);
    }
    bg_wait_for(fn () => bg_procs_in($f->box) === [], 5);
    bg_kill_dir($f->box);
    $left = bg_procs_in($f->box);
    if (getenv('BLUEGREEN_DEMO_KEEP') === '1') {
        say("== kept $f->box");
    } else {
        bg_rmrf($f->box);
    }
    return $left === [];
}

/* --- watching ------------------------------------------------------------------- */

function stats(Fleet $f): array
{
    return json_decode((string) @file_get_contents("$f->box/load.json"), true)
        ?: ['ok' => 0, 'failed' => 0, 'errors' => 0, 'answer' => '', 'versions' => []];
}

function fleet_state(Fleet $f): array
{
    return $f->watch->status()['fleet'];
}

function label(Fleet $f, ?string $sha): string
{
    return $f->versions[(string) $sha] ?? substr((string) $sha, 0, 7);
}

/** Prints what changed in the newest rollout since the last call: its state, each host's result. */
function say_changes(Fleet $f): void
{
    $ro = fleet_state($f)['rollout'] ?? null;
    if (!$ro) {
        return;
    }
    $now = ['rollout' => $ro['state']];
    foreach ($ro['hosts'] as $name => $h) {
        $now[$name] = $h['state'] . ($h['canary'] ? ' (canary)' : '');
    }
    ksort($now, SORT_NATURAL);
    $v = label($f, $ro['commit']);
    foreach ($now as $what => $state) {
        if (($f->seen["$v $what"] ?? null) !== $state) {
            $s = stats($f);
            say(sprintf('  %5.1f s  %-3s %-8s %-22s requests so far: %d ok, %d failed', microtime(true) - $f->t0, $v,
                $what, $state, $s['ok'], $s['failed'] + $s['errors']));
            $f->seen["$v $what"] = $state;
        }
    }
}

/** Waits (bounded) until $cond, printing the rollout's changes meanwhile. */
function until(Fleet $f, callable $cond, string $what): void
{
    $deadline = microtime(true) + STEP_TIMEOUT;
    while (!$cond()) {
        say_changes($f);
        if (microtime(true) > $deadline) {
            fail("$what did not happen within " . STEP_TIMEOUT . ' s');
        }
        usleep(100000);
    }
    say_changes($f);
}

/** $s with each commit's short sha replaced by its name (v1, v2...). */
function names(Fleet $f, string $s): string
{
    foreach ($f->versions as $sha => $v) {
        $s = str_replace(substr($sha, 0, 7), $v, $s);
    }
    return $s;
}

/** bin/bluegreen fleet status, its commits named. */
function show_status(Fleet $f): void
{
    $res = bg_cli(['--config', $f->conf, 'fleet', 'status'], $f->box);
    say('$ bin/bluegreen fleet status');
    echo preg_replace('/^/m', '  ', rtrim(names($f, $res['out'] . $res['err']))), "\n";
    if ($res['exit'] !== 0) {
        fail("bin/bluegreen fleet status exited {$res['exit']}");
    }
}

/** What host $i's nginx answers: v1, v2... */
function on(Fleet $f, int $i): string
{
    return bg_fleet_version($f->hosts[$i]);
}

function push(Fleet $f, string $v, array $files = []): string
{
    $sha = bg_app_commit($f->world, $v, $files);
    $f->versions[$sha] = $v;
    return $sha;
}

function rollout_of(Fleet $f, string $sha): ?array
{
    $ro = fleet_state($f)['rollout'] ?? null;
    return ($ro['commit'] ?? null) === $sha ? $ro : null;
}

/* --- the story ------------------------------------------------------------------------ */

function story(Fleet $f): void
{
    say('');
    $sha = push($f, 'v2');
    say("== 1. pushed v2 (" . substr($sha, 0, 7) . "): every host prepares it; one canary switches alone, the others "
        . 'after its ' . SOAK . ' s soak, one at a time');
    until($f, fn () => (rollout_of($f, $sha)['state'] ?? '') === 'done' && on($f, 1) === 'v2' && on($f, 2) === 'v2'
        && on($f, 3) === 'v2', 'the rollout of v2 to the three hosts');
    $ro = rollout_of($f, $sha);
    $canaries = array_keys(array_filter($ro['hosts'], fn ($h) => $h['canary']));
    $others = array_diff_key($ro['hosts'], array_flip($canaries));
    $gap = (min(array_column($others, 'switch_start')) - $ro['hosts'][$canaries[0]]['switch_end']) / 1000;
    if (count($canaries) !== 1 || count($others) !== 2 || $gap < SOAK || bg_fleet_overlaps($ro['hosts'])) {
        fail('v2 did not roll out as a canary, then one host at a time: ' . json_encode($ro['hosts']));
    }
    say(sprintf('== v2 is live on the three hosts: %s first, the others %.1f s after it, never two switching at once',
        $canaries[0], $gap));
    show_status($f);

    say('');
    stop_releaser($f, 3);
    $sha = push($f, 'v3');
    say('== 2. h3 is down (its releaser stopped); pushed v3 (' . substr($sha, 0, 7) . ')');
    until($f, fn () => (rollout_of($f, $sha)['state'] ?? '') === 'done' && on($f, 1) === 'v3' && on($f, 2) === 'v3',
        'the rollout of v3 to h1 and h2');
    if (on($f, 3) !== 'v2' || isset(rollout_of($f, $sha)['hosts']['h3'])) {
        fail('h3, down, took part in the rollout of v3');
    }
    say('== v3 is live on h1 and h2; h3 still serves v2');
    show_status($f);

    say('');
    $sha = push($f, 'v4', ['HEALTH_STATUS' => "500\n"]);
    say('== 3. pushed a broken v4 (' . substr($sha, 0, 7) . '): its health check answers 500');
    until($f, fn () => (rollout_of($f, $sha)['state'] ?? '') === 'halted', 'the halt of v4');
    $ro = rollout_of($f, $sha);
    sleep(2);   // time for another host to run it, were it to
    $ran = array_keys(array_filter(rollout_of($f, $sha)['hosts'], fn ($h, $name) => $name !== $ro['halted_by']
        && in_array($h['state'], ['switching', 'done', 'failed'], true), ARRAY_FILTER_USE_BOTH));
    if ($ran || on($f, 1) !== 'v3' || on($f, 2) !== 'v3' || isset(stats($f)['versions']['v4'])) {
        fail('v4 ran on another host than its canary: ' . json_encode(rollout_of($f, $sha)));
    }
    say("== v4 failed on its canary {$ro['halted_by']}: the rollout is halted, no other host ran it, "
        . 'h1 and h2 serve v3, no request was answered by v4');
    show_status($f);

    say('');
    start_releaser($f, 3);
    say('== 4. h3 is back (its releaser started again, pid ' . $f->releasers[3]['pid']
        . '): the branch head v4 is halted, so it converges to v3, the last done commit');
    until($f, fn () => on($f, 3) === 'v3', 'h3 converging to v3');
    sleep(1);
    $said = array_filter(file("{$f->hosts[3]['box']}/releaser.jsonl"), fn ($l) => str_contains($l, 'converges to'));
    if (on($f, 3) !== 'v3' || !$said) {
        fail('h3 did not converge to v3, or did not stay on it');
    }
    say('== h3 serves v3; its log: ' . names($f, json_decode(reset($said), true)['message']));
    show_status($f);
}

function summary(Fleet $f): bool
{
    $s = stats($f);
    $failed = $s['failed'] + $s['errors'];
    say('');
    say('== requests through the front nginx');
    say(sprintf('  %-24s %d', 'total', $s['ok'] + $failed));
    say(sprintf('  %-24s %d', 'failed', $failed));
    say(sprintf('  %-24s %s', 'answered by', implode(', ', array_map(fn ($v, $n) => "$v: $n",
        array_keys($s['versions']), $s['versions']))));
    say(sprintf('  %-24s %.1f s', 'the story took', microtime(true) - $f->t0));
    return $failed === 0 && $s['ok'] > 0;
}

$fleet = new Fleet($argv[2] ?? 'redis');
pcntl_async_signals(true);
$interrupted = false;
foreach ([SIGINT, SIGTERM] as $sig) {
    pcntl_signal($sig, function () use (&$interrupted) {
        $interrupted = true;
        throw new RuntimeException('interrupted');
    });
}
$ok = false;
$stopped = false;
// Also on a fatal error: whatever was started is stopped.
register_shutdown_function(function () use ($fleet, &$stopped) {
    $stopped || teardown($fleet);
});
try {
    setup($fleet);
    story($fleet);
    bg_finish($fleet->load, 5, SIGTERM);
    $fleet->load = null;
    $ok = summary($fleet);
} catch (Throwable $e) {
    say('!! ' . $e->getMessage());
    foreach (isset($fleet->box) ? glob("$fleet->box/h*/releaser.jsonl") : [] as $log) {
        $errors = array_filter(file($log), fn ($l) => str_contains($l, '"level":"error"'));
        foreach (array_slice($errors, -3) as $l) {
            say('!! ' . basename(dirname($log)) . ': ' . json_decode($l, true)['message']);
        }
    }
    say(getenv('BLUEGREEN_DEMO_KEEP') === '1' ? "!! the hosts' logs: $fleet->box/h*/releaser.jsonl"
        : "!! BLUEGREEN_DEMO_KEEP=1 keeps the sandbox and the hosts' logs (h*/releaser.jsonl)");
}
say('== stopping everything the demo started');
$clean = teardown($fleet);
$stopped = true;
say($clean ? '== nothing left running' : '!! something was left running');
exit($interrupted ? 130 : ($ok && $clean ? 0 : 1));
