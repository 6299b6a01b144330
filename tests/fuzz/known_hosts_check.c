/* Exact-behaviour checks of src/git/known_hosts.c: an SSH host key looked up
 * in a known_hosts file the way OpenSSH reads one (patterns, wildcards,
 * negation, [host]:port, @revoked, hashed names), and the messages that say
 * why a key is refused. Run by tests/run.sh and tests/fuzz.sh
 * (tests/fuzz/targets.sh). Ends with "known_hosts: N passed, N failed". */
#include "git/known_hosts.h"

#include "check.h"

#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The server's key in these checks, and its base64 as a file holds it. */
static const unsigned char key[] = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20 thirty-two bytes of key here!";
#define KEY_LEN (sizeof(key) - 1)
#define KEY_B64 "AAAAC3NzaC1lZDI1NTE5AAAAICB0aGlydHktdHdvIGJ5dGVzIG9mIGtleSBoZXJlIQ=="
#define OTHER_B64 "AAAAC3NzaC1lZDI1NTE5AAAAICBhbm90aGVyIGtleSwgbm90IHRoZSBzZXJ2ZXInIQ=="

static char file[64];

/* Writes the known_hosts file of a case. */
static void hosts(const char *text)
{
	FILE *f = fopen(file, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The check of host:port against the file: its result, the message in msg. */
static int check(const char *host, int port, char *msg, size_t size)
{
	bg_error err;
	int rc;

	bg_error_clear(&err);
	rc = bg_known_hosts_check(file, host, port, key, KEY_LEN, &err);
	snprintf(msg, size, "%s", err.msg);
	if (rc != 1 && err.code != BG_ERR_GIT) {
		fprintf(stderr, "    %s: error code %d, not BG_ERR_GIT\n", host, (int) err.code);
		case_failed = 1;
	}
	return rc;
}

static void expect_known(const char *host, int port, int line)
{
	char msg[BG_ERROR_MSG_MAX];

	if (check(host, port, msg, sizeof(msg)) != 1) {
		fprintf(stderr, "    line %d: expected %s:%d known, got: %s\n", line, host, port, msg);
		case_failed = 1;
	}
}

/* Refused with a message that holds `part` (FILE stands for the file's path). */
static void expect_refused(const char *host, int port, const char *want, int line)
{
	char msg[BG_ERROR_MSG_MAX], expanded[BG_ERROR_MSG_MAX], *at;
	int rc = check(host, port, msg, sizeof(msg));

	snprintf(expanded, sizeof(expanded), "%s", want);
	while ((at = strstr(expanded, "FILE"))) {
		char rest[BG_ERROR_MSG_MAX];

		snprintf(rest, sizeof(rest), "%s", at + 4);
		snprintf(at, sizeof(expanded) - (size_t) (at - expanded), "%s%s", file, rest);
	}
	if (rc != 0) {
		fprintf(stderr, "    line %d: expected %s:%d refused, got %d\n", line, host, port, rc);
		case_failed = 1;
	}
	expect_str(msg, expanded, line);
}

#define EXPECT_KNOWN(host, port) expect_known((host), (port), __LINE__)
#define EXPECT_REFUSED(host, port, msg) expect_refused((host), (port), (msg), __LINE__)

#define UNKNOWN(name, keyscan) name " is not in the known_hosts file FILE: add it (ssh-keyscan " keyscan " >> FILE)"
#define MISMATCH(name) "the SSH host key of " name " does not match its entry in FILE: if the server's key really " \
	"changed, replace the entry"

static void plain_entries(void)
{
	hosts("# a comment\n"
		"\n"
		"git.example.com ssh-ed25519 " KEY_B64 " deploy@ci\n"
		"other.example.com ssh-ed25519 " OTHER_B64 "\n"
		"10.0.0.7\tssh-ed25519\t" KEY_B64 "\r\n");
	EXPECT_KNOWN("git.example.com", 22);
	EXPECT_KNOWN("git.example.com", 0);         /* no port: 22 */
	EXPECT_KNOWN("GIT.Example.COM", 22);        /* host names compare without case */
	EXPECT_KNOWN("10.0.0.7", 22);               /* tabs and CRLF */
	EXPECT_REFUSED("other.example.com", 22, MISMATCH("other.example.com"));
	EXPECT_REFUSED("new.example.com", 22, UNKNOWN("new.example.com", "new.example.com"));
	EXPECT_REFUSED("example.com", 22, UNKNOWN("example.com", "example.com"));
	EXPECT_REFUSED("git.example.co", 22, UNKNOWN("git.example.co", "git.example.co"));
}

static void ports(void)
{
	hosts("[git.example.com]:2222 ssh-ed25519 " KEY_B64 "\n"
		"plain.example.com ssh-ed25519 " KEY_B64 "\n");
	EXPECT_KNOWN("git.example.com", 2222);
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com"));
	EXPECT_REFUSED("git.example.com", 2200, UNKNOWN("[git.example.com]:2200", "-p 2200 git.example.com"));
	/* an entry without a port is for port 22 only */
	EXPECT_REFUSED("plain.example.com", 2222, UNKNOWN("[plain.example.com]:2222", "-p 2222 plain.example.com"));
}

static void patterns(void)
{
	hosts("a.example.com,*.example.org,!bad.example.org ssh-ed25519 " KEY_B64 "\n"
		"git?.example.net ssh-ed25519 " KEY_B64 "\n"
		"[*.example.io]:* ssh-ed25519 " KEY_B64 "\n");
	EXPECT_KNOWN("a.example.com", 22);
	EXPECT_KNOWN("good.example.org", 22);
	EXPECT_KNOWN("deep.sub.example.org", 22);   /* '*' spans dots, as OpenSSH's does */
	EXPECT_REFUSED("bad.example.org", 22, UNKNOWN("bad.example.org", "bad.example.org"));
	EXPECT_REFUSED("example.org", 22, UNKNOWN("example.org", "example.org"));
	EXPECT_KNOWN("git1.example.net", 22);
	EXPECT_REFUSED("git.example.net", 22, UNKNOWN("git.example.net", "git.example.net"));
	EXPECT_REFUSED("git12.example.net", 22, UNKNOWN("git12.example.net", "git12.example.net"));
	EXPECT_KNOWN("x.example.io", 2222);
	/* a negation alone matches nothing */
	hosts("!git.example.com ssh-ed25519 " KEY_B64 "\n");
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com"));
	EXPECT_REFUSED("other.example.com", 22, UNKNOWN("other.example.com", "other.example.com"));
}

static void markers(void)
{
	/* @revoked wins over a matching entry, before or after it */
	hosts("git.example.com ssh-ed25519 " KEY_B64 "\n"
		"@revoked * ssh-ed25519 " KEY_B64 "\n");
	EXPECT_REFUSED("git.example.com", 22, "the SSH host key of git.example.com is marked @revoked in FILE");
	/* a revoked other key does not refuse this one */
	hosts("@revoked git.example.com ssh-ed25519 " OTHER_B64 "\n"
		"git.example.com ssh-ed25519 " KEY_B64 "\n");
	EXPECT_KNOWN("git.example.com", 22);
	/* @cert-authority lines are not host keys */
	hosts("@cert-authority git.example.com ssh-ed25519 " KEY_B64 "\n");
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com"));
	/* a marker without the rest of a line */
	hosts("@revoked\n@revoked git.example.com\n");
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com"));
}

static void odd_lines(void)
{
	/* too few fields, a key that is not base64, another entry with the right key */
	hosts("git.example.com\n"
		"git.example.com ssh-ed25519\n"
		"   \t \n"
		"#git.example.com ssh-ed25519 " KEY_B64 "\n");
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com"));
	hosts("git.example.com ssh-ed25519 not*base64!\n");
	EXPECT_REFUSED("git.example.com", 22, MISMATCH("git.example.com"));
	/* what follows the padding is not read */
	hosts("git.example.com ssh-ed25519 " KEY_B64 "trailing\n");
	EXPECT_KNOWN("git.example.com", 22);
	/* a key cut short is another key */
	hosts("git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICB0aGlydHktdHdvIGJ5dGVzIG9mIGtleSBoZXJl\n");
	EXPECT_REFUSED("git.example.com", 22, MISMATCH("git.example.com"));
	/* the same key without its padding decodes the same */
	hosts("git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICB0aGlydHktdHdvIGJ5dGVzIG9mIGtleSBoZXJlIQ\n");
	EXPECT_KNOWN("git.example.com", 22);
	/* no newline at the end */
	hosts("git.example.com ssh-ed25519 " KEY_B64);
	EXPECT_KNOWN("git.example.com", 22);
	hosts("");
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com"));
}

static void hashed(void)
{
	hosts("|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-ed25519 " KEY_B64 "\n");
	EXPECT_REFUSED("git.example.com", 22, UNKNOWN("git.example.com", "git.example.com")
		"; its hashed entries (ssh-keyscan -H) cannot be read here");
}

static void unreadable(void)
{
	char missing[80];
	bg_error err;

	snprintf(missing, sizeof(missing), "%s.missing", file);
	bg_error_clear(&err);
	EXPECT(bg_known_hosts_check(missing, "git.example.com", 22, key, KEY_LEN, &err) < 0);
	EXPECT(err.code == BG_ERR_GIT && strstr(err.msg, "cannot read the known_hosts file")
		&& strstr(err.msg, missing) && strstr(err.msg, "No such file or directory"));
}

/* The bound on a match that never ends: the program stops with a failure. */
static void still_matching(int sig)
{
	static const char msg[] = "    still matching after 2 s: the wildcard match is exponential\n"
		"FAIL wildcards: many stars answer at once\n";

	(void) sig;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* exiting anyway */
	}
	_exit(1);
}

/* CPU seconds spent by this process. */
static double cpu_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static void wildcards_at_once(void)
{
	/* '*' tried at every place, each trying the next '*' at every place
	 * after it, is exponential: 12 stars against a 60-letter host name
	 * would take hours. A pattern's match must stay quick whatever the file
	 * holds. */
	char line[256] = "", host[61];
	double t0;
	int i;

	for (i = 0; i < 12; i++) {
		strcat(line, "*a");
	}
	strcat(line, "*b ssh-ed25519 " KEY_B64 "\n");
	hosts(line);
	memset(host, 'a', 60);
	host[60] = '\0';
	signal(SIGALRM, still_matching);
	alarm(2);
	t0 = cpu_seconds();
	EXPECT_REFUSED(host, 22, UNKNOWN("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	host[59] = 'b';
	EXPECT_KNOWN(host, 22);
	EXPECT(cpu_seconds() - t0 < 0.5);
	alarm(0);
	/* stars and question marks together, and runs of stars */
	hosts("a**?*?**b*c,*??? ssh-ed25519 " KEY_B64 "\n");
	EXPECT_KNOWN("axybzc", 22);
	EXPECT_KNOWN("abc", 22);   /* three characters: the second pattern */
	EXPECT_REFUSED("ab", 22, UNKNOWN("ab", "ab"));
}

int main(void)
{
	static const check_case cases[] = {
		{ "plain entries: host, case, tabs, CRLF, comments", plain_entries },
		{ "ports: [host]:port, and none meaning 22", ports },
		{ "patterns: lists, '*', '?', '!' negation", patterns },
		{ "markers: @revoked wins, @cert-authority skipped", markers },
		{ "odd lines: short, not base64, unpadded, cut, no newline", odd_lines },
		{ "hashed entries: said to be unreadable here", hashed },
		{ "a missing file: -1 naming it", unreadable },
		{ "wildcards: many stars answer at once", wildcards_at_once },
	};
	int fd, rc;

	snprintf(file, sizeof(file), "/tmp/bluegreen-known-hosts-check.XXXXXX");
	if ((fd = mkstemp(file)) < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	rc = run_cases("known_hosts", cases, sizeof(cases) / sizeof(cases[0]));
	unlink(file);
	return rc;
}
