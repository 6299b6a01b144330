--TEST--
The example EasySwoole controller serves the report page behind a token: off (404) without BLUEGREEN_REPORT_TOKEN, 403 for a wrong or missing token, the page for the right one (Bearer header or ?token=), with a strict Content-Security-Policy
--EXTENSIONS--
bluegreen
--FILE--
<?php
require __DIR__ . '/inc/common.inc';
require __DIR__ . '/inc/git.inc';
$ex = realpath(__DIR__ . '/../examples/easyswoole');
$box = bg_sandbox('report-controller');
$git = bg_git_setup($box);
// The project's root as the controller's header says: the options file, the renderer beside the process.
$root = $git['root'];
@mkdir("$root/App/Release", 0755, true);
copy(__DIR__ . '/../bin/bluegreen-report.php', "$root/App/Release/bluegreen-report.php");
file_put_contents("$root/bluegreen.php", "<?php\nreturn " . var_export(bg_min_options($box, ['root' => $root]), true) . ";\n");
// One refused rollback, so that the history has a line.
try { (new BlueGreen\Releaser(require "$root/bluegreen.php"))->rollback(); } catch (BlueGreen\Exception $e) {}

define('EASYSWOOLE_ROOT', $root);
require __DIR__ . '/fixtures/easyswoole_stubs.php';
require "$ex/App/HttpController/Report.php";
$get = function (array $query = [], array $headers = []) {
    $c = new App\HttpController\Report(new EasySwoole\Http\Request($query, $headers));
    $c->index();
    return $c->response();
};
$token = bin2hex(random_bytes(12));

putenv('BLUEGREEN_REPORT_TOKEN');
echo "no token set: ", $get(['token' => 'x'])->status, "\n";
putenv("BLUEGREEN_REPORT_TOKEN=$token");
echo "no token given: ", $get()->status, "\n";
echo "a wrong token: ", $get([], ['authorization' => "Bearer {$token}x"])->status, "\n";
$res = $get([], ['authorization' => "Bearer $token"]);
echo "Bearer: ", $res->status, ', ', $res->headers['Content-Type'], ', CSP ', $res->headers['Content-Security-Policy'], "\n";
echo "the page: ", var_export(str_starts_with($res->body, '<!DOCTYPE html>') && str_contains($res->body, '<svg id="timeline"')
    && str_contains($res->body, 'data-result="refused"'), true), "\n";
echo "?token=: ", $get(['token' => $token])->status, "\n";
?>
--CLEAN--
<?php
require __DIR__ . '/inc/common.inc';
bg_rmrf(bg_sandbox_path('report-controller'));
?>
--EXPECT--
no token set: 404
no token given: 403
a wrong token: 403
Bearer: 200, text/html; charset=utf-8, CSP default-src 'none'; style-src 'unsafe-inline'
the page: true
?token=: 200
