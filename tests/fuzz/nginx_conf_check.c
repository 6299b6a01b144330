/* Exact-behaviour checks of src/nginx/nginx_conf.c, run by tests/fuzz.sh before the
 * fuzzer. Plain C: each case is a function; a failed expectation prints what
 * differs and marks the case failed. Ends with "nginx_conf: N passed, N failed". */
#include "nginx/nginx_conf.h"

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int pair[2] = { 9501, 9502 };

/* The rewrite of conf to `port` on 127.0.0.1, or NULL with the error shown. */
static char *rewrite(const char *conf, const char *upstream, int port)
{
	bg_error err;
	char *out;
	size_t len;

	bg_error_clear(&err);
	if (bg_nginx_conf_rewrite(conf, strlen(conf), "t.conf", upstream, "127.0.0.1", pair, port, &out,
			&len, &err) < 0) {
		fprintf(stderr, "    rewrite failed: %s\n", err.msg);
		case_failed = 1;
		return NULL;
	}
	EXPECT(strlen(out) == len);
	return out;
}

/* find on 127.0.0.1 must fail with exactly this message. */
static void expect_find_error(const char *conf, const char *upstream, const char *msg, int line)
{
	bg_nginx_upstream u;
	bg_error err;

	bg_error_clear(&err);
	if (bg_nginx_conf_find(conf, strlen(conf), "t.conf", upstream, "127.0.0.1", pair, &u, &err) == 0) {
		fprintf(stderr, "    line %d: expected the error %s, got success\n", line, msg);
		case_failed = 1;
		bg_nginx_upstream_free(&u);
		return;
	}
	expect(err.code == BG_ERR_NGINX, "err.code == BG_ERR_NGINX", line);
	expect(u.servers == NULL && u.n == 0, "an empty upstream on failure", line);
	expect_str(err.msg, msg, line);
}

#define EXPECT_FIND_ERROR(conf, upstream, msg) expect_find_error((conf), (upstream), (msg), __LINE__)

static size_t count_changed_lines(const char *a, const char *b)
{
	size_t changed = 0;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0) {
			changed++;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	return changed;
}

static const char article[] =
	"worker_processes  1;\n"
	"events {\n"
	"    worker_connections  1024;\n"
	"}\n"
	"http {\n"
	"    include       mime.types;\n"
	"    default_type  application/octet-stream;\n"
	"    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '\n"
	"                      '$status $body_bytes_sent \"$http_referer\" '\n"
	"                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';\n"
	"    sendfile        on;\n"
	"    keepalive_timeout  65;\n"
	"    # Polling configuration (here's the point)\n"
	"    upstream  easyswoole.relase.com {\n"
	"           server    127.0.0.1:9501;\n"
	"    }\n"
	"    server {\n"
	"        listen       8080;\n"
	"        server_name  localhost;\n"
	"    }\n"
	"    include servers/*;\n"
	"}\n";

static void article_changes_one_line(void)
{
	char *out = rewrite(article, "easyswoole.relase.com", 9502);

	if (!out) {
		return;
	}
	EXPECT(count_changed_lines(article, out) == 1);
	EXPECT(strstr(out, "\n           server    127.0.0.1:9502;\n") != NULL);
	free(out);
}

static void article_find(void)
{
	bg_nginx_upstream u;
	bg_error err;

	bg_error_clear(&err);
	EXPECT(bg_nginx_conf_find(article, strlen(article), "t.conf", "easyswoole.relase.com", "localhost",
		pair, &u, &err) == 0);
	EXPECT(u.line == 14 && u.n == 1);
	if (u.n == 1) {
		EXPECT(u.servers[0].line == 15 && u.servers[0].port == 9501 && u.servers[0].port_len == 4);
		EXPECT(memcmp(article + u.servers[0].port_off, "9501;\n    }", 11) == 0);
	}
	bg_nginx_upstream_free(&u);
}

