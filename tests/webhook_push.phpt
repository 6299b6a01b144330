--TEST--
examples/easyswoole: the push webhook's check (X-Hub-Signature-256, HMAC-SHA256 with hash_equals) accepts a valid signature and refuses a wrong or missing one; the controller wakes the releaser only for a signed push to the deployed branch
--EXTENSIONS--
bluegreen
--SKIPIF--
<?php if (!is_dir(__DIR__ . '/../examples')) die('skip no examples/ beside tests/'); ?>
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
$ex = realpath(__DIR__ . '/../examples/easyswoole');
require "$ex/App/Release/PushWebhook.php";
use App\Release\PushWebhook;

$secret = 'It\'s a Secret to Everybody';
$push = json_encode(['ref' => 'refs/heads/master', 'after' => str_repeat('a', 40)]);
$sign = fn (string $body, string $key = null) => 'sha256=' . hash_hmac('sha256', $body, $key ?? $secret);
$show = function (string $what, array $headers, string $body = null, string $key = null, string $branch = 'master') use ($secret, $push) {
    [$status, $message, $wake] = PushWebhook::decide($key ?? $secret, $body ?? $push, $headers, $branch);
    printf("%-44s %d %s%s\n", "$what:", $status, $message, $wake ? ' [wake]' : '');
};

