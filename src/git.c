#include "git.h"
#include "strv.h"

#include <git2.h>
#include <stdlib.h>

int bg_git_branch_name_valid(const char *branch)
{
	char *ref = bg_asprintf("refs/heads/%s", branch);
	int valid = 0;

	if (ref && git_reference_name_is_valid(&valid, ref) < 0) {
		valid = 0;
	}
	free(ref);
	return valid;
}
