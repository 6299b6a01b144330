/* Exact-behaviour checks of src/base/url.c: the kind of a remote URL, its port,
 * and the masking of credentials in any text that may hold URLs. Run by
 * tests/run.sh and tests/fuzz.sh (tests/fuzz/targets.sh). Ends with
 * "url: N passed, N failed". */
#include "base/url.h"

#include "check.h"

#include <stdlib.h>

static void expect_kind(const char *url, bg_url_kind want, int line)
{
	bg_url_kind got = bg_url_kind_of(url);

	if (got != want) {
		fprintf(stderr, "    line %d: %s: expected %s, got %s\n", line, url, bg_url_kind_name(want),
			bg_url_kind_name(got));
		case_failed = 1;
	}
}

static void expect_mask(const char *text, const char *want, int line)
{
	char out[512], *dup = bg_url_mask_dup(text);

	expect_str(bg_url_mask(text, out, sizeof(out)), want, line);
	expect_str(dup, want, line);
	free(dup);
}

#define EXPECT_KIND(url, kind) expect_kind((url), (kind), __LINE__)
#define EXPECT_MASK(text, want) expect_mask((text), (want), __LINE__)

static void kinds(void)
{
	EXPECT_KIND("/srv/app/remote.git", BG_URL_LOCAL);
	EXPECT_KIND("../remote.git", BG_URL_LOCAL);
	EXPECT_KIND("remote.git", BG_URL_LOCAL);
	EXPECT_KIND("./a:b", BG_URL_LOCAL);      /* a '/' before the ':': a path */
	EXPECT_KIND("", BG_URL_LOCAL);
	EXPECT_KIND(":x", BG_URL_LOCAL);         /* no host before the ':' */
	EXPECT_KIND("file:///srv/remote.git", BG_URL_FILE);
	EXPECT_KIND("git://127.0.0.1/app.git", BG_URL_GIT);
	EXPECT_KIND("http://example.com/app.git", BG_URL_HTTP);
	EXPECT_KIND("https://user:token@example.com/app.git", BG_URL_HTTPS);
	EXPECT_KIND("ssh://git@example.com:2222/app.git", BG_URL_SSH);
	EXPECT_KIND("git+ssh://example.com/app.git", BG_URL_SSH);
	EXPECT_KIND("ssh+git://example.com/app.git", BG_URL_SSH);
	EXPECT_KIND("git@github.com:owner/app.git", BG_URL_SSH);
	EXPECT_KIND("example.com:app.git", BG_URL_SSH);
	EXPECT_KIND("ftp://example.com/app.git", BG_URL_OTHER);
	EXPECT_KIND("HTTPS://example.com/app.git", BG_URL_OTHER);  /* schemes compare exactly */
	EXPECT_STR(bg_url_kind_name(BG_URL_LOCAL), "local path");
	EXPECT_STR(bg_url_kind_name(BG_URL_SSH), "ssh");
	EXPECT_STR(bg_url_kind_name((bg_url_kind) 99), "other");
}

static void ports(void)
{
	EXPECT(bg_url_port("ssh://git@example.com:2222/app.git", 22) == 2222);
	EXPECT(bg_url_port("ssh://example.com/app.git", 22) == 22);
	EXPECT(bg_url_port("ssh://example.com:/app.git", 22) == 22);      /* empty port */
	EXPECT(bg_url_port("ssh://example.com:0/app.git", 22) == 22);     /* out of range */
	EXPECT(bg_url_port("ssh://example.com:65535/x", 22) == 65535);
	EXPECT(bg_url_port("ssh://example.com:65536/x", 22) == 22);
	EXPECT(bg_url_port("ssh://example.com:-1/x", 22) == 22);
	EXPECT(bg_url_port("ssh://[::1]:2200/app.git", 22) == 2200);
	EXPECT(bg_url_port("ssh://[::1]/app.git", 22) == 22);             /* the colons of IPv6 */
	EXPECT(bg_url_port("ssh://[fe80::1%25eth0]/x", 22) == 22);
	/* the user's password is not the port */
	EXPECT(bg_url_port("https://user:secret@example.com/app.git", 443) == 443);
	EXPECT(bg_url_port("https://user:1234@example.com:8443/app.git", 443) == 8443);
	EXPECT(bg_url_port("https://example.com/path:99", 443) == 443);   /* after the authority */
	EXPECT(bg_url_port("https://example.com?q=:99", 443) == 443);
	EXPECT(bg_url_port("git@example.com:app.git", 22) == 22);         /* scp-style: no port */
	EXPECT(bg_url_port("/srv/app.git", 7) == 7);
	EXPECT(bg_url_port("ssh://", 22) == 22);
}

