/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors of the core layer (accounts, secrets, history), one named code for
 * every case, never 0. */
#define CONFAB_CORE_ERROR (confab_core_error_quark ())

typedef enum {
  CONFAB_CORE_ERROR_DATABASE = 1,        /* SQLite failed (message has its text) */
  CONFAB_CORE_ERROR_DATABASE_CORRUPT,    /* integrity check failed */
  CONFAB_CORE_ERROR_DATABASE_TOO_NEW,    /* written by a newer Confab */
  CONFAB_CORE_ERROR_NOT_FOUND,           /* no such message, account, secret */
  CONFAB_CORE_ERROR_DUPLICATE,           /* already stored (dedup hit) */
  CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE, /* no Secret Service on the bus */
  CONFAB_CORE_ERROR_KEYRING_LOCKED,      /* the user did not unlock it */
  CONFAB_CORE_ERROR_INVALID,             /* bad input from the caller */
} ConfabCoreError;

GQuark confab_core_error_quark (void);

G_END_DECLS