static void only_the_named_upstream_changes(void)
{
	static const char conf[] =
		"# 9501 is the live port; 127.0.0.1:9501\n"
		"http {\n"
		"    log_format main '\"127.0.0.1:9501\" $upstream_addr';\n"
		"    access_log /var/log/9501.log main;\n"
		"    upstream other { server 127.0.0.1:9501; }\n"
		"    upstream backend {\n"
		"        server 127.0.0.1:9501 weight=5 max_fails=3 fail_timeout=10s; # was 9501\n"
		"        server 127.0.0.1:9501 backup;\n"
		"    }\n"
		"    server {\n"
		"        listen 9501;\n"
		"        server_name \"9501\";\n"
		"        location / { proxy_pass http://127.0.0.1:9501; }\n"
		"    }\n"
		"}\n";
	static const char want[] =
		"# 9501 is the live port; 127.0.0.1:9501\n"
		"http {\n"
		"    log_format main '\"127.0.0.1:9501\" $upstream_addr';\n"
		"    access_log /var/log/9501.log main;\n"
		"    upstream other { server 127.0.0.1:9501; }\n"
		"    upstream backend {\n"
		"        server 127.0.0.1:9502 weight=5 max_fails=3 fail_timeout=10s; # was 9501\n"
		"        server 127.0.0.1:9502 backup;\n"
		"    }\n"
		"    server {\n"
		"        listen 9501;\n"
		"        server_name \"9501\";\n"
		"        location / { proxy_pass http://127.0.0.1:9501; }\n"
		"    }\n"
		"}\n";
	char *out = rewrite(conf, "backend", 9502);

	EXPECT_STR(out, want);
	free(out);
}

static void which_servers_match(void)
{
	static const char conf[] =
		"upstream backend {\n"
		"    server 127.0.0.1:9501 weight=5;\n"     /* 2: yes */
		"    server 10.0.0.1:9501;\n"               /* other host */
		"    server unix:/tmp/9501.sock;\n"
		"    server 127.0.0.1;\n"                   /* port 80 */
		"    server localhost:9502 backup;\n"       /* 6: yes */
		"    server [::1]:9501 max_fails=3;\n"      /* 7: yes */
		"    server \"127.0.0.1:9501\" down;\n"     /* 8: yes */
		"    server 127.0.0.1:09501;\n"             /* leading zero */
		"    server 127.0.0.1:95010;\n"
		"    server 127.0.0.1:9503;\n"
		"    server 127.0.0.2:9501;\n"
		"    zone backend 64k;\n"
		"    server 127.0.0.1:9501/x;\n"
		"}\n";
	static const int lines[] = { 2, 6, 7, 8 }, ports[] = { 9501, 9502, 9501, 9501 };
	bg_nginx_upstream u;
	bg_error err;
	size_t i;

	bg_error_clear(&err);
	EXPECT(bg_nginx_conf_find(conf, strlen(conf), "t.conf", "backend", "127.0.0.1", pair, &u, &err) == 0);
	EXPECT(u.line == 1 && u.n == 4);
	for (i = 0; i < u.n && i < 4; i++) {
		EXPECT(u.servers[i].line == lines[i] && u.servers[i].port == ports[i]);
		EXPECT(u.servers[i].port_len == 4 && memcmp(conf + u.servers[i].port_off, i == 1 ? "9502" : "9501", 4) == 0);
	}
	EXPECT(u.n == 4 && u.servers[1].backup && !u.servers[1].down && u.servers[3].down && !u.servers[0].backup);
	bg_nginx_upstream_free(&u);
}