echo "-- the signature\n";
// GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
echo "GitHub's documented test vector: ", var_export(PushWebhook::signed($secret, 'Hello, World!',
    ['x-hub-signature-256' => 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17']), true), "\n";
$show('valid, a push to master', ['x-github-event' => 'push', 'x-hub-signature-256' => $sign($push)]);
$show('wrong (another secret)', ['x-github-event' => 'push', 'x-hub-signature-256' => $sign($push, 'guess')]);
$show('wrong (the body changed)', ['x-github-event' => 'push', 'x-hub-signature-256' => $sign($push . ' ')]);
$show('wrong (sha1= prefix)', ['x-github-event' => 'push', 'x-hub-signature-256' => 'sha1=' . hash_hmac('sha256', $push, $secret)]);
$show('wrong (no prefix)', ['x-github-event' => 'push', 'x-hub-signature-256' => hash_hmac('sha256', $push, $secret)]);
$show('wrong (empty)', ['x-github-event' => 'push', 'x-hub-signature-256' => '']);
$show('missing', ['x-github-event' => 'push']);
$show('Gitea\'s X-Gitea-Signature, valid', ['x-gitea-event' => 'push', 'x-gitea-signature' => hash_hmac('sha256', $push, $secret)]);
$show('Gitea\'s X-Gitea-Signature, wrong', ['x-gitea-event' => 'push', 'x-gitea-signature' => str_repeat('0', 64)]);
$show('no secret configured', ['x-github-event' => 'push', 'x-hub-signature-256' => hash_hmac('sha256', $push, '')], null, '');

echo "-- what a signed request asks\n";
$show('ping', ['x-github-event' => 'ping', 'x-hub-signature-256' => $sign($push)]);
$show('an issue event', ['x-github-event' => 'issues', 'x-hub-signature-256' => $sign($push)]);
$show('a push to another branch', ['x-github-event' => 'push', 'x-hub-signature-256' => $sign($push)], null, null, 'production');
$form = http_build_query(['payload' => $push]);
$show('a push sent as a form', ['x-github-event' => 'push', 'content-type' => 'application/x-www-form-urlencoded',
    'x-hub-signature-256' => $sign($form)], $form);
$show('a body that is not JSON', ['x-github-event' => 'push', 'x-hub-signature-256' => $sign('{')], '{');
echo "the secret in any answer: ", var_export(str_contains(implode(' ', array_column([
    PushWebhook::decide($secret, $push, [], 'master'), PushWebhook::decide($secret, $push, ['x-github-event' => 'push',
    'x-hub-signature-256' => $sign($push)], 'master')], 1)), 'Secret'), true), "\n";

echo "-- the controller, with EasySwoole's request and response stood in for\n";
$box = bg_sandbox('webhook_push');
$options = bg_min_options($box, ['branch' => 'master']);
file_put_contents("$box/bluegreen.php", '<?php return ' . var_export($options, true) . ';');
define('EASYSWOOLE_ROOT', $box);
eval('namespace EasySwoole\Http\AbstractInterface;
abstract class Controller {
    public $req, $res;
    public function request() { return $this->req; }
    public function response() { return $this->res; }
}');
final class FakeBody { public function __construct(private string $s) {} public function __toString(): string { return $this->s; } }
final class FakeRequest {
    public function __construct(private string $method, private array $headers, private string $body) {}
    public function getMethod() { return $this->method; }
    public function getHeaders() { return array_map(fn ($v) => [$v], $this->headers); }
    public function getBody() { return new FakeBody($this->body); }
}
final class FakeResponse {
    public int $status = 200; public string $out = '';
    public function withStatus($code) { $this->status = $code; return $this; }
    public function withHeader($name, $value) { return $this; }
    public function write($s) { $this->out .= $s; return true; }
}
require "$ex/App/HttpController/Webhook.php";
$wakes = "$box/releases/.bluegreen/wake";
$r = new BlueGreen\Releaser($options);
$call = function (string $method, array $headers, string $body) use ($wakes, $r) {
    @unlink($wakes);
    $c = new App\HttpController\Webhook();
    $c->req = new FakeRequest($method, $headers, $body);
    $c->res = new FakeResponse();
    $c->index();
    printf("  %d %s, releaser woken: %s\n", $c->res->status, trim($c->res->out), var_export($r->woken(), true));
};
putenv("DEPLOY_WEBHOOK_SECRET=$secret");
$call('POST', ['X-GitHub-Event' => 'push', 'X-Hub-Signature-256' => $sign($push), 'Content-Type' => 'application/json'], $push);
$call('POST', ['X-GitHub-Event' => 'push', 'X-Hub-Signature-256' => $sign($push, 'guess')], $push);
$call('POST', ['X-GitHub-Event' => 'push'], $push);
$call('GET', [], '');
putenv('DEPLOY_WEBHOOK_SECRET');
$call('POST', ['X-GitHub-Event' => 'push', 'X-Hub-Signature-256' => $sign($push)], $push);
bg_rmrf($box);
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('webhook_push'));
?>
--EXPECT--
-- the signature
GitHub's documented test vector: true
valid, a push to master:                     202 deploying: master was pushed [wake]
wrong (another secret):                      401 missing or wrong X-Hub-Signature-256
wrong (the body changed):                    401 missing or wrong X-Hub-Signature-256
wrong (sha1= prefix):                        401 missing or wrong X-Hub-Signature-256
wrong (no prefix):                           401 missing or wrong X-Hub-Signature-256
wrong (empty):                               401 missing or wrong X-Hub-Signature-256
missing:                                     401 missing or wrong X-Hub-Signature-256
Gitea's X-Gitea-Signature, valid:            202 deploying: master was pushed [wake]
Gitea's X-Gitea-Signature, wrong:            401 missing or wrong X-Hub-Signature-256
no secret configured:                        503 no webhook secret configured (DEPLOY_WEBHOOK_SECRET): every request is refused
-- what a signed request asks
ping:                                        200 pong
an issue event:                              202 ignored: event "issues" is not a push
a push to another branch:                    202 ignored: a push to refs/heads/master, not to production
a push sent as a form:                       202 deploying: master was pushed [wake]
a body that is not JSON:                     202 ignored: a push to no ref, not to master
the secret in any answer: false
-- the controller, with EasySwoole's request and response stood in for
  202 deploying: master was pushed, releaser woken: true
  401 missing or wrong X-Hub-Signature-256, releaser woken: false
  401 missing or wrong X-Hub-Signature-256, releaser woken: false
  405 POST only, releaser woken: false
  503 no webhook secret configured (DEPLOY_WEBHOOK_SECRET): every request is refused, releaser woken: false