/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-history-store.h"
#include "xmpp-test-util.h"

G_BEGIN_DECLS

/* Shared by the UI tests (run under tools/with-session: Xvfb, a private
 * D-Bus session and gnome-keyring). The real widgets run in-process on the
 * real core; the server is tests/harness's Prosody (xmpp_test_start_server:
 * alice, bob, carol with password "secret-<name>"). */

/* g_test_init + gtk_init + adw_init; GSK_RENDERER=cairo (no GPU here). */
void                  ui_test_init            (int    *argc,
                                               char ***argv);

/* A throwaway profile: database, history store, secret store and account
 * manager (trusting the test server's CA), like the application's. */
typedef struct {
  char                 *dir;
  ConfabDatabase       *database;
  ConfabHistoryStore   *history;
  ConfabSecretStore    *secrets;
  ConfabAccountManager *manager;
} UiTestProfile;

UiTestProfile        *ui_test_profile_new     (void);
void                  ui_test_profile_free    (UiTestProfile *profile);
/* Adds localpart@confab.test (password from xmpp_test_password()) on the
 * test server and waits until it is online; asserts on failure. */
ConfabAccount        *ui_test_profile_add_account (UiTestProfile *profile,
                                                   const char    *localpart);

/* Iterates the default main context until @predicate returns TRUE or
 * @seconds pass; returns the predicate's last answer. */
gboolean              ui_test_wait_until      (gboolean     (*predicate) (gpointer data),
                                               gpointer       data,
                                               guint          seconds);
/* Lets GTK lay out and draw pending frames (about @ms milliseconds). */
void                  ui_test_settle          (guint          ms);

/* The first descendant of @root (depth first) of @type whose
 * gtk_widget_get_name() or buildable id is @name (NULL: any), or NULL. */
GtkWidget            *ui_test_find_widget     (GtkWidget     *root,
                                               GType          type,
                                               const char    *name);
/* The first GtkLabel/GtkInscription/GtkEditable descendant of @root whose
 * text contains @text, or NULL. */
GtkWidget            *ui_test_find_text       (GtkWidget     *root,
                                               const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UiTestProfile, ui_test_profile_free)

G_END_DECLS
