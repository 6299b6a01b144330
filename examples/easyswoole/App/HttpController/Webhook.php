<?php
/*
 * POST /webhook: a push goes live without waiting for the 30 s poll. Point the
 * forge's push webhook here (GitHub: Settings > Webhooks, content type
 * application/json; Gitea: the same, "Gitea" or "GitHub" kind), with a secret,
 * and give the service that secret as DEPLOY_WEBHOOK_SECRET in its environment
 * (never in the repository). App/Release/PushWebhook.php checks the
 * X-Hub-Signature-256 signature (HMAC-SHA256 of the body, hash_equals) and the
 * branch; a push to the deployed branch calls the releaser's wake(): the
 * Release process (or `bluegreen run` under systemd) ticks at once.
 *
 * EasySwoole 3.x routes /webhook to Webhook::index() by itself: copy this file
 * to App/HttpController/ and PushWebhook.php to App/Release/. The worker
 * answering writes releases_dir/.bluegreen/wake, so it runs as the user
 * bluegreen runs as (the service's own user, for the Release process).
 */

namespace App\HttpController;

use App\Release\PushWebhook;
use EasySwoole\Http\AbstractInterface\Controller;

class Webhook extends Controller
{
    public function index()
    {
        $request = $this->request();
        if ($request->getMethod() !== 'POST') {
            $this->answer(405, 'POST only');
            return;
        }
        $headers = [];
        foreach ($request->getHeaders() as $name => $values) {
            $headers[strtolower($name)] = implode(', ', (array) $values);
        }
        $options = require EASYSWOOLE_ROOT . '/bluegreen.php';
        [$status, $message, $wake] = PushWebhook::decide((string) getenv('DEPLOY_WEBHOOK_SECRET'),
            $request->getBody()->__toString(), $headers, $options['branch'] ?? 'master');
        if ($wake) {
            try {
                (new \BlueGreen\Releaser($options))->wake();
            } catch (\Throwable $e) {
                [$status, $message] = [500, 'cannot wake the releaser: ' . $e->getMessage()];
            }
        }
        $this->answer($status, $message);
    }

    private function answer(int $status, string $message): void
    {
        $this->response()->withStatus($status);
        $this->response()->withHeader('Content-Type', 'text/plain; charset=utf-8');
        $this->response()->write($message . "\n");
    }
}
