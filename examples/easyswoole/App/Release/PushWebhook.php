<?php
/*
 * What a push webhook (GitHub, Gitea, Forgejo) asks, and what to answer: the
 * decision of App/HttpController/Webhook.php, in plain PHP (no EasySwoole,
 * no Swoole), so that it can be tested on its own.
 *
 * The request is trusted only when its X-Hub-Signature-256 header is
 * "sha256=" and the HMAC-SHA256 of the raw body under the shared secret
 * (GitHub and Gitea both send it; Gitea's own X-Gitea-Signature, the bare
 * hex, is accepted as well), compared in constant time with hash_equals().
 * A push to the deployed branch wakes the releaser; anything else changes
 * nothing. The secret appears in no answer.
 */

namespace App\Release;

final class PushWebhook
{
    /**
     * @param string $secret   the webhook's secret, as set in the forge; '' refuses everything
     * @param string $body     the raw request body, exactly as received
     * @param array  $headers  lower-case header name => value
     * @param string $branch   the branch bluegreen deploys (the options' `branch`)
     * @return array{0: int, 1: string, 2: bool} HTTP status, a one-line answer, whether to wake the releaser
     */
    public static function decide(string $secret, string $body, array $headers, string $branch): array
    {
        if ($secret === '') {
            return [503, 'no webhook secret configured (DEPLOY_WEBHOOK_SECRET): every request is refused', false];
        }
        if (!self::signed($secret, $body, $headers)) {
            return [401, 'missing or wrong X-Hub-Signature-256', false];
        }
        $event = $headers['x-github-event'] ?? $headers['x-gitea-event'] ?? $headers['x-forgejo-event'] ?? '';
        if ($event === 'ping') {
            return [200, 'pong', false];
        }
        if ($event !== 'push') {
            return [202, "ignored: event \"$event\" is not a push", false];
        }
        $ref = self::payload($body, $headers)['ref'] ?? null;
        if ($ref !== "refs/heads/$branch") {
            return [202, 'ignored: a push to ' . (is_string($ref) ? $ref : 'no ref') . ", not to $branch", false];
        }
        return [202, "deploying: $branch was pushed", true];
    }

    /** Whether the body carries a valid HMAC-SHA256 signature under $secret. */
    public static function signed(string $secret, string $body, array $headers): bool
    {
        $expected = hash_hmac('sha256', $body, $secret);
        $given = $headers['x-hub-signature-256'] ?? null;
        if (is_string($given)) {
            return str_starts_with($given, 'sha256=') && hash_equals('sha256=' . $expected, $given);
        }
        $given = $headers['x-gitea-signature'] ?? null;
        return is_string($given) && hash_equals($expected, $given);
    }

    /** The JSON payload: the body itself, or its `payload` field when sent as a form. */
    private static function payload(string $body, array $headers): array
    {
        if (str_starts_with($headers['content-type'] ?? '', 'application/x-www-form-urlencoded')) {
            parse_str($body, $form);
            $body = is_string($form['payload'] ?? null) ? $form['payload'] : '';
        }
        $payload = json_decode($body, true);
        return is_array($payload) ? $payload : [];
    }
}
