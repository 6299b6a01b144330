/* Exact-behaviour checks of src/app/portfile.c: which numbers of a port file
 * (dev.php) are the ports of the pair, the rewrite, the file written in place,
 * and a port file that leads outside its release. Run by tests/run.sh and
 * tests/fuzz.sh (tests/fuzz/targets.sh). Ends with "portfile: N passed, N failed". */
#include "app/portfile.h"

#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const int pair[2] = { 9501, 9502 };

/* The rewrite of `in` to `port`: `want`, with `count` replacements. */
static void expect_rewrite(const char *in, int port, const char *want, int count, int line)
{
	char *out = NULL;
	size_t len = 0;
	int n = -1;

	if (bg_portfile_rewrite(in, strlen(in), pair, port, &out, &len, &n) < 0) {
		expect(0, "bg_portfile_rewrite() to succeed", line);
		return;
	}
	expect_str(out, want, line);
	expect(len == strlen(want), "out_len == strlen(want)", line);
	expect(n == count, "the count of replacements", line);
	free(out);
}

#define EXPECT_REWRITE(in, port, want, count) expect_rewrite((in), (port), (want), (count), __LINE__)
#define NAMES(s, port) bg_portfile_names((s), strlen(s), (port))

static void rewrite_standalone_numbers(void)
{
	EXPECT_REWRITE("'PORT' => 9501,", 9502, "'PORT' => 9502,", 1);
	EXPECT_REWRITE("'PORT' => 9502,", 9501, "'PORT' => 9501,", 1);
	/* EasySwoole's dev.php with the variable read first */
	EXPECT_REWRITE("'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: 9501),", 9502,
		"'PORT' => (int)(getenv('BLUEGREEN_PORT') ?: 9502),", 1);
	/* both ports of the pair, wherever they stand */
	EXPECT_REWRITE("a 9501 b 9502 c\n9501", 9502, "a 9502 b 9502 c\n9502", 3);
	/* already on the target: rewritten to itself, and counted */
	EXPECT_REWRITE("9502", 9502, "9502", 1);
	/* at the very start and end, next to punctuation */
	EXPECT_REWRITE("9501", 9502, "9502", 1);
	EXPECT_REWRITE("x:9501;", 9502, "x:9502;", 1);
	EXPECT_REWRITE("v9501v", 9502, "v9502v", 1);
}

static void rewrite_leaves_other_numbers(void)
{
	/* digits around it make another number */
	EXPECT_REWRITE("95010 19501 195010", 9502, "95010 19501 195010", 0);
	/* a leading zero is not the port */
	EXPECT_REWRITE("09501 009502", 9501, "09501 009502", 0);
	/* a run too long for a port, even one ending in it */
	EXPECT_REWRITE("123456789019501", 9502, "123456789019501", 0);
	/* a decimal point does not join numbers: 9501.5 holds 9501 */
	EXPECT_REWRITE("9501.5", 9502, "9502.5", 1);
	EXPECT_REWRITE("1.9501", 9502, "1.9502", 1);
	/* the other numbers of a config file */
	EXPECT_REWRITE("'WORKER_NUM' => 8, 'MAX_REQUEST' => 5000,", 9502,
		"'WORKER_NUM' => 8, 'MAX_REQUEST' => 5000,", 0);
	EXPECT_REWRITE("", 9502, "", 0);
}

static void rewrite_keeps_bytes(void)
{
	static const char in[] = "a\0" "9501\0b\xff\n";
	static const char want[] = "a\0" "9502\0b\xff\n";
	char *out = NULL;
	size_t len = 0;
	int n = 0;

	/* NUL bytes and non-UTF-8 bytes pass through: the length is what counts */
	EXPECT(bg_portfile_rewrite(in, sizeof(in) - 1, pair, 9502, &out, &len, &n) == 0);
	EXPECT(out && len == sizeof(want) - 1 && memcmp(out, want, len) == 0 && out[len] == '\0');
	EXPECT(n == 1);
	free(out);
}

static void rewrite_to_a_longer_port(void)
{
	static const int small[2] = { 1, 2 };
	char *out = NULL;
	size_t len = 0;
	int n = 0;

	/* one digit each becoming five: the output grows fivefold */
	EXPECT(bg_portfile_rewrite("1,2,1,2", 7, small, 65535, &out, &len, &n) == 0);
	EXPECT_STR(out, "65535,65535,65535,65535");
	EXPECT(n == 4 && len == 23);
	free(out);
}

static void names(void)
{
	EXPECT(NAMES("'PORT' => 9501,", 9501));
	EXPECT(!NAMES("'PORT' => 9501,", 9502));
	EXPECT(!NAMES("'PORT' => 95012,", 9501));
	EXPECT(!NAMES("'PORT' => 09501,", 9501));
	EXPECT(NAMES("x 123 9502", 9502));
	EXPECT(!NAMES("", 9501));
	/* the number itself, not its digits in a longer number */
	EXPECT(!NAMES("99999999999999999999", 9999));
}

