/*
 * Named points where tests make the hook die as if by SIGKILL, to prove that
 * the next run repairs what a crash left behind. Inert unless the variable
 * DNS01_TEST_CRASH_AT names the point.
 */
#ifndef DNS01_CRASHPOINT_H
#define DNS01_CRASHPOINT_H

/* Kills this process with SIGKILL when DNS01_TEST_CRASH_AT equals name. */
void crashpoint(const char *name);

#endif
