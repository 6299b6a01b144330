/* Moved to base/url.h (error messages and log lines are masked as they are
 * made, in base/). Kept so that code written against this path still
 * builds; include "base/url.h". */
#include "base/url.h"
