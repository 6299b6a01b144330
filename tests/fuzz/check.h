/* The small harness of the check programs (tests/fuzz/NAME_check.c): each case
 * is a function that reports what it expected and did not get; the program
 * prints one line per case and "<suite>: N passed, N failed" at the end. */
#ifndef BG_CHECK_H
#define BG_CHECK_H

#include <stdio.h>
#include <string.h>

static int case_failed;

#define EXPECT(cond) expect((cond), #cond, __LINE__)
#define EXPECT_STR(got, want) expect_str((got), (want), __LINE__)

__attribute__((unused)) static void expect(int ok, const char *what, int line)
{
	if (!ok) {
		fprintf(stderr, "    line %d: expected %s\n", line, what);
		case_failed = 1;
	}
}

__attribute__((unused)) static void expect_str(const char *got, const char *want, int line)
{
	if (!got || strcmp(got, want) != 0) {
		fprintf(stderr, "    line %d: expected\n---\n%s\n--- got\n%s\n---\n", line, want,
			got ? got : "(null)");
		case_failed = 1;
	}
}

typedef struct {
	const char *name;
	void (*run)(void);
} check_case;

/* Runs every case; the exit status of the program. */
static int run_cases(const char *suite, const check_case *cases, size_t n)
{
	int passed = 0, failed = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);   /* in order with the details on stderr, even into a file */
	for (i = 0; i < n; i++) {
		case_failed = 0;
		cases[i].run();
		printf("%s %s\n", case_failed ? "FAIL" : "ok  ", cases[i].name);
		if (case_failed) {
			failed++;
		} else {
			passed++;
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

#endif