static void other_hosts_match_exactly(void)
{
	static const char conf[] =
		"upstream backend {\n"
		"    server 127.0.0.1:9501;\n"
		"    server 10.0.0.5:9501;\n"
		"    server [fd00::5]:9502;\n"
		"}\n";
	bg_nginx_upstream u;
	bg_error err;

	bg_error_clear(&err);
	EXPECT(bg_nginx_conf_find(conf, strlen(conf), "t.conf", "backend", "10.0.0.5", pair, &u, &err) == 0);
	EXPECT(u.n == 1 && u.servers[0].line == 3);
	bg_nginx_upstream_free(&u);
	EXPECT(bg_nginx_conf_find(conf, strlen(conf), "t.conf", "backend", "fd00::5", pair, &u, &err) == 0);
	EXPECT(u.n == 1 && u.servers[0].line == 4 && u.servers[0].port == 9502);
	bg_nginx_upstream_free(&u);
	EXPECT(bg_nginx_conf_find(conf, strlen(conf), "t.conf", "backend", "[fd00::5]", pair, &u, &err) == 0);
	EXPECT(u.n == 1 && u.servers[0].line == 4);
	bg_nginx_upstream_free(&u);
	EXPECT(bg_nginx_conf_find(conf, strlen(conf), "t.conf", "backend", "[::1]", pair, &u, &err) == 0);
	EXPECT(u.n == 1 && u.servers[0].line == 2);
	bg_nginx_upstream_free(&u);
}

static void only_direct_servers_count(void)
{
	static const char conf[] =
		"http {\n"
		"    upstream backend {\n"
		"        server 127.0.0.1:9501;\n"
		"        match x { server 127.0.0.1:9501; }\n"
		"    }\n"
		"    server { server 127.0.0.1:9501; }\n"
		"    server 127.0.0.1:9501;\n"
		"}\n";
	bg_nginx_upstream u;
	bg_error err;

	bg_error_clear(&err);
	EXPECT(bg_nginx_conf_find(conf, strlen(conf), "t.conf", "backend", "127.0.0.1", pair, &u, &err) == 0);
	EXPECT(u.n == 1 && u.servers[0].line == 3);
	bg_nginx_upstream_free(&u);
}

static void quoted_addresses_keep_their_quotes(void)
{
	static const char conf[] =
		"upstream backend {\n"
		"    server \"127.0.0.1:9501\" weight=2;\n"
		"    server 'localhost:9501';\n"
		"    server \"[::1]:9501\"; # \"9501\"\n"
		"}\n";
	static const char want[] =
		"upstream backend {\n"
		"    server \"127.0.0.1:10000\" weight=2;\n"
		"    server 'localhost:10000';\n"
		"    server \"[::1]:10000\"; # \"9501\"\n"
		"}\n";
	char *out = rewrite(conf, "backend", 10000);

	EXPECT_STR(out, want);
	free(out);
}

static void tokenizer_quirks(void)
{
	static const char conf[] =
		"map $x $y { default a#b; }\n"                  /* '#' inside a word is no comment */
		"location / { set $a ${b}; return 200 \"${a}\"; if ($a = \"b\") { return 404; } }\n"
		"log_format main \"a \\\" upstream backend { server 127.0.0.1:9502; } \\\"\";\n"
		"x a\\;b\\ c;\r\n"                               /* escaped ';' and space, CRLF */
		"upstream Backend { server 127.0.0.1:9501; }\n"  /* names ignore case, as nginx's */
		"y '\\'';\n";
	static const char want[] =
		"map $x $y { default a#b; }\n"
		"location / { set $a ${b}; return 200 \"${a}\"; if ($a = \"b\") { return 404; } }\n"
		"log_format main \"a \\\" upstream backend { server 127.0.0.1:9502; } \\\"\";\n"
		"x a\\;b\\ c;\r\n"
		"upstream Backend { server 127.0.0.1:80; }\n"
		"y '\\'';\n";
	char *out = rewrite(conf, "backend", 80);

	EXPECT_STR(out, want);
	free(out);
}