static void masks(void)
{
	EXPECT_MASK("https://user:secret@example.com/app.git", "https://user:***@example.com/app.git");
	EXPECT_MASK("https://token@example.com/app.git", "https://***@example.com/app.git");
	EXPECT_MASK("http://a:b@h", "http://a:***@h");
	EXPECT_MASK("https://example.com/app.git", "https://example.com/app.git");
	/* an SSH user name is no secret; an SSH password is */
	EXPECT_MASK("ssh://git@example.com/app.git", "ssh://git@example.com/app.git");
	EXPECT_MASK("git+ssh://git@example.com/x", "git+ssh://git@example.com/x");
	EXPECT_MASK("ssh://git:pw@example.com/x", "ssh://git:***@example.com/x");
	/* a scheme that merely ends in ssh is not SSH */
	EXPECT_MASK("xssh://tok@example.com/x", "xssh://***@example.com/x");
	/* the last '@' ends the user information: an '@' in the password */
	EXPECT_MASK("https://u:p@ss@example.com/x", "https://u:***@example.com/x");
	/* an '@' after the authority is the path's */
	EXPECT_MASK("https://example.com/a@b", "https://example.com/a@b");
	EXPECT_MASK("https://example.com?x=a@b", "https://example.com?x=a@b");
	/* inside a message: every URL, quotes and spaces end one */
	EXPECT_MASK("git clone 'https://u:p@h/x' into \"https://t@h2\" failed",
		"git clone 'https://u:***@h/x' into \"https://***@h2\" failed");
	EXPECT_MASK("a https://u:p@h\tb https://v:q@k\nc", "a https://u:***@h\tb https://v:***@k\nc");
	EXPECT_MASK("<https://u:p@h>", "<https://u:***@h>");
	/* text with no URL, or with "://" alone */
	EXPECT_MASK("", "");
	EXPECT_MASK("no url here @ all", "no url here @ all");
	EXPECT_MASK("://@", "://***@");
	EXPECT_MASK(":// x@y", ":// x@y");
	/* a password that is empty, a user that is */
	EXPECT_MASK("https://u:@h/x", "https://u:***@h/x");
	EXPECT_MASK("https://:p@h/x", "https://:***@h/x");
}

static void mask_truncates(void)
{
	static const char url[] = "https://user:secret@example.com/app.git";
	char out[64];
	size_t size;

	/* a small buffer holds a prefix of the masked text, never the secret */
	for (size = 1; size <= sizeof(out); size++) {
		memset(out, 'Z', sizeof(out));
		bg_url_mask(url, out, size);
		EXPECT(strlen(out) < size);
		EXPECT(strncmp(out, "https://user:***@example.com/app.git", strlen(out)) == 0);
		EXPECT(!strstr(out, "secret") && !strstr(out, "sec"));
	}
	/* size 0 writes nothing */
	out[0] = 'Z';
	bg_url_mask(url, out, 0);
	EXPECT(out[0] == 'Z');
}

static void mask_error(void)
{
	bg_error err;

	bg_error_set(&err, BG_ERR_GIT, "cannot fetch https://deploy:s3cret@git.example.com/app.git: 401");
	bg_url_mask_error(&err);
	EXPECT_STR(err.msg, "cannot fetch https://deploy:***@git.example.com/app.git: 401");
	EXPECT(err.code == BG_ERR_GIT);
}

static void mask_dup_grows(void)
{
	/* every URL's user part becoming "***": the worst growth the size allows */
	char text[400], want[800], *dup;
	size_t i;

	text[0] = want[0] = '\0';
	for (i = 0; i < 50; i++) {
		strcat(text, "a://@");
		strcat(want, "a://***@");
	}
	dup = bg_url_mask_dup(text);
	EXPECT_STR(dup, want);
	free(dup);
}

int main(void)
{
	static const check_case cases[] = {
		{ "kind: local, file, git, http(s), ssh, scp-style, other", kinds },
		{ "port: the authority's, else the default", ports },
		{ "mask: passwords and tokens, not SSH user names", masks },
		{ "mask: a small buffer holds a prefix, never the secret", mask_truncates },
		{ "mask: an error message in place", mask_error },
		{ "mask: the malloc'd copy fits the growth", mask_dup_grows },
	};

	return run_cases("url", cases, sizeof(cases) / sizeof(cases[0]));
}
