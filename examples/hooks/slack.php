<?php
/*
 * A bluegreen hook that posts to a Slack-style incoming webhook (Slack,
 * Mattermost, Rocket.Chat: a JSON body {"text": ...}) with curl. In the
 * options file:
 *
 *   'hooks' => [
 *       'after_deploy' => [[PHP_BINARY, __DIR__ . '/hooks/slack.php']],
 *       'after_rollback' => [[PHP_BINARY, __DIR__ . '/hooks/slack.php']],
 *       'on_failure' => [[PHP_BINARY, __DIR__ . '/hooks/slack.php']],
 *   ],
 *
 * The webhook's URL is its secret, so it is in no argv bluegreen logs or
 * `ps` shows: it comes from the environment, SLACK_WEBHOOK_URL (set for the
 * releaser: `Environment=` or `EnvironmentFile=` in its systemd unit; a hook
 * inherits the releaser's environment), and goes to curl on its standard
 * input as a config (`--config -`), never on its command line. What happened
 * comes from the BLUEGREEN_* variables bluegreen sets for every hook.
 *
 * (With curl 8.3 or later the hook can be curl alone, with the same
 * guarantee: ['curl', '--fail', '--silent', '--show-error',
 *  '--variable', '%SLACK_WEBHOOK_URL', '--expand-url', '{{SLACK_WEBHOOK_URL}}',
 *  '--variable', '%BLUEGREEN_COMMIT', '--expand-data', '{"text":"{{BLUEGREEN_COMMIT}} live"}'].
 * Debian 12 has curl 7.88, hence this file.)
 *
 * Exit status: curl's (0 when the webhook accepted it). bluegreen logs a
 * failing after_* or on_failure hook and changes nothing.
 */

$v = static fn (string $name): string => (string) getenv('BLUEGREEN_' . $name);
$url = (string) getenv('SLACK_WEBHOOK_URL');
if ($url === '') {
    fwrite(STDERR, "slack.php: SLACK_WEBHOOK_URL is not set in the releaser's environment; nothing sent\n");
    exit(2);
}

/** The message of one hook event, as Slack's mrkdwn text. */
function bluegreen_slack_text(array $e): string
{
    $sha = substr($e['COMMIT'], 0, 7) ?: '?';
    $where = sprintf('on port %s (`%s`)', $e['PORT'], basename($e['RELEASE']) ?: '-');
    $took = sprintf('%.1f s', ((float) $e['DURATION_MS']) / 1000);
    switch ($e['EVENT']) {
        case 'after_deploy':
            return ":white_check_mark: `$sha` is live $where, deployed in $took (was `" . substr($e['PREVIOUS_COMMIT'], 0, 7) . '`)';
        case 'after_rollback':
            return ":leftwards_arrow_with_hook: $e[STEP]: `$sha` is live again $where";
        case 'on_failure':
            return ":x: `$sha` failed at $e[STEP] after $took; `" . substr($e['PREVIOUS_COMMIT'], 0, 7)
                . "` keeps serving\n```" . strtok($e['ERROR'], "\n") . '```';
        default:
            return "$e[EVENT]: `$sha` $where";
    }
}

/** A string as a quoted value of a curl config file. */
function bluegreen_curl_quote(string $s): string
{
    return '"' . strtr($s, ['\\' => '\\\\', '"' => '\\"', "\n" => '\\n', "\r" => '\\r', "\t" => '\\t']) . '"';
}

$event = [];
foreach (['EVENT', 'STEP', 'COMMIT', 'PREVIOUS_COMMIT', 'RELEASE', 'PORT', 'DURATION_MS', 'ERROR'] as $k) {
    $event[$k] = $v($k);
}
$body = json_encode(['text' => bluegreen_slack_text($event)], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
$config = 'url = ' . bluegreen_curl_quote($url) . "\n"
    . 'data-binary = ' . bluegreen_curl_quote($body) . "\n"
    . "header = \"Content-Type: application/json\"\n";

// curl from an argv array (no shell), its config on stdin.
$curl = proc_open(['curl', '--fail', '--silent', '--show-error', '--max-time', '10', '--config', '-'],
    [0 => ['pipe', 'r'], 1 => STDOUT, 2 => STDERR], $pipes);
if (!is_resource($curl)) {
    fwrite(STDERR, "slack.php: cannot run curl\n");
    exit(2);
}
fwrite($pipes[0], $config);
fclose($pipes[0]);
exit(proc_close($curl));