static void binary_bytes_are_kept(void)
{
	static const char conf[] = "# \0\xff\n a\0b \"\0\"; upstream u {\n\tserver 127.0.0.1:9501;\n}\n\xfe";
	bg_error err;
	char *out;
	size_t len;

	bg_error_clear(&err);
	EXPECT(bg_nginx_conf_rewrite(conf, sizeof(conf) - 1, "t.conf", "u", "127.0.0.1", pair, 9502, &out,
		&len, &err) == -1);
	EXPECT_STR(err.msg, "t.conf:5: unexpected end of file, expecting \";\" or \"}\"");
	EXPECT(bg_nginx_conf_rewrite(conf, sizeof(conf) - 2, "t.conf", "u", "127.0.0.1", pair, 9502, &out,
		&len, &err) == 0);
	EXPECT(len == sizeof(conf) - 2 && memcmp(out, conf, 46) == 0 && memcmp(out + 46, "9502", 4) == 0
		&& memcmp(out + 50, conf + 50, len - 50) == 0);
	free(out);
}

static void error_messages(void)
{
	EXPECT_FIND_ERROR("http {\n  upstream other { server 127.0.0.1:9501; }\n}\n", "backend",
		"t.conf: upstream \"backend\" not found");
	EXPECT_FIND_ERROR("upstream backend { server 127.0.0.1:9501; }\nhttp {\n\n  upstream BACKEND {\n  }\n}\n",
		"backend", "t.conf:4: upstream \"backend\" is defined twice (first at line 1)");
	EXPECT_FIND_ERROR("\nupstream backend {\n  server 127.0.0.1:9503;\n  server 10.0.0.1:9501;\n}\n", "backend",
		"t.conf:2: upstream \"backend\" has no server on 127.0.0.1 at port 9501 or 9502");
	EXPECT_FIND_ERROR("upstream backend;\nupstream backend x { server 127.0.0.1:9501; }\n", "backend",
		"t.conf: upstream \"backend\" not found");
	EXPECT_FIND_ERROR("events {}\nhttp {\n  upstream backend {\n    server 127.0.0.1:9501;\n  }\n", "backend",
		"t.conf:2: unbalanced braces");
	EXPECT_FIND_ERROR("upstream backend {\n  server 127.0.0.1:9501;\n}\n}\n", "backend",
		"t.conf:4: unexpected \"}\"");
	EXPECT_FIND_ERROR("location / {\n  return 200 ok}\n}\n", "backend", "t.conf:3: unexpected \"}\"");
	EXPECT_FIND_ERROR("upstream backend {\n  server 127.0.0.1:9501;\n  log_format x \"a\n\nb;\n}\n", "backend",
		"t.conf:3: unterminated string");
	EXPECT_FIND_ERROR("a 'b\\'c;\n", "backend", "t.conf:1: unterminated string");
	EXPECT_FIND_ERROR("a \"b\"c;\n", "backend", "t.conf:1: unexpected \"c\"");
	EXPECT_FIND_ERROR("a 'b'}\n", "backend", "t.conf:1: unexpected \"}\"");
	EXPECT_FIND_ERROR("a \"b\"\x01;\n", "backend", "t.conf:1: unexpected byte 0x01");
	EXPECT_FIND_ERROR("a;\n;\n", "backend", "t.conf:2: unexpected \";\"");
	EXPECT_FIND_ERROR("{ a; }\n", "backend", "t.conf:1: unexpected \"{\"");
	EXPECT_FIND_ERROR("upstream backend {\n  server 127.0.0.1:9501\n", "backend",
		"t.conf:2: unexpected end of file, expecting \";\" or \"}\"");
	EXPECT_FIND_ERROR("a b\\", "backend", "t.conf:1: unexpected end of file, expecting \";\" or \"}\"");
}

static void rewrite_refuses_a_bad_port(void)
{
	bg_error err;
	char *out;
	size_t len;

	bg_error_clear(&err);
	EXPECT(bg_nginx_conf_rewrite(article, strlen(article), "t.conf", "easyswoole.relase.com", "127.0.0.1",
		pair, 65536, &out, &len, &err) == -1);
	EXPECT(err.code == BG_ERR_VALUE && out == NULL);
}

