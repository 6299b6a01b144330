/* Preloaded before libasan by tests/asan.sh: PHP opens extensions with
 * RTLD_DEEPBIND, which AddressSanitizer refuses ("incompatible with
 * sanitizer runtime"); this dlopen() drops the flag and calls the real one. */
#include <dlfcn.h>

void *dlopen(const char *file, int flags)
{
	static void *(*real)(const char *, int);

	if (!real) {
		real = (void *(*)(const char *, int)) dlsym(RTLD_NEXT, "dlopen");
	}
	return real(file, flags & ~RTLD_DEEPBIND);
}
