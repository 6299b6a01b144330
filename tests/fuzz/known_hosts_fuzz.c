/* libFuzzer target for src/git/known_hosts.c; tests/fuzz.sh builds and runs it.
 *
 * The input is a known_hosts file (in a memfd, read through its /proc/self/fd
 * path as the module reads a file), asked about one of a few hosts, with and
 * without a port, chosen by the input's length. The properties checked:
 *   - the answer is 1, or 0 with a BG_ERR_GIT message that names the host as
 *     ssh writes it (host, or [host]:port) and the file; never -1 (the file
 *     is readable);
 *   - the answer is the same asked twice (nothing is kept between calls);
 *   - with a line for that host and key appended, the key is known, unless
 *     the answer says the key is @revoked. */
#include "git/known_hosts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define REQUIRE(cond) require((cond), #cond, __LINE__)

static void require(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "known_hosts_fuzz.c:%d: property broken: %s\n", line, what);
		abort();
	}
}

static const unsigned char key[] = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20 thirty-two bytes of key here!";
#define KEY_B64 "AAAAC3NzaC1lZDI1NTE5AAAAICB0aGlydHktdHdvIGJ5dGVzIG9mIGtleSBoZXJlIQ=="

static int fd = -1;
static char path[64];

static void put_file(const uint8_t *data, size_t size, const char *more)
{
	REQUIRE(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
	REQUIRE(size == 0 || write(fd, data, size) == (ssize_t) size);
	REQUIRE(!more || write(fd, more, strlen(more)) == (ssize_t) strlen(more));
}

static int ask(const char *host, int port, bg_error *err)
{
	bg_error_clear(err);
	return bg_known_hosts_check(path, host, port, key, sizeof(key) - 1, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "git.example.com", "10.0.0.7", "fd00::7", "a" };
	const char *host = hosts[size % 4];
	int port = size / 4 % 2 ? 2222 : 22, rc;
	char name[64], line[160];
	bg_error err, again;

	if (fd < 0) {
		REQUIRE((fd = memfd_create("known_hosts", MFD_CLOEXEC)) >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (port == 22) {
		snprintf(name, sizeof(name), "%s", host);
	} else {
		snprintf(name, sizeof(name), "[%s]:%d", host, port);
	}

	put_file(data, size, NULL);
	rc = ask(host, port, &err);
	REQUIRE(rc == 0 || rc == 1);
	if (rc == 0) {
		REQUIRE(err.code == BG_ERR_GIT && strstr(err.msg, name) && strstr(err.msg, path));
	}
	REQUIRE(ask(host, port, &again) == rc && strcmp(again.msg, err.msg) == 0);

	snprintf(line, sizeof(line), "\n%s ssh-ed25519 %s\n", name, KEY_B64);
	put_file(data, size, line);
	rc = ask(host, port, &err);
	REQUIRE(rc == 1 || (rc == 0 && strstr(err.msg, " is marked @revoked in ")));
	return 0;
}
