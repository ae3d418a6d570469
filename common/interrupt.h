/*
 * SIGTERM, SIGINT and SIGHUP during a hook: instead of dying with a record
 * left behind, the hook notes the signal, stops waiting, undoes what it
 * created and exits 1.
 */
#ifndef DNS01_INTERRUPT_H
#define DNS01_INTERRUPT_H

/* Installs the handlers (without SA_RESTART, so waits return early). */
void interrupt_install(void);

/* Returns the number of the signal received, or 0. */
int interrupt_pending(void);

#endif
