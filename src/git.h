/* bluegreen core: everything done with libgit2. */
#ifndef BG_GIT_H
#define BG_GIT_H

/* Whether `branch` can name refs/heads/<branch>. */
int bg_git_branch_name_valid(const char *branch);

#endif