/* A sandbox directory under /tmp, removed by the caller. */
static char *sandbox(void)
{
	char *dir = strdup("/tmp/bluegreen-portfile-check.XXXXXX");

	return dir && mkdtemp(dir) ? dir : NULL;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *get(const char *dir, const char *name)
{
	static char buf[4096];
	char path[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r"))) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void remove_tree(const char *dir)
{
	static const char *const names[] = { "dev.php", "none.php", "link.php", "outside.php", "ro.php" };
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/rel/%s", dir, names[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/rel", dir);
	rmdir(path);
	rmdir(dir);
}

static void set_in_place(void)
{
	char *dir = sandbox(), path[512];
	bg_error err;

	if (!dir) {
		EXPECT(!"a sandbox directory");
		return;
	}
	put(dir, "dev.php", "<?php return ['PORT' => 9501, 'HOST' => '127.0.0.1'];\n");
	snprintf(path, sizeof(path), "%s/dev.php", dir);
	bg_error_clear(&err);
	EXPECT(bg_portfile_set(path, pair, 9502, &err) == 0);
	EXPECT_STR(get(dir, "dev.php"), "<?php return ['PORT' => 9502, 'HOST' => '127.0.0.1'];\n");
	/* already set: a success, the file as it was */
	EXPECT(bg_portfile_set(path, pair, 9502, &err) == 0);
	EXPECT_STR(get(dir, "dev.php"), "<?php return ['PORT' => 9502, 'HOST' => '127.0.0.1'];\n");

	/* neither port: a config error naming the file, the ports and the option; the file untouched */
	put(dir, "none.php", "<?php return ['PORT' => 8080];\n");
	snprintf(path, sizeof(path), "%s/none.php", dir);
	EXPECT(bg_portfile_set(path, pair, 9502, &err) < 0);
	EXPECT(err.code == BG_ERR_CONFIG);
	EXPECT(strstr(err.msg, path) && strstr(err.msg, "names neither port 9501 nor 9502")
		&& strstr(err.msg, "`port_files`"));
	EXPECT_STR(get(dir, "none.php"), "<?php return ['PORT' => 8080];\n");

	/* a missing file: a config error that says "port file" and names it */
	snprintf(path, sizeof(path), "%s/missing.php", dir);
	bg_error_clear(&err);
	EXPECT(bg_portfile_set(path, pair, 9502, &err) < 0);
	EXPECT(err.code == BG_ERR_CONFIG && strncmp(err.msg, "port file", 9) == 0 && strstr(err.msg, path));
	remove_tree(dir);
	free(dir);
}

static void locate(void)
{
	char *dir = sandbox(), rel[512], target[512], *path = (char *) "unset";
	bg_error err;

	if (!dir) {
		EXPECT(!"a sandbox directory");
		return;
	}
	snprintf(rel, sizeof(rel), "%s/rel", dir);
	mkdir(rel, 0755);
	put(rel, "dev.php", "9501");
	put(dir, "outside.php", "9501");
	snprintf(target, sizeof(target), "%s/outside.php", dir);
	snprintf(rel, sizeof(rel), "%s/rel/link.php", dir);
	EXPECT(symlink(target, rel) == 0);
	snprintf(rel, sizeof(rel), "%s/rel", dir);
	bg_error_clear(&err);

	/* inside: found, the resolved path */
	EXPECT(bg_portfile_locate(rel, "dev.php", &path, BG_ERR_START, &err) == 1);
	EXPECT(path && strstr(path, "/rel/dev.php"));
	free(path);
	/* missing: 0, no path, no error */
	path = (char *) "unset";
	EXPECT(bg_portfile_locate(rel, "Config/none.php", &path, BG_ERR_START, &err) == 0);
	EXPECT(path == NULL && err.code == BG_OK);
	/* a symlink out of the release: refused with the caller's code, naming both */
	EXPECT(bg_portfile_locate(rel, "link.php", &path, BG_ERR_START, &err) < 0);
	EXPECT(path == NULL && err.code == BG_ERR_START);
	EXPECT(strstr(err.msg, "\"link.php\"") && strstr(err.msg, "outside the release") && strstr(err.msg, target));
	/* and a relative path that climbs out */
	bg_error_clear(&err);
	EXPECT(bg_portfile_locate(rel, "../outside.php", &path, BG_ERR_CONFIG, &err) < 0);
	EXPECT(path == NULL && err.code == BG_ERR_CONFIG && strstr(err.msg, "outside the release"));

	/* the list: fails on the first that leads outside */
	{
		char *good[] = { (char *) "dev.php", (char *) "Config/none.php", NULL };
		char *bad[] = { (char *) "dev.php", (char *) "link.php", NULL };

		bg_error_clear(&err);
		EXPECT(bg_portfiles_check(good, rel, BG_ERR_CONFIG, &err) == 0);
		EXPECT(bg_portfiles_check(NULL, rel, BG_ERR_CONFIG, &err) == 0);
		EXPECT(bg_portfiles_check(bad, rel, BG_ERR_CONFIG, &err) < 0 && strstr(err.msg, "\"link.php\""));
	}
	remove_tree(dir);
	free(dir);
}

int main(void)
{
	static const check_case cases[] = {
		{ "rewrite: standalone numbers of the pair", rewrite_standalone_numbers },
		{ "rewrite: other numbers left alone", rewrite_leaves_other_numbers },
		{ "rewrite: every byte kept, NULs included", rewrite_keeps_bytes },
		{ "rewrite: to a port with more digits", rewrite_to_a_longer_port },
		{ "names: the port as a number of its own", names },
		{ "set: the file rewritten, or an error naming it", set_in_place },
		{ "locate: inside, missing, outside", locate },
	};

	return run_cases("portfile", cases, sizeof(cases) / sizeof(cases[0]));
}
