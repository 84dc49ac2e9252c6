/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Account passwords, kept only in the Secret Service (through libsecret; in a
 * Flatpak sandbox libsecret may use its own encrypted file unlocked through
 * the Secret portal instead). Confab never writes a password anywhere else and
 * never falls back to a plain file: without a keyring, the operations fail.
 *
 * Items use the schema "im.confab.Confab.Account" with the attributes
 * "jid" (the normalized bare JID) and "kind" ("password"); they are stored in
 * the default collection with the label "Confab password for <jid>".
 *
 * Every JID given to the store is parsed and normalized (RFC 7622) and only
 * its bare part is used, so "Juliet@Example.COM/balcony" and
 * "juliet@example.com" name the same secret.
 *
 * Errors (CONFAB_CORE_ERROR):
 *   _INVALID              the JID is not valid, or the password is empty or
 *                         not UTF-8
 *   _NOT_FOUND            lookup: no password is stored for the JID
 *   _KEYRING_UNAVAILABLE  no session bus, no Secret Service on it, or the
 *                         service failed or did not answer
 *   _KEYRING_LOCKED       the keyring is locked and the user did not unlock
 *                         it (the prompt was dismissed or could not be shown),
 *                         or there is no default keyring and none was created
 * and G_IO_ERROR_CANCELLED when @cancellable was cancelled.
 */

#define CONFAB_TYPE_SECRET_STORE (confab_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (ConfabSecretStore, confab_secret_store, CONFAB, SECRET_STORE, GObject)

ConfabSecretStore *confab_secret_store_new           (void);

/* Stores @password for @jid, replacing the one stored before. May show a
 * keyring prompt (unlock, or create the default keyring). */
void      confab_secret_store_save_async    (ConfabSecretStore    *self,
                                             const char           *jid,
                                             const char           *password,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean  confab_secret_store_save_finish   (ConfabSecretStore    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Looks up the password of @jid; may show an unlock prompt. */
void      confab_secret_store_lookup_async  (ConfabSecretStore    *self,
                                             const char           *jid,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
/* Returns the password, to be freed with confab_secret_free() (it wipes the
 * memory; g_free() must not be used), or NULL with @error set
 * (CONFAB_CORE_ERROR_NOT_FOUND when none is stored). */
char     *confab_secret_store_lookup_finish (ConfabSecretStore    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Removes the password of @jid from every collection. Removing a password
 * that is not stored succeeds; a match in a keyring that stays locked fails
 * with CONFAB_CORE_ERROR_KEYRING_LOCKED. */
void      confab_secret_store_remove_async  (ConfabSecretStore    *self,
                                             const char           *jid,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean  confab_secret_store_remove_finish (ConfabSecretStore    *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Zeroes and frees a password returned by confab_secret_store_lookup_finish().
 * NULL is allowed. */
void      confab_secret_free                (char                 *secret);

G_END_DECLS
