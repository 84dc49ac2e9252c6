/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A real Prosody for integration tests: started on 127.0.0.1 with a
 * temporary config and data directory, free ports, and TLS certificates
 * signed by a CA generated for this run. The server is stopped and its
 * directory removed when the handle is freed, and also when the test
 * process dies (a supervising shell gets SIGTERM through PR_SET_PDEATHSIG).
 */

typedef struct _ConfabTestServer ConfabTestServer;

typedef struct {
  /* Mechanisms the server must not offer (mod_saslauth's
   * disable_sasl_mechanisms), e.g. to test PLAIN or -PLUS behaviour. */
  const char * const *disabled_mechanisms;
  /* Restrict the server to TLS 1.2, where Prosody 0.12 offers -PLUS with
   * tls-unique channel binding. */
  gboolean            tls12_only;
} ConfabTestServerOptions;

/* The XMPP domain the test server serves; the certificate is issued for it
 * (and its components), never for 127.0.0.1. */
#define CONFAB_TEST_DOMAIN "confab.test"

/* Starts a server (waits until its ports accept connections). Calls
 * g_test_skip() and returns NULL when Prosody is not installed; any other
 * failure returns NULL with @error. @options may be NULL. */
ConfabTestServer *confab_test_server_start         (const ConfabTestServerOptions *options,
                                                    GError                       **error);
void              confab_test_server_free          (ConfabTestServer              *server);

const char       *confab_test_server_get_domain    (ConfabTestServer              *server);
guint16           confab_test_server_get_port      (ConfabTestServer              *server); /* STARTTLS */
guint16           confab_test_server_get_direct_tls_port (ConfabTestServer        *server); /* XEP-0368 */
guint16           confab_test_server_get_http_port (ConfabTestServer              *server);
/* PEM file of the run's CA, and a GTlsDatabase trusting only it. */
const char       *confab_test_server_get_ca_file   (ConfabTestServer              *server);
GTlsDatabase     *confab_test_server_get_tls_database (ConfabTestServer           *server);
/* The server's leaf certificate (for pinning tests). */
GTlsCertificate  *confab_test_server_get_certificate (ConfabTestServer            *server);
const char       *confab_test_server_get_directory (ConfabTestServer              *server);

/* The generated prosody.cfg.lua, e.g. for running prosodyctl. */
const char       *confab_test_server_get_config_file (ConfabTestServer            *server);
/* Prosody's log so far (debug level), for printing when a test fails.
 * Free with g_free(). */
char             *confab_test_server_get_log       (ConfabTestServer              *server);
/* Prosody's process id (from its pidfile), or 0 if unknown. */
GPid              confab_test_server_get_pid       (ConfabTestServer              *server);

/* Creates localpart@domain with @password through prosodyctl. Creating an
 * existing account succeeds and sets its password to @password (Prosody's
 * internal_plain storage overwrites the record). */
gboolean          confab_test_server_create_account (ConfabTestServer             *server,
                                                     const char                   *localpart,
                                                     const char                   *password,
                                                     GError                      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabTestServer, confab_test_server_free)

G_END_DECLS