static char active_error[BG_ERROR_MSG_MAX];

/* The active port of upstream b on localhost, or -1 with the message in active_error. */
static int active_port_of(const char *conf)
{
	bg_error err;
	int port;

	bg_error_clear(&err);
	if (bg_nginx_conf_active_port(conf, strlen(conf), "t.conf", "b", "localhost", pair, &port, &err) < 0) {
		strcpy(active_error, err.msg);
		return -1;
	}
	return port;
}

static void active_port(void)
{
	EXPECT(active_port_of("upstream b { server 127.0.0.1:9502; }") == 9502);
	EXPECT(active_port_of("upstream b { server 127.0.0.1:9501 backup; server [::1]:9502; }") == 9502);
	EXPECT(active_port_of("upstream b { server 127.0.0.1:9501 down; server localhost:9502 weight=3; "
		"server 127.0.0.1:9501; }") == 9502);
	EXPECT(active_port_of("upstream b { server 127.0.0.1:9501 backup; server localhost:9502 down; }") == 9501);
	EXPECT(active_port_of("\nupstream b { server 127.0.0.1:9503; }") == -1);
	EXPECT_STR(active_error, "t.conf:2: upstream \"b\" has no server on localhost at port 9501 or 9502");
}

/* The value (NULL when absent) or, when rc is set to -1, the error message. */
static char *main_directive(const char *conf, const char *name, int *rc)
{
	bg_error err;
	char *value;

	bg_error_clear(&err);
	*rc = bg_nginx_conf_main_directive(conf, strlen(conf), "t.conf", name, &value, &err);
	if (*rc < 0) {
		EXPECT(value == NULL && err.code == BG_ERR_NGINX);
		return strdup(err.msg);
	}
	return value;
}

static void expect_main_directive(const char *conf, const char *name, int want_rc, const char *want, int line)
{
	int rc;
	char *got = main_directive(conf, name, &rc);

	expect(rc == want_rc, want_rc ? "a failure" : "a success", line);
	if (want) {
		expect_str(got, want, line);
	} else {
		expect(got == NULL, "no value", line);
	}
	free(got);
}

#define EXPECT_MAIN(conf, name, rc, want) expect_main_directive((conf), (name), (rc), (want), __LINE__)

static void main_directives(void)
{
	EXPECT_MAIN("user www-data;\npid /run/nginx.pid;\nevents {}\n", "pid", 0, "/run/nginx.pid");
	EXPECT_MAIN("pid \"/tmp/a b.pid\";\n", "pid", 0, "/tmp/a b.pid");
	EXPECT_MAIN("# pid /x;\nhttp { pid /y; }\npid '/tmp/it\\'s.pid';\npid /second;\n", "pid", 0,
		"/tmp/it's.pid");
	EXPECT_MAIN("error_log /var/log/nginx/error.log warn;\n", "error_log", 0, "/var/log/nginx/error.log");
	EXPECT_MAIN("user www-data;\nhttp { pid /y; }\n", "pid", 0, NULL);
	EXPECT_MAIN("pids /x;\n", "pid", 0, NULL);
	EXPECT_MAIN("user www-data;\npid;\n", "pid", -1, "t.conf:2: invalid number of arguments in \"pid\" directive");
	EXPECT_MAIN("pid /run/nginx.pid;\nhttp {\n", "pid", -1, "t.conf:2: unbalanced braces");
}

static char *canary_of(const char *conf, int port, int weight, bg_error *err)
{
	char *out = NULL;
	size_t len;

	bg_error_clear(err);
	bg_nginx_conf_canary(conf, strlen(conf), "t.conf", "app", "127.0.0.1", pair, port, weight, &out, &len, err);
	return out;
}

static void canary_there_and_back(void)
{
	static const char conf[] = "http {\n\tupstream app {\n\t\tserver \"127.0.0.1:9501\" max_fails=3; # live\n"
		"\t\tkeepalive 8;\n\t}\n\tserver { listen 127.0.0.1:9501; }\n}\n";
	bg_error err;
	char *canary = canary_of(conf, 9502, 10, &err), *back = NULL;
	size_t len;
	int from = 0;

	EXPECT_STR(canary, "http {\n\tupstream app {\n\t\tserver \"127.0.0.1:9501\" max_fails=3 weight=90;\n"
		"\t\tserver \"127.0.0.1:9502\" max_fails=3 weight=10; # live\n"
		"\t\tkeepalive 8;\n\t}\n\tserver { listen 127.0.0.1:9501; }\n}\n");
	if (!canary) {
		return;
	}
	EXPECT(bg_nginx_conf_uncanary(canary, strlen(canary), "t.conf", "app", "127.0.0.1", pair, 9501, &from, &back,
		&len, &err) == 0);
	EXPECT_STR(back, conf);
	EXPECT(from == 9502);
	free(back);
	EXPECT(bg_nginx_conf_uncanary(canary, strlen(canary), "t.conf", "app", "127.0.0.1", pair, 9502, &from, &back,
		&len, &err) == 0);
	EXPECT_STR(back, "http {\n\tupstream app {\n\t\tserver \"127.0.0.1:9502\" max_fails=3; # live\n"
		"\t\tkeepalive 8;\n\t}\n\tserver { listen 127.0.0.1:9501; }\n}\n");
	EXPECT(from == 9501);
	free(back);
	/* A plain config is not a canary: the caller switches it as usual. */
	EXPECT(bg_nginx_conf_uncanary(conf, strlen(conf), "t.conf", "app", "127.0.0.1", pair, 9502, &from, &back,
		&len, &err) == 1 && back == NULL);
	free(canary);
}

static void canary_refusals(void)
{
	bg_error err;
	char *out;

	out = canary_of("upstream app { server 127.0.0.1:9501 weight=3; }\n", 9502, 10, &err);
	EXPECT(out == NULL);
	EXPECT_STR(err.msg, "t.conf:1: the server entry has a weight already; a canary sets the weights itself (remove it)");
	out = canary_of("upstream app {\n server 127.0.0.1:9501;\n server 127.0.0.1:9501 backup;\n}\n", 9502, 10, &err);
	EXPECT(out == NULL);
	EXPECT_STR(err.msg, "t.conf:1: upstream \"app\" has 2 server entries on the pair's ports; a canary needs exactly one");
	out = canary_of("upstream app { server 127.0.0.1:9502; }\n", 9502, 10, &err);
	EXPECT(out == NULL);
	EXPECT_STR(err.msg, "t.conf:1: the upstream points to port 9502 already");
	out = canary_of("upstream app { server 127.0.0.1:9501; }\n", 9502, 100, &err);
	EXPECT(out == NULL && err.code == BG_ERR_VALUE);
}

int main(void)
{
	static const check_case cases[] = {
		{ "the article's config: one line changes", article_changes_one_line },
		{ "the article's config: find", article_find },
		{ "only the named upstream changes", only_the_named_upstream_changes },
		{ "which servers match", which_servers_match },
		{ "other hosts match exactly", other_hosts_match_exactly },
		{ "only servers directly in the upstream", only_direct_servers_count },
		{ "quoted addresses keep their quotes", quoted_addresses_keep_their_quotes },
		{ "tokenizer quirks", tokenizer_quirks },
		{ "binary bytes are kept", binary_bytes_are_kept },
		{ "error messages", error_messages },
		{ "rewrite refuses a bad port", rewrite_refuses_a_bad_port },
		{ "active port", active_port },
		{ "main context directives", main_directives },
		{ "a canary there and back", canary_there_and_back },
		{ "a canary refused", canary_refusals },
	};
	return run_cases("nginx_conf", cases, sizeof(cases) / sizeof(cases[0]));
}
